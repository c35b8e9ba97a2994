"""Project type ``nested-vdu``: ETSI descriptors with Superfluidity nested VDUs.

An ``etsi`` project whose VDUs may carry ``vduNestedDesc`` / ``vduNestedDescType``
(``kubernetes``: a pod, ``click``: a Click VNF), ``vduParent`` (the VM it runs in, a vduId
of the same VNFD, or ``"None"``: bare metal), ``vduParentMandatory``, and whose VDU CPs may
carry ``internalIfRef``. The extra rules are in :mod:`.rules`; the ``nested`` view shows
pods inside their VMs.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from translators.etsi.reading import kind_of

from ..etsi import SCHEMAS, EtsiType
from ..etsi.model import Descriptor
from ..problems import FileProblem
from ..sources import Loaded, Source
from .rules import nested_rules

#: Keys that only nested-VDU descriptors have.
MARKERS = ("vduParent", "vduParentMandatory", "vduParentBareMetal", "vduNestedDesc", "vduNestedDescType")


class NestedVduType(EtsiType):
    """``etsi`` + nested VDUs (see module doc). Model: :class:`rdcl.types.etsi.model.EtsiModel`."""

    name = "nested-vdu"
    label = "ETSI NFV with Superfluidity nested VDUs (vduParent, vduNestedDesc)"
    extends = ("etsi",)
    schema_folders = (SCHEMAS, Path(__file__).parent / "schemas")
    schema_ids: ClassVar[dict[str, str]] = {
        **EtsiType.schema_ids,
        "vnfd": "https://rdcl-nfvo.invalid/schemas/nested-vdu/vnfd.schema.json",
    }
    nested = True

    def claims(self, source: Source, loaded: Loaded | None) -> int:
        """2 for an ETSI document using the extension (or a project with k8s/click parts)."""
        if loaded is None or not kind_of(loaded.data):
            return 0
        return 2 if _uses_extension(loaded.data) else 0

    def descriptor_rules(self, desc: Descriptor) -> list[FileProblem]:
        """The nested-VDU rules (:func:`.rules.nested_rules`)."""
        return nested_rules(desc)


def _uses_extension(data: dict) -> bool:
    if kind_of(data) == "project":
        return (
            "k8s" in data
            or "click" in data
            or any(_uses_extension(v) for v in (data.get("vnfd") or {}).values() if isinstance(v, dict))
        )
    for vdu in data.get("vdu") or []:
        if isinstance(vdu, dict) and (
            any(k in vdu for k in MARKERS)
            or any(isinstance(cp, dict) and "internalIfRef" in cp for cp in vdu.get("intCpd") or [])
        ):
            return True
    return False
