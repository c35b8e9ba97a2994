"""Import of an RDCL 3D project JSON (as RDCL 3D exports it, and as sf2heat reads it).

A project JSON has one top-level key per descriptor kind, each a map from the descriptor's
name in the project to the descriptor::

    {"nsd": {"nsd_mec": {...}}, "vnfd": {"vnf_tof": {...}}, "click": {}, "k8s": {},
     "resource": {"config_tof": "#!/bin/bash ..."}}

:func:`import_project` turns it into files for the ``etsi`` / ``nested-vdu`` project types:
``{"vnfd/vnf_tof.json": {...}, "nsd/nsd_mec.json": {...}, "resource/config_tof": "..."}``.
Whether a document is a project is :func:`translators.etsi.reading.is_project`'s answer
(the translators read project files with it too). Pure Python (no Django).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from translators.etsi.reading import DESCRIPTOR_KINDS, KINDS, is_project, iter_project

from .exceptions import ProjectImportError

#: The project shape is read by :mod:`translators.etsi.reading` (the one ETSI reader, the
#: translators' too); its names stay importable from here.
__all__ = [
    "DESCRIPTOR_KINDS",
    "KINDS",
    "ProjectImportError",
    "import_project",
    "is_project",
    "iter_project",
    "write_files",
]


def import_project(project: str | Path | dict) -> dict[str, Any]:
    """Files of an RDCL 3D project: ``{"<kind>/<name><ext>": descriptor}``.

    ``project`` is a path to the project JSON or its parsed content. Descriptors stay
    parsed (dicts); ``click`` and ``resource`` entries are text; ``k8s`` entries are text
    or parsed YAML/JSON. Names are kept as RDCL 3D gave them, so an NSD's ``vnfdId`` still
    finds its VNFD.

    :raises ProjectImportError: not JSON, or not shaped like a project.
    """
    if isinstance(project, (str, Path)):
        try:
            project = json.loads(Path(project).read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProjectImportError(f"{project}: not a readable JSON file: {exc}") from None
    if not is_project(project):
        kinds = ", ".join(KINDS)
        raise ProjectImportError(
            f"not an RDCL 3D project: expected top-level keys among {kinds} "
            "(with nsd or vnfd), each mapping names to descriptors"
        )
    files = {}
    for kind, name, value in iter_project(project):
        if "/" in name or name in ("", ".", ".."):
            raise ProjectImportError(f"{kind}.{name}: not usable as a file name")
        files[f"{kind}/{name}{KINDS[kind]}"] = value
    return files


def write_files(files: dict[str, Any], folder: str | Path) -> list[Path]:
    """Write imported files under ``folder`` (dicts as indented JSON); returns the paths."""
    out = []
    for name, value in files.items():
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value if isinstance(value, str) else json.dumps(value, indent=2) + "\n")
        out.append(path)
    return out
