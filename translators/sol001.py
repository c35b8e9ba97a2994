"""The ETSI GS NFV-SOL 001 type files, local copies found by name and by forge URL.

SOL 001 descriptors import ``etsi_nfv_sol001_common_types.yaml``,
``etsi_nfv_sol001_vnfd_types.yaml``, ``etsi_nfv_sol001_nsd_types.yaml``, ... either by
relative name (SOL 004 packages often carry them beside the descriptor) or by their
forge URL, ``https://forge.etsi.org/rep/nfv/SOL001/raw/<version>/<file>``. Nothing is
ever downloaded: the copies live in folders laid out ``<folder>/<version>/<file>``:

1. the folders of ``RDCL_SOL001_PATH`` (``os.pathsep``-separated), in order;
2. :data:`DEFAULT_FOLDER` (``var/sol001`` of the checkout), which ``scripts/setup`` fills
   from a pinned wheel of the package index (``scripts/sol001_types.py``).

:func:`local_defs` maps every spelling of the URL of every copy found (tosca-parser's
``local_defs``); :func:`by_name` gives the copy a relative import names when the
descriptor's folder lacks it: version :data:`DEFAULT_VERSION` (``RDCL_SOL001_VERSION``).
Pure Python.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

ENV = "RDCL_SOL001_PATH"
DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "var" / "sol001"
#: The version a type file imported by bare name resolves to when nothing beside it has it.
DEFAULT_VERSION = os.environ.get("RDCL_SOL001_VERSION", "v2.6.1")
FILE_NAME = re.compile(r"^etsi_nfv_sol001_\w+\.yaml$")
WELL_KNOWN = re.compile(
    r"^https?://forge\.etsi\.org/rep/nfv/sol001/(?:-/)?raw/(?P<version>[^/]+)/(?P<file>etsi_nfv_sol001_\w+\.yaml)$",
    re.IGNORECASE,
)


def well_known(url: str) -> tuple[str, str] | None:
    """``(version, file name)`` of a forge.etsi.org SOL 001 type-file URL, else None."""
    match = WELL_KNOWN.match(url)
    return (match["version"], match["file"]) if match else None


def folders(extra: tuple[str | Path, ...] = ()) -> list[Path]:
    """Folders searched, in order: ``extra``, ``RDCL_SOL001_PATH``, :data:`DEFAULT_FOLDER`."""
    env = [p for p in os.environ.get(ENV, "").split(os.pathsep) if p]
    return [Path(p) for p in [*extra, *env]] + [DEFAULT_FOLDER]


def find(version: str, name: str, extra: tuple[str | Path, ...] = ()) -> Path | None:
    """The local copy of type file ``name`` of ``version`` (``v2.6.1``): the first of
    ``<folder>/<version>/<name>`` over :func:`folders`; None when there is none."""
    if not FILE_NAME.match(name) or "/" in version or version in ("", ".", ".."):
        return None
    for folder in folders(extra):
        candidate = folder / version / name
        if candidate.is_file():
            return candidate
    return None


def by_name(name: str) -> Path | None:
    """The copy a bare-name import (``etsi_nfv_sol001_common_types.yaml``) stands for:
    :data:`DEFAULT_VERSION`'s; None for other names or when there is no copy."""
    return find(DEFAULT_VERSION, name) if FILE_NAME.match(name) else None


def available() -> dict[str, list[str]]:
    """``{version: [file names]}`` of every copy found in :func:`folders`."""
    out: dict[str, set[str]] = {}
    for folder in folders():
        if not folder.is_dir():
            continue
        for version in sorted(p for p in folder.iterdir() if p.is_dir()):
            names = {f.name for f in version.iterdir() if f.is_file() and FILE_NAME.match(f.name)}
            if names:
                out.setdefault(version.name, set()).update(names)
    return {v: sorted(n) for v, n in sorted(out.items())}


def local_defs() -> dict[str, str]:
    """tosca-parser ``local_defs`` for every copy found: each spelling of its forge URL
    (``https``/``http``, ``SOL001``/``sol001``, with and without ``-/``) -> local path."""
    return dict(_local_defs(os.environ.get(ENV, ""), str(DEFAULT_FOLDER)))


@cache
def _local_defs(env: str, default: str) -> tuple[tuple[str, str], ...]:
    del env, default  # the cache key: a changed RDCL_SOL001_PATH or default folder is read again
    out = []
    for version, names in available().items():
        for name in names:
            path = find(version, name)
            if path is None:
                continue
            for scheme in ("https", "http"):
                for repo in ("SOL001", "sol001"):
                    for dash in ("", "-/"):
                        out.append((f"{scheme}://forge.etsi.org/rep/nfv/{repo}/{dash}raw/{version}/{name}", str(path)))
    return tuple(out)
