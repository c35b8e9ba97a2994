"""Description models: what a project type's graph may contain (``description.yaml``).

A description model lists node types (optionally ``derived_from`` another), link types
with the node-type pairs each may ``join``, which node types may be ``nesting`` inside
which (a pod in its VM), composition ``constraints`` (how many links of a type a node may
have) and ``views`` (the node and link types each view shows). ``extends: <type>`` starts
from another type's model: its maps are updated key by key and its constraints kept.

It also tells the designer how to edit descriptors from the graph: a node type's ``add``
(what the palette writes for a new node), a link type's ``edit`` (what a link drawn in the
graph writes), a nested node type's ``parent_field``, and ``preferred_links``, the order a
link drawn with no link type chosen tries (most specific first). The designer reads them
from the model it is served (frontend/src/changes.js).

The file is checked against ``description.schema.json`` (JSON Schema 2020-12), and every
type it names must be declared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import jsonschema
import yaml

from ..exceptions import UnknownView

SCHEMA = json.loads((Path(__file__).parent / "description.schema.json").read_text())


class DescriptionError(ValueError):
    """A ``description.yaml`` that is not a valid description model (message lists why)."""


@dataclass(frozen=True)
class LinkCheck:
    """Answer of :meth:`DescriptionModel.check_link`: truthy when allowed.

    ``link_type`` is the link type that joins the two node types (when allowed);
    ``reason`` says why a link is refused.
    """

    allowed: bool
    link_type: str | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


@dataclass
class DescriptionModel:
    """A parsed ``description.yaml`` (see the module doc and ``description.schema.json``)."""

    name: str
    label: str
    node_types: dict[str, dict]
    link_types: dict[str, dict]
    views: dict[str, dict]
    nesting: dict[str, list[str]] = field(default_factory=dict)
    constraints: list[dict] = field(default_factory=list)
    spec: str = ""
    preferred_links: list[str] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path, base: DescriptionModel | None = None) -> DescriptionModel:
        """Load and check ``path``; ``base`` is the model named by its ``extends``.

        :raises DescriptionError: YAML syntax, schema violation, undeclared type, or an
            ``extends`` without ``base``.
        """
        try:
            raw = yaml.safe_load(Path(path).read_text())
        except yaml.YAMLError as exc:
            raise DescriptionError(f"{path}: {' '.join(str(exc).split())}") from None
        return cls.from_dict(raw, base, where=str(path))

    @classmethod
    def from_dict(
        cls, raw: Any, base: DescriptionModel | None = None, where: str = "description model"
    ) -> DescriptionModel:
        """Build from parsed YAML (see :meth:`from_file`)."""
        errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(raw), key=str)
        if errors:
            raise DescriptionError(
                where
                + ": "
                + "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)
            )
        if raw.get("extends") and base is None:
            raise DescriptionError(f"{where}: extends {raw['extends']!r}, which was not given")
        model = cls(raw["name"], raw.get("label", raw["name"]), {}, {}, {}, spec=raw.get("spec", ""))
        if base is not None:
            model.node_types.update(base.node_types)
            model.link_types.update(base.link_types)
            model.views.update(base.views)
            model.nesting.update(base.nesting)
            model.constraints.extend(base.constraints)
            model.preferred_links = list(base.preferred_links)
        model.node_types.update(raw["node_types"])
        model.link_types.update(raw["link_types"])
        model.views.update(raw["views"])
        model.nesting.update(raw.get("nesting") or {})
        model.constraints.extend(raw.get("constraints") or [])
        if "preferred_links" in raw:  # replaces the base's: one order, most specific first
            model.preferred_links = list(raw["preferred_links"])
        model._check_names(where)
        return model

    def _check_names(self, where: str) -> None:
        unknown = []
        nodes, links = set(self.node_types), set(self.link_types)
        for name, spec in self.node_types.items():
            if spec.get("derived_from") and spec["derived_from"] not in nodes:
                unknown.append(f"node_types.{name}.derived_from: {spec['derived_from']}")
            in_selected = (spec.get("add") or {}).get("in_selected", [])
            unknown += [f"node_types.{name}.add.in_selected: {t}" for t in in_selected if t not in nodes]
        for name, spec in self.link_types.items():
            unknown += [f"link_types.{name}.joins: {t}" for pair in spec["joins"] for t in pair if t not in nodes]
            end = (spec.get("edit") or {}).get("end")
            unknown += [f"link_types.{name}.edit.end: {end}"] if end is not None and end not in nodes else []
        unknown += [f"preferred_links: {t}" for t in self.preferred_links if t not in links]
        for child, parents in self.nesting.items():
            unknown += [f"nesting.{child}: {t}" for t in [child, *parents] if t not in nodes]
        for c in self.constraints:
            unknown += [f"constraints.{c['id']}: {c['node']}"] if c["node"] not in nodes else []
            unknown += [f"constraints.{c['id']}: {c['link']}"] if c["link"] not in links else []
        for name, view in self.views.items():
            unknown += [f"views.{name}.nodes: {t}" for t in view["nodes"] if t not in nodes]
            unknown += [f"views.{name}.links: {t}" for t in view.get("links", []) if t not in links]
        if unknown:
            raise DescriptionError(f"{where}: undeclared types: " + ", ".join(unknown))
        # an edit's end is one of the types its link joins: the end the designer writes
        astray = [
            f"link_types.{name}.edit.end: {spec['edit']['end']} is not a type it joins"
            for name, spec in self.link_types.items()
            if "end" in (spec.get("edit") or {}) and spec["edit"]["end"] not in {t for p in spec["joins"] for t in p}
        ]
        if astray:
            raise DescriptionError(f"{where}: " + ", ".join(astray))

    # -- queries -------------------------------------------------------------------------

    def ancestors(self, node_type: str) -> list[str]:
        """``node_type`` then the types it derives from, nearest first."""
        out = []
        while node_type in self.node_types and node_type not in out:
            out.append(node_type)
            node_type = self.node_types[node_type].get("derived_from", "")
        return out

    @overload
    def classify(self, type_chain: Iterable[str], default: str) -> str: ...
    @overload
    def classify(self, type_chain: Iterable[str], default: None = None) -> str | None: ...
    def classify(self, type_chain: Iterable[str], default: str | None = None) -> str | None:
        """The first of ``type_chain`` (a type and its ancestors) this model declares."""
        return next((t for t in type_chain if t in self.node_types), default)

    @overload
    def classify_link(self, type_chain: Iterable[str], default: str) -> str: ...
    @overload
    def classify_link(self, type_chain: Iterable[str], default: None = None) -> str | None: ...
    def classify_link(self, type_chain: Iterable[str], default: str | None = None) -> str | None:
        """The first of ``type_chain`` (a relationship type and its ancestors) declared as a link type."""
        return next((t for t in type_chain if t in self.link_types), default)

    def check_link(
        self, source_type: str, target_type: str, link_type: str | None = None, view: str | None = None
    ) -> LinkCheck:
        """May a link join a ``source_type`` node to a ``target_type`` node?

        Allowed when a link type (``link_type`` if given) lists the pair, or a pair of
        their ancestors, in its ``joins`` (either way round unless ``directed``), and,
        with ``view``, the view shows both node types and that link type. Without
        ``link_type`` the first that joins them is chosen, ``preferred_links`` first. A refusal's
        ``reason`` names node, link and view types by their labels (words a user knows).
        """
        for t in (source_type, target_type):
            if t not in self.node_types:
                return LinkCheck(False, reason=f"unknown node type {t!r} in {self.name}")
        if view is not None:
            shown = self.views.get(view)
            if shown is None:
                return LinkCheck(False, reason=f"unknown view {view!r}; views: {', '.join(self.views)}")
            for t in (source_type, target_type):
                if not self.shows(view, t):
                    return LinkCheck(
                        False, reason=f"the {shown.get('label', view)} view does not show {self.node_label(t)} nodes"
                    )
        if link_type is not None and link_type not in self.link_types:
            return LinkCheck(False, reason=f"unknown link type {link_type!r} in {self.name}")
        candidates = [link_type] if link_type else self.link_order()
        if view is not None:
            candidates = [c for c in candidates if c in self.views[view].get("links", [])]
        for name in candidates:
            if self._joins(name, source_type, target_type):
                return LinkCheck(True, name)
        src, dst = self.node_label(source_type), self.node_label(target_type)
        if link_type:
            pairs = ", ".join(
                f"{self.node_label(a)} to {self.node_label(b)}" for a, b in self.link_types[link_type]["joins"]
            )
            return LinkCheck(
                False,
                reason=f"a “{self.link_label(link_type)}” link cannot join {src} to {dst}; it joins {pairs}",
            )
        reachable = sorted(
            {self.node_label(b) for n in candidates for a, b in self._pairs(n) if a in self.ancestors(source_type)}
        )
        return LinkCheck(
            False,
            reason=f"no link may join {src} to {dst}"
            + (f"; {src} links to: {', '.join(reachable)}" if reachable else f"; {src} takes no links here"),
        )

    def link_order(self) -> list[str]:
        """Every link type, ``preferred_links`` first (most specific first), then the others in model order."""
        return [*self.preferred_links, *(t for t in self.link_types if t not in self.preferred_links)]

    def shows(self, view: str, node_type: str) -> bool:
        """Does ``view`` show ``node_type`` (it, or a type it derives from, is listed)?"""
        return any(t in self.views[view]["nodes"] for t in self.ancestors(node_type))

    def check_nesting(self, child_type: str, parent_type: str) -> LinkCheck:
        """May a ``child_type`` node sit inside a ``parent_type`` node (``nesting``)?"""
        allowed = self.nesting.get(child_type, [])
        if any(p in allowed for p in self.ancestors(parent_type)):
            return LinkCheck(True, "nesting")
        return LinkCheck(
            False,
            reason=f"{self.node_label(child_type)} cannot be nested in {self.node_label(parent_type)}"
            + (f"; only in: {', '.join(map(self.node_label, allowed))}" if allowed else ""),
        )

    def node_label(self, node_type: str) -> str:
        """The name a user knows a node type by: its ``label`` (the type id when it has none)."""
        return str(self.node_types.get(node_type, {}).get("label") or node_type)

    def link_label(self, link_type: str) -> str:
        """The name a user knows a link type by: its ``label`` (the type id when it has none)."""
        return str(self.link_types.get(link_type, {}).get("label") or link_type)

    def _pairs(self, link_type: str) -> list[tuple[str, str]]:
        spec = self.link_types[link_type]
        pairs = [tuple(p) for p in spec["joins"]]
        return pairs if spec.get("directed") else pairs + [(b, a) for a, b in pairs]

    def _joins(self, link_type: str, source: str, target: str) -> bool:
        src, dst = self.ancestors(source), self.ancestors(target)
        return any(a in src and b in dst for a, b in self._pairs(link_type))

    def check_graph(self, graph: dict) -> list[str]:
        """Every way ``graph`` (``{"nodes": [...], "links": [...]}``) breaks this model.

        Links whose types may not join their ends, nodes nested where they may not be, and
        composition constraints broken (``min``/``max`` links of a type per node; for a
        directed link type, links that leave the node).
        """
        types = {n["id"]: n["type"] for n in graph["nodes"]}
        names = {n["id"]: n.get("label") or n["id"] for n in graph["nodes"]}
        out = []
        for link in graph["links"]:
            check = self.check_link(types[link["source"]], types[link["target"]], link["type"])
            if not check:
                out.append(f"link {names[link['source']]} - {names[link['target']]}: {check.reason}")
        for node in graph["nodes"]:
            if node.get("parent") in types:
                check = self.check_nesting(node["type"], types[node["parent"]])
                if not check:
                    out.append(f"{names[node['id']]}: {check.reason}")
        for c in self.constraints:
            for node in graph["nodes"]:
                if c["node"] not in self.ancestors(node["type"]):
                    continue
                ends = ("source",) if self.link_types[c["link"]].get("directed") else ("source", "target")
                count = sum(
                    1
                    for link in graph["links"]
                    if link["type"] == c["link"] and node["id"] in (link[end] for end in ends)
                )
                if count < c.get("min", 0) or ("max" in c and count > c["max"]):
                    out.append(
                        f"{names[node['id']]}: {count} “{self.link_label(c['link'])}” link(s); "
                        f"{c.get('description', c['id'])}"
                    )
        return out

    def view_graph(self, graph: dict, view: str) -> dict:
        """The part of a full graph that ``view`` shows (node types listed in the view, or
        derived from one listed); parents outside the view dropped.

        :raises rdcl.exceptions.UnknownView: unknown view (a ``KeyError``; the message lists the views).
        """
        if view not in self.views:
            raise UnknownView(f"unknown view {view!r} of {self.name}; views: {', '.join(self.views)}")
        shown = self.views[view]
        nodes = [dict(n) for n in graph["nodes"] if self.shows(view, n["type"])]
        ids = {n["id"] for n in nodes}
        for node in nodes:
            if node.get("parent") not in ids:
                node["parent"] = None
        links = [
            dict(link)
            for link in graph["links"]
            if link["type"] in shown.get("links", []) and link["source"] in ids and link["target"] in ids
        ]
        return {"view": view, "nodes": nodes, "links": links}

    def as_dict(self) -> dict:
        """Plain data for the REST API and the graph editor."""
        return {
            "name": self.name,
            "label": self.label,
            "spec": self.spec,
            "node_types": self.node_types,
            "link_types": self.link_types,
            "nesting": self.nesting,
            "constraints": self.constraints,
            "preferred_links": self.preferred_links,
            "views": self.views,
        }
