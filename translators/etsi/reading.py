"""Reading ETSI NFV descriptors: which kind a document is, and the descriptors of a file.

One reader for the translators and the designer (``rdcl.types.etsi``, ``rdcl.project_import``
use these): a document is

* a VNFD (ETSI GS NFV-IFA 011 §7.1.2 Vnfd: ``vnfdId``, ``vdu``, ``vnfExtCpd``),
* an NSD (IFA 014 §6.2.2 Nsd: ``nsdIdentifier``, ``nsDf``, ``sapd``), or
* an RDCL 3D project: one top-level key per kind (:data:`KINDS`), each a map from the
  descriptor's name in the project to the descriptor::

    {"nsd": {"nsd_mec": {...}}, "vnfd": {"vnf_tof": {...}}, "click": {}, "k8s": {},
     "resource": {"config_tof": "#!/bin/bash ..."}}
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from .. import limits
from ..doc import Doc
from ..errors import DescriptorError, Problem

#: Descriptor kinds of ETSI/Superfluidity projects and the extension their files get.
KINDS = {"nsd": ".json", "vnfd": ".json", "click": ".click", "k8s": ".yaml", "resource": ""}
#: Kinds that are ETSI descriptors (validated against the IFA 011 / IFA 014 schemas).
DESCRIPTOR_KINDS = ("nsd", "vnfd")
#: Keys only an NSD has at its top level (IFA 014 §6.2.2; an NSD's ``vnfdId`` is a list).
NSD_KEYS = ("nsdIdentifier", "nsDf", "sapd")


def is_project(data: Any) -> TypeGuard[dict[str, Any]]:
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


def iter_project(data: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """``(kind, name, descriptor)`` for every entry of a project, kinds in :data:`KINDS` order."""
    for kind in KINDS:
        for name, value in (data.get(kind) or {}).items():
            yield kind, name, value


def kind_of(data: Any) -> str | None:
    """``vnfd``, ``nsd``, ``project`` (an RDCL 3D project, :func:`is_project`) or None,
    from a parsed document's keys.

    An NSD also has ``vnfdId`` (a list), so NSD keys are looked at first.
    """
    if is_project(data):
        return "project"
    if not isinstance(data, dict):
        return None
    if any(k in data for k in NSD_KEYS):
        return "nsd"
    if "vdu" in data or "vnfExtCpd" in data or isinstance(data.get("vnfdId"), str):
        return "vnfd"
    return None


def read_descriptors(path: str | Path) -> tuple[dict[str, Doc], dict[str, Any]] | None:
    """For the command line: the ETSI descriptors of a file or folder, or None when it holds none.

    Returns ``(descriptors, nested)``: name (file stem, or the key in an RDCL 3D project)
    -> VNFD/NSD dict, and name -> nested descriptor (a project's ``k8s``/``click`` entries,
    files under ``k8s/`` or ``click/``). Files that are not YAML/JSON are ignored.

    :raises DescriptorError: a file of the folder is not valid YAML/JSON.
    """
    path = Path(path)
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() in (".json", ".yaml", ".yml"))
        if path.is_dir()
        else [path]
        if path.suffix.lower() in (".json", ".yaml", ".yml")
        else []
    )
    descriptors: dict[str, Doc] = {}
    nested: dict[str, Any] = {}
    for file in files:
        try:
            text = file.read_text()
            data = limits.load_json(text) if file.suffix.lower() == ".json" else limits.load_yaml(text)
        except limits.LimitError as exc:
            raise DescriptorError(str(file), [Problem("", exc.rule, exc.message, exc.line)]) from None
        except (yaml.YAMLError, ValueError) as exc:
            if path.is_dir():
                raise DescriptorError(str(file), [Problem("", "yaml.syntax", " ".join(str(exc).split()))]) from None
            return None
        kind = kind_of(data)
        if kind == "project":
            for key in ("vnfd", "nsd"):
                descriptors.update({k: v for k, v in (data.get(key) or {}).items() if isinstance(v, dict)})
            for key in ("k8s", "click"):
                nested.update(data.get(key) or {})
        elif kind:
            descriptors[file.stem] = data
        elif path.is_dir() and file.parent.name in ("k8s", "click"):
            nested[file.stem] = data
    return (descriptors, nested) if descriptors else None
