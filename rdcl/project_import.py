"""Import of an RDCL 3D project JSON (as RDCL 3D exports it, and as sf2heat reads it).

A project JSON has one top-level key per descriptor kind, each a map from the descriptor's
name in the project to the descriptor::

    {"nsd": {"nsd_mec": {...}}, "vnfd": {"vnf_tof": {...}}, "click": {}, "k8s": {},
     "resource": {"config_tof": "#!/bin/bash ..."}}

:func:`import_project` turns it into files for the ``etsi`` / ``nested-vdu`` project types:
``{"vnfd/vnf_tof.json": {...}, "nsd/nsd_mec.json": {...}, "resource/config_tof": "..."}``.
Pure Python (no Django).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .exceptions import ProjectImportError

#: Descriptor kinds of ETSI/Superfluidity projects and the extension their files get.
KINDS = {"nsd": ".json", "vnfd": ".json", "click": ".click", "k8s": ".yaml", "resource": ""}
#: Kinds that are ETSI descriptors (validated against the IFA 011 / IFA 014 schemas).
DESCRIPTOR_KINDS = ("nsd", "vnfd")


def is_project(data: Any) -> bool:
    """A dict whose keys are all project kinds, with at least ``nsd`` or ``vnfd``, each a
    map of name -> descriptor (not itself a single descriptor)."""
    return (
        isinstance(data, dict)
        and bool(data)
        and set(data) <= set(KINDS)
        and any(k in data for k in DESCRIPTOR_KINDS)
        and all(isinstance(v, dict) for v in data.values())
        and not any(k in data.get("vnfd", {}) for k in ("vnfdId", "vdu"))
        and not any(k in data.get("nsd", {}) for k in ("nsdIdentifier", "nsDf"))
    )


def iter_project(data: dict) -> Iterator[tuple[str, str, Any]]:
    """``(kind, name, descriptor)`` for every entry of a project, kinds in :data:`KINDS` order."""
    for kind in KINDS:
        for name, value in (data.get(kind) or {}).items():
            yield kind, name, value


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
