"""Project type ``etsi``: ETSI GS NFV-IFA 011 VNFDs and IFA 014 NSDs in JSON or YAML.

Validation: the project's own JSON Schemas (Draft 2020-12, ``schemas/``) and the rules of
:mod:`.rules` (unique identifiers, references that resolve, NSD -> VNFD). Problems name the
file, the path (``vnfd.vdu[2].intCpd[0].intVirtualLinkDesc``), the line and the rule
(``schema.required``, ``etsi.unknown-reference``, ...). RDCL 3D project JSONs are read too
(see :mod:`rdcl.project_import`).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from rdcl import project_import
from translators.errors import DescriptorError
from translators.etsi.reading import kind_of
from translators.sites import SiteMap
from translators.translate import Translation, translate_descriptors

from ..base import ProjectType
from ..problems import FileProblem, in_file
from ..schema_check import SchemaSet
from ..sources import Loaded, Source
from .graph import build
from .model import Descriptor, EtsiModel, read_model
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
        """``vnfd`` or ``nsd`` (:func:`translators.etsi.reading.kind_of`, the one ETSI
        reader); None else."""
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

    def translate(self, model: EtsiModel, sites: SiteMap, main: str | None = None) -> Translation:
        """The VNFDs/NSDs of ``model`` through :func:`translators.translate.translate_descriptors`,
        with the project's nested descriptors that a ``vduNestedDesc`` names (:func:`nested_of`).
        ``main`` is not used: every descriptor of the project is read.

        :raises translators.errors.TranslationError: at the paths in the descriptors.
        """
        return translate_descriptors({d.name: d.data for d in model.descriptors}, sites, nested_of(model))

    def file_of(self, model: EtsiModel, path: str) -> str | None:
        """The file of the descriptor ``path`` is in (``vnfd.<name>...``: its kind and name)."""
        for desc in model.descriptors:
            where = f"{desc.kind}.{desc.name}"
            if path == where or path.startswith((f"{where}.", f"{where}[")):
                return desc.file
        return None

    def import_project(self, project: str | Path | dict) -> dict[str, Any]:
        """Files of an RDCL 3D project JSON (see :func:`rdcl.project_import.import_project`)."""
        return project_import.import_project(project)


def nested_of(model: EtsiModel) -> dict[str, Any]:
    """The nested descriptors of a project by the name a ``vduNestedDesc`` gives them: the
    stem of a file under ``k8s/`` or ``click/``, or the entry's name in a project JSON
    (resources ``<file>#k8s/<name>``)."""
    nested = {}
    for key, value in model.resources.items():
        ref = key.split("#", 1)[1] if "#" in key else key  # "<file>#k8s/<name>" or "k8s/<file>"
        kind, _, name = ref.partition("/")
        if kind in ("k8s", "click") and name:
            nested[name if "#" in key else PurePosixPath(name).stem] = value
    return nested
