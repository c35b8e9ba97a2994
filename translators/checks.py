"""Required things that cannot be translated: errors naming the node, all found at once.

:func:`model_problems` runs before placement (what the descriptor itself says),
:func:`part_problems` after it (what the chosen sites need). Each is a
:class:`~translators.errors.Problem` at ``topology_template.node_templates.<node>``
with a rule ``container.*``; callers raise them together as a TranslationError.
"""

from __future__ import annotations

from .errors import Problem
from .k8s.scaling import scaling_problems
from .model import ServiceModel
from .placement import Part
from .varnames import refusal


def _at(node: str, rule: str, message: str) -> Problem:
    return Problem(f"topology_template.node_templates.{node}", rule, message)


def model_problems(model: ServiceModel) -> list[Problem]:
    """Input names a dialog may have (:func:`translators.varnames.refusal`: not ``ansible_*``,
    ``rdcl_*``, a magic variable or a Jinja global; rules ``name.*``), nesting (``vdu_parent``
    must name a Compute node; bare metal needs a bare-metal parent or none), ``virtual_link`` targets
    (Networks), TOSCA functions without a value at translation time in a container's properties,
    scaling bounds, and CPU given once."""
    problems = [
        Problem(f"topology_template.inputs.{i.name}", found[0], f"input {i.name!r}: {found[1]}")
        for i in model.inputs
        for found in [refusal(i.name)]
        if found
    ]
    for node in model.nodes.values():
        if node.role != "container":
            continue
        parent = model.nodes.get(node.parent) if node.parent else None
        if node.parent and (parent is None or parent.base_type != "compute"):
            problems.append(
                _at(
                    node.name,
                    "container.vdu-parent",
                    f"vdu_parent {node.parent!r} is not a tosca.nodes.Compute node template",
                )
            )
        elif node.bare_metal and parent is not None and not parent.bare_metal:
            problems.append(
                _at(
                    node.name,
                    "container.vdu-parent",
                    f"vdu_parent_bare_metal is true but its parent {node.parent!r} is a VM "
                    "(use an rdcl.nodes.Compute.BareMetal parent, or no parent)",
                )
            )
        for link in node.links:
            if link not in model.nodes or model.nodes[link].base_type != "network":
                problems.append(
                    _at(
                        node.name,
                        "container.virtual-link",
                        f"virtual_link {link!r} is not a tosca.nodes.network.Network node template",
                    )
                )
        for path in node.unresolved:
            problems.append(
                _at(
                    node.name,
                    "container.function",
                    f"{path}: has no value before deployment; a container gets only literal "
                    "values and get_input, get_property and concat of them",
                )
            )
        problems += [_at(node.name, "container.scaling", p) for p in scaling_problems(node)]
        if node.properties.get("num_cpus") is not None and node.properties.get("milli_cpus") is not None:
            problems.append(_at(node.name, "container.resources", "num_cpus and milli_cpus both set; give one"))
    return problems


def part_problems(model: ServiceModel, parts: list[Part]) -> list[Problem]:
    """What each part's site kind needs of its nodes
    (:meth:`translators.site_kinds.SiteKind.part_problems`): a pod needs an image and files a
    ConfigMap can hold; a linux process needs a command; every container's files must stay
    inside its folder."""
    return [p for part in parts for p in part.site_kind.part_problems(model, part)]
