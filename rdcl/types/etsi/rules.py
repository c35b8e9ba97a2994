"""Rules beyond the JSON Schema: unique identifiers and references that must resolve.

Checked because graphs and translators rely on them (``etsi.duplicate-id``,
``etsi.unknown-reference``, ``etsi.unknown-vnfd``, ``etsi.instances-range``). A ``null``
identifier is an RDCL 3D placeholder: neither checked nor a valid target. Deployment-flavour
references (``vduProfile.vduId``, ``vnfProfile.vnfdId``, ``virtualComputeDesc``) are not
checked: RDCL 3D exports carry unfilled template values there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeGuard

from ..docpath import format_path
from ..problems import FileProblem
from .model import Descriptor, EtsiModel


def _items(data: dict, key: str) -> Iterator[tuple[int, dict]]:
    value = data.get(key)
    for i, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, dict):
            yield i, item


def _ident(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value != ""


def _unique(desc: Descriptor, entries: list[tuple[list, Any]], what: str, clause: str) -> list[FileProblem]:
    """``entries``: (path to the id, id); every repeat of an id is a problem."""
    seen: dict[str, str] = {}
    out = []
    for parts, value in entries:
        if not _ident(value):
            continue
        if value in seen:
            out.append(
                desc.problem(
                    parts, "etsi.duplicate-id", f"{what} {value!r} is already defined at {seen[value]} ({clause})"
                )
            )
        else:
            seen[value] = format_path(desc.prefix, parts)
    return out


def _ref(desc: Descriptor, parts: list, value, targets: set[str], what: str, clause: str) -> list[FileProblem]:
    if not _ident(value) or value in targets:
        return []
    known = ", ".join(sorted(targets)) or "none"
    return [
        desc.problem(
            parts, "etsi.unknown-reference", f"{value!r} names no {what} of this descriptor (known: {known}) ({clause})"
        )
    ]


def vnfd_rules(desc: Descriptor) -> list[FileProblem]:
    """Unique VDU, CPD, VLD and DF identifiers; CPD -> VLD and ExtCpd -> VduCpd references.

    ETSI GS NFV-IFA 011 §7.1.2 (Vnfd: identifiers unique in the VNFD), §7.1.6.4 (VduCpd
    ``intVirtualLinkDesc``), §7.1.3.2 (VnfExtCpd ``intVirtualLinkDesc``, ``intCpd``).
    """
    data, out = desc.data, []
    vdus = list(_items(data, "vdu"))
    int_cps = [
        (["vdu", i, "intCpd", j, "cpdId"], cp.get("cpdId"), i, j, cp)
        for i, vdu in vdus
        for j, cp in _items(vdu, "intCpd")
    ]
    ext_cps = [(["vnfExtCpd", i, "cpdId"], cp.get("cpdId"), i, cp) for i, cp in _items(data, "vnfExtCpd")]
    vls = [
        (["intVirtualLinkDesc", i, "virtualLinkDescId"], vl.get("virtualLinkDescId"))
        for i, vl in _items(data, "intVirtualLinkDesc")
    ]
    out += _unique(desc, [(["vdu", i, "vduId"], v.get("vduId")) for i, v in vdus], "VDU", "IFA 011 §7.1.6.2")
    out += _unique(desc, [(p, v) for p, v, *_ in int_cps + ext_cps], "CPD", "IFA 011 §7.1.6.4, §7.1.3.2")
    out += _unique(desc, vls, "virtual link descriptor", "IFA 011 §7.1.2")
    out += _unique(
        desc,
        [(["deploymentFlavour", i, "flavourId"], df.get("flavourId")) for i, df in _items(data, "deploymentFlavour")],
        "deployment flavour",
        "IFA 011 §7.1.8.2",
    )
    vl_ids = {v for _, v in vls if _ident(v)}
    int_ids = {v for _, v, *_ in int_cps if _ident(v)}
    for _, _, i, j, cp in int_cps:
        out += _ref(
            desc,
            ["vdu", i, "intCpd", j, "intVirtualLinkDesc"],
            cp.get("intVirtualLinkDesc"),
            vl_ids,
            "intVirtualLinkDesc",
            "IFA 011 §7.1.6.4",
        )
    for _, _, i, cp in ext_cps:
        out += _ref(
            desc,
            ["vnfExtCpd", i, "intVirtualLinkDesc"],
            cp.get("intVirtualLinkDesc"),
            vl_ids,
            "intVirtualLinkDesc",
            "IFA 011 §7.1.3.2",
        )
        out += _ref(desc, ["vnfExtCpd", i, "intCpd"], cp.get("intCpd"), int_ids, "VDU CPD", "IFA 011 §7.1.3.2")
    for d, df in _items(data, "deploymentFlavour"):
        for p, profile in _items(df, "vduProfile"):
            out += _range(desc, ["deploymentFlavour", d, "vduProfile", p], profile, "IFA 011 §7.1.8.3")
    return out


def nsd_rules(desc: Descriptor) -> list[FileProblem]:
    """Unique SAPD, VLD and DF identifiers; SAPD -> VLD, profile -> VLD/profile references.

    ETSI GS NFV-IFA 014 §6.2.2 (Nsd), §6.2.3 (Sapd ``nsVirtualLinkDescId``), §6.3.4
    (VirtualLinkProfile ``virtualLinkDescId``), §6.3.3 (VnfProfile connectivity).
    """
    data, out = desc.data, []
    vls = [
        (["virtualLinkDesc", i, "virtualLinkDescId"], vl.get("virtualLinkDescId"))
        for i, vl in _items(data, "virtualLinkDesc")
    ]
    out += _unique(
        desc, [(["sapd", i, "cpdId"], s.get("cpdId")) for i, s in _items(data, "sapd")], "SAPD", "IFA 014 §6.2.3"
    )
    out += _unique(desc, vls, "virtual link descriptor", "IFA 014 §6.5.2")
    out += _unique(
        desc,
        [(["nsDf", i, "nsDfId"], df.get("nsDfId")) for i, df in _items(data, "nsDf")],
        "NS deployment flavour",
        "IFA 014 §6.2.2",
    )
    vl_ids = {v for _, v in vls if _ident(v)}
    for i, sap in _items(data, "sapd"):
        out += _ref(
            desc,
            ["sapd", i, "nsVirtualLinkDescId"],
            sap.get("nsVirtualLinkDescId"),
            vl_ids,
            "virtualLinkDesc",
            "IFA 014 §6.2.3",
        )
    for d, df in _items(data, "nsDf"):
        profiles = {p.get("virtualLinkProfileId") for _, p in _items(df, "virtualLinkProfile")}
        for p, profile in _items(df, "virtualLinkProfile"):
            out += _ref(
                desc,
                ["nsDf", d, "virtualLinkProfile", p, "virtualLinkDescId"],
                profile.get("virtualLinkDescId"),
                vl_ids,
                "virtualLinkDesc",
                "IFA 014 §6.3.4",
            )
        for p, profile in _items(df, "vnfProfile"):
            out += _range(desc, ["nsDf", d, "vnfProfile", p], profile, "IFA 014 §6.3.3")
            for c, conn in _items(profile, "nsVirtualLinkConnectivity"):
                out += _ref(
                    desc,
                    ["nsDf", d, "vnfProfile", p, "nsVirtualLinkConnectivity", c, "virtualLinkProfileId"],
                    conn.get("virtualLinkProfileId"),
                    {x for x in profiles if _ident(x)},
                    "virtualLinkProfile of this DF",
                    "IFA 014 §6.3.3",
                )
    return out


def project_rules(model: EtsiModel) -> list[FileProblem]:
    """NSDs against the project's VNFDs: each ``vnfdId`` names one of them (by project name
    or ``vnfdId``), and VNF profile connectivity names external CPDs of that VNFD.

    Only when the project holds VNFDs: an NSD validated alone may refer to VNFDs on-boarded
    elsewhere. ETSI GS NFV-IFA 014 §6.2.2 (``vnfdId``), §6.3.3 (VnfProfile).
    """
    out: list[FileProblem] = []
    if not model.of_kind("vnfd"):
        return out
    known = sorted({d.name for d in model.of_kind("vnfd")} | {d.ident for d in model.of_kind("vnfd") if d.ident})
    for nsd in model.of_kind("nsd"):
        for i, ref in enumerate(nsd.data.get("vnfdId") or []):
            if _ident(ref) and model.vnfd(ref) is None:
                out.append(
                    nsd.problem(
                        ["vnfdId", i],
                        "etsi.unknown-vnfd",
                        f"no VNFD {ref!r} in the project (known: {', '.join(known)}) (IFA 014 §6.2.2)",
                    )
                )
        for d, df in _items(nsd.data, "nsDf"):
            for p, profile in _items(df, "vnfProfile"):
                vnfd_id = profile.get("vnfdId")
                vnfd = model.vnfd(vnfd_id) if _ident(vnfd_id) else None
                if vnfd is None:
                    continue
                ext = {cp.get("cpdId") for _, cp in _items(vnfd.data, "vnfExtCpd") if _ident(cp.get("cpdId"))}
                for c, conn in _items(profile, "nsVirtualLinkConnectivity"):
                    for k, cpd in enumerate(conn.get("cpdId") or []):
                        if _ident(cpd) and cpd not in ext:
                            out.append(
                                nsd.problem(
                                    ["nsDf", d, "vnfProfile", p, "nsVirtualLinkConnectivity", c, "cpdId", k],
                                    "etsi.unknown-reference",
                                    f"{cpd!r} is not an external CPD of VNFD {vnfd.name!r} (IFA 014 §6.3.3)",
                                )
                            )
    return out


def _range(desc: Descriptor, parts: list, profile: dict, clause: str) -> list[FileProblem]:
    low, high = profile.get("minNumberOfInstances"), profile.get("maxNumberOfInstances")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        return [
            desc.problem(
                [*parts, "maxNumberOfInstances"],
                "etsi.instances-range",
                f"maxNumberOfInstances {high} is below minNumberOfInstances {low} ({clause})",
            )
        ]
    return []
