"""Who uses whom in a placed service, computed once (the manifests of each node read it).

* ``pods``: container nodes placed on kubernetes/openshift sites (they become pods);
* ``clients[x]``: nodes with a requirement naming ``x`` (TOSCA ``dependency``,
  ``host``, ``binding``, ``link``...: they use it);
* ``link_members[l]``: pods on the virtual link ``l`` (``virtual_link`` requirements);
* ``networks_of[vm]``: Networks the VM's Ports link to (``binding`` + ``link``);
* ``children[vm]``: pods nested in the VM or bare-metal server (nested VDU ``vduParent``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import ServiceModel

if TYPE_CHECKING:
    from .placement import Part
    from .site_kinds import SiteKind


@dataclass
class Relations:
    """See the module docstring; every list is sorted (output must not depend on order)."""

    pods: set[str] = field(default_factory=set)
    site_kind: dict[str, SiteKind] = field(default_factory=dict)
    clients: dict[str, list[str]] = field(default_factory=dict)
    link_members: dict[str, list[str]] = field(default_factory=dict)
    networks_of: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: ServiceModel, parts: list[Part] | None = None) -> Relations:
        """Relations of ``model`` placed as ``parts`` (:class:`translators.placement.Part`).

        Without ``parts`` every container counts as a pod (one node translated alone).
        """
        rel = cls()
        if parts is None:
            rel.pods = {n.name for n in model.nodes.values() if n.role == "container"}
        else:
            rel.site_kind = {p.site: p.site_kind for p in parts}
            rel.pods = {n for p in parts if p.site_kind.pods for n in p.nodes}
        clients: dict[str, set[str]] = {}
        for node in model.nodes.values():
            for dep in node.depends_on:
                clients.setdefault(dep, set()).add(node.name)
            for link in node.links:
                if node.name in rel.pods:
                    rel.link_members.setdefault(link, []).append(node.name)
            if node.parent and node.name in rel.pods:
                rel.children.setdefault(node.parent, []).append(node.name)
            if node.base_type == "port":
                vms = [d for d in node.depends_on if model.nodes[d].base_type == "compute"]
                nets = [d for d in node.depends_on if model.nodes[d].base_type == "network"]
                for vm in vms:
                    rel.networks_of.setdefault(vm, []).extend(nets)
        rel.clients = {k: sorted(v) for k, v in clients.items()}
        for table in (rel.link_members, rel.children, rel.networks_of):
            for key in table:
                table[key] = sorted(set(table[key]))
        return rel

    def flavour(self, model: ServiceModel, node: str) -> str:
        """``openshift`` or ``kubernetes``: the manifest flavour of the site ``node`` is placed on
        (``kubernetes`` where its site's kind has none)."""
        kind = self.site_kind.get(model.nodes[node].site)
        return (kind.flavour if kind else None) or "kubernetes"
