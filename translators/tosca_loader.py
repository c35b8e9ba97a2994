"""Parse and validate a TOSCA descriptor with tosca-parser and build a ServiceModel.

Every error tosca-parser collects is reported together (tosca-parser's
``ExceptionCollector``), each as a :class:`~translators.errors.Problem` with the path in
the document, the line where it can be found and the exception class as the rule.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import cnf, flavours, lcm, levels, literal, sol001
from .doc import Doc
from .errors import DescriptorError, Problem
from .imports import check_imports, confine_tosca_parser
from .locate import locate_file, with_lines
from .model import InputModel, NodeModel, ServiceModel

if TYPE_CHECKING:
    from toscaparser.entity_template import EntityTemplate
    from toscaparser.nodetemplate import NodeTemplate
    from toscaparser.tosca_template import ToscaTemplate

PROFILE_URL = "https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml"
PROFILE_FILE = Path(__file__).parent / "profile" / "rdcl_nfvo_types_1_0.yaml"
PLACEMENT_POLICY = "rdcl.policies.Placement"
CONTAINER = "tosca.nodes.Container.Application"
RUNTIME = "tosca.nodes.Container.Runtime"
COMPUTE = "tosca.nodes.Compute"
BARE_METAL = "rdcl.nodes.Compute.BareMetal"
NETWORK = "tosca.nodes.network.Network"
PORT = "tosca.nodes.network.Port"
SCALING = "tosca.policies.Scaling"
#: Forwarding paths (VNFFG): ours, and the TOSCA NFV profile's own.
FORWARDING_PATHS = ("rdcl.nodes.nfv.ForwardingPath", "tosca.nodes.nfv.FP")
#: TOSCA Simple Profile 1.3 section 4 intrinsic functions (get_input is the only one
#: with no value until run time that the translators carry: it becomes ``{{ name }}``).
FUNCTIONS = (
    "get_input",
    "get_property",
    "get_attribute",
    "get_operation_output",
    "concat",
    "join",
    "token",
    "get_nodes_of_type",
    "get_artifact",
)


def quiet_libraries() -> None:
    """Keep tosca-parser and heat-translator logs out of stderr and away from syslog.

    heat-translator's own logging config (``heat_translator_logging.conf``) sends to
    ``/dev/log``; it is only loaded by its shell, which we never import. Their loggers get
    a NullHandler and stop propagating so a library warning is not printed as our output.
    """
    for name in ("tosca", "heat-translator", "toscaparser", "translator"):
        lib_log = logging.getLogger(name)
        lib_log.handlers = [logging.NullHandler()]
        lib_log.propagate = False


def digest_of(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def slug(text: str) -> str:
    """Lower-case letters, digits and ``-``: usable as a folder, stack and namespace name."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:53] or "service"


def load(
    path: str | Path,
    local_defs: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    root: str | Path | None = None,
    flavour: str | None = None,
    deploy: bool = False,
) -> ServiceModel:
    """Parse ``path`` (YAML template, or CSAR/zip) into a :class:`ServiceModel`.

    ``local_defs`` maps import URLs to local files (tosca-parser ``local_defs``); the
    rdcl-nfvo profile and the SOL 001 type files set up locally (:mod:`translators.sol001`)
    are always mapped, so nothing is fetched for them. ``params`` are
    input values known at translation time (tosca-parser ``parsed_params``: checked
    against the inputs' types and constraints); they only reach the HOT (see
    :func:`translators.hot.translate_site`), never the playbooks.

    Before tosca-parser opens anything, the template and every file it imports are held
    to :mod:`translators.imports` (imports stay inside ``root``, default the template's
    folder, or a CSAR; URLs only through ``local_defs``) and to the parser limits of
    :mod:`translators.limits` (rules ``import.*``, ``limit.*``).

    ``deploy`` (the translators; the designer leaves it off and sees the template as
    written): a VNFD with SOL 001 deployment flavours (:mod:`translators.flavours`) becomes
    the model of one flavour: ``flavour`` (an id), else the one its ``flavour_id`` input or
    VNF node names, else the only one; ``model.flavour`` then says which (``{id, ids, file,
    input}``). A VNF node no flavour substitutes, with nothing else to deploy, is refused
    (``flavour.missing``, naming the files under ``root`` that hold its flavours).

    :raises DescriptorError: unreadable file, YAML syntax, a refused import, a document
        over a limit, any tosca-parser error, or no flavour to translate (``flavour.*``).
    """
    from toscaparser.common.exception import ExceptionCollector
    from toscaparser.tosca_template import ToscaTemplate

    quiet_libraries()
    confine_tosca_parser()
    path = Path(path)
    if not path.is_file():
        raise DescriptorError(str(path), [Problem("", "file.missing", "no such file")])
    defs = {PROFILE_URL: str(PROFILE_FILE), **sol001.local_defs(), **(local_defs or {})}
    refused = check_imports(path, root, defs)
    if refused:
        raise DescriptorError(str(path), refused)
    try:
        tosca = ToscaTemplate(str(path), dict(params) if params else None, True, local_defs=defs)
    except Exception as exc:  # tosca-parser raises many kinds; all become Problems
        collected = ExceptionCollector.getExceptions() or [exc]
        raw = _raw_yaml(path)  # only on the error path: to find lines

        found = [_problem(e, raw) for e in collected]
        raise DescriptorError(str(path), locate_file(found, path, Path(root) if root is not None else None)) from None
    _long_form_artifacts(tosca)
    chosen = _flavour(tosca, path, root, flavour, params) if deploy else None
    if chosen is not None:
        ids = tuple(f.id for f in flavours.of(tosca))
        flat = flavours.view(tosca, chosen, flavours.feeding_input(tosca), ids)
        model = _model(flat, path)
        model.flavour = {
            "id": chosen.id,
            "ids": list(ids),
            "file": Path(chosen.file).name,
            "input": flavours.feeding_input(tosca),
        }
        model.params = dict(params or {})
        _vnf_parts(model, flat, path, root)
        return model
    if not getattr(tosca, "topology_template", None) or not getattr(tosca, "nodetemplates", None):
        raise DescriptorError(
            str(path),
            [
                Problem(
                    "topology_template",
                    "service.no-topology",
                    "no node templates: a type definition file or an empty template has nothing to deploy",
                    _line_of(_raw_yaml(path).get("node"), "topology_template"),
                )
            ],
        )
    model = _model(tosca, path)
    model.params = dict(params or {})
    _vnf_parts(model, tosca, path, root)
    return model


def _long_form_artifacts(tosca: ToscaTemplate) -> None:
    """Write each node's short-form artifacts (``sw_image: ../Files/images/a.img``) in
    their long form (``{file: ...}``, the same thing: TOSCA 1.3 §3.6.7.2), in the top
    template and in every deployment flavour: heat-translator 3.5 reads every artifact as
    a map and fails on the short form."""
    topologies = [getattr(tosca, "nodetemplates", None) or []] + [
        t.nodetemplates or [] for t in getattr(tosca, "nested_tosca_templates_with_topology", None) or []
    ]
    for nodes in topologies:
        for node in nodes:
            artifacts = node.entity_tpl.get("artifacts")
            if isinstance(artifacts, dict) and any(isinstance(a, str) for a in artifacts.values()):
                node.entity_tpl["artifacts"] = {
                    k: {"file": a} if isinstance(a, str) else a for k, a in artifacts.items()
                }


def _flavour(
    tosca: ToscaTemplate, path: Path, root: str | Path | None, wanted: str | None, params: Doc | None
) -> flavours.Flavour | None:
    """The deployment flavour to translate (None: the template has none and needs none).

    :raises DescriptorError: ``flavour.*`` (see :mod:`translators.flavours`).
    """
    found = flavours.of(tosca) if getattr(tosca, "nodetemplates", None) else []
    if not found:
        problem = (
            flavours.abstract_vnf_problem(tosca, Path(root) if root is not None else path.parent, path)
            if getattr(tosca, "nodetemplates", None)
            else None
        )
        if problem is None and wanted is not None:
            problem = Problem(
                "topology_template",
                "flavour.none",
                f"flavour {wanted!r} asked for, but the descriptor has no deployment flavours",
            )
        if problem is not None:
            raw = _raw_yaml(path)
            raise DescriptorError(
                str(path),
                [Problem(problem.path, problem.rule, problem.message, _line_of(raw.get("node"), problem.path))],
            )
        return None
    try:
        return flavours.choose(found, wanted if wanted is not None else flavours.wanted_id(tosca, params))
    except flavours.FlavourError as exc:
        raise DescriptorError(
            str(path),
            [
                Problem(
                    exc.problem.path,
                    exc.problem.rule,
                    exc.problem.message,
                    _line_of(_raw_yaml(path).get("node"), exc.problem.path),
                )
            ],
        ) from None


def _vnf_parts(model: ServiceModel, tosca: ToscaTemplate, path: Path, root: str | Path | None) -> None:
    """Container VDUs (:mod:`translators.cnf`) and Vnflcm hooks (:mod:`translators.lcm`):
    their artifact files resolve beside the template and stay inside ``root`` (default its
    folder; a CSAR: the folder tosca-parser extracted it to).

    :raises DescriptorError: an artifact file missing, outside, or not what it should be.
    """
    base = Path(tosca.path).parent if getattr(tosca, "path", None) else path.parent
    if path.suffix.lower() in (".zip", ".csar"):
        top = base
        while top.parent != top and top.parent != Path(tempfile.gettempdir()):
            top = top.parent
    else:
        top = Path(root) if root is not None else path.parent
    problems = cnf.classify(model, tosca, base, top) + lcm.read(model, tosca, base, top)
    if problems:
        text = Path(tosca.path).read_text() if getattr(tosca, "path", None) else path.read_text()
        member = Path(tosca.path).relative_to(top).as_posix() if path.suffix.lower() in (".zip", ".csar") else ""
        raise DescriptorError(str(path), with_lines(problems, text, member))


def _raw_yaml(path: Path) -> Doc:
    if path.suffix.lower() in (".zip", ".csar"):
        return {}
    try:
        text = path.read_text()
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
        return {"node": node, "data": yaml.load(text, Loader=yaml.CSafeLoader) or {}}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DescriptorError(
            str(path), [Problem("", "yaml.syntax", " ".join(str(exc).split()), mark.line + 1 if mark else None)]
        ) from None
    except UnicodeDecodeError as exc:
        raise DescriptorError(str(path), [Problem("", "file.encoding", f"not UTF-8 text: {exc}")]) from None


_NAMED = re.compile(r'(template|policy|input|output|group)s? "([^"]+)"', re.I)


def _problem(exc: Exception, raw: Doc) -> Problem:
    message = getattr(exc, "message", None) or str(exc)
    message = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    path = ""
    topo = (raw.get("data") or {}).get("topology_template") or {}
    for kind, name in _NAMED.findall(message):
        section = {
            "template": "node_templates",
            "policy": "policies",
            "input": "inputs",
            "output": "outputs",
            "group": "groups",
        }[kind.lower()]
        if name in (topo.get(section) or {}) or section == "policies":
            path = f"topology_template.{section}.{name}"
            break
    return Problem(path, type(exc).__name__, message, _line_of(raw.get("node"), path))


def _line_of(node: Any, path: str) -> int | None:
    """1-based line of a dotted path in a composed YAML node (policies: list of maps)."""
    if node is None or not path:
        return None
    for key in path.split("."):
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.MappingNode):
                    found = next((v for k, v in item.value if k.value == key), found)
        if found is None:
            break
        node = found
    line: int = node.start_mark.line
    return line + 1


class Unresolved(str):
    """A property value made by a TOSCA function that has no value at translation time
    (``get_attribute``, ``get_operation_output``, ``token``...): its text names the
    function; :func:`unresolved_paths` finds it so a container using one is an error."""


def _plain(
    value: Any,
    nodes: Doc | None = None,
    owner: str = "",
    seen: frozenset[tuple[str, str]] = frozenset(),
    text: Callable[[str], str] | None = None,
) -> Any:
    """Property value with ``get_input`` turned into the Ansible expression ``{{ name }}``.

    ``get_property`` of a node (or ``SELF``: ``owner``) is resolved to its value and
    ``concat`` of resolvable parts is joined; any other function becomes
    :class:`Unresolved`. ``nodes``: node templates by name; ``seen``: the
    ``get_property`` hops being resolved (a cycle ends as :class:`Unresolved`); ``text``:
    applied to every literal string the descriptor wrote (node properties pass
    :func:`translators.literal.template_text`, so only the Jinja made here runs later).
    """
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in FUNCTIONS:
            return _function(*next(iter(value.items())), nodes, owner, seen, text)
        return {
            text(k) if text and isinstance(k, str) else k: _plain(v, nodes, owner, seen, text) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_plain(v, nodes, owner, seen, text) for v in value]
    if hasattr(value, "input_name"):  # toscaparser GetInput function object
        return "{{ %s }}" % value.input_name
    if type(value).__module__ == "toscaparser.functions":  # other function objects
        name = {"GetProperty": "get_property", "Concat": "concat"}.get(type(value).__name__)
        if name == "get_property":
            try:
                return _plain(value.result(), nodes, owner, seen, text)
            except Exception:  # a property tosca-parser cannot resolve either
                return Unresolved("get_property")
        if name == "concat":
            return _function("concat", value.args, nodes, owner, seen, text)
        return Unresolved(type(value).__name__)
    if text is not None and isinstance(value, str) and not isinstance(value, Unresolved):
        return text(value)
    return value


def _function(
    name: str,
    args: Any,
    nodes: Doc | None,
    owner: str = "",
    seen: frozenset[tuple[str, str]] = frozenset(),
    text: Callable[[str], str] | None = None,
) -> Any:
    if name == "get_input" and isinstance(args, str):
        return "{{ %s }}" % args
    if name == "concat" and isinstance(args, list):
        parts = [_plain(a, nodes, owner, seen, text) for a in args]
        if all(isinstance(p, (str, int, float)) and not isinstance(p, Unresolved) for p in parts):
            return _join([str(p) for p in parts], text is not None)
    if name == "get_property" and isinstance(args, list) and len(args) == 2 and nodes:
        target = nodes.get(owner if args[0] == "SELF" else args[0])
        hop = (owner, str(args))
        if target is not None and args[1] in target.get_properties() and hop not in seen:
            return _plain(target.get_property_value(args[1]), nodes, target.name, seen | {hop}, text)
    return Unresolved(name)


def _join(parts: list[str], escaped: bool) -> str:
    """``concat`` of parts; when they are template text, a ``{`` that ends one part and would
    open a delimiter with the next becomes :data:`translators.literal.OPEN` (text stays text)."""
    out = ""
    for part in parts:
        if escaped and out.endswith("{") and part[:1] in ("{", "%", "#") and part:
            out = out[:-1] + literal.OPEN
        out += part
    return out


def unresolved_paths(value: Any, where: str = "") -> list[str]:
    """Dotted paths of :class:`Unresolved` values inside a property value."""
    if isinstance(value, Unresolved):
        return [f"{where} ({value})"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in unresolved_paths(v, f"{where}.{k}" if where else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in unresolved_paths(v, f"{where}[{i}]")]
    return []


def heat_supports(entity: EntityTemplate) -> bool:
    """True when heat-translator maps ``entity``'s type, or a type it derives from."""
    from translator.hot.translate_node_templates import TOSCA_TO_HOT_TYPE

    kind = entity.type_definition
    while kind is not None:
        if kind.type in TOSCA_TO_HOT_TYPE:
            return True
        kind = kind.parent_type
    return False


def _role(node: NodeTemplate) -> str:
    if any(node.is_derived_from(t) for t in FORWARDING_PATHS):
        return "path"
    if node.is_derived_from(CONTAINER):
        return "container"
    if node.is_derived_from(RUNTIME):
        return "runtime"
    return "stack" if heat_supports(node) else "unsupported"


def _targets(node: NodeTemplate, relationship: str) -> list[str]:
    out = []
    for req in node.requirements or []:
        for key, value in req.items():
            target = value.get("node") if isinstance(value, dict) else value
            if key == relationship and isinstance(target, str):
                out.append(target)
    return out


def _image(node: NodeTemplate, props: Doc) -> str | None:
    image = props.get("image")
    if image and isinstance(image, str) and not isinstance(image, Unresolved):
        return image
    for artifact in (node.entity_tpl.get("artifacts") or {}).values():
        if isinstance(artifact, dict) and "Image" in str(artifact.get("type", "")):
            return artifact.get("file")
    return None


def _parent(node: NodeTemplate, nodes: Doc, props: Doc) -> str | None:
    """The Compute node a container is nested in: ``vdu_parent``, else its host chain."""
    explicit = props.get("vdu_parent")
    if explicit:
        return str(explicit)
    current, seen = node, set()
    while current is not None and current.name not in seen:
        seen.add(current.name)
        hosts = _targets(current, "host")
        current = nodes.get(hosts[0]) if hosts else None
        if current is not None and current.is_derived_from(COMPUTE):
            return str(current.name)
    return None


def _capacity(node: NodeTemplate, nodes: Doc) -> Doc:
    """``num_cpus``/``mem_size`` of the host capability (tosca.capabilities.Container) of
    the runtime a container is hosted on, as written in the descriptor."""
    hosts = _targets(node, "host")
    runtime = nodes.get(hosts[0]) if hosts else None
    if runtime is None or not runtime.is_derived_from(RUNTIME):
        return {}
    caps = runtime.entity_tpl.get("capabilities") or {}
    props = ((caps.get("host") or {}).get("properties") or {}) if isinstance(caps, dict) else {}
    return {k: _plain(props[k], nodes, text=literal.template_text) for k in ("num_cpus", "mem_size") if k in props}


def _operations(node: NodeTemplate) -> tuple[str, ...]:
    """``Interface.operation`` names that have an implementation in the template."""
    out = []
    for iface, ops in sorted((node.entity_tpl.get("interfaces") or {}).items()):
        for op, body in sorted((ops or {}).items() if isinstance(ops, dict) else []):
            impl = body.get("implementation") if isinstance(body, dict) else body
            if impl and op not in ("type", "inputs"):
                out.append(f"{iface}.{op}")
    return tuple(out)


def _other_artifacts(node: NodeTemplate) -> tuple[str, ...]:
    """Artifacts of a container besides its image (nothing runs them)."""
    return tuple(
        sorted(
            name
            for name, art in (node.entity_tpl.get("artifacts") or {}).items()
            if not (isinstance(art, dict) and "Image" in str(art.get("type", "")))
        )
    )


def _scaling_properties(props: Doc) -> Doc:
    if props.get("max_replicas") is None:
        return {}
    return {
        "min": props.get("min_replicas"),
        "max": props["max_replicas"],
        "initial": None,
        "cpu": props.get("target_cpu_utilization"),
        "policy": None,
    }


def _scaling_policies(tosca: ToscaTemplate, nodes: dict[str, NodeModel], by_name: Doc) -> None:
    """Scaling aspects (policies derived from tosca.policies.Scaling with ``min_instances``
    and ``max_instances``) that target containers, directly or through a group."""
    groups = {g.name: list(g.members or []) for g in getattr(tosca.topology_template, "groups", []) or []}
    for policy in tosca.policies:
        if not policy.is_derived_from(SCALING):
            continue
        props = {k: _plain(v, by_name) for k, v in (policy.properties or {}).items()}
        if props.get("min_instances") is None or props.get("max_instances") is None:
            continue
        for target in policy.targets or []:
            for name in groups.get(target, [target]):
                node = nodes.get(name)
                if node is None or node.role != "container":
                    continue
                if node.scaling:  # its own properties win; the report says so
                    node.scaling.setdefault("ignored_policy", policy.name)
                    continue
                node.scaling = {
                    "min": props["min_instances"],
                    "max": props["max_instances"],
                    "initial": props.get("default_instances"),
                    "cpu": props.get("target_cpu_utilization"),
                    "policy": policy.name,
                }


def _base_type(node: NodeTemplate) -> str:
    for kind, base in (("compute", COMPUTE), ("network", NETWORK), ("port", PORT)):
        if node.is_derived_from(base):
            return kind
    return ""


def _links_roles(nodes: dict[str, NodeModel], raw_targets: dict[str, list[str]]) -> None:
    """A Network only containers are on is a ``link`` (no Neutron network is made)."""
    used_by_heat = {t for name, targets in raw_targets.items() if nodes[name].role != "container" for t in targets}
    on_links = {link for n in nodes.values() for link in n.links}
    for name in sorted(on_links - used_by_heat):
        if name in nodes and nodes[name].role == "stack" and nodes[name].base_type == "network":
            nodes[name].role = "link"


def _model(tosca: ToscaTemplate, path: Path) -> ServiceModel:
    by_name = {n.name: n for n in tosca.nodetemplates}
    meta = tosca.tpl.get("metadata") or {}
    meta = meta if isinstance(meta, dict) else {}
    nodes: dict[str, NodeModel] = {}
    raw_targets: dict[str, list[str]] = {}
    names = frozenset(i.name for i in tosca.inputs)

    def text(value: str) -> str:  # descriptor text stays text in every template made from it
        return literal.template_text(value, names)

    for node in tosca.nodetemplates:
        role = _role(node)
        props = {p.name: _plain(p.value, by_name, node.name, text=text) for p in node.get_properties_objects()}
        deps = []
        for rel in ("dependency", "host", "binding", "link", "local_storage", "attachment"):
            deps += [t for t in _targets(node, rel) if t in by_name]
        raw_targets[node.name] = [t for req in node.requirements or [] for t in _req_targets(req)]
        model = NodeModel(
            name=node.name,
            type=node.type,
            role=role,
            properties=props,
            description=node.entity_tpl.get("description", "") or "",
        )
        if role == "container":
            model.parent = _parent(node, by_name, props)
            if model.parent is not None and model.parent in by_name:
                deps.append(model.parent)
            model.parent_mandatory = bool(props.get("vdu_parent_mandatory", True))
            model.bare_metal = bool(props.get("vdu_parent_bare_metal", False))
            model.image = _image(node, props)
            model.links = tuple(dict.fromkeys(_targets(node, "virtual_link")))
            model.capacity = _capacity(node, by_name)
            model.scaling = _scaling_properties(props)
            model.unresolved = tuple(unresolved_paths(props, "properties"))
            model.interfaces = _operations(node)
            model.artifacts = _other_artifacts(node)
        elif role == "path":
            model.hops = _hops(node, by_name)
        elif role == "stack":
            model.bare_metal = node.is_derived_from(BARE_METAL)
            model.base_type = _base_type(node)
        model.depends_on = tuple(dict.fromkeys(deps))
        nodes[node.name] = model
    _links_roles(nodes, raw_targets)
    _scaling_policies(tosca, nodes, by_name)
    service_levels = levels.read(tosca, nodes)
    for policy in tosca.policies:
        if policy.type == PLACEMENT_POLICY:
            for target in policy.targets or []:
                if target in nodes:
                    nodes[target].site = policy.get_property_value("site") or ""
                    nodes[target].site_selector = _plain(policy.get_property_value("site_selector")) or {}
    inputs = [
        InputModel(
            i.name,
            i.type,
            i.default,
            bool(i.required),
            i.description or "",
            tuple(_plain(c) for c in (i.schema.schema.get("constraints") or [])),
        )
        for i in tosca.inputs
    ]
    return ServiceModel(
        name=slug(str(meta.get("template_name") or path.stem)),
        source=str(path),
        digest=digest_of(path),
        description=(tosca.description or "").strip(),
        inputs=inputs,
        nodes=nodes,
        tosca=tosca,
        levels=service_levels,
    )


def _hops(node: NodeTemplate, by_name: Doc) -> tuple[str, ...]:
    """A forwarding path's ``forwarder`` targets in order; a Port (or NFV CP) counts as
    the node it is bound to (``binding``/``virtualBinding``)."""
    out = []
    for target in _targets(node, "forwarder"):
        hop = by_name.get(target)
        if hop is not None and hop.is_derived_from(PORT):
            bound = _targets(hop, "binding") + _targets(hop, "virtualBinding")
            target = bound[0] if bound else target
        out.append(target)
    return tuple(out)


def _req_targets(req: Doc) -> list[str]:
    out = []
    for value in req.values():
        node = value.get("node") if isinstance(value, dict) else value
        if isinstance(node, str):
            out.append(node)
    return out
