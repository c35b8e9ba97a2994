"""Private state on disk: files 0600, folders 0700, whichever process starts first.

:func:`restrict` is called by the settings, which every process (``manage.py``, the WSGI
server, Celery workers) loads before it writes anything: it sets the process umask to
``077`` (what the process creates is its user's alone: the SQLite database and its
journals, keys, git repositories, job folders) and takes group and other permissions
off what an older install already created at the top of ``RDCL_VAR``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

UMASK = 0o077
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")


def _private(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            return
        if stat.S_IMODE(mode) & 0o077:
            path.chmod(stat.S_IMODE(mode) & 0o700)
    except OSError:  # gone, or not ours: nothing to take away
        pass


def restrict(var_dir: Path, files: Iterable[Path] = (), folders: Iterable[Path] = ()) -> None:
    """Umask ``077`` for this process; ``var_dir``, its top-level entries, ``folders`` and
    ``files`` (with SQLite's ``-journal``/``-wal``/``-shm`` beside them) lose every group
    and other permission bit (0755 -> 0700, 0644 -> 0600). Not recursive: deeper entries
    were created under this umask, or are reached only through a 0700 folder."""
    os.umask(UMASK)
    entries = [Path(var_dir)] + (sorted(Path(var_dir).iterdir()) if Path(var_dir).is_dir() else [])
    for path in [*entries, *map(Path, folders)]:
        _private(path)
    for path in map(Path, files):
        for side in ("", *SQLITE_SIDE_FILES):
            _private(path.with_name(path.name + side))
