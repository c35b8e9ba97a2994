"""Virtual links and connection points: networks' subnets, and each VDU's ports.

* IFA 011 §7.1.7.2 VnfVirtualLinkDesc and IFA 014 §6.5.2 NsVirtualLinkDesc (or the
  deployment flavour's VirtualLinkProfile that carries it, IFA 014 §6.3.4): the link's
  L3ProtocolData becomes the ``tosca.nodes.network.Network`` subnet properties (:func:`subnet`).
* IFA 011 §7.1.6.4 VduCpd: a ``tosca.nodes.network.Port`` bound to its server, ordered by
  ``internalIfRef`` (``ethN``, the Superfluidity extension) else its place in ``intCpd``; on a
  pod, a ``virtual_link`` requirement (:func:`add_cp`). A VduCpd a VnfExtCpd exposes on an
  NS virtual link (IFA 014 §6.3.3 nsVirtualLinkConnectivity) joins that network instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..doc import Doc
from .builder import PORT, Builder, Ident, ident, ok
from .leftovers import leftovers


def subnet(data: Doc) -> Doc:
    """TOSCA Network subnet properties from IFA L3ProtocolData (``cidr``, ``ipVersion``,
    ``gatewayIp``, ``dhcpEnabled``, ``ipAllocationPools``), wherever the VL or its profile
    carries it (``l3ProtocolData``, ``virtualLinkProtocolData[].l3ProtocolData``)."""
    l3 = data.get("l3ProtocolData")
    for entry in data.get("virtualLinkProtocolData") or []:
        if isinstance(entry, dict) and isinstance(entry.get("l3ProtocolData"), dict):
            l3 = entry["l3ProtocolData"]
    if not isinstance(l3, dict) or not ok(l3.get("cidr")):
        return {}
    out: Doc = {"cidr": l3["cidr"]}
    version = str(l3.get("ipVersion") or "").lower()
    if version:
        out["ip_version"] = 6 if "6" in version else 4
    if ok(l3.get("gatewayIp")):
        out["gateway_ip"] = l3["gatewayIp"]
    if isinstance(l3.get("dhcpEnabled"), bool):
        out["dhcp_enabled"] = l3["dhcpEnabled"]
    pools = [p for p in l3.get("ipAllocationPools") or [] if isinstance(p, dict)]
    if pools and ok(pools[0].get("startIpAddress")) and ok(pools[0].get("endIpAddress")):
        out["start_ip"], out["end_ip"] = pools[0]["startIpAddress"], pools[0]["endIpAddress"]
    return out


def add_cp(
    builder: Builder,
    path: str,
    index: int,
    cp: Doc,
    node: str,
    kind: str,
    prefix: str,
    vl_target: Mapping[Ident, str],
    cp_target: Mapping[Ident, str],
    site: Any,
) -> None:
    """A VduCpd (IFA 011 §7.1.6.4): a Port of a server, or a virtual link of a pod."""
    cid = cp.get("cpdId")
    leftovers(builder, path, cp, "cpd")
    net = cp_target.get(cid) or vl_target.get(cp.get("intVirtualLinkDesc"))
    if net is None:
        builder.report.append(
            f"{path} {cid}: not connected: it names no virtual link (intVirtualLinkDesc) "
            "and no NS virtual link reaches it"
        )
        return
    ifref = cp.get("internalIfRef")
    if kind == "pod":
        reqs = builder.nodes[node].setdefault("requirements", [])
        if {"virtual_link": net} not in reqs:
            reqs.append({"virtual_link": net})
        if ok(ifref) and (ifref != "eth0" or index > 0):
            builder.report.append(
                f"{path}.internalIfRef: {ifref} not mapped, a pod has one network interface: "
                f"it is on {net} through a NetworkPolicy"
            )
        return
    match = re.search(r"(\d+)$", ifref) if ok(ifref) else None
    order = int(match.group(1)) if match else index
    if ok(ifref) and not match:
        builder.report.append(
            f"{path}.internalIfRef: {ifref!r} has no interface number; port order {index} (its place in intCpd)"
        )
    port = builder.add(
        f"{prefix}{ident(cid)}",
        {"type": PORT, "properties": {"order": order}, "requirements": [{"binding": node}, {"link": net}]},
        path,
    )
    builder.place(port, site)
