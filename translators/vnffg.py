"""VNF forwarding graphs: a forwarding path's hops as Kubernetes NetworkPolicies.

A forwarding path (``rdcl.nodes.nfv.ForwardingPath``, the TOSCA NFV profile 1.0
``tosca.nodes.nfv.FP``; ETSI GS NFV-IFA 014 NFP of a VNFFG, usually a member of a
``tosca.groups.nfv.VNFFG``) lists its hops in order (``forwarder`` requirements; a Port
is the node it is bound to, see :attr:`translators.model.NodeModel.hops`).

**The rule** (networking.k8s.io/v1 NetworkPolicy): every pod on a path after its first
hop gets a policy ``<path>-<pod>`` selecting its pods and admitting ingress from the hop
before it only: that hop's pods (same site) or the ``cidr`` of the networks its VM's
ports are on (an ``ipBlock``). The first hop is where traffic enters the chain: the
path does not restrict it. Kubernetes NetworkPolicies add up: a pod that other rules
(virtual links, :mod:`translators.k8s.network`) open further stays open to them.

VMs on a path: steering between VMs needs networking-sfc (OS::Neutron::PortPair,
PortPairGroup, FlowClassifier, PortChain), which core Heat lacks and heat-translator
does not map; those resources cannot be validated here (no Neutron with the sfc
extension), so none is emitted and the translation report names each VM hop.
"""

from __future__ import annotations

from .doc import Doc
from .k8s.common import NAME_LABEL, dns_name, metadata
from .k8s.network import _cidr, ports
from .model import NodeModel, ServiceModel
from .relations import Relations


def paths(model: ServiceModel) -> list[NodeModel]:
    """The forwarding paths of the service, in descriptor order."""
    return [n for n in model.nodes.values() if n.role == "path"]


def _peers(model: ServiceModel, node: NodeModel, prev: str, rel: Relations) -> list[Doc]:
    before = model.nodes.get(prev)
    if before is None:
        return []
    if prev in rel.pods and before.site == node.site:
        return [{"podSelector": {"matchLabels": {NAME_LABEL: dns_name(prev)}}}]
    if before.base_type == "compute":
        cidrs = sorted({c for c in (_cidr(model, n) for n in rel.networks_of.get(prev, [])) if c})
        return [{"ipBlock": {"cidr": c}} for c in cidrs]
    return []


def network_policies(model: ServiceModel, node: NodeModel, rel: Relations, notes: list[str]) -> list[Doc]:
    """The NetworkPolicies of pod ``node`` on forwarding paths (see the module's rule);
    a previous hop that no label or cidr names is a report line in ``notes``."""
    out = []
    for path in paths(model):
        for i, hop in enumerate(path.hops):
            if hop != node.name or i == 0:
                continue
            prev = path.hops[i - 1]
            peers = _peers(model, node, prev, rel)
            if not peers:
                notes.append(
                    f"path {path.name}: {node.name} admits no traffic from the hop before it, {prev}: "
                    "no pod label or network cidr names its address (ingress along the path is closed)"
                )
            rule: Doc = {"from": peers} if peers else {}
            numbers = ports(node)
            if numbers:
                rule["ports"] = [{"port": p, "protocol": "TCP"} for p in numbers]
            out.append(
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "NetworkPolicy",
                    "metadata": metadata(model.name, node.name, dns_name(f"{path.name}-{node.name}")),
                    "spec": {
                        "podSelector": {"matchLabels": {NAME_LABEL: dns_name(node.name)}},
                        "policyTypes": ["Ingress"],
                        "ingress": [rule] if peers else [],
                    },
                }
            )
    return out


def report(model: ServiceModel, rel: Relations) -> list[str]:
    """Report lines per path: what became NetworkPolicies, the entry hop, and the hops
    that are not pods (VMs: no networking-sfc resources; unknown or non-deployed nodes)."""
    lines = []
    for path in paths(model):
        if not path.hops:
            lines.append(f"path {path.name}: no forwarder hops; nothing to translate")
            continue
        pods = [h for h in path.hops[1:] if h in rel.pods]
        lines.append(
            f"path {path.name}: hops {' -> '.join(path.hops)}; "
            + (
                f"pods {', '.join(pods)} admit ingress only from the hop before them (NetworkPolicy); "
                if pods
                else "no pod after the first hop, so no NetworkPolicy; "
            )
            + f"the entry hop {path.hops[0]} is not restricted by the path"
        )
        vms = [h for h in path.hops if h in model.nodes and model.nodes[h].base_type == "compute"]
        if vms:
            lines.append(
                f"path {path.name}: VM hops {', '.join(vms)} are not chained: networking-sfc resources "
                "(OS::Neutron::PortPair, PortPairGroup, FlowClassifier, PortChain) are skipped, core Heat "
                "and heat-translator have none and they cannot be validated without a Neutron sfc extension"
            )
        other = [h for h in path.hops if h not in rel.pods and h not in vms]
        if other:
            lines.append(
                f"path {path.name}: hops {', '.join(other)} are neither pods nor VMs "
                "(a linux process, an unknown node or one not deployed): no rule for them"
            )
        if path.properties.get("policy"):
            lines.append(
                f"path {path.name}: its policy {path.properties['policy']!r} (traffic classifier) "
                "is not translated: a NetworkPolicy has no flow classifier"
            )
    return lines
