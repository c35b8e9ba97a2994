"""An NSD: its first NS deployment flavour, its NS virtual links and the VNFs of its profiles.

IFA 014 §6.2.2 Nsd (``vnfdId`` names VNFDs by project name or ``vnfdId``), §6.3.2 NsDf (the
first is translated), §6.3.4 VirtualLinkProfile with its §6.5.2 NsVirtualLinkDesc (a
network), §6.3.3 VnfProfile (one VNF each, :func:`translators.etsi.vnf.translate_vnf`, its
``nsVirtualLinkConnectivity`` joining the VNF's external CPs to those networks). SAPs
(Sapd) and VNF scaling bounds are reported, not translated.
"""

from __future__ import annotations

from ..doc import Doc
from .builder import NETWORK, Builder, Ident, ident, indexed, ok
from .leftovers import leftovers, placeholder
from .links import subnet
from .vnf import translate_vnf


def translate_ns(builder: Builder, name: str, nsd: Doc, vnfds: dict[str, Doc]) -> str:
    """The NSD's first deployment flavour: NS virtual links, then each VNF profile's VNF
    (IFA 014 §6.2.2 Nsd, §6.3.2 NsDf, §6.3.3 VnfProfile, §6.3.4 VirtualLinkProfile)."""
    base = f"nsd.{name}"
    leftovers(builder, base, nsd, "nsd")
    by_id = {v.get("vnfdId"): v for v in vnfds.values() if ok(v.get("vnfdId"))}
    listed = [r for r in nsd.get("vnfdId") or [] if ok(r)]
    for i, ref in enumerate(nsd.get("vnfdId") or []):
        if ok(ref) and ref not in vnfds and ref not in by_id:
            builder.problem(
                f"{base}.vnfdId[{i}]",
                "etsi.unknown-vnfd",
                f"no VNFD {ref!r} among the descriptors (VNFDs: {', '.join(sorted(vnfds)) or 'none'}) (IFA 014 §6.2.2)",
            )
    vls = {vl.get("virtualLinkDescId"): (i, vl) for i, vl in indexed(nsd, "virtualLinkDesc")}
    for i, vl in indexed(nsd, "virtualLinkDesc"):
        if not ok(vl.get("virtualLinkDescId")):
            builder.report.append(f"{base}.virtualLinkDesc[{i}]: skipped, no virtualLinkDescId")
        else:
            leftovers(builder, f"{base}.virtualLinkDesc[{i}]", vl, "vl")
    dfs = indexed(nsd, "nsDf")
    if not dfs:
        builder.problem(
            f"{base}.nsDf", "etsi.no-flavour", "the NSD has no nsDf: nothing says which VNFs it runs (IFA 014 §6.3.2)"
        )
        return str(nsd.get("nsdIdentifier") or name)
    d, df = dfs[0]
    for extra, _ in dfs[1:]:
        builder.report.append(f"{base}.nsDf[{extra}]: not translated, the first NS deployment flavour is used")
    dpath = f"{base}.nsDf[{d}]"
    leftovers(builder, dpath, df, "nsdf")
    networks: dict[Ident, str] = {}  # virtualLinkProfileId -> network node
    for p, prof in indexed(df, "virtualLinkProfile"):
        vld = prof.get("virtualLinkDescId")
        if not ok(prof.get("virtualLinkProfileId")) or vld not in vls:
            builder.report.append(f"{dpath}.virtualLinkProfile[{p}]: skipped, it names no virtual link of the NSD")
            continue
        leftovers(
            builder,
            f"{dpath}.virtualLinkProfile[{p}]",
            prof,
            "vl",
            ("virtualLinkProfileId", "flavourId", "maxBitrateRequirements", "minBitrateRequirements"),
        )
        for key in ("maxBitrateRequirements", "minBitrateRequirements"):
            if not placeholder(prof.get(key)):
                builder.report.append(
                    f"{dpath}.virtualLinkProfile[{p}].{key}: not translated (no QoS on Neutron networks here)"
                )
        node = ident(vld)
        if node not in builder.nodes:
            builder.add(node, {"type": NETWORK}, f"{base}.virtualLinkDesc[{vls[vld][0]}]")
            builder.l3[node] = subnet(vls[vld][1]) or subnet(prof)
        networks[prof["virtualLinkProfileId"]] = node
    for i, sap in indexed(nsd, "sapd"):
        if ok(sap.get("cpdId")):
            builder.report.append(
                f"{base}.sapd[{i}] {sap['cpdId']}: service access point not translated "
                "(no floating IP or external router is made; the network is created as above)"
            )
    used: dict[str, int] = {}
    profiles = indexed(df, "vnfProfile")
    for p, prof in profiles:
        ppath = f"{dpath}.vnfProfile[{p}]"
        ref = prof.get("vnfdId")
        vname = ref if ref in vnfds else next((k for k, v in vnfds.items() if v.get("vnfdId") == ref), None)
        if vname is None:
            if ref in listed:
                continue  # already a problem at vnfdId
            builder.report.append(
                f"{ppath}: skipped, its vnfdId {ref!r} is neither listed in the NSD's vnfdId nor among the descriptors"
            )
            continue
        leftovers(builder, ppath, prof, "vnfprofile")
        pid = ident(prof.get("vnfProfileId") or vname)
        used[pid] = used.get(pid, 0) + 1
        prefix = f"{pid}_" if used[pid] == 1 else f"{pid}{used[pid]}_"
        low, high = prof.get("minNumberOfInstances"), prof.get("maxNumberOfInstances")
        if (isinstance(high, int) and high > 1) or (isinstance(low, int) and low > 1):
            builder.report.append(
                f"{ppath}: one instance of VNF {vname} is deployed (min {low}, max {high}): "
                "VNF scaling is not translated, its VDUs scale as their own profiles say"
            )
        links: dict[Ident, str] = {}
        for c, conn in indexed(prof, "nsVirtualLinkConnectivity"):
            net = networks.get(conn.get("virtualLinkProfileId"))
            for cpd in conn.get("cpdId") or []:
                if not ok(cpd):
                    continue
                if net is None:
                    builder.report.append(
                        f"{ppath}.nsVirtualLinkConnectivity[{c}]: {cpd} not connected, the "
                        "virtual link profile is not translated"
                    )
                else:
                    links[cpd] = net
        level = prof.get("instantiationLevel") if ok(prof.get("instantiationLevel")) else None
        translate_vnf(builder, vname, vnfds[vname], prefix, prof.get("flavourId"), links, level, prof.get("site"))
    if not any(True for _ in profiles):
        builder.problem(f"{dpath}.vnfProfile", "etsi.no-vnf", "the NS deployment flavour has no VNF profile")
    return str(nsd.get("nsdName") or nsd.get("nsdIdentifier") or name)
