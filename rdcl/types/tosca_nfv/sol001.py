"""The ETSI GS NFV-SOL 001 type files, found locally for their well-known URLs.

SOL 001 descriptors import ``etsi_nfv_sol001_common_types.yaml``,
``etsi_nfv_sol001_vnfd_types.yaml``, ``etsi_nfv_sol001_nsd_types.yaml``, ... either by
relative path (they then resolve beside the file, as in a SOL 004 package) or by their
forge.etsi.org URL (``https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/<file>``). For the
URL form :func:`find_type_file` looks for the file, version folder first:

1. beside the descriptor: ``<dir>/<version>/<file>``, ``<dir>/<file>``;
2. inside the CSAR being validated (any member with that file name);
3. in each folder given by the caller or in ``RDCL_SOL001_PATH`` (``os.pathsep``-separated),
   then in ``var/sol001`` (filled by ``scripts/setup``, :mod:`translators.sol001`):
   ``<folder>/<version>/<file>``, ``<folder>/<file>``.

Nothing is ever downloaded.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from translators import sol001 as translators_sol001
from translators.sol001 import ENV, WELL_KNOWN, well_known

__all__ = ["ENV", "WELL_KNOWN", "well_known", "folders", "find_type_file"]


def folders(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Configured SOL 001 folders: ``extra``, ``RDCL_SOL001_PATH``, then the copies
    ``scripts/setup`` puts in ``var/sol001`` (:data:`translators.sol001.DEFAULT_FOLDER`)."""
    return translators_sol001.folders(tuple(extra))


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
