"""SOL 001 deployment flavours: the topology a VNFD's VNF node stands for.

ETSI GS NFV-SOL 001 §6.9 / §6.10: a top-level VNFD holds the VNF node (a type derived
from ``tosca.nodes.nfv.VNF``) and imports one file per deployment flavour; each flavour
file is a topology template whose ``substitution_mappings`` maps ``node_type`` to that VNF
type with ``properties: {flavour_id: <id>}`` and holds the VDUs, CPs, VLs, instantiation
levels, scaling aspects and VDU profiles. tosca-parser parses every such file into
``ToscaTemplate.nested_tosca_templates_with_topology`` (its inputs fed from the VNF node's
properties).

:func:`of` lists the flavours; :func:`choose` picks one (the ``flavour`` asked for, else the
value of the ``flavour_id`` input or of the VNF node's ``flavour_id``, else the only one);
:func:`view` is the parsed template seen through that flavour: its node templates,
policies, groups and inputs (each flavour input the VNF node feeds gets that value as its
default) replace the top's, so everything downstream (the model, heat-translator, levels)
reads the flavour as if it were the template. :func:`abstract_vnf_problem` refuses a VNF
node that no flavour substitutes. Pure Python.
"""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem

VNF = "tosca.nodes.nfv.VNF"
FLAVOUR_INPUT = "flavour_id"


@dataclass(frozen=True)
class Flavour:
    """One deployment flavour: ``id`` (``substitution_mappings.properties.flavour_id``, else
    the file's stem), ``file`` (the flavour file as tosca-parser named it), ``description``
    and ``topology`` (its tosca-parser ``TopologyTemplate``); ``node`` the VNF node template
    of the top-level template it substitutes."""

    id: str
    file: str
    description: str
    topology: Any
    node: Any


def of(tosca: Any) -> list[Flavour]:
    """The deployment flavours of a parsed template, in import order: the nested topologies
    whose ``substitution_mappings`` stand for a node derived from ``tosca.nodes.nfv.VNF``
    (other substitutions are nested services, not flavours). Ids are unique: a second
    flavour with an id already seen is left out."""
    files = {
        id(tpl.get("topology_template")): name for name, tpl in (tosca.nested_tosca_tpls_with_topology or {}).items()
    }
    out: list[Flavour] = []
    for topology in getattr(tosca, "nested_tosca_templates_with_topology", None) or []:
        mapping = topology.substitution_mappings
        node = topology.sub_mapped_node_template
        if mapping is None or node is None or not node.is_derived_from(VNF):
            continue  # a plain TOSCA substitution (a nested service), not a VNF's flavour
        props = (mapping.sub_mapping_def or {}).get("properties") or {}
        file = files.get(id(topology.tpl), "")
        fid = props.get(FLAVOUR_INPUT)
        if not isinstance(fid, (str, int)):
            fid = Path(file).stem if file else f"flavour{len(out) + 1}"
        if any(f.id == str(fid) for f in out):
            continue
        description = str((topology.tpl or {}).get("description") or "").strip()
        out.append(Flavour(str(fid), file, description, topology, node))
    return out


def wanted_id(tosca: Any, params: dict[str, Any] | None) -> str | None:
    """The flavour a template asks for without ``--flavour``: the ``flavour_id`` input's
    value (``params``, else its default), else the VNF node's ``flavour_id`` property
    (a literal, or the value/default of the input it gets)."""
    params = params or {}
    inputs = {i.name: i for i in tosca.inputs}
    if params.get(FLAVOUR_INPUT) is not None:
        return str(params[FLAVOUR_INPUT])
    if FLAVOUR_INPUT in inputs and inputs[FLAVOUR_INPUT].default is not None:
        return str(inputs[FLAVOUR_INPUT].default)
    for node in tosca.nodetemplates:
        if not node.is_derived_from(VNF):
            continue
        value = (node.entity_tpl.get("properties") or {}).get(FLAVOUR_INPUT)
        if isinstance(value, dict) and isinstance(value.get("get_input"), str):
            name = value["get_input"]
            found = params.get(name, inputs[name].default if name in inputs else None)
            if found is not None:
                return str(found)
        elif isinstance(value, (str, int)):
            return str(value)
    return None


def feeding_input(tosca: Any) -> str | None:
    """The top-level input the VNF node's ``flavour_id`` comes from (``get_input``), or
    ``flavour_id`` when there is such an input; None when there is none."""
    names = {i.name for i in tosca.inputs}
    for node in tosca.nodetemplates:
        value = (node.entity_tpl.get("properties") or {}).get(FLAVOUR_INPUT) if node.is_derived_from(VNF) else None
        if isinstance(value, dict) and value.get("get_input") in names:
            return str(value["get_input"])
    return FLAVOUR_INPUT if FLAVOUR_INPUT in names else None


class FlavourError(ValueError):
    """No flavour can be chosen: ``problem`` says why (rule ``flavour.*``)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def choose(flavours: list[Flavour], wanted: str | None) -> Flavour:
    """The flavour ``wanted`` names, or the only one.

    :raises FlavourError: ``flavour.unknown`` (no flavour has that id) or
        ``flavour.choose`` (several and none asked for); the message lists the ids and files.
    """
    listing = ", ".join(f"{f.id} ({posixpath.basename(f.file)})" for f in flavours)
    if wanted is not None:
        for flavour in flavours:
            if flavour.id == wanted:
                return flavour
        raise FlavourError(
            Problem(
                "topology_template", "flavour.unknown", f"no deployment flavour {wanted!r}; the flavours: {listing}"
            )
        )
    if len(flavours) == 1:
        return flavours[0]
    raise FlavourError(
        Problem(
            "topology_template",
            "flavour.choose",
            f"{len(flavours)} deployment flavours: {listing}; choose one (--flavour ID, or the {FLAVOUR_INPUT} input)",
        )
    )


def view(tosca: Any, flavour: Flavour, chosen_input: str | None = None, others: tuple[str, ...] = ()) -> Any:
    """A shallow copy of ``tosca`` whose topology is ``flavour``'s (see module doc).

    Inputs: the top's, then the flavour's; a flavour input the VNF node feeds with a literal
    gets it as default (one fed by ``get_input`` gets that input's default).
    ``chosen_input`` (the top input that picks the flavour) and any ``flavour_id`` input
    get the flavour's id as default and as their only ``valid_values`` (the dialog's enum:
    the service holds that flavour only; ``others``, the other ids, are named in the
    input's description).
    """
    from toscaparser.parameters import Input

    topology = flavour.topology
    out = copy.copy(tosca)
    top_inputs = {i.name: i for i in tosca.inputs}
    values = dict(topology.parsed_params or {})
    inputs = []
    for item in tosca.inputs:
        inputs.append(_pinned(item, flavour, others) if item.name in (chosen_input, FLAVOUR_INPUT) else item)
    seen = {i.name for i in inputs}
    for item in topology.inputs:
        if item.name in seen:
            continue
        if item.name == FLAVOUR_INPUT:
            inputs.append(_pinned(item, flavour, others))
            continue
        schema = dict(item.schema.schema)
        value = values.get(item.name)
        if isinstance(value, dict) and isinstance(value.get("get_input"), str):
            source = top_inputs.get(value["get_input"])
            value = source.default if source is not None else None
        if value is not None and not _function(value):
            schema["default"] = value
        inputs.append(Input(item.name, schema))
    out.inputs = inputs
    nodes = [n for n in topology.nodetemplates]
    names = {n.name for n in nodes}
    nodes += [n for n in tosca.nodetemplates if n is not flavour.node and n.name not in names]
    flat = copy.copy(topology)
    flat.nodetemplates = nodes
    flat.inputs = inputs
    flat.substitution_mappings = None
    out.topology_template = flat
    out.nodetemplates = nodes
    out.policies = list(topology.policies)
    out.outputs = list(topology.outputs) + [
        o for o in tosca.outputs if o.name not in {x.name for x in topology.outputs}
    ]
    out.nested_tosca_templates_with_topology = []
    out.nested_tosca_tpls_with_topology = {}
    if topology.tpl.get("description"):
        out.description = topology.tpl.get("description")
    return out


def _pinned(item: Any, flavour: Flavour, others: tuple[str, ...]) -> Any:
    from toscaparser.parameters import Input

    schema = dict(item.schema.schema)
    schema["default"] = flavour.id
    schema["constraints"] = [{"valid_values": [flavour.id]}]
    rest = [o for o in others if o != flavour.id]
    note = f"deployment flavour, this service is translated for {flavour.id}"
    if rest:
        note += f" (the other flavours of the VNFD are translated on their own with --flavour ID, {', '.join(rest)})"
    # no ': ' in it: heat-translator writes descriptions as plain YAML scalars
    schema["description"] = f"{schema['description']}. {note}" if schema.get("description") else note
    return Input(item.name, schema)


def _function(value: Any) -> bool:
    return (
        isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).startswith(("get_", "concat", "token"))
    )


_SUB_NODE_TYPE = re.compile(r"^\s+node_type\s*:\s*['\"]?([\w.-]+)", re.MULTILINE)


def abstract_vnf_problem(tosca: Any, root: Path | None, entry: Path) -> Problem | None:
    """A problem when the template holds a VNF node (``tosca.nodes.nfv.VNF``) and nothing
    else to deploy, and no flavour substitutes it (rule ``flavour.missing``): the message
    names the files under ``root`` whose ``substitution_mappings`` map its type (the
    flavours the entry does not import), or says none was found."""
    vnfs = [n for n in tosca.nodetemplates if n.is_derived_from(VNF)]
    if not vnfs or len(vnfs) != len(tosca.nodetemplates):
        return None
    node = vnfs[0]
    where = []
    if root is not None and root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file() or path == entry:
                continue
            try:
                text = path.read_text(errors="replace")[:1_000_000]
            except OSError:
                continue
            if "substitution_mappings" in text and node.type in _SUB_NODE_TYPE.findall(text):
                where.append(str(path.relative_to(root)))
    found = (
        f"its flavours are in {', '.join(where)}: import them in the VNFD"
        if where
        else f"no YAML file under {root.name if root is not None else entry.parent.name}/ maps it "
        "in substitution_mappings: add the flavour files and import them"
    )
    return Problem(
        f"topology_template.node_templates.{node.name}",
        "flavour.missing",
        f"VNF {node.name} ({node.type}) is abstract: its VDUs live in a deployment flavour "
        f"(a topology template with substitution_mappings for {node.type}); {found}",
    )
