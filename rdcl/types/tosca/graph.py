"""Graph of TOSCA service templates: node templates and the requirements between them.

A node's graph type is the nearest type in its derivation chain that the description model
declares (``tosca.nodes.WebServer`` for a custom web server, ``tosca.nodes.Root`` at
worst); a requirement becomes a link typed by its relationship type, or the nearest
declared ancestor of it (``tosca.relationships.DependsOn`` at worst). A container nested in
a VM (``translators`` model ``parent``: host chain or ``vdu_parent``) gets that VM as its
graph parent.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from translators.model import ServiceModel

from ..description import DescriptionModel

ROOT_NODE = "tosca.nodes.Root"
DEFAULT_RELATIONSHIP = "tosca.relationships.DependsOn"


def build(services: dict[str, ServiceModel], desc: DescriptionModel) -> dict:
    """``{"nodes": [...], "links": [...]}`` of all ``services`` (ids prefixed with the
    file's stem when there are several). Graph types are worked out once per TOSCA type
    of each service (500 templates of one type walk its derivation chain once)."""
    nodes, links = [], []
    for file, service in services.items():
        prefix = f"{PurePosixPath(file).stem}/" if len(services) > 1 else ""
        templates = service.tosca.nodetemplates
        names = {t.name for t in templates}
        relationship_templates = {
            r.name: r.type for r in getattr(service.tosca.topology_template, "relationship_templates", None) or []
        }
        node_kinds: dict[str, str] = {}  # TOSCA node type -> graph node type, in this service
        link_kinds: dict[str, str] = {}  # relationship type -> graph link type
        for template in templates:
            model = service.nodes[template.name]
            if template.type not in node_kinds:
                node_kinds[template.type] = desc.classify(_chain(template.type_definition), ROOT_NODE)
            nodes.append(
                {
                    "id": prefix + template.name,
                    "type": node_kinds[template.type],
                    "label": template.name,
                    "parent": prefix + model.parent if model.parent is not None and model.parent in names else None,
                    "info": {
                        "tosca_type": template.type,
                        "role": model.role,
                        "site": model.site or None,
                        "file": file,
                        "path": f"topology_template.node_templates.{template.name}",
                    },
                }
            )
            for name, value in _requirements(template):
                target = value.get("node") if isinstance(value, dict) else value
                if not isinstance(target, str) or target not in names:
                    continue
                relationship = _relationship(template, name, value, relationship_templates)
                if relationship not in link_kinds:
                    link_kinds[relationship] = desc.classify_link(
                        _relationship_chain(relationship, template), DEFAULT_RELATIONSHIP
                    )
                links.append(
                    {
                        "source": prefix + template.name,
                        "target": prefix + target,
                        "type": link_kinds[relationship],
                        "info": {"requirement": name, "relationship": relationship},
                    }
                )
    return {"nodes": nodes, "links": links}


def _chain(type_definition: Any) -> list[str]:
    out = []
    while type_definition is not None and getattr(type_definition, "type", None) not in out:
        out.append(type_definition.type)
        type_definition = type_definition.parent_type
    return out


def _requirements(template: Any) -> list[tuple[str, Any]]:
    return [
        (name, value) for req in template.requirements or [] if isinstance(req, dict) for name, value in req.items()
    ]


def _relationship(template: Any, name: str, value: Any, relationship_templates: dict) -> str:
    """The requirement's relationship type: in the template, else in its node type's
    requirement definition (TOSCA Simple Profile 1.3 §3.7.3), else DependsOn."""
    if isinstance(value, dict) and value.get("relationship"):
        rel = value["relationship"]
        rel = rel.get("type") if isinstance(rel, dict) else relationship_templates.get(rel, rel)
        if isinstance(rel, str):
            return rel
    kind = template.type_definition
    while kind is not None:
        for definition in getattr(kind, "requirements", None) or []:
            spec = definition.get(name) if isinstance(definition, dict) else None
            if isinstance(spec, dict) and spec.get("relationship"):
                rel = spec["relationship"]
                rel = rel.get("type") if isinstance(rel, dict) else rel
                if isinstance(rel, str):
                    return rel
        kind = kind.parent_type
    return DEFAULT_RELATIONSHIP


def _relationship_chain(relationship: str, template: Any) -> list[str]:
    # Not a cycle: tosca-parser loads on first use, as in translators/ (its import cost).
    from toscaparser.common.exception import InvalidTypeError
    from toscaparser.elements.relationshiptype import RelationshipType

    try:
        return _chain(RelationshipType(relationship, None, template.custom_def))
    except InvalidTypeError:  # an undefined relationship type: tosca-parser reported it already
        return [relationship]
