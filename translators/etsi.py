"""ETSI NFV descriptors (IFA 011 VNFD, IFA 014 NSD, Superfluidity nested VDUs) -> TOSCA.

The designer's ``etsi`` and ``nested-vdu`` projects hold plain VNFD/NSD dicts (JSON or
YAML). :func:`to_tosca` turns them into the equivalent TOSCA Simple Profile in YAML 1.3
service template on the rdcl-nfvo profile, which then goes the TOSCA way
(:func:`translators.translate.translate_descriptors`): tosca-parser, heat-translator for
the VMs, manifests for the pods, playbooks. What maps where:

=====================================  =======================================================
IFA element                            TOSCA node template / property
=====================================  =======================================================
Vdu (§7.1.6.2), no nested descriptor   ``rdcl.nodes.Compute.VM``; ``vduParent: "None"`` or
                                       ``vduParentBareMetal``: ``rdcl.nodes.Compute.BareMetal``
VirtualComputeDesc (§7.1.9.2)          host capability ``num_cpus``, ``mem_size`` (GB)
VirtualStorageDesc (§7.1.9.4)          host capability ``disk_size`` (GB)
SwImageDesc (§7.1.6.5)                 ``image`` (its ``name``, else ``swImage``, else ``id``);
                                       none: the input ``<vdu>_image``
Vdu with vduNestedDescType kubernetes  ``rdcl.nodes.Container.Application`` (``image``,
                                       ``vdu_parent``, ``vdu_parent_mandatory``,
                                       ``vdu_parent_bare_metal``, ``num_cpus``/``mem_size``)
VnfVirtualLinkDesc (§7.1.7.2)          ``tosca.nodes.network.Network`` (``cidr`` from
                                       L3ProtocolData, else the input ``<vl>_cidr``)
VduCpd (§7.1.6.4) of a VM              ``tosca.nodes.network.Port`` (binding, link, ``order``
                                       from ``internalIfRef`` ethN, else list position)
VduCpd of a pod                        ``virtual_link`` requirement of the container
VduProfile (§7.1.8.3), VduLevel        pods: ``replicas``, ``min_replicas``/``max_replicas``
(§7.1.8.7)                             and instantiation levels (``scale_level``)
NsVirtualLinkDesc (IFA 014 §6.5.2)     ``tosca.nodes.network.Network``; a VnfExtCpd joined to
                                       it moves its internal VL (or its VduCpd) onto it
VnfProfile (IFA 014 §6.3.3)            the VNF's nodes, names prefixed ``<vnfProfileId>_``
``site`` (rdcl-nfvo key)               ``rdcl.policies.Placement``
=====================================  =======================================================

Everything else that carries a value (monitoring, affinity groups, scaling aspects, SAPs,
VNFFGs, click VDUs...) becomes a line of the translation report with its path in the
document (``vnfd.edge_vnfd.vdu[3].vduNestedDescType``); a required part that cannot be
translated raises :class:`~translators.errors.TranslationError` naming the VDU.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

import yaml

from . import limits
from .doc import Doc
from .errors import DescriptorError, Problem, TranslationError
from .heat_fit import SITE_FLAVOR
from .tosca_loader import PLACEMENT_POLICY, PROFILE_URL, slug
from .yamlout import dump

if TYPE_CHECKING:
    from .model import ServiceModel
    from .translate import Translation

#: An element's identifier as the descriptor writes it (``vduId``, ``cpdId``...): IFA 011 says
#: a string, YAML may give a number, a missing one is None. Indexes are keyed by it.
Ident: TypeAlias = Hashable

VM = "rdcl.nodes.Compute.VM"
BARE_METAL = "rdcl.nodes.Compute.BareMetal"
POD = "rdcl.nodes.Container.Application"
NETWORK = "tosca.nodes.network.Network"
PORT = "tosca.nodes.network.Port"
#: The nested-VDU value of ``vduParent`` that means bare metal (the designer's schema:
#: ``null`` is no parent at all).
BARE_METAL_PARENT = "None"
NSD_KEYS = ("nsdIdentifier", "nsDf", "sapd")
_EMPTY: tuple[object, ...] = (None, "", [], {})
_NODE = re.compile(r"^topology_template\.node_templates\.([^.\[]+)")

#: Keys read by :func:`to_tosca`, or descriptive only (names, versions, protocols): never reported.
_READ = {
    "vnfd": {
        "vnfdId",
        "vnfProvider",
        "vnfProductName",
        "vnfSoftwareVersion",
        "vnfdVersion",
        "vnfProductInfoName",
        "vnfProductInfoDescription",
        "vnfmInfo",
        "localizationLanguage",
        "defaultLocalizationLanguage",
        "vdu",
        "virtualComputeDesc",
        "virtualStorageDesc",
        "intVirtualLinkDesc",
        "vnfExtCpd",
        "deploymentFlavour",
        "site",
        "description",
        "name",
    },
    "vdu": {
        "vduId",
        "name",
        "description",
        "intCpd",
        "virtualComputeDesc",
        "virtualStorageDesc",
        "swImageDesc",
        "vduParent",
        "vduParentMandatory",
        "vduParentBareMetal",
        "vduNestedDesc",
        "vduNestedDescType",
        "site",
    },
    "cpd": {
        "cpdId",
        "layerProtocol",
        "cpRole",
        "description",
        "intVirtualLinkDesc",
        "internalIfRef",
        "intCpd",
        "nsVirtualLinkDescId",
        "associatedCpdId",
        "sapAddressAssignment",
    },
    "vl": {
        "virtualLinkDescId",
        "connectivityType",
        "description",
        "virtuaLinkDescVersion",
        "virtualLinkDescVersion",
        "virtualLinkDescProvider",
        "l3ProtocolData",
        "virtualLinkProtocolData",
    },
    "df": {
        "flavourId",
        "description",
        "vduProfile",
        "instantiationLevel",
        "defaultInstantiationLevelId",
        "virtualLinkProfile",
    },
    "nsd": {
        "nsdIdentifier",
        "designer",
        "version",
        "nsdName",
        "nsdInvariantId",
        "vnfdId",
        "virtualLinkDesc",
        "nsDf",
        "sapd",
    },
    "nsdf": {"nsDfId", "flavourKey", "virtualLinkProfile", "vnfProfile", "description"},
    "vnfprofile": {
        "vnfProfileId",
        "vnfdId",
        "flavourId",
        "minNumberOfInstances",
        "maxNumberOfInstances",
        "nsVirtualLinkConnectivity",
        "instantiationLevel",
        "site",
    },
}
#: Why a known construct is not translated (report wording); others read "not translated".
_WHY = {
    "monitoringParameter": "no monitoring is set up by the generated service",
    "autoScale": "scaling rules are not translated (pods scale through their HorizontalPodAutoscaler)",
    "autoScalingRule": "scaling rules are not translated",
    "scalingAspect": "scaling aspects are not translated (vduProfile bounds and instantiation levels are)",
    "affinityOrAntiAffinityGroup": "affinity groups are not translated",
    "affinityOrAntiAffinityGroupId": "affinity groups are not translated",
    "localAffinityOrAntiAffinityRule": "affinity rules are not translated",
    "vnfLcmOperationsConfiguration": "LCM operation parameters have no equivalent in the playbooks",
    "lifeCycleManagementScript": "LCM scripts are not run",
    "vnffgd": "forwarding graphs of an NSD are not translated (use rdcl.nodes.nfv.ForwardingPath in TOSCA)",
    "security": "descriptor signatures are not checked",
    "configurableProperties": "configurable properties are not translated",
    "modifiableAttributes": "modifiable attributes are not translated",
    "vnfIndicator": "VNF indicators are not translated",
    "elementGroup": "element groups are not translated",
    "nfviConstraint": "NFVI constraints are not translated (use a site key for placement)",
    "bootOrder": "boot order is not translated",
    "virtualNetworkInterfaceRequirements": "interface requirements (SR-IOV...) are not translated",
    "supportedOperation": "supported operations are informative",
    "virtualLinkDf": "virtual link QoS flavours are not translated",
    "testAccess": "test access is not translated",
    "pnfdId": "PNFs are not deployed",
    "nestedNsdId": "nested NSDs are not translated",
}


@dataclass
class EtsiTosca:
    """What :func:`to_tosca` made: ``text`` the TOSCA service template (YAML), ``name`` the
    service name, ``report`` the constructs not translated (paths in the descriptors),
    ``origins`` TOSCA node name -> path of the ETSI element it came from, ``levels`` the
    instantiation levels of the pods (``{"ids": [...], "default": id | None, "nodes":
    {node: {level: count}}}``, empty when none), ``vms`` TOSCA server node -> (path, what
    its compute descriptor asks, for error messages)."""

    name: str
    text: str
    report: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    levels: Doc = field(default_factory=dict)
    vms: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def relocate(self, exc: DescriptorError, source: str) -> TranslationError:
        """``exc`` (about the generated TOSCA) with each problem's path moved to the ETSI
        element its node came from; the TOSCA node is named in the message."""
        problems = []
        for p in exc.problems:
            match = _NODE.match(p.path or "")
            tosca_node = match.group(1) if match else None
            origin = self.origins.get(tosca_node) if tosca_node else None
            problems.append(
                Problem(origin or p.path, p.rule, f"{p.message} (TOSCA node {tosca_node})" if origin else p.message)
            )
        return TranslationError(source, problems)


def kind_of(data: Any) -> str | None:
    """``vnfd``, ``nsd``, ``project`` (an RDCL 3D project: ``nsd``/``vnfd`` maps) or None.

    An NSD also has ``vnfdId`` (a list), so NSD keys are looked at first.
    """
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("vnfd"), dict) or isinstance(data.get("nsd"), dict):
        return "project"
    if any(k in data for k in NSD_KEYS):
        return "nsd"
    if "vdu" in data or "vnfExtCpd" in data or isinstance(data.get("vnfdId"), str):
        return "vnfd"
    return None


def read_descriptors(path: str | Path) -> tuple[dict[str, Doc], dict[str, Any]] | None:
    """For the command line: the ETSI descriptors of a file or folder, or None when it holds none.

    Returns ``(descriptors, nested)``: name (file stem, or the key in an RDCL 3D project)
    -> VNFD/NSD dict, and name -> nested descriptor (a project's ``k8s``/``click`` entries,
    files under ``k8s/`` or ``click/``). Files that are not YAML/JSON are ignored.

    :raises DescriptorError: a file of the folder is not valid YAML/JSON.
    """
    path = Path(path)
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() in (".json", ".yaml", ".yml"))
        if path.is_dir()
        else [path]
        if path.suffix.lower() in (".json", ".yaml", ".yml")
        else []
    )
    descriptors: dict[str, Doc] = {}
    nested: dict[str, Any] = {}
    for file in files:
        try:
            text = file.read_text()
            data = limits.load_json(text) if file.suffix.lower() == ".json" else limits.load_yaml(text)
        except limits.LimitError as exc:
            raise DescriptorError(str(file), [Problem("", exc.rule, exc.message, exc.line)]) from None
        except (yaml.YAMLError, ValueError) as exc:
            if path.is_dir():
                raise DescriptorError(str(file), [Problem("", "yaml.syntax", " ".join(str(exc).split()))]) from None
            return None
        kind = kind_of(data)
        if kind == "project":
            for key in ("vnfd", "nsd"):
                descriptors.update({k: v for k, v in (data.get(key) or {}).items() if isinstance(v, dict)})
            for key in ("k8s", "click"):
                nested.update(data.get(key) or {})
        elif kind:
            descriptors[file.stem] = data
        elif path.is_dir() and file.parent.name in ("k8s", "click"):
            nested[file.stem] = data
    return (descriptors, nested) if descriptors else None


def to_tosca(
    descriptors: Mapping[str, Doc], nested: Mapping[str, Any] | None = None, nsd: str | None = None
) -> EtsiTosca:
    """The TOSCA 1.3 service template equivalent to ``descriptors``.

    ``descriptors``: name -> VNFD or NSD dict (what the designer's ``EtsiModel`` holds:
    ``{d.name: d.data for d in model.descriptors}``); an NSD's ``vnfdId`` names a VNFD by
    that name, else by its ``vnfdId`` (IFA 014 §6.2.2). ``nested``: name -> nested
    descriptor (the project's ``k8s``/``click`` resources) that a ``vduNestedDesc``
    names. ``nsd``: which NSD when there are several. With an NSD, its first ``nsDf``
    (IFA 014 §6.3.2) is the service; without one, every VNFD with its first deployment
    flavour (IFA 011 §7.1.8).

    :raises TranslationError: no descriptor, several NSDs and no ``nsd``, a VNFD the NSD
        lists that is missing, a VDU whose nested type, parent or network cannot be
        translated; each problem at its path in the descriptors.
    """
    builder = _Builder(dict(nested or {}))
    docs = {name: (kind_of(data), data) for name, data in descriptors.items()}
    nsds = sorted(name for name, (kind, _) in docs.items() if kind == "nsd")
    vnfds = {name: data for name, (kind, data) in docs.items() if kind == "vnfd"}
    for name, (kind, _) in docs.items():
        if kind not in ("nsd", "vnfd"):
            builder.problem(
                name, "etsi.not-a-descriptor", "neither a VNFD (vnfdId, vdu) nor an NSD (nsdIdentifier, nsDf)"
            )
    if nsd is not None and nsd not in nsds:
        builder.problem(nsd, "etsi.unknown-nsd", f"no NSD {nsd!r} (NSDs: {', '.join(nsds) or 'none'})")
    elif nsd is None and len(nsds) > 1:
        builder.problem("nsd", "etsi.several-nsds", f"several NSDs ({', '.join(nsds)}): choose one")
    elif not nsds and not vnfds:
        builder.problem("", "etsi.empty", "no VNFD or NSD to translate")
    builder.raise_problems()
    chosen = nsd or (nsds[0] if nsds else None)
    if chosen:
        name = _ns(builder, chosen, docs[chosen][1], vnfds)
        for other in nsds:
            if other != chosen:
                builder.report.append(f"nsd.{other}: not translated, NSD {chosen} was chosen")
    else:
        several = len(vnfds) > 1
        for vname, data in vnfds.items():
            _vnf(builder, vname, data, f"{_ident(vname)}_" if several else "", None, {}, None)
        name = next(iter(vnfds.values())).get("vnfdId") or next(iter(vnfds)) if not several else "vnfds"
    builder.finish()
    if not builder.nodes and not builder.problems:
        builder.problem(
            f"nsd.{chosen}.nsDf" if chosen else "vnfd",
            "etsi.nothing-to-deploy",
            "no VDU or virtual link could be translated (see the report: " + "; ".join(builder.report[-3:]) + ")",
        )
    builder.raise_problems()
    return EtsiTosca(
        name=str(name),
        text=builder.text(str(name)),
        report=builder.report,
        origins=builder.origins,
        levels=builder.levels_out(),
        vms=builder.vms,
    )


# -- building -------------------------------------------------------------------------------


class _Builder:
    """Node templates, inputs and policies being made, and what was found on the way."""

    def __init__(self, nested: dict[str, Any]):
        self.nested = nested
        self.nodes: dict[str, Doc] = {}
        self.inputs: dict[str, Doc] = {}
        self.sites: dict[str, list[str]] = {}
        self.report: list[str] = []
        self.problems: list[Problem] = []
        self.origins: dict[str, str] = {}
        self.levels: dict[str, dict[str, int]] = {}
        self.level_ids: list[str] = []
        self.default_level: str | None = None
        self.vms: dict[str, tuple[str, str, str]] = {}
        self.l3: dict[str, Doc] = {}  # network node -> subnet properties from the descriptor

    def problem(self, path: str, rule: str, message: str) -> None:
        self.problems.append(Problem(path, rule, message))

    def raise_problems(self) -> None:
        if self.problems:
            raise TranslationError("descriptors", self.problems)

    def add(self, name: str, template: Doc, origin: str) -> str:
        if name in self.nodes:
            self.problem(origin, "etsi.duplicate-node", f"TOSCA node {name!r} is also made from {self.origins[name]}")
        self.nodes[name] = template
        self.origins[name] = origin
        return name

    def place(self, node: str, site: Any) -> None:
        if isinstance(site, str) and site:
            self.sites.setdefault(site, []).append(node)

    def finish(self) -> None:
        """Networks: a subnet where VM ports are on them; none where nothing is."""
        linked: dict[str, str] = {}
        for tpl in self.nodes.values():
            for req in tpl.get("requirements", []):
                for key, target in req.items():
                    if key in ("link", "virtual_link"):
                        linked[target] = "port" if key == "link" or linked.get(target) == "port" else "pod"
        k = 0
        for name in [n for n, t in self.nodes.items() if t["type"] == NETWORK]:
            if name not in linked:
                self.report.append(f"{self.origins[name]}: no connection point is on it: no network made")
                del self.nodes[name]
                continue
            props = self.nodes[name].setdefault("properties", {})
            props.update(self.l3.get(name, {}))
            if linked[name] == "port" and "cidr" not in props:
                self.inputs[f"{name}_cidr"] = {
                    "type": "string",
                    "default": f"172.{16 + k // 256}.{k % 256}.0/24",
                    "description": f"subnet of {self.origins[name]} (no L3ProtocolData in the descriptor)",
                }
                props["cidr"] = {"get_input": f"{name}_cidr"}
                self.report.append(
                    f"{self.origins[name]}: no L3ProtocolData: the subnet CIDR is the input "
                    f"{name}_cidr (default {self.inputs[f'{name}_cidr']['default']})"
                )
                k += 1
            if linked[name] == "port":
                props.setdefault("network_name", name)
            if not props:
                del self.nodes[name]["properties"]

    def levels_out(self) -> Doc:
        if not self.levels:
            return {}
        return {"ids": list(self.level_ids), "default": self.default_level, "nodes": dict(self.levels)}

    def text(self, name: str) -> str:
        topology: Doc = {}
        if self.inputs:
            topology["inputs"] = self.inputs
        topology["node_templates"] = self.nodes
        if self.sites:
            topology["policies"] = [
                {
                    f"placement_{slug(site).replace('-', '_')}": {
                        "type": PLACEMENT_POLICY,
                        "properties": {"site": site},
                        "targets": nodes,
                    }
                }
                for site, nodes in self.sites.items()
            ]
        doc = {
            "tosca_definitions_version": "tosca_simple_yaml_1_3",
            "description": f"Translated by rdcl-nfvo from the ETSI NFV descriptors of {name}.",
            "metadata": {"template_name": name, "template_author": "rdcl-nfvo (from ETSI NFV-IFA 011/014)"},
            "imports": [PROFILE_URL],
            "topology_template": topology,
        }
        return dump(doc)


def _ident(value: Any) -> str:
    """A TOSCA node name part: letters, digits, ``_`` and ``-``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(value)).strip("_") or "x"


def _ok(value: object) -> TypeGuard[str]:
    """A non-empty string (an identifier or a name that was filled in)."""
    return isinstance(value, str) and value != ""


def _items(data: Doc, key: str) -> list[tuple[int, Doc]]:
    value = data.get(key)
    return [(i, v) for i, v in enumerate(value if isinstance(value, list) else []) if isinstance(v, dict)]


def _leftovers(builder: _Builder, path: str, data: Doc, kind: str, also: tuple[str, ...] = ()) -> None:
    """Report every key of ``data`` with a value that is neither read nor descriptive."""
    for key, value in data.items():
        if key in _READ[kind] or key in also or value in _EMPTY or _placeholder(value):
            continue
        builder.report.append(
            f"{path}.{key}: not translated ({_WHY.get(key, 'no equivalent in the generated service')})"
        )


def _placeholder(value: Any) -> bool:
    """Only empty strings/lists/nulls inside (RDCL 3D template leftovers)."""
    if isinstance(value, dict):
        return all(v in _EMPTY or _placeholder(v) for v in value.values())
    if isinstance(value, list):
        return all(v in _EMPTY or _placeholder(v) for v in value)
    return value in _EMPTY


def _subnet(data: Doc) -> Doc:
    """TOSCA Network subnet properties from IFA L3ProtocolData (``cidr``, ``ipVersion``,
    ``gatewayIp``, ``dhcpEnabled``, ``ipAllocationPools``), wherever the VL or its profile
    carries it (``l3ProtocolData``, ``virtualLinkProtocolData[].l3ProtocolData``)."""
    l3 = data.get("l3ProtocolData")
    for entry in data.get("virtualLinkProtocolData") or []:
        if isinstance(entry, dict) and isinstance(entry.get("l3ProtocolData"), dict):
            l3 = entry["l3ProtocolData"]
    if not isinstance(l3, dict) or not _ok(l3.get("cidr")):
        return {}
    out: Doc = {"cidr": l3["cidr"]}
    version = str(l3.get("ipVersion") or "").lower()
    if version:
        out["ip_version"] = 6 if "6" in version else 4
    if _ok(l3.get("gatewayIp")):
        out["gateway_ip"] = l3["gatewayIp"]
    if isinstance(l3.get("dhcpEnabled"), bool):
        out["dhcp_enabled"] = l3["dhcpEnabled"]
    pools = [p for p in l3.get("ipAllocationPools") or [] if isinstance(p, dict)]
    if pools and _ok(pools[0].get("startIpAddress")) and _ok(pools[0].get("endIpAddress")):
        out["start_ip"], out["end_ip"] = pools[0]["startIpAddress"], pools[0]["endIpAddress"]
    return out


# -- NSD ------------------------------------------------------------------------------------


def _ns(builder: _Builder, name: str, nsd: Doc, vnfds: dict[str, Doc]) -> str:
    """The NSD's first deployment flavour: NS virtual links, then each VNF profile's VNF
    (IFA 014 §6.2.2 Nsd, §6.3.2 NsDf, §6.3.3 VnfProfile, §6.3.4 VirtualLinkProfile)."""
    base = f"nsd.{name}"
    _leftovers(builder, base, nsd, "nsd")
    by_id = {v.get("vnfdId"): v for v in vnfds.values() if _ok(v.get("vnfdId"))}
    listed = [r for r in nsd.get("vnfdId") or [] if _ok(r)]
    for i, ref in enumerate(nsd.get("vnfdId") or []):
        if _ok(ref) and ref not in vnfds and ref not in by_id:
            builder.problem(
                f"{base}.vnfdId[{i}]",
                "etsi.unknown-vnfd",
                f"no VNFD {ref!r} among the descriptors (VNFDs: {', '.join(sorted(vnfds)) or 'none'}) (IFA 014 §6.2.2)",
            )
    vls = {vl.get("virtualLinkDescId"): (i, vl) for i, vl in _items(nsd, "virtualLinkDesc")}
    for i, vl in _items(nsd, "virtualLinkDesc"):
        if not _ok(vl.get("virtualLinkDescId")):
            builder.report.append(f"{base}.virtualLinkDesc[{i}]: skipped, no virtualLinkDescId")
        else:
            _leftovers(builder, f"{base}.virtualLinkDesc[{i}]", vl, "vl")
    dfs = _items(nsd, "nsDf")
    if not dfs:
        builder.problem(
            f"{base}.nsDf", "etsi.no-flavour", "the NSD has no nsDf: nothing says which VNFs it runs (IFA 014 §6.3.2)"
        )
        return str(nsd.get("nsdIdentifier") or name)
    d, df = dfs[0]
    for extra, _ in dfs[1:]:
        builder.report.append(f"{base}.nsDf[{extra}]: not translated, the first NS deployment flavour is used")
    dpath = f"{base}.nsDf[{d}]"
    _leftovers(builder, dpath, df, "nsdf")
    networks: dict[Ident, str] = {}  # virtualLinkProfileId -> network node
    for p, prof in _items(df, "virtualLinkProfile"):
        vld = prof.get("virtualLinkDescId")
        if not _ok(prof.get("virtualLinkProfileId")) or vld not in vls:
            builder.report.append(f"{dpath}.virtualLinkProfile[{p}]: skipped, it names no virtual link of the NSD")
            continue
        _leftovers(
            builder,
            f"{dpath}.virtualLinkProfile[{p}]",
            prof,
            "vl",
            ("virtualLinkProfileId", "flavourId", "maxBitrateRequirements", "minBitrateRequirements"),
        )
        for key in ("maxBitrateRequirements", "minBitrateRequirements"):
            if not _placeholder(prof.get(key)):
                builder.report.append(
                    f"{dpath}.virtualLinkProfile[{p}].{key}: not translated (no QoS on Neutron networks here)"
                )
        node = _ident(vld)
        if node not in builder.nodes:
            builder.add(node, {"type": NETWORK}, f"{base}.virtualLinkDesc[{vls[vld][0]}]")
            builder.l3[node] = _subnet(vls[vld][1]) or _subnet(prof)
        networks[prof["virtualLinkProfileId"]] = node
    for i, sap in _items(nsd, "sapd"):
        if _ok(sap.get("cpdId")):
            builder.report.append(
                f"{base}.sapd[{i}] {sap['cpdId']}: service access point not translated "
                "(no floating IP or external router is made; the network is created as above)"
            )
    used: dict[str, int] = {}
    profiles = _items(df, "vnfProfile")
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
        _leftovers(builder, ppath, prof, "vnfprofile")
        pid = _ident(prof.get("vnfProfileId") or vname)
        used[pid] = used.get(pid, 0) + 1
        prefix = f"{pid}_" if used[pid] == 1 else f"{pid}{used[pid]}_"
        low, high = prof.get("minNumberOfInstances"), prof.get("maxNumberOfInstances")
        if (isinstance(high, int) and high > 1) or (isinstance(low, int) and low > 1):
            builder.report.append(
                f"{ppath}: one instance of VNF {vname} is deployed (min {low}, max {high}): "
                "VNF scaling is not translated, its VDUs scale as their own profiles say"
            )
        links: dict[Ident, str] = {}
        for c, conn in _items(prof, "nsVirtualLinkConnectivity"):
            net = networks.get(conn.get("virtualLinkProfileId"))
            for cpd in conn.get("cpdId") or []:
                if not _ok(cpd):
                    continue
                if net is None:
                    builder.report.append(
                        f"{ppath}.nsVirtualLinkConnectivity[{c}]: {cpd} not connected, the "
                        "virtual link profile is not translated"
                    )
                else:
                    links[cpd] = net
        level = prof.get("instantiationLevel") if _ok(prof.get("instantiationLevel")) else None
        _vnf(builder, vname, vnfds[vname], prefix, prof.get("flavourId"), links, level, prof.get("site"))
    if not any(True for _ in profiles):
        builder.problem(f"{dpath}.vnfProfile", "etsi.no-vnf", "the NS deployment flavour has no VNF profile")
    return str(nsd.get("nsdName") or nsd.get("nsdIdentifier") or name)


# -- VNFD -----------------------------------------------------------------------------------


def _vnf(
    builder: _Builder,
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
    _leftovers(builder, base, vnfd, "vnfd")
    vdus = _items(vnfd, "vdu")
    vdu_index: dict[Ident, tuple[int, Doc]] = {v.get("vduId"): (i, v) for i, v in vdus if _ok(v.get("vduId"))}
    computes: dict[Ident, Doc] = {c.get("virtualComputeDescId"): c for _, c in _items(vnfd, "virtualComputeDesc")}
    storages: dict[Ident, Doc] = {s.get("id"): s for _, s in _items(vnfd, "virtualStorageDesc")}
    vl_index: dict[Ident, tuple[int, Doc]] = {
        v.get("virtualLinkDescId"): (i, v)
        for i, v in _items(vnfd, "intVirtualLinkDesc")
        if _ok(v.get("virtualLinkDescId"))
    }
    df, dpath = _flavour(builder, base, vnfd, flavour)
    vl_target: dict[Ident, str] = {}  # internal VL id -> network node
    cp_target: dict[Ident, str] = {}  # VduCpd id -> network node (an external CP on an NS link)
    for i, ext in _items(vnfd, "vnfExtCpd"):
        net = ns_links.get(ext.get("cpdId"))
        if net is None:
            continue
        if _ok(ext.get("intVirtualLinkDesc")) and ext["intVirtualLinkDesc"] in vl_index:
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
        elif _ok(ext.get("intCpd")):
            cp_target[ext["intCpd"]] = net
    for vl, (i, data) in vl_index.items():
        _leftovers(builder, f"{base}.intVirtualLinkDesc[{i}]", data, "vl")
        if vl not in vl_target:
            node = builder.add(f"{prefix}{_ident(vl)}", {"type": NETWORK}, f"{base}.intVirtualLinkDesc[{i}]")
            profile = next((p for _, p in _items(df, "virtualLinkProfile") if p.get("vnfVirtualLinkDescId") == vl), {})
            builder.l3[node] = _subnet(data) or _subnet(profile)
            vl_target[vl] = node
    counts = _counts(builder, dpath, df, level)
    kinds: dict[Ident, str] = {vid: _vdu_kind(vdu) for vid, (_, vdu) in vdu_index.items()}
    for vid, (i, vdu) in vdu_index.items():
        vpath = f"{base}.vdu[{i}]"
        _leftovers(builder, vpath, vdu, "vdu")
        node = f"{prefix}{_ident(vid)}"
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
            _pod(builder, vpath, node, vdu, prefix, vdu_index, kinds, computes, counts.get(vid))
        else:
            _server(builder, vpath, node, vdu, kind, computes, storages, counts.get(vid))
        builder.place(node, where)
        for j, cp in _items(vdu, "intCpd"):
            _cp(builder, f"{vpath}.intCpd[{j}]", j, cp, node, kind, prefix, vl_target, cp_target, where)
    for i, ext in _items(vnfd, "vnfExtCpd"):
        owner = next(
            (
                vid
                for vid, (_, v) in vdu_index.items()
                for _, cp in _items(v, "intCpd")
                if cp.get("cpdId") == ext.get("intCpd")
            ),
            None,
        )
        if ext.get("cpdId") in ns_links and owner and kinds.get(owner) == "click":
            builder.report.append(
                f"{base}.vnfExtCpd[{i}] {ext['cpdId']}: not connected to "
                f"{ns_links[ext['cpdId']]}, its VDU {owner} is a click VNF"
            )


def _flavour(builder: _Builder, base: str, vnfd: Doc, flavour: Any) -> tuple[Doc, str]:
    dfs = _items(vnfd, "deploymentFlavour")
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
    _leftovers(builder, path, chosen[1], "df")
    return chosen[1], path


def _counts(builder: _Builder, dpath: str, df: Doc, level: str | None) -> dict[Ident, Doc]:
    """Per VDU: ``min``/``max`` (VduProfile, IFA 011 §7.1.8.3), ``levels`` (VduLevel per
    InstantiationLevel, §7.1.8.7) and ``initial`` (the count at the default level)."""
    out: dict[Ident, Doc] = {}
    for _, prof in _items(df, "vduProfile"):
        out.setdefault(prof.get("vduId"), {}).update(
            {"min": prof.get("minNumberOfInstances"), "max": prof.get("maxNumberOfInstances")}
        )
    default = level or df.get("defaultInstantiationLevelId")
    ids = []
    for _, lvl in _items(df, "instantiationLevel"):
        if not _ok(lvl.get("levelId")):
            continue
        ids.append(lvl["levelId"])
        for _, vl in _items(lvl, "vduLevel"):
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


def _vdu_kind(vdu: Doc) -> str:
    nested = vdu.get("vduNestedDesc")
    kind = vdu.get("vduNestedDescType")
    if nested not in _EMPTY or kind not in _EMPTY:
        return {"kubernetes": "pod", "click": "click"}.get(str(kind), str(kind))  # a list is no kind either
    image = vdu.get("swImageDesc")
    image = image if isinstance(image, dict) else {}
    if "docker" in [str(e).lower() for e in image.get("supportedVirtualisationEnvironment") or []]:
        return "pod"
    if vdu.get("vduParent") == BARE_METAL_PARENT or vdu.get("vduParentBareMetal") in (True, "true", "True"):
        return "bare_metal"
    return "vm"


def _compute(builder: _Builder, vpath: str, vdu: Doc, computes: Mapping[Ident, Doc]) -> Doc | None:
    """The VDU's VirtualComputeDesc (IFA 011 §7.1.9.2), or None (reported)."""
    ref = vdu.get("virtualComputeDesc")
    if ref in computes:
        return computes[ref]
    known = ", ".join(sorted(str(k) for k in computes)) or "none"
    builder.report.append(
        f"{vpath}.virtualComputeDesc: {ref!r} names no virtualComputeDesc (known: {known}); "
        "CPU and memory are not set from it"
    )
    return None


def _cpu_mem(compute: Doc | None) -> tuple[Any, Any]:
    if not compute:
        return None, None
    cpu = (compute.get("virtualCpu") or {}).get("numVirtualCpu")
    mem = (compute.get("virtualMemory") or {}).get("virtualMemSize")
    cpu = cpu if isinstance(cpu, (int, float)) and not isinstance(cpu, bool) and cpu > 0 else None
    mem = mem if isinstance(mem, (int, float)) and not isinstance(mem, bool) and mem > 0 else None
    return cpu, mem


def _server(
    builder: _Builder,
    vpath: str,
    node: str,
    vdu: Doc,
    kind: str,
    computes: Mapping[Ident, Doc],
    storages: Mapping[Ident, Doc],
    count: Doc | None,
) -> None:
    """A VM (or bare-metal) VDU: flavor from its compute/storage descriptors, image from
    its SwImageDesc (IFA 011 §7.1.6.2, §7.1.6.5, §7.1.9.2, §7.1.9.4)."""
    vid = vdu.get("vduId")
    compute = _compute(builder, vpath, vdu, computes)
    cpu, mem = _cpu_mem(compute)
    host: Doc = {}
    if cpu is not None:
        host["num_cpus"] = max(1, int(round(cpu)))
    if mem is not None:
        host["mem_size"] = f"{mem:g} GB"
    storage = storages.get(vdu.get("virtualStorageDesc"))
    size = (storage or {}).get("sizeOfStorage")
    if isinstance(size, (int, float)) and not isinstance(size, bool) and size > 0:
        host["disk_size"] = f"{size:g} GB"
    tpl: Doc = {"type": BARE_METAL if kind == "bare_metal" else VM}
    if vdu.get("description"):
        tpl["description"] = str(vdu["description"])
    props: Doc = {}
    image = vdu.get("swImageDesc")
    image = image if isinstance(image, dict) else {}
    name = next((image[k] for k in ("name", "swImage", "id") if _ok(image.get(k))), None)
    if name:
        props["image"] = name
        builder.report.append(
            f"{vpath}.swImageDesc: the server boots Glance image {name!r}; the image file "
            f"({image.get('swImage') or 'none named'}) is not uploaded, it must exist on the site"
        )
    else:
        builder.inputs[f"{node}_image"] = {"type": "string", "description": f"Glance image of VDU {vid} ({vpath})"}
        props["image"] = {"get_input": f"{node}_image"}
        builder.report.append(f"{vpath}: no swImageDesc: the server's image is the input {node}_image")
    if not host and kind == "vm":
        builder.inputs[f"{node}_flavor"] = {"type": "string", "description": f"Nova flavor of VDU {vid} ({vpath})"}
        props["flavor"] = {"get_input": f"{node}_flavor"}
        builder.report.append(f"{vpath}: no usable virtualComputeDesc: the server's flavor is the input {node}_flavor")
    elif kind == "bare_metal":
        builder.report.append(
            f"{vpath}.vduParent: bare metal: an OS::Nova::Server with the bare-metal flavor "
            "(rdcl.nodes.Compute.BareMetal)"
        )
    tpl["properties"] = props
    if host:
        tpl["capabilities"] = {"host": {"properties": host}}
    builder.add(node, tpl, vpath)
    builder.vms[node] = (vpath, ", ".join(f"{k} {v}" for k, v in host.items()) or "no compute descriptor", str(vid))
    parent = vdu.get("vduParent")
    if _ok(parent) and parent != BARE_METAL_PARENT:
        builder.report.append(f"{vpath}.vduParent: a VM is not nested in VDU {parent}: it is a server of its own")
    if count:
        initial = count.get("initial", count.get("min"))
        if (isinstance(count.get("max"), int) and count["max"] > 1) or (isinstance(initial, int) and initial > 1):
            builder.report.append(
                f"{vpath}: one server is made (vduProfile min {count.get('min')}, max "
                f"{count.get('max')}, {initial} at level {count.get('default')}): VM scaling "
                "groups are not generated from ETSI descriptors"
            )


def _nested_image(builder: _Builder, vpath: str, vdu: Doc) -> str | None:
    """A pod's image: from its nested descriptor (inline, or the project's entry it names:
    the first ``image`` in it, a Kubernetes manifest's container image), else the
    ``vduNestedDesc`` name itself; reported either way."""
    ref = vdu.get("vduNestedDesc")
    found = ref if isinstance(ref, dict) else builder.nested.get(ref) if isinstance(ref, str) else None
    if isinstance(found, str):
        try:
            found = limits.load_yaml(found)
        except (yaml.YAMLError, limits.LimitError):
            found = None
    image = _first_image(found)
    if image:
        builder.report.append(f"{vpath}.vduNestedDesc: pod image {image!r} from the nested descriptor")
        return image
    image_desc = vdu.get("swImageDesc")
    image_desc = image_desc if isinstance(image_desc, dict) else {}
    if _ok(image_desc.get("name")):
        builder.report.append(f"{vpath}.swImageDesc: pod image {image_desc['name']!r} (a docker swImageDesc)")
        return str(image_desc["name"])
    if _ok(ref):
        builder.report.append(
            f"{vpath}.vduNestedDesc: no nested descriptor {ref!r} among the project's resources: "
            f"its name is used as the pod image"
        )
        return ref
    return None


def _first_image(value: Any) -> str | None:
    if isinstance(value, dict):
        if _ok(value.get("image")):
            return str(value["image"])
        for key in sorted(value, key=lambda k: (k not in ("spec", "template", "containers"), str(k))):
            found = _first_image(value[key])
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _first_image(item)
            if found:
                return found
    if isinstance(value, str) and "\n" in value:
        try:
            return _first_image(limits.load_yaml(value))
        except (yaml.YAMLError, limits.LimitError):
            return None
    return None


def _pod(
    builder: _Builder,
    vpath: str,
    node: str,
    vdu: Doc,
    prefix: str,
    vdu_index: Mapping[Ident, tuple[int, Doc]],
    kinds: Mapping[Ident, str],
    computes: Mapping[Ident, Doc],
    count: Doc | None,
) -> None:
    """A kubernetes nested VDU (Superfluidity extension of IFA 011 §7.1.6.2)."""
    vid = vdu.get("vduId")
    props: Doc = {}
    image = _nested_image(builder, vpath, vdu)
    if image:
        props["image"] = image
    else:
        builder.problem(
            f"{vpath}.vduNestedDesc",
            "etsi.pod-image",
            f"VDU {vid}: a pod needs an image and there is no nested descriptor to take it from",
        )
    parent = vdu.get("vduParent")
    mandatory = vdu.get("vduParentMandatory")
    if parent == BARE_METAL_PARENT or vdu.get("vduParentBareMetal") in (True, "true", "True"):
        props["vdu_parent_bare_metal"] = True
        if mandatory is False:
            props["vdu_parent_mandatory"] = False
    elif _ok(parent):
        if parent not in kinds:
            builder.problem(
                f"{vpath}.vduParent", "etsi.vdu-parent", f"VDU {vid}: vduParent {parent!r} is not a VDU of this VNFD"
            )
        elif kinds[parent] not in ("vm", "bare_metal"):
            builder.problem(
                f"{vpath}.vduParent",
                "etsi.vdu-parent",
                f"VDU {vid}: vduParent {parent!r} is a {kinds[parent]} VDU, not a VM or bare-metal server",
            )
        else:
            props["vdu_parent"] = f"{prefix}{_ident(parent)}"
            if mandatory is False:
                props["vdu_parent_mandatory"] = False
    compute = computes.get(vdu.get("virtualComputeDesc")) if vdu.get("virtualComputeDesc") not in _EMPTY else None
    if vdu.get("virtualComputeDesc") not in _EMPTY and compute is None:
        compute = _compute(builder, vpath, vdu, computes)
    cpu, mem = _cpu_mem(compute)
    if cpu is not None and float(cpu).is_integer():
        props["num_cpus"] = int(cpu)
    elif cpu is not None:
        props["milli_cpus"] = max(1, int(round(cpu * 1000)))
    if mem is not None:
        props["mem_size"] = f"{mem:g} GB"
    count = count or {}
    low, high, initial = count.get("min"), count.get("max"), count.get("initial")
    replicas = initial if isinstance(initial, int) else low if isinstance(low, int) else 1
    props["replicas"] = replicas
    if isinstance(high, int) and high > max(replicas, low if isinstance(low, int) else 1, 1):
        props["min_replicas"] = max(1, low if isinstance(low, int) else 1)
        props["max_replicas"] = high
    if count.get("levels"):
        builder.levels[node] = dict(count["levels"])
    tpl: Doc = {"type": POD}
    if vdu.get("description"):
        tpl["description"] = str(vdu["description"])
    tpl["properties"] = props
    builder.add(node, tpl, vpath)


def _cp(
    builder: _Builder,
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
    _leftovers(builder, path, cp, "cpd")
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
        if _ok(ifref) and (ifref != "eth0" or index > 0):
            builder.report.append(
                f"{path}.internalIfRef: {ifref} not mapped, a pod has one network interface: "
                f"it is on {net} through a NetworkPolicy"
            )
        return
    match = re.search(r"(\d+)$", ifref) if _ok(ifref) else None
    order = int(match.group(1)) if match else index
    if _ok(ifref) and not match:
        builder.report.append(
            f"{path}.internalIfRef: {ifref!r} has no interface number; port order {index} (its place in intCpd)"
        )
    port = builder.add(
        f"{prefix}{_ident(cid)}",
        {"type": PORT, "properties": {"order": order}, "requirements": [{"binding": node}, {"link": net}]},
        path,
    )
    builder.place(port, site)


# -- after loading ------------------------------------------------------------------------


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


def check_servers(translation: Translation, converted: EtsiTosca, source: str) -> None:
    """Every server made from a VDU has a flavor: heat-translator leaves it empty when no
    flavor fits the compute descriptor (IFA 011 §7.1.9.2: ``virtualMemSize`` is in GB), which
    :mod:`translators.heat_fit` then makes the site's flavor; a VDU always gives its size, so
    the site's flavor there means nothing fitted.

    :raises TranslationError: at the VDU of each server without one.
    """
    problems = []
    for path, text in sorted(translation.files.items()):
        if not (path.startswith("templates/") and path.endswith(".yaml")):
            continue
        hot = yaml.safe_load(text) or {}
        for name, res in sorted((hot.get("resources") or {}).items()):
            props = (res or {}).get("properties") or {}
            site_flavor = props.get("flavor") == {"get_param": SITE_FLAVOR}  # heat_fit: no size was fitted
            if (
                res.get("type") == "OS::Nova::Server"
                and name in converted.vms
                and (props.get("flavor") in _EMPTY or site_flavor)
            ):
                where, asks, vid = converted.vms[name]
                problems.append(
                    Problem(
                        f"{where}.virtualComputeDesc",
                        "etsi.no-flavor",
                        f"no Nova flavor fits VDU {vid} ({asks}; virtualMemSize is in GB) (TOSCA node {name})",
                    )
                )
    if problems:
        raise TranslationError(source, problems)
