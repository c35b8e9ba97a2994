"""The ETSI GS NFV-SOL 001 type files, found locally for their well-known URLs.

SOL 001 descriptors import ``etsi_nfv_sol001_common_types.yaml``,
``etsi_nfv_sol001_vnfd_types.yaml``, ``etsi_nfv_sol001_nsd_types.yaml``, ... either by
relative path (they then resolve beside the file, as in a SOL 004 package) or by their
forge.etsi.org URL (``https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/<file>``). For the
URL form :func:`find_type_file` looks for the file, version folder first:

1. beside the descriptor: ``<dir>/<version>/<file>``, ``<dir>/<file>``;
2. inside the CSAR being validated (any member with that file name);
3. in each folder of ``RDCL_SOL001_PATH`` (``os.pathsep``-separated) or given by the
   caller: ``<folder>/<version>/<file>``, ``<folder>/<file>``.

Nothing is ever downloaded.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

ENV = "RDCL_SOL001_PATH"
WELL_KNOWN = re.compile(
    r"^https?://forge\.etsi\.org/rep/nfv/sol001/(?:-/)?raw/(?P<version>[^/]+)/(?P<file>etsi_nfv_sol001_\w+\.yaml)$",
    re.IGNORECASE,
)


def well_known(url: str) -> tuple[str, str] | None:
    """``(version, file name)`` of a forge.etsi.org SOL 001 type-file URL, else None."""
    match = WELL_KNOWN.match(url)
    return (match["version"], match["file"]) if match else None


def folders(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Configured SOL 001 folders: ``extra`` then ``RDCL_SOL001_PATH``."""
    env = [p for p in os.environ.get(ENV, "").split(os.pathsep) if p]
    return [Path(p) for p in [*extra, *env]]


def find_type_file(url: str, descriptor: Path, workdir: Path, extra: Iterable[str | Path] = ()) -> Path | None:
    """A local copy of the SOL 001 type file ``url`` names (see module doc), or None.

    ``descriptor`` is the template or CSAR being validated; a file found in a CSAR is
    extracted into ``workdir``.
    """
    known = well_known(url)
    if known is None:
        return None
    version, name = known
    if not zipfile.is_zipfile(descriptor):
        found = _in_folder(descriptor.parent, version, name)
        if found:
            return found
    else:
        with zipfile.ZipFile(descriptor) as archive:
            member = next((m for m in archive.namelist() if PurePosixPath(m).name == name), None)
            if member:
                target = workdir / "sol001" / version / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
                return target
    for folder in folders(extra):
        found = _in_folder(folder, version, name)
        if found:
            return found
    return None


def _in_folder(folder: Path, version: str, name: str) -> Path | None:
    for candidate in (folder / version / name, folder / name):
        if candidate.is_file():
            return candidate
    return None
