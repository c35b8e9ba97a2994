"""Put each node on a site and order the sites so a service comes up in dependency order.

A *part* is everything a service deploys on one site (one play in the playbooks). Part
B depends on part A when a node on B depends on a node on A (TOSCA ``dependency``,
``host``, ``binding``, ``link`` requirements, and a pod's parent VM). Parts are ordered
topologically; ties are broken by site name so the output is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import site_kinds
from .errors import Problem, TranslationError
from .model import NodeModel, ServiceModel
from .sites import SiteMap

DEPLOYED_ROLES = ("stack", "container", "cnf")


@dataclass
class Part:
    """What one site runs for a service: nodes in dependency order, and the parts before it."""

    site: str
    kind: str
    nodes: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)

    @property
    def site_kind(self) -> site_kinds.SiteKind:
        """The kind of the part's site (:func:`translators.site_kinds.get` of :attr:`kind`):
        the modules a kind drives (``hot``, ``pods``, ``relations``) read it here instead of
        importing the registry, which imports every kind.

        :raises translators.site_kinds.UnknownKind: :attr:`kind` is no registered kind.
        """
        return site_kinds.get(self.kind)


def place(model: ServiceModel, sites: SiteMap) -> list[Part]:
    """Resolve every deployable node's site and return the parts in deployment order.

    A node placed by a site selector goes to the best site that matches it
    (:meth:`SiteMap.select`); the report names it (:func:`translators.report.entries`).

    :raises TranslationError: a placement on an unknown site or a site of the wrong kind,
        a selector naming no registered kind (rule ``placement.unknown-kind``) or that no
        suitable site matches, no site for an unplaced node, or parts that
        depend on each other in a cycle.
    """
    problems = []
    for node in model.nodes.values():
        if node.role not in DEPLOYED_ROLES:
            continue
        path = f"topology_template.node_templates.{node.name}"
        kinds = site_kinds.for_role(node.role)
        if node.site and node.site_selector:
            problems.append(
                Problem(path, "placement.site-and-selector", "a placement gives either site or site_selector, not both")
            )
            continue
        if node.site_selector:
            wanted, known = node.site_selector.get("kind"), site_kinds.names()
            if wanted is not None and wanted not in known:
                problems.append(
                    Problem(
                        path,
                        "placement.unknown-kind",
                        f"the site selector's kind {wanted!r} is not one of {', '.join(known)}",
                    )
                )
                continue
            found = sites.select(node.site_selector, node.role)
            if not found:
                problems.append(
                    Problem(
                        path,
                        "placement.no-match",
                        f"no registered site of kind {'/'.join(kinds)} matches the selector {node.site_selector}",
                    )
                )
                continue
            node.site = found[0].name
            continue
        if not node.site:
            default = sites.default_for(node.role)
            if default is None:
                problems.append(
                    Problem(path, "placement.no-site", f"needs a site of kind {'/'.join(kinds)}; none is registered")
                )
                continue
            node.site = default.name
        site = sites.get(node.site)
        if site is None:
            problems.append(Problem(path, "placement.unknown-site", f"site {node.site!r} is not registered"))
        elif site.kind not in kinds:
            problems.append(
                Problem(
                    path, "placement.wrong-kind", f"a {node.role} node cannot run on {site.kind} site {site.name!r}"
                )
            )
    if problems:
        raise TranslationError(model.source, problems)
    return _order(model, sites)


def _order(model: ServiceModel, sites: SiteMap) -> list[Part]:
    parts: dict[str, Part] = {}
    for node in _node_order(model):
        if node.role in DEPLOYED_ROLES:
            parts.setdefault(node.site, Part(node.site, sites.sites[node.site].kind)).nodes.append(node.name)
    for part in parts.values():
        before: set[str] = set()
        for name in part.nodes:
            for dep in _deployed_deps(model, name):
                if model.nodes[dep].site != part.site:
                    before.add(model.nodes[dep].site)
        part.after = sorted(before)
    ordered: list[Part] = []
    done: set[str] = set()
    while len(ordered) < len(parts):
        ready = sorted(p for p in parts if p not in done and set(parts[p].after) <= done)
        if not ready:
            cycle = sorted(p for p in parts if p not in done)
            raise TranslationError(
                model.source,
                [
                    Problem(
                        "topology_template.policies",
                        "placement.cycle",
                        f"sites {', '.join(cycle)} depend on each other; place the nodes so dependencies go one way",
                    )
                ],
            )
        ordered.append(parts[ready[0]])
        done.add(ready[0])
    return ordered


def _deployed_deps(model: ServiceModel, name: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """Deployed nodes ``name`` depends on, looking through runtimes (which deploy nothing)."""
    out: set[str] = set()
    for dep in model.nodes[name].depends_on:
        if dep in seen:
            continue
        if model.nodes[dep].role in DEPLOYED_ROLES:
            out.add(dep)
        else:
            out |= _deployed_deps(model, dep, seen | {name})
    return out


def _node_order(model: ServiceModel) -> list[NodeModel]:
    """Nodes in dependency order (Kahn's algorithm, descriptor order among equals).

    :raises TranslationError: requirements that form a cycle.
    """
    names = list(model.nodes)
    pending = {n: set(d for d in model.nodes[n].depends_on if d in model.nodes) for n in names}
    ordered: list[NodeModel] = []
    while pending:
        ready = [n for n in names if n in pending and not pending[n]]
        if not ready:
            raise TranslationError(
                model.source,
                [
                    Problem(
                        f"topology_template.node_templates.{n}", "requirements.cycle", "its requirements form a cycle"
                    )
                    for n in sorted(pending)
                ],
            )
        for name in ready:
            ordered.append(model.nodes[name])
            del pending[name]
        for deps in pending.values():
            deps.difference_update(ready)
    return ordered
