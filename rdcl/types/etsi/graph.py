"""Graph of an ETSI project: NS level (VNFs, VLs, SAPs) and VNF level (VDUs, CPs, VLs).

Node ids are ``<descriptor name>/<element id>``, so two VNFDs may reuse element ids.
Elements with a ``null`` identifier (RDCL 3D placeholders) are left out. With
``nested=True`` (the nested-VDU type) VDUs are typed by ``vduNestedDescType`` and nested
in their ``vduParent`` (a VM of the same VNFD, or a bare-metal node for ``"None"``).
"""

from __future__ import annotations

from typing import Any

from ..docpath import format_path
from .model import Descriptor, EtsiModel

BARE_METAL = "None"
NESTED_TYPES = {"kubernetes": "vnf_k8s_vdu", "click": "vnf_click_vdu"}


class _Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, dict] = {}
        self.links: list[dict] = []
        self._seen: set[tuple] = set()

    def node(self, node_id: str, node_type: str, label: str, info: dict, parent: str | None = None) -> str:
        self.nodes.setdefault(
            node_id, {"id": node_id, "type": node_type, "label": label, "parent": parent, "info": info}
        )
        return node_id

    def link(self, source: str, target: str, link_type: str, **info: Any) -> None:
        key = (source, target, link_type)
        if source in self.nodes and target in self.nodes and key not in self._seen:
            self._seen.add(key)
            self.links.append(
                {"source": source, "target": target, "type": link_type, **({"info": info} if info else {})}
            )

    def as_dict(self) -> dict:
        return {"nodes": list(self.nodes.values()), "links": self.links}


def _items(data: dict, key: str):
    value = data.get(key)
    for i, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, dict):
            yield i, item


def _ok(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def build(model: EtsiModel, nested: bool = False) -> dict:
    """Full graph of ``model`` (see module doc): ``{"nodes": [...], "links": [...]}``."""
    graph = _Graph()
    for vnfd in model.of_kind("vnfd"):
        _vnf_level(graph, vnfd, nested)
    for nsd in model.of_kind("nsd"):
        _ns_level(graph, nsd, model)
    return graph.as_dict()


def _info(desc: Descriptor, *parts: Any) -> dict:
    return {"descriptor": desc.name, "file": desc.file, "path": format_path(desc.prefix, parts)}


def _vnf_level(graph: _Graph, vnfd: Descriptor, nested: bool) -> None:
    name, data = vnfd.name, vnfd.data
    vdus = [(i, v) for i, v in _items(data, "vdu") if _ok(v.get("vduId"))]
    for i, vdu in vdus:
        vdu_type = NESTED_TYPES.get(vdu.get("vduNestedDescType"), "vnf_vdu") if nested else "vnf_vdu"
        info = _info(vnfd, "vdu", i)
        if nested:
            info.update(
                {
                    k: vdu.get(k)
                    for k in ("vduParent", "vduParentMandatory", "vduNestedDesc", "vduNestedDescType")
                    if k in vdu
                }
            )
        graph.node(f"{name}/{vdu['vduId']}", vdu_type, vdu.get("name") or vdu["vduId"], info)
    if nested:
        _nest(graph, vnfd, vdus)
    for i, vl in _items(data, "intVirtualLinkDesc"):
        if _ok(vl.get("virtualLinkDescId")):
            graph.node(
                f"{name}/{vl['virtualLinkDescId']}",
                "vnf_vl",
                vl["virtualLinkDescId"],
                _info(vnfd, "intVirtualLinkDesc", i),
            )
    for i, vdu in vdus:
        for j, cp in _items(vdu, "intCpd"):
            if not _ok(cp.get("cpdId")):
                continue
            info = {**_info(vnfd, "vdu", i, "intCpd", j), "vdu": vdu["vduId"]}
            if cp.get("internalIfRef"):
                info["internalIfRef"] = cp["internalIfRef"]
            cp_id = graph.node(f"{name}/{cp['cpdId']}", "vnf_vdu_cp", cp["cpdId"], info)
            graph.link(cp_id, f"{name}/{vdu['vduId']}", "vdu_cp")
            if _ok(cp.get("intVirtualLinkDesc")):
                graph.link(cp_id, f"{name}/{cp['intVirtualLinkDesc']}", "cp_vl")
    for i, cp in _items(data, "vnfExtCpd"):
        if not _ok(cp.get("cpdId")):
            continue
        cp_id = graph.node(f"{name}/{cp['cpdId']}", "vnf_ext_cp", cp["cpdId"], _info(vnfd, "vnfExtCpd", i))
        if _ok(cp.get("intVirtualLinkDesc")):
            graph.link(cp_id, f"{name}/{cp['intVirtualLinkDesc']}", "ext_cp_vl")
        if _ok(cp.get("intCpd")):
            graph.link(cp_id, f"{name}/{cp['intCpd']}", "ext_cp_map")


def _nest(graph: _Graph, vnfd: Descriptor, vdus: list) -> None:
    """Set each nested VDU's parent: its ``vduParent`` VM, or the VNFD's bare-metal node."""
    name = vnfd.name
    for _, vdu in vdus:
        parent = vdu.get("vduParent")
        node = graph.nodes[f"{name}/{vdu['vduId']}"]
        if parent == BARE_METAL or (not _ok(parent) and vdu.get("vduParentBareMetal")):
            node["parent"] = graph.node(
                f"{name}/bare-metal", "bare_metal", "bare metal", {"descriptor": name, "file": vnfd.file}
            )
        elif _ok(parent) and f"{name}/{parent}" in graph.nodes and parent != vdu["vduId"]:
            node["parent"] = f"{name}/{parent}"


def _ns_level(graph: _Graph, nsd: Descriptor, model: EtsiModel) -> None:
    name, data = nsd.name, nsd.data
    for i, vl in _items(data, "virtualLinkDesc"):
        if _ok(vl.get("virtualLinkDescId")):
            graph.node(
                f"{name}/{vl['virtualLinkDescId']}", "ns_vl", vl["virtualLinkDescId"], _info(nsd, "virtualLinkDesc", i)
            )
    vnf_of_cpd: dict[str, str] = {}
    for i, ref in enumerate(data.get("vnfdId") or []):
        if not _ok(ref):
            continue
        vnfd = model.vnfd(ref)
        info = {**_info(nsd, "vnfdId", i), "vnfd": vnfd.name if vnfd else None, "expands": "vnf"}
        label = (vnfd.data.get("vnfProductName") if vnfd else None) or ref
        vnf_id = graph.node(f"{name}/{ref}", "vnf", f"{label} ({ref})" if label != ref else ref, info)
        for _, cp in _items(vnfd.data, "vnfExtCpd") if vnfd else []:
            if _ok(cp.get("cpdId")):
                vnf_of_cpd.setdefault(cp["cpdId"], vnf_id)
    for i, sap in _items(data, "sapd"):
        if not _ok(sap.get("cpdId")):
            continue
        sap_id = graph.node(f"{name}/{sap['cpdId']}", "ns_cp", sap["cpdId"], _info(nsd, "sapd", i))
        if _ok(sap.get("nsVirtualLinkDescId")):
            graph.link(sap_id, f"{name}/{sap['nsVirtualLinkDescId']}", "sap_vl")
        if _ok(sap.get("associatedCpdId")) and sap["associatedCpdId"] in vnf_of_cpd:
            graph.link(sap_id, vnf_of_cpd[sap["associatedCpdId"]], "sap_vnf", cpd=sap["associatedCpdId"])
    for _, df in _items(data, "nsDf"):
        vl_of_profile = {
            p.get("virtualLinkProfileId"): p.get("virtualLinkDescId")
            for _, p in _items(df, "virtualLinkProfile")
            if _ok(p.get("virtualLinkProfileId"))
        }
        for _, profile in _items(df, "vnfProfile"):
            vnf_id = f"{name}/{profile.get('vnfdId')}"
            for _, conn in _items(profile, "nsVirtualLinkConnectivity"):
                vl = vl_of_profile.get(conn.get("virtualLinkProfileId"))
                if _ok(vl):
                    graph.link(vnf_id, f"{name}/{vl}", "vnf_vl", cpd=list(conn.get("cpdId") or []))
