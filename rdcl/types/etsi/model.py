"""The ETSI data model: VNFDs and NSDs of a project, each with where it came from.

A file may hold one VNFD (``vnfdId``), one NSD (``nsdIdentifier``) or a whole RDCL 3D
project (:mod:`rdcl.project_import`); a project's descriptors keep their place in the file
so problems point into it (``vnfd.vnf_tof.vdu[0]``, line in the project JSON). Files of
other kinds in a project (``k8s/``, ``click/``, ``resource/``) are kept as resources. Which
kind a document is, is :func:`translators.etsi.reading.kind_of`'s answer: the translators
read descriptors with it too, so the designer and the translation never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml

from translators.etsi.reading import DESCRIPTOR_KINDS, KINDS, iter_project, kind_of

from ..docpath import LazyNode, Part, format_path, line_of
from ..problems import FileProblem, in_file
from ..sources import Source, as_sources, expand, load


@dataclass
class Descriptor:
    """One VNFD or NSD.

    ``kind`` is ``vnfd`` or ``nsd``; ``name`` its name in the project (the project key, or
    the file's stem); ``file`` the source name; ``base`` where it sits in the file's
    document (``()`` for a descriptor file, ``("vnfd", "vnf_tof")`` in a project);
    ``node`` the composed file (for lines).
    """

    kind: str
    name: str
    data: dict
    file: str
    base: tuple = ()
    node: yaml.Node | LazyNode | None = None

    @property
    def prefix(self) -> str:
        """How paths in this descriptor start: ``vnfd``, or ``vnfd.vnf_tof`` in a project."""
        return format_path(self.kind, self.base[1:]) if self.base else self.kind

    @property
    def ident(self) -> str | None:
        """Its own identifier (``vnfdId`` / ``nsdIdentifier``)."""
        return self.data.get("vnfdId" if self.kind == "vnfd" else "nsdIdentifier")

    def problem(self, parts: list[Part], rule: str, message: str, line_parts: list[Part] | None = None) -> FileProblem:
        """A problem at ``parts`` in this descriptor (line of ``line_parts`` if given)."""
        line = line_of(self.node, [*self.base, *(parts if line_parts is None else line_parts)])
        return FileProblem(format_path(self.prefix, parts), rule, message, line, self.file)


@dataclass
class EtsiModel:
    """The descriptors of a project, and what could not be read."""

    descriptors: list[Descriptor] = field(default_factory=list)
    resources: dict[str, str | Any] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Descriptor]:
        """Descriptors of one kind, in file order."""
        return [d for d in self.descriptors if d.kind == kind]

    def vnfd(self, ref: str) -> Descriptor | None:
        """The VNFD an NSD's ``vnfdId`` means: by project name, else by ``vnfdId``."""
        vnfds = self.of_kind("vnfd")
        return next((d for d in vnfds if d.name == ref), None) or next((d for d in vnfds if d.ident == ref), None)


def read_model(files: Any) -> EtsiModel:
    """Read ``files`` (see :func:`rdcl.types.sources.as_sources`) into an :class:`EtsiModel`.

    Syntax errors, archives and documents that are no ETSI descriptor become problems
    (rules ``yaml.syntax``, ``json.syntax``, ``file.encoding``, ``etsi.not-a-descriptor``);
    files under ``k8s/``, ``click/`` or ``resource/`` (a project import) are resources; a
    plain zip is read as its members (``pkg.zip/vnfd.json``).
    """
    model = EtsiModel()
    for source in (member for s in as_sources(files) for member in expand(s)):
        model.files.append(source.name)
        _read_one(source, model)
    return model


def _read_one(source: Source, model: EtsiModel) -> None:
    top = PurePosixPath(source.name).parts[0] if "/" in source.name else ""
    if source.is_archive:
        model.problems.append(
            FileProblem(
                "", "etsi.not-a-descriptor", "not a zip of JSON/YAML descriptors (a CSAR is TOSCA)", None, source.name
            )
        )
        return
    if top in KINDS and top not in DESCRIPTOR_KINDS and source.data is None and source.path is None:
        model.resources[source.name] = source.text
        return
    loaded = load(source)
    if loaded.problems:
        model.problems += in_file(source.name, loaded.problems)
        return
    kind = kind_of(loaded.data)
    name = PurePosixPath(source.name).stem
    if kind == "project":
        for entry_kind, entry_name, value in iter_project(loaded.data):
            if entry_kind in DESCRIPTOR_KINDS and isinstance(value, dict):
                model.descriptors.append(
                    Descriptor(entry_kind, entry_name, value, source.name, (entry_kind, entry_name), loaded.node)
                )
            elif entry_kind in DESCRIPTOR_KINDS:
                model.problems.append(
                    FileProblem(
                        format_path(entry_kind, [entry_name]),
                        "etsi.not-a-descriptor",
                        "a descriptor must be a JSON object",
                        line_of(loaded.node, [entry_kind, entry_name]),
                        source.name,
                    )
                )
            else:
                model.resources[f"{source.name}#{entry_kind}/{entry_name}"] = value
    elif kind in DESCRIPTOR_KINDS:
        model.descriptors.append(Descriptor(kind, name, loaded.data, source.name, (), loaded.node))
    elif top in KINDS and top not in DESCRIPTOR_KINDS:
        model.resources[source.name] = loaded.data
    else:
        model.problems.append(
            FileProblem(
                "",
                "etsi.not-a-descriptor",
                "neither a VNFD (vnfdId, vdu), an NSD (nsdIdentifier, nsDf) nor an RDCL 3D project (nsd/vnfd maps)",
                1 if source.text else None,
                source.name,
            )
        )
