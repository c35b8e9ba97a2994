"""Whether a path lies inside a folder: the one rule for imports, git remotes and job checkouts."""

from __future__ import annotations

import os


def within(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """True when ``path`` is ``root`` or lies below it, compared as given (both already
    normalised or resolved by the caller: no ``..``, links followed where that matters).

    ``within("/srv/git/a", "/srv/git")`` is True, ``within("/srv/gitx", "/srv/git")`` False;
    ``root`` ``/`` holds every absolute path.
    """
    path, root = os.fspath(path), os.fspath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
