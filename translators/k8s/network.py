"""A container's connection point as a Service, and its traffic rule as a NetworkPolicy.

Service (core/v1): the node's ``ports`` are its exposed connection point (ETSI GS
NFV-IFA 011 VduCpd / the nested-VDU k8s service CPD): one Service named after the node,
one TCP port each (``tcp-<i>``), type ``service_type`` (default ClusterIP).

NetworkPolicy (networking.k8s.io/v1), **the rule**: a pod restricts its ingress only
when it is on a virtual link (a ``virtual_link`` requirement to a
tosca.nodes.network.Network; relationship tosca.relationships.network.LinksTo of the
TOSCA Simple Profile 1.3 networking types). Its policy selects its pods, limits
ingress to its ``ports`` (all ports when it has none), and admits:

1. pods of the service on the same site that share one of its virtual links (each
   pod carries the label ``vl.nfvo.rdcl.io/<link>: member`` per link);
2. pods of the service on the same site that have a requirement on it (they use it);
3. VMs on one of its virtual links, and VMs that have a requirement on it, by the
   ``cidr`` of the Networks their Ports link to (an ``ipBlock``).

Anything else that has a requirement on it (a process on a linux site, a pod on another
site, a VM with no network ``cidr``) has no address or label a NetworkPolicy can name:
the translation report says its traffic is not admitted. Egress is not restricted.
The pod network stays flat: a virtual link is an allow-list, not a separate network.
"""

from __future__ import annotations

import json

from ..doc import Doc
from ..model import NodeModel, ServiceModel
from ..relations import Relations
from .common import NAME_LABEL, dns_name, int_field, is_expr, metadata

LINK_LABEL_PREFIX = "vl.nfvo.rdcl.io/"


def link_labels(node: NodeModel) -> dict[str, str]:
    """Pod labels marking the virtual links ``node`` is on."""
    return {LINK_LABEL_PREFIX + dns_name(link): "member" for link in node.links}


def ports(node: NodeModel) -> list[int | str]:
    """The node's ports as integer fields (literal or dialog markers)."""
    return [int_field(p) for p in node.properties.get("ports") or []]


def service(
    model: ServiceModel, node: NodeModel, rel: Relations | None = None, notes: list[str] | None = None
) -> Doc | None:
    """The Service of ``node``'s ports, or None when it has none.

    A ClusterIP Service is reachable inside its cluster only: each node outside it that
    has a requirement on ``node`` is a report line in ``notes`` (set ``service_type``).
    """
    numbers = ports(node)
    if not numbers:
        return None
    if rel is not None and notes is not None and node.properties.get("service_type", "ClusterIP") == "ClusterIP":
        outside = [
            c
            for c in rel.clients.get(node.name, [])
            if not (c in rel.pods and model.nodes[c].site == node.site)
            and model.nodes[c].role in ("container", "stack")
        ]
        if outside:
            who = ", ".join(f"{c} ({model.nodes[c].site or model.nodes[c].role})" for c in outside)
            notes.append(
                f"{node.name}: its Service is ClusterIP (reachable inside its cluster only), but nodes "
                f"outside the cluster need it: {who}; set service_type NodePort or LoadBalancer"
            )
    spec = {
        "selector": {NAME_LABEL: dns_name(node.name)},
        "ports": [{"name": f"tcp-{i}", "port": p, "targetPort": p, "protocol": "TCP"} for i, p in enumerate(numbers)],
    }
    if node.properties.get("service_type"):
        spec["type"] = node.properties["service_type"]
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata(model.name, node.name), "spec": spec}


def _cidr(model: ServiceModel, network: str) -> str | None:
    value = model.nodes[network].properties.get("cidr") if network in model.nodes else None
    return value if isinstance(value, str) and value and not is_expr(value) else None


def _client_peers(model: ServiceModel, node: NodeModel, rel: Relations, notes: list[str]) -> list[Doc]:
    peers: list[Doc] = []
    for name in rel.clients.get(node.name, []):
        client = model.nodes[name]
        if name in rel.pods and client.site == node.site:
            peers.append({"podSelector": {"matchLabels": {NAME_LABEL: dns_name(name)}}})
            continue
        cidrs = [c for c in (_cidr(model, n) for n in rel.networks_of.get(name, [])) if c]
        if client.base_type == "compute" and cidrs:
            peers += [{"ipBlock": {"cidr": c}} for c in cidrs]
            continue
        where = f"on {client.site}" if client.site else f"({client.role})"
        notes.append(
            f"{node.name}: NetworkPolicy does not admit {name} {where}, which requires it: "
            "no pod label or network cidr names its address"
        )
    return peers


def network_policy(model: ServiceModel, node: NodeModel, rel: Relations, notes: list[str]) -> Doc | None:
    """The NetworkPolicy of a pod on virtual links (see the module's rule), or None."""
    if not node.links:
        return None
    peers: list[Doc] = []
    for link in node.links:
        peers.append({"podSelector": {"matchLabels": {LINK_LABEL_PREFIX + dns_name(link): "member"}}})
        if link in model.nodes and model.nodes[link].role == "stack" and _cidr(model, link):
            peers.append({"ipBlock": {"cidr": _cidr(model, link)}})
    peers += _client_peers(model, node, rel, notes)
    unique = list({json.dumps(p, sort_keys=True): p for p in peers}.values())
    rule: Doc = {"from": unique}
    numbers = ports(node)
    if numbers:
        rule["ports"] = [{"port": p, "protocol": "TCP"} for p in numbers]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(model.name, node.name),
        "spec": {
            "podSelector": {"matchLabels": {NAME_LABEL: dns_name(node.name)}},
            "policyTypes": ["Ingress"],
            "ingress": [rule],
        },
    }
