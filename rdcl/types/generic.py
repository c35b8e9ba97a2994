"""A base for simple project types whose descriptors are graphs (what ``rdcl_new_type``
scaffolds).

A descriptor is YAML or JSON::

    type: <type name>
    nodes: [{id: a, type: <node type>, label: A, parent: null}, ...]
    links: [{source: a, target: b, type: <link type>}, ...]

checked against ``graph_document.schema.json`` (or the plugin folder's ``schema.json``)
and against the plugin's description model: node and link types declared, links allowed
(``check_link``), nesting allowed, composition constraints kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from translators.errors import DescriptorError

from .base import ProjectType
from .docpath import format_path, line_of
from .problems import FileProblem, in_file
from .schema_check import SchemaSet
from .sources import Loaded, Source, as_sources, load

GENERIC_SCHEMA = Path(__file__).parent / "graph_document.schema.json"


@dataclass
class GraphDocuments:
    """Parsed graph documents: ``(file, data, composed node)`` each."""

    documents: list[tuple[str, dict, Any]] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


class GraphDocumentType(ProjectType):
    """Descriptors that are graphs (see module doc). Subclasses set ``name``."""

    @cached_property
    def _schema(self) -> tuple[SchemaSet, str]:
        own = self.folder() / "schema.json"
        path = own if own.is_file() else GENERIC_SCHEMA
        return SchemaSet(path), json.loads(path.read_text())["$id"]

    def claims(self, source: Source, loaded: Loaded | None) -> int:
        """3 for a document whose ``type`` is this type's name."""
        return 3 if self._ours(loaded.data if loaded is not None else None) else 0

    def _ours(self, data: Any) -> bool:
        return isinstance(data, dict) and data.get("type") == self.name

    def _read(self, files: Any) -> GraphDocuments:
        out = GraphDocuments()
        for source in as_sources(files):
            loaded = load(source)
            if loaded.problems:
                out.problems += in_file(source.name, loaded.problems)
            elif not isinstance(loaded.data, dict):
                out.problems.append(
                    FileProblem(
                        "", "graph.not-a-document", "expected a mapping with type, nodes and links", 1, source.name
                    )
                )
            else:
                out.documents.append((source.name, loaded.data, loaded.node))
        return out

    def parse(self, files: Any) -> GraphDocuments:
        """The documents of ``files``.

        :raises DescriptorError: a file that is not YAML/JSON or not a mapping.
        """
        model = self._read(files)
        if model.problems:
            first = model.problems[0].file
            raise DescriptorError(first, [p for p in model.problems if p.file == first])
        return model

    def validate(self, files: Any) -> list[FileProblem]:
        """Schema problems, then graph rules (``graph.*``) against the description model."""
        model = self._read(files)
        out = list(model.problems)
        schemas, schema_id = self._schema
        for file, data, node in model.documents:
            problems = schemas.check(schema_id, data, "", (), node)
            out += in_file(file, problems)
            if not problems:
                out += self._rules(file, data, node)
        return out

    def _rules(self, file: str, data: dict, node: Any) -> list[FileProblem]:
        desc = self.description_model()
        out = []

        def problem(parts: list, rule: str, message: str) -> None:
            out.append(FileProblem(format_path("", parts), rule, message, line_of(node, parts), file))

        types: dict[str, str] = {}
        for i, item in enumerate(data.get("nodes", [])):
            if item["id"] in types:
                problem(["nodes", i, "id"], "graph.duplicate-id", f"node {item['id']!r} is defined twice")
            if item["type"] not in desc.node_types:
                problem(
                    ["nodes", i, "type"],
                    "graph.unknown-node-type",
                    f"{item['type']!r} is not a node type of {self.name} ({', '.join(desc.node_types)})",
                )
            types.setdefault(item["id"], item["type"])
        for i, item in enumerate(data.get("nodes", [])):
            parent = item.get("parent")
            if parent is None:
                continue
            if parent not in types:
                problem(["nodes", i, "parent"], "graph.unknown-node", f"no node {parent!r}")
            elif item["type"] in desc.node_types and types[parent] in desc.node_types:
                check = desc.check_nesting(item["type"], types[parent])
                if not check:
                    problem(["nodes", i, "parent"], "graph.nesting-refused", check.reason)
        for i, link in enumerate(data.get("links", [])):
            ends = [link["source"], link["target"]]
            missing = [e for e in ends if e not in types]
            if missing:
                problem(["links", i], "graph.unknown-node", f"no node {missing[0]!r}")
                continue
            if any(types[e] not in desc.node_types for e in ends):
                continue
            check = desc.check_link(types[ends[0]], types[ends[1]], link["type"])
            if not check:
                problem(["links", i], "graph.link-refused", check.reason)
        if not out:
            graph = self._graph_of(data)
            for message in desc.check_graph(graph):
                problem(["nodes"], "graph.constraint", message)
        return out

    def document_kind(self, data: Any) -> str | None:
        """``graph`` for a document of this type (the ``document`` its description model's
        node types name, so the palette adds to it); None else."""
        return "graph" if self._ours(data) else None

    def build_graph(self, model: GraphDocuments) -> dict:
        """The documents' nodes and links, as they are written, each node's id prefixed with
        its document's ``name`` (else its file's stem), ``<document>/<id>``, as the other
        types name an element within its descriptor; ``info``: ``{file, path: "nodes[i]",
        properties}``, where the designer's edits find the element."""
        nodes, links = [], []
        for file, data, _ in model.documents:
            name = data.get("name")
            graph = self._graph_of(data, f"{name if isinstance(name, str) and name else Path(file).stem}/")
            for i, node in enumerate(graph["nodes"]):
                node["info"] = {"file": file, "path": f"nodes[{i}]", "properties": node["info"]}
            nodes += graph["nodes"]
            links += graph["links"]
        return {"nodes": nodes, "links": links}

    @staticmethod
    def _graph_of(data: dict, prefix: str = "") -> dict:
        """``{nodes, links}`` of one document; ids (and the ends and parents naming them)
        prefixed with ``prefix``."""
        nodes = [
            {
                "id": prefix + n["id"],
                "type": n["type"],
                "label": n.get("label", n["id"]),
                "parent": prefix + n["parent"] if n.get("parent") is not None else None,
                "info": n.get("properties", {}),
            }
            for n in data.get("nodes", [])
        ]
        links = [
            {"source": prefix + link["source"], "target": prefix + link["target"], "type": link["type"]}
            for link in data.get("links", [])
        ]
        return {"nodes": nodes, "links": links}
