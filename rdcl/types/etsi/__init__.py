"""Project type ``etsi``: ETSI GS NFV-IFA 011 VNFDs and IFA 014 NSDs in JSON or YAML.

Validation: the project's own JSON Schemas (Draft 2020-12, ``schemas/``) and the rules of
:mod:`.rules` (unique identifiers, references that resolve, NSD -> VNFD). Problems name the
file, the path (``vnfd.vdu[2].intCpd[0].intVirtualLinkDesc``), the line and the rule
(``schema.required``, ``etsi.unknown-reference``, ...). RDCL 3D project JSONs are read too
(see :mod:`rdcl.project_import`).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from rdcl import project_import
from translators.errors import DescriptorError

from ..base import ProjectType
from ..problems import FileProblem, in_file
from ..schema_check import SchemaSet
from ..sources import Loaded, Source
from .graph import build
from .model import Descriptor, EtsiModel, kind_of, read_model
from .rules import nsd_rules, project_rules, vnfd_rules

SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_BASE = "https://rdcl-nfvo.invalid/schemas/etsi/"


class EtsiType(ProjectType):
    """ETSI NFV descriptors (IFA 011 VNFD, IFA 014 NSD). Model: :class:`.model.EtsiModel`."""

    name = "etsi"
    label = "ETSI NFV IFA 011 VNFD / IFA 014 NSD (JSON or YAML)"
    #: Folders of ``*.schema.json`` loaded together (subtypes add theirs).
    schema_folders: ClassVar[tuple[Path, ...]] = (SCHEMAS,)
    #: Schema ``$id`` per descriptor kind.
    schema_ids: ClassVar[dict[str, str]] = {
        "vnfd": SCHEMA_BASE + "vnfd.schema.json",
        "nsd": SCHEMA_BASE + "nsd.schema.json",
    }
    #: Whether graphs nest VDUs (nested-VDU extension).
    nested = False

    @cached_property
    def schemas(self) -> SchemaSet:
        """The JSON Schemas of this type, loaded once."""
        return SchemaSet(*self.schema_folders)

    def claims(self, source: Source, loaded: Loaded | None) -> int:
        """1 for a VNFD, an NSD or an RDCL 3D project document."""
        return 1 if loaded is not None and kind_of(loaded.data) else 0

    def document_kind(self, data: Any) -> str | None:
        """``vnfd`` or ``nsd`` (:func:`.model.kind_of`, the one ETSI reader); None else."""
        kind = kind_of(data)
        return kind if kind in ("vnfd", "nsd") else None

    def parse(self, files: Any) -> EtsiModel:
        """Descriptors of ``files`` (not validated: see :meth:`validate`).

        :raises DescriptorError: a file that is unreadable or not an ETSI descriptor
            (the first such file, with its problems).
        """
        model = read_model(files)
        if model.problems:
            first = model.problems[0].file
            raise DescriptorError(first, [p for p in model.problems if p.file == first])
        return model

    def validate(self, files: Any) -> list[FileProblem]:
        """Schema and rule problems of every descriptor in ``files``, read as one project,
        ordered by file then line."""
        return self.check(read_model(files))

    def validate_and_parse(self, files: Any) -> tuple[list[FileProblem], EtsiModel | None]:
        """:meth:`validate`'s problems and, when there are none, the model (one reading)."""
        model = read_model(files)
        problems = self.check(model)
        return problems, (None if problems else model)

    def check(self, model: EtsiModel) -> list[FileProblem]:
        """Problems of an already-read model (see :meth:`validate`)."""
        out = list(model.problems)
        for desc in model.descriptors:
            out += in_file(
                desc.file, self.schemas.check(self.schema_ids[desc.kind], desc.data, desc.prefix, desc.base, desc.node)
            )
            out += vnfd_rules(desc) if desc.kind == "vnfd" else nsd_rules(desc)
            out += self.descriptor_rules(desc)
        out += project_rules(model)
        order = {name: i for i, name in enumerate(model.files)}
        return sorted(out, key=lambda p: (order.get(p.file, len(order)), p.line or 0))

    def descriptor_rules(self, desc: Descriptor) -> list[FileProblem]:
        """Rules a subtype adds per descriptor (none here)."""
        return []

    def build_graph(self, model: EtsiModel) -> dict:
        """NS and VNF levels of ``model`` (see :mod:`.graph`)."""
        return build(model, nested=self.nested)

    def import_project(self, project: str | Path | dict) -> dict[str, Any]:
        """Files of an RDCL 3D project JSON (see :func:`rdcl.project_import.import_project`)."""
        return project_import.import_project(project)
