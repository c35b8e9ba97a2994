"""The nested-VDU rules (Superfluidity extension of ETSI GS NFV-IFA 011 §7.1.6.2 Vdu).

- ``nested-vdu.parent-unknown``: ``vduParent`` names a VDU of the same VNFD (or is
  ``"None"``: bare metal);
- ``nested-vdu.mandatory-without-parent``: ``vduParentMandatory: true`` only with a
  ``vduParent``;
- ``nested-vdu.nested-type-missing``: ``vduNestedDescType`` is required with
  ``vduNestedDesc``;
- ``nested-vdu.parent-cycle``: no VDU is, through its parents, its own parent.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from ..etsi.graph import BARE_METAL
from ..etsi.model import Descriptor
from ..problems import FileProblem

EXTENSION = "Superfluidity nested-VDU extension"


def _ok(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value != ""


def _vdus(desc: Descriptor) -> list[tuple[int, dict]]:
    value = desc.data.get("vdu")
    return [(i, v) for i, v in enumerate(value if isinstance(value, list) else []) if isinstance(v, dict)]


def nested_rules(desc: Descriptor) -> list[FileProblem]:
    """Problems of one VNFD against the four rules above (NSDs have none)."""
    if desc.kind != "vnfd":
        return []
    vdus = _vdus(desc)
    ids = sorted({v["vduId"] for _, v in vdus if _ok(v.get("vduId"))})
    parent_of: dict[str, tuple[str, int]] = {}
    out = []
    for i, vdu in vdus:
        parent = vdu.get("vduParent")
        if _ok(parent) and parent != BARE_METAL:
            if parent not in ids:
                out.append(
                    desc.problem(
                        ["vdu", i, "vduParent"],
                        "nested-vdu.parent-unknown",
                        f"vduParent {parent!r} is not a VDU of this VNFD (VDUs: "
                        f'{", ".join(ids) or "none"}; "None" means bare metal) ({EXTENSION})',
                    )
                )
            elif _ok(vdu.get("vduId")):
                parent_of[vdu["vduId"]] = (parent, i)
        if vdu.get("vduParentMandatory") is True and not _ok(parent):
            out.append(
                desc.problem(
                    ["vdu", i, "vduParentMandatory"],
                    "nested-vdu.mandatory-without-parent",
                    f"vduParentMandatory is true but the VDU has no vduParent ({EXTENSION})",
                )
            )
        if vdu.get("vduNestedDesc") not in (None, "", {}) and not vdu.get("vduNestedDescType"):
            out.append(
                desc.problem(
                    ["vdu", i, "vduNestedDescType"],
                    "nested-vdu.nested-type-missing",
                    f"vduNestedDesc is set, so vduNestedDescType (kubernetes or click) is required ({EXTENSION})",
                    line_parts=["vdu", i, "vduNestedDesc"],
                )
            )
    return out + _cycles(desc, parent_of)


def _cycles(desc: Descriptor, parent_of: dict[str, tuple[str, int]]) -> list[FileProblem]:
    """One problem per VDU that is on a cycle of parents, naming the cycle."""
    out = []
    for start, (_, index) in parent_of.items():
        chain, current = [start], parent_of[start][0]
        while current in parent_of and current not in chain:
            chain.append(current)
            current = parent_of[current][0]
        if current == start:
            out.append(
                desc.problem(
                    ["vdu", index, "vduParent"],
                    "nested-vdu.parent-cycle",
                    f"cycle of parents: {' -> '.join([*chain, start])} ({EXTENSION})",
                )
            )
    return out
