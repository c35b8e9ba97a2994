"""One VNF: a VNFD with one of its deployment flavours.

IFA 011 §7.1.2 Vnfd: each §7.1.7.2 VnfVirtualLinkDesc becomes a network (unless a VnfExtCpd
exposes it on an NS virtual link, IFA 014 §6.3.3 nsVirtualLinkConnectivity: it is then that
network), each §7.1.6.2 Vdu a server or a pod (:mod:`.vdu`) with its §7.1.6.4 VduCpds
(:mod:`.links`); the §7.1.8 VnfDf the NSD's VnfProfile names (else the first) gives the VDU
counts and instantiation levels (:mod:`.levels`). Node names are prefixed with the VNF
profile's id in an NS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..doc import Doc
from .builder import NETWORK, Builder, Ident, ident, indexed, ok
from .leftovers import leftovers
from .levels import vdu_counts
from .links import add_cp, subnet
from .vdu import add_pod, add_server, vdu_kind


def translate_vnf(
    builder: Builder,
    name: str,
    vnfd: Doc,
    prefix: str,
    flavour: Any,
    ns_links: Mapping[Ident, str],
    level: str | None,
    site: Any = None,
) -> None:
    """One VNF's nodes (IFA 011 §7.1.2 Vnfd), names prefixed with ``prefix``; ``ns_links``
    maps its external CPD ids to NS network nodes (IFA 014 §6.3.3)."""
    base = f"vnfd.{name}"
    leftovers(builder, base, vnfd, "vnfd")
    vdus = indexed(vnfd, "vdu")
    vdu_index: dict[Ident, tuple[int, Doc]] = {v.get("vduId"): (i, v) for i, v in vdus if ok(v.get("vduId"))}
    computes: dict[Ident, Doc] = {c.get("virtualComputeDescId"): c for _, c in indexed(vnfd, "virtualComputeDesc")}
    storages: dict[Ident, Doc] = {s.get("id"): s for _, s in indexed(vnfd, "virtualStorageDesc")}
    vl_index: dict[Ident, tuple[int, Doc]] = {
        v.get("virtualLinkDescId"): (i, v)
        for i, v in indexed(vnfd, "intVirtualLinkDesc")
        if ok(v.get("virtualLinkDescId"))
    }
    df, dpath = _flavour(builder, base, vnfd, flavour)
    vl_target: dict[Ident, str] = {}  # internal VL id -> network node
    cp_target: dict[Ident, str] = {}  # VduCpd id -> network node (an external CP on an NS link)
    for i, ext in indexed(vnfd, "vnfExtCpd"):
        net = ns_links.get(ext.get("cpdId"))
        if net is None:
            continue
        if ok(ext.get("intVirtualLinkDesc")) and ext["intVirtualLinkDesc"] in vl_index:
            vl = ext["intVirtualLinkDesc"]
            if vl_target.get(vl, net) != net:
                builder.problem(
                    f"{base}.vnfExtCpd[{i}]",
                    "etsi.vl-two-networks",
                    f"internal VL {vl} is exposed on two NS virtual links ({vl_target[vl]}, {net})",
                )
            vl_target[vl] = net
            builder.report.append(
                f"{base}.intVirtualLinkDesc[{vl_index[vl][0]}] {vl}: merged into NS virtual link "
                f"{net} through external CP {ext['cpdId']}"
            )
        elif ok(ext.get("intCpd")):
            cp_target[ext["intCpd"]] = net
    for vl, (i, data) in vl_index.items():
        leftovers(builder, f"{base}.intVirtualLinkDesc[{i}]", data, "vl")
        if vl not in vl_target:
            node = builder.add(f"{prefix}{ident(vl)}", {"type": NETWORK}, f"{base}.intVirtualLinkDesc[{i}]")
            profile = next((p for _, p in indexed(df, "virtualLinkProfile") if p.get("vnfVirtualLinkDescId") == vl), {})
            builder.l3[node] = subnet(data) or subnet(profile)
            vl_target[vl] = node
    counts = vdu_counts(builder, dpath, df, level)
    kinds: dict[Ident, str] = {vid: vdu_kind(vdu) for vid, (_, vdu) in vdu_index.items()}
    for vid, (i, vdu) in vdu_index.items():
        vpath = f"{base}.vdu[{i}]"
        leftovers(builder, vpath, vdu, "vdu")
        node = f"{prefix}{ident(vid)}"
        where = vdu.get("site") or site or vnfd.get("site")
        kind = kinds[vid]
        if kind == "click":
            builder.report.append(
                f"{vpath}.vduNestedDescType: click VNFs are not translated: no site kind runs a "
                f"Click router (VDU {vid}, nested descriptor {vdu.get('vduNestedDesc')!r}); "
                "its connection points are not connected"
            )
            continue
        if kind not in ("vm", "bare_metal", "pod"):
            builder.problem(
                f"{vpath}.vduNestedDescType",
                "etsi.nested-type",
                f"VDU {vid}: nested descriptor type {vdu.get('vduNestedDescType')!r} has no translation "
                "(kubernetes and click are known)",
            )
            continue
        if kind == "pod":
            add_pod(builder, vpath, node, vdu, prefix, vdu_index, kinds, computes, counts.get(vid))
        else:
            add_server(builder, vpath, node, vdu, kind, computes, storages, counts.get(vid))
        builder.place(node, where)
        for j, cp in indexed(vdu, "intCpd"):
            add_cp(builder, f"{vpath}.intCpd[{j}]", j, cp, node, kind, prefix, vl_target, cp_target, where)
    for i, ext in indexed(vnfd, "vnfExtCpd"):
        owner = next(
            (
                vid
                for vid, (_, v) in vdu_index.items()
                for _, cp in indexed(v, "intCpd")
                if cp.get("cpdId") == ext.get("intCpd")
            ),
            None,
        )
        if ext.get("cpdId") in ns_links and owner and kinds.get(owner) == "click":
            builder.report.append(
                f"{base}.vnfExtCpd[{i}] {ext['cpdId']}: not connected to "
                f"{ns_links[ext['cpdId']]}, its VDU {owner} is a click VNF"
            )


def _flavour(builder: Builder, base: str, vnfd: Doc, flavour: Any) -> tuple[Doc, str]:
    dfs = indexed(vnfd, "deploymentFlavour")
    if not dfs:
        return {}, f"{base}.deploymentFlavour"
    chosen = next(((i, df) for i, df in dfs if flavour is not None and df.get("flavourId") == flavour), None)
    if chosen is None:
        if flavour is not None:
            builder.report.append(
                f"{base}.deploymentFlavour: no flavour {flavour!r} (asked by the NSD's VNF "
                f"profile); the first, {dfs[0][1].get('flavourId')!r}, is used"
            )
        chosen = dfs[0]
    for i, df in dfs:
        if i != chosen[0] and (flavour is None or df.get("flavourId") != flavour):
            builder.report.append(
                f"{base}.deploymentFlavour[{i}]: not translated, flavour {chosen[1].get('flavourId')!r} is used"
            )
    path = f"{base}.deploymentFlavour[{chosen[0]}]"
    leftovers(builder, path, chosen[1], "df")
    return chosen[1], path
