"""Keys generated once per install into the state folder.

A key the environment does not give is read from a file in ``RDCL_VAR``; the first process
that needs it writes it there (mode 0600) with an atomic ``link``, so processes starting
together (server, Celery workers) agree on one key and a restart keeps it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def key_file(path: Path, make: Callable[[], str]) -> str:
    """The key stored in ``path``; when the file does not exist, ``make()`` is written there first.

    The file is created 0600 (owner read/write only) and never rewritten.

    :raises OSError: the folder is not writable, or the file is not readable.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(make() + "\n")
            with contextlib.suppress(FileExistsError):  # another process made the key first
                os.link(tmp, path)  # atomic
        finally:
            os.unlink(tmp)
    return path.read_text().strip()
