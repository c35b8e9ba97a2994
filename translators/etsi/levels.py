"""VDU counts and instantiation levels of a VNF deployment flavour.

IFA 011 §7.1.8.3 VduProfile (``minNumberOfInstances``/``maxNumberOfInstances``) and §7.1.8.7
InstantiationLevel / VduLevel (``numberOfInstances`` per level, the flavour's
``defaultInstantiationLevelId`` or the level an NSD's VnfProfile names, IFA 014 §6.3.3)
give each VDU its counts (:func:`vdu_counts`); a pod gets its replicas from them, and the
loaded model the levels (:func:`apply_levels`), as SOL 001 §6.10 instantiation-level
policies give them to TOSCA. IFA 011 ScalingAspects are reported, not translated
(:mod:`.leftovers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..doc import Doc
from .builder import Builder, Ident, indexed, ok

if TYPE_CHECKING:
    from ..model import ServiceModel
    from .service import EtsiTosca


def vdu_counts(builder: Builder, dpath: str, df: Doc, level: str | None) -> dict[Ident, Doc]:
    """Per VDU: ``min``/``max`` (VduProfile, IFA 011 §7.1.8.3), ``levels`` (VduLevel per
    InstantiationLevel, §7.1.8.7) and ``initial`` (the count at the default level)."""
    out: dict[Ident, Doc] = {}
    for _, prof in indexed(df, "vduProfile"):
        out.setdefault(prof.get("vduId"), {}).update(
            {"min": prof.get("minNumberOfInstances"), "max": prof.get("maxNumberOfInstances")}
        )
    default = level or df.get("defaultInstantiationLevelId")
    ids = []
    for _, lvl in indexed(df, "instantiationLevel"):
        if not ok(lvl.get("levelId")):
            continue
        ids.append(lvl["levelId"])
        for _, vl in indexed(lvl, "vduLevel"):
            count = vl.get("numberOfInstances")
            if isinstance(count, int) and not isinstance(count, bool):
                out.setdefault(vl.get("vduId"), {}).setdefault("levels", {})[lvl["levelId"]] = count
    if default not in ids:
        if default is not None and ids:
            builder.report.append(
                f"{dpath}: default instantiation level {default!r} is not one of {', '.join(ids)}; the first is used"
            )
        default = ids[0] if ids else None
    for vdu in out.values():
        vdu["default"] = default
        if default in vdu.get("levels", {}):
            vdu["initial"] = vdu["levels"][default]
    if ids:
        builder.level_ids += [i for i in ids if i not in builder.level_ids]
        builder.default_level = builder.default_level or default
    return out


def apply_levels(model: ServiceModel, converted: EtsiTosca) -> None:
    """Give the loaded model the pods' instantiation levels (IFA 011 §7.1.8.7
    InstantiationLevel/VduLevel), in the shape :func:`translators.levels.read` makes for
    SOL 001 policies, so the chosen level sets the replicas and ``scale.yml -e
    scale_level=L`` works as for TOSCA. They are not written into ``tosca/service.yaml``:
    SOL 001 policy types are not loaded without the ETSI type files."""
    if not converted.levels:
        return
    for node, counts in converted.levels["nodes"].items():
        if node in model.nodes:
            model.nodes[node].levels = dict(counts)
    model.levels = {
        "ids": list(converted.levels["ids"]),
        "default": converted.levels["default"],
        "policies": [],
        "vm_targets": {},
    }
