"""Instantiation levels of pods: ETSI GS NFV-SOL 001 §6.10 policy types
``tosca.policies.nfv.InstantiationLevels`` (the levels of a deployment flavour and its
``default_level``) and ``tosca.policies.nfv.VduInstantiationLevels`` (per level, the
``number_of_instances`` of each VDU it targets); the InstantiationLevel of a
deployment flavour in ETSI GS NFV-IFA 011.

A container (pod) targeted by a VduInstantiationLevels policy gets ``levels``
(``{level_id: number_of_instances}``); its Deployment's replicas are the count of the
*chosen* level: the ``level`` translate option (CLI ``--level``), else the value of the
TOSCA input :data:`LEVEL_INPUT` given at translation time, else that input's default,
else the InstantiationLevels policy's ``default_level``, else the only level there is.
``scale.yml -e scale_level=<level_id>`` later sets every pod to its count at that level
(:mod:`translators.playbooks`, role ``k8s_apply``).

VDUs that are VMs (``tosca.nodes.nfv.Vdu.Compute``, ``tosca.nodes.Compute``) targeted
by these policies or by a scaling aspect (SOL 001 §6.10.5 ``ScalingAspects``, §6.10.7
``VduScalingAspectDeltas``, §6.10.8 ``VduInitialDelta``; NFV-IFA 011 ScalingAspect) get
a :class:`VmScaling` (:func:`vm_scaling`): their instance count becomes a HOT parameter
(:mod:`translators.hot`) whose value per level, and per scale level of their aspect,
goes to the site's group_vars (:func:`heat_scale_vars`) for ``scale.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .doc import Doc
from .errors import Problem, TranslationError
from .model import NodeModel, ServiceModel

if TYPE_CHECKING:
    from toscaparser.policy import Policy
    from toscaparser.tosca_template import ToscaTemplate

INSTANTIATION_LEVELS = "tosca.policies.nfv.InstantiationLevels"
VDU_LEVELS = "tosca.policies.nfv.VduInstantiationLevels"
#: A TOSCA input of this name chooses the level (SOL 001 has no such input of its own).
LEVEL_INPUT = "instantiation_level"
SCALING_ASPECTS = "tosca.policies.nfv.ScalingAspects"
ASPECT_DELTAS = "tosca.policies.nfv.VduScalingAspectDeltas"
INITIAL_DELTA = "tosca.policies.nfv.VduInitialDelta"
VM_TYPES = ("tosca.nodes.nfv.Vdu.Compute", "tosca.nodes.Compute")


def read(tosca: ToscaTemplate, nodes: dict[str, NodeModel]) -> Doc:
    """Set ``levels`` on the container nodes VduInstantiationLevels policies target
    (directly or through a group) and return the service's levels: ``{"ids": [level
    ids, descriptor order], "default": id or None, "policies": [names of the
    VduInstantiationLevels policies], "vm_targets": {policy: [non-container targets]}}``;
    empty when the descriptor has no such policy."""
    groups = {g.name: list(g.members or []) for g in getattr(tosca.topology_template, "groups", []) or []}
    out: Doc = {}
    for policy in tosca.policies:
        props = policy.properties or {}
        if policy.is_derived_from(INSTANTIATION_LEVELS):
            out.setdefault("ids", [])
            out["ids"] += [k for k in (props.get("levels") or {}) if k not in out["ids"]]
            out["default"] = props.get("default_level") or out.get("default")
        elif policy.is_derived_from(VDU_LEVELS):
            counts = {k: (v or {}).get("number_of_instances") for k, v in (props.get("levels") or {}).items()}
            out.setdefault("policies", []).append(policy.name)
            for target in policy.targets or []:
                for name in groups.get(target, [target]):
                    node = nodes.get(name)
                    if node is not None and node.role == "container":
                        node.levels = dict(counts)
                    else:
                        out.setdefault("vm_targets", {}).setdefault(policy.name, []).append(name)
    if not out:
        return {}
    out.setdefault("ids", [])
    for node in nodes.values():
        out["ids"] += [k for k in node.levels if k not in out["ids"]]
    out.setdefault("default", None)
    out.setdefault("policies", [])
    return out


def choose(model: ServiceModel, level: str | None = None) -> str | None:
    """The level whose counts the Deployments get (see the module docstring), or None
    when the service has no instantiation levels.

    :raises TranslationError: the level is not one of the service's levels, or there are
        several levels and nothing says which one (SOL 001: ``default_level`` is then
        required).
    """
    known = model.levels.get("ids") or []
    if not any(n.levels for n in model.nodes.values()):
        if level is not None and level in known:
            return level
        if level is not None:
            raise TranslationError(
                model.source,
                [
                    Problem(
                        "topology_template.policies",
                        "instantiation-level.none",
                        f"level {level!r} asked for, but the descriptor has no {INSTANTIATION_LEVELS} or "
                        f"{VDU_LEVELS} policy",
                    )
                ],
            )
        return None
    given = next((i for i in model.inputs if i.name == LEVEL_INPUT), None)
    chosen = (
        level
        or model.params.get(LEVEL_INPUT)
        or (given.default if given else None)
        or model.levels.get("default")
        or (known[0] if len(known) == 1 else None)
    )
    if chosen is None:
        raise TranslationError(
            model.source,
            [
                Problem(
                    "topology_template.policies",
                    "instantiation-level.default",
                    f"levels {', '.join(known)} and no default_level: choose one (--level, or the input {LEVEL_INPUT})",
                )
            ],
        )
    if chosen not in known:
        raise TranslationError(
            model.source,
            [
                Problem(
                    "topology_template.policies",
                    "instantiation-level.unknown",
                    f"level {chosen!r} is not one of {', '.join(known)}",
                )
            ],
        )
    return str(chosen)


def problems(model: ServiceModel) -> list[Problem]:
    """Counts that are not whole numbers >= 0, named by policy target."""
    out = []
    for node in model.nodes.values():
        for level, count in sorted(node.levels.items()):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                out.append(
                    Problem(
                        f"topology_template.node_templates.{node.name}",
                        "instantiation-level.count",
                        f"level {level}: number_of_instances {count!r} is not a whole number >= 0",
                    )
                )
    return out


def report(model: ServiceModel) -> list[str]:
    """Report lines: the level chosen, pods without a count at it, VM targets."""
    if not model.levels:
        return []
    chosen = model.levels.get("chosen")
    lines = []
    if any(n.levels for n in model.nodes.values()):
        lines.append(
            f"instantiation level {chosen}: pods start with its number_of_instances; "
            f"scale.yml -e scale_level=<{'|'.join(model.levels['ids'])}> moves them to another level"
        )
    for node in model.nodes.values():
        if node.levels and chosen not in node.levels:
            lines.append(f"{node.name}: no number_of_instances at level {chosen}; it keeps its replicas")
    vms = vm_scaling(model)
    for policy, targets in sorted((model.levels.get("vm_targets") or {}).items()):
        others = [t for t in targets if t not in vms]
        if others:
            lines.append(f"policy {policy}: levels of {', '.join(others)} not applied: they are neither pods nor VMs")
    return lines + vm_report(vms)


def vm_report(vms: dict[str, VmScaling]) -> list[str]:
    """Report lines for the VM VDUs of :func:`vm_scaling`: the HOT parameter of each,
    its range and start, the levels it cannot reach, or why its count is not a parameter."""
    lines = []
    for s in vms.values():
        if s.refused:
            lines.append(f"{s.vdu}: VM count not made a parameter, it stays one server: {s.refused}")
            continue
        where = (
            f"desired_capacity of AutoScalingGroup {s.aspect}"
            if s.aspect
            else f"count of ResourceGroup {s.vdu} (nested template {s.vdu}.hot.yaml holds the server and its ports)"
        )
        how = f"-e scale_aspect={s.aspect} -e scale_steps=N, or " if s.aspect and s.steps else ""
        lines.append(
            f"{s.vdu}: VM count is HOT parameter {s.param} ({where}), {s.low}..{s.high}, starts at "
            f"{s.default}; scale.yml {how}-e scale_level=L updates the stack"
        )
        for level, why in sorted(s.bad_levels.items()):
            lines.append(f"{s.vdu}: level {level} cannot be reached ({why}); scale.yml refuses it")
    return lines


def counts(model: ServiceModel, nodes: list[str]) -> dict[str, dict[str, int]]:
    """``{level_id: {node: number_of_instances}}`` for those of ``nodes`` that have levels
    (the ``k8s_apply_levels`` of a site)."""
    out: dict[str, dict[str, int]] = {}
    for level in model.levels.get("ids") or []:
        row = {n: model.nodes[n].levels[level] for n in nodes if level in model.nodes[n].levels}
        if row:
            out[level] = row
    return out


@dataclass
class VmScaling:
    """How many instances of one VM VDU run, per level and per scale level.

    ``vdu``: the node; ``aspect``: the SOL 001 scaling aspect whose
    VduScalingAspectDeltas target it (heat-translator then makes an
    ``OS::Heat::AutoScalingGroup`` named after the aspect), else None (the server is
    wrapped in an ``OS::Heat::ResourceGroup`` named after the VDU); ``steps``: the count at
    scale level 0..``max_scale_level`` of the aspect (VduInitialDelta + the step deltas,
    SOL 001 §6.10.5: the last of ``step_deltas`` applies to the steps past the list), empty
    without an aspect or an initial delta; ``levels``: ``{level: count}`` (VduInstantiationLevels'
    ``number_of_instances``, else the level's ``scale_info`` scale level of the aspect,
    else scale level 0); ``bad_levels``: ``{level: why}`` for counts outside ``low..high``
    (those levels cannot be scaled to); ``param``: the HOT parameter; ``low``/``high``:
    its range; ``default``: the count at the chosen level, else the initial delta, else
    ``low``; ``refused``: why the VDU's count cannot be a parameter (None: it is one).
    """

    vdu: str
    aspect: str | None = None
    steps: list[int] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)
    bad_levels: dict[str, str] = field(default_factory=dict)
    param: str = ""
    low: int = 0
    high: int = 0
    default: int = 0
    refused: str | None = None

    @property
    def carrier(self) -> str:
        """The HOT resource that holds the count: the aspect's AutoScalingGroup or the
        VDU's ResourceGroup."""
        return self.aspect or self.vdu

    @property
    def carrier_type(self) -> str:
        return "OS::Heat::AutoScalingGroup" if self.aspect else "OS::Heat::ResourceGroup"


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def vm_level(model: ServiceModel) -> str | None:
    """The level VM counts start at: the chosen level (:func:`choose`), else the
    :data:`LEVEL_INPUT` input, else ``default_level``, else the only level; None when
    nothing says (the counts then start at the initial delta)."""
    known = model.levels.get("ids") or []
    given = next((i for i in model.inputs if i.name == LEVEL_INPUT), None)
    chosen = (
        model.levels.get("chosen")
        or model.params.get(LEVEL_INPUT)
        or (given.default if given else None)
        or model.levels.get("default")
        or (known[0] if len(known) == 1 else None)
    )
    return str(chosen) if chosen in known else None


def vm_scaling(model: ServiceModel) -> dict[str, VmScaling]:
    """``{vdu: VmScaling}`` for the VM VDUs (:data:`VM_TYPES`, Heat nodes) that a
    VduInstantiationLevels or VduScalingAspectDeltas policy targets (directly or through
    a group), in descriptor order; ``{}`` when none. Pure: reads the parsed template only.

    A VDU without an aspect is refused (``refused`` set, its count stays heat-translator's
    single server) when it cannot be replicated as a whole: pods are nested in it (their
    Kubernetes node must be one server), a TOSCA output reads it, it has volumes (one
    volume cannot serve N servers), or a node other than its connection points requires it.
    """
    tosca = model.tosca
    if tosca is None:
        return {}
    groups = {g.name: list(g.members or []) for g in getattr(tosca.topology_template, "groups", []) or []}
    templates = {n.name: n for n in tosca.nodetemplates}

    def targets(policy: Policy) -> list[str]:
        return [m for t in policy.targets or [] for m in groups.get(t, [t])]

    def is_vm(name: str) -> bool:
        node = model.nodes.get(name)
        return (
            node is not None
            and node.role == "stack"
            and name in templates
            and any(templates[name].is_derived_from(t) for t in VM_TYPES)
        )

    aspects: Doc = {}  # aspect id -> {max_scale_level, step_deltas, ...}
    deltas: dict[str, tuple[str | None, Doc]] = {}  # vdu -> (aspect, {delta id: instances})
    initial: dict[str, Any] = {}  # vdu -> initial instances
    vdu_levels: dict[str, Doc] = {}  # vdu -> {level id: instances}
    scale_info: Doc = {}  # level id -> {aspect: {scale_level}}
    for policy in tosca.policies:
        props = policy.properties or {}
        if policy.is_derived_from(SCALING_ASPECTS):
            aspects.update(props.get("aspects") or {})
        elif policy.is_derived_from(ASPECT_DELTAS):
            for vdu in targets(policy):
                deltas.setdefault(
                    vdu,
                    (
                        props.get("aspect"),
                        {k: (v or {}).get("number_of_instances") for k, v in (props.get("deltas") or {}).items()},
                    ),
                )
        elif policy.is_derived_from(INITIAL_DELTA):
            for vdu in targets(policy):
                initial.setdefault(vdu, ((props.get("initial_delta") or {}).get("number_of_instances")))
        elif policy.is_derived_from(VDU_LEVELS):
            for vdu in targets(policy):
                vdu_levels.setdefault(
                    vdu, {k: (v or {}).get("number_of_instances") for k, v in (props.get("levels") or {}).items()}
                )
        elif policy.is_derived_from(INSTANTIATION_LEVELS):
            for level, body in (props.get("levels") or {}).items():
                scale_info[level] = {
                    a: (v or {}).get("scale_level") for a, v in ((body or {}).get("scale_info") or {}).items()
                }
    chosen = vm_level(model)
    out: dict[str, VmScaling] = {}
    for vdu in templates:
        if not is_vm(vdu) or (vdu not in vdu_levels and vdu not in deltas):
            continue
        scaling = VmScaling(vdu)
        aspect = deltas[vdu][0] if vdu in deltas else None
        step_ids = []
        if aspect is not None and aspect in aspects:
            step_ids = list((aspects[aspect] or {}).get("step_deltas") or [])
        else:
            aspect = None
        scaling.aspect = aspect
        start = _whole(initial.get(vdu))
        top = _whole((aspects.get(aspect) or {}).get("max_scale_level")) if aspect else None
        if aspect and start is not None and top is not None and step_ids:
            per_step = [_whole(deltas[vdu][1].get(step_ids[min(i, len(step_ids) - 1)])) for i in range(top)]
            whole = [n for n in per_step if n is not None]
            if len(whole) == len(per_step):
                scaling.steps = [start + sum(whole[:k]) for k in range(top + 1)]
        profile = templates[vdu].get_property_value("vdu_profile") or {}
        profile = profile if isinstance(profile, dict) else {}
        for level in model.levels.get("ids") or list(scale_info) or list(vdu_levels.get(vdu) or {}):
            count = _whole((vdu_levels.get(vdu) or {}).get(level))
            step = _whole((scale_info.get(level) or {}).get(aspect)) if aspect else None
            if count is None and step is not None:
                if step >= len(scaling.steps):
                    scaling.bad_levels[level] = (
                        f"scale level {step} of aspect {aspect} is beyond its max_scale_level {len(scaling.steps) - 1}"
                    )
                    continue
                count = scaling.steps[step]
            if count is None and scaling.steps:
                count = scaling.steps[0]
            if count is not None:
                scaling.levels[level] = count
        if scaling.steps:
            scaling.low, scaling.high = scaling.steps[0], scaling.steps[-1]
        else:
            low, high = _whole(profile.get("min_number_of_instances")), _whole(profile.get("max_number_of_instances"))
            counts = list(scaling.levels.values()) or [start if start is not None else 1]
            scaling.low = low if low is not None else min(counts)
            scaling.high = high if high is not None else max(counts)
        for level, count in list(scaling.levels.items()):
            if not scaling.low <= count <= scaling.high:
                scaling.bad_levels[level] = f"{count} instances of {vdu} is outside {scaling.low}..{scaling.high}"
                del scaling.levels[level]
        scaling.default = (
            scaling.levels[chosen]
            if chosen is not None and chosen in scaling.levels
            else start
            if start is not None and scaling.low <= start <= scaling.high
            else scaling.low
        )
        scaling.param = f"{vdu}_desired_capacity" if aspect else f"{vdu}_count"
        scaling.refused = None if aspect else _wrap_refused(model, templates, vdu)
        out[vdu] = scaling
    return out


def _wrap_refused(model: ServiceModel, templates: Doc, vdu: str) -> str | None:
    """Why a VM VDU without an aspect cannot become a ResourceGroup (None: it can)."""
    if any(n.parent == vdu for n in model.nodes.values()):
        return "pods are nested in it (their Kubernetes node is one server)"
    for output in model.tosca.outputs:
        if re.search(rf"\b{re.escape(vdu)}\b", str(output.attrs.get("value"))):
            return f"output {output.name} reads it (one server's attribute)"
    for name, node in templates.items():
        wanted = [t for req in node.requirements or [] for t in _req_nodes(req)]
        if name == vdu and any(t in templates for t in wanted):
            return "it requires other nodes (volumes or storage: one volume cannot serve several servers)"
        if (
            name != vdu
            and vdu in wanted
            and not any(node.is_derived_from(t) for t in ("tosca.nodes.nfv.VduCp", "tosca.nodes.network.Port"))
        ):
            return f"node {name} requires it (it would have to be replicated with it)"
    return None


def _req_nodes(req: Doc) -> list[str]:
    out = []
    for value in req.values():
        node = value.get("node") if isinstance(value, dict) else value
        if isinstance(node, str):
            out.append(node)
    return out


def heat_scale_vars(scalings: list[VmScaling]) -> Doc:
    """The group_vars of an OpenStack site whose HOT carries ``scalings``' parameters:
    ``heat_stack_scale_params`` (``{param: {vdu, min, max, default}}``), ``heat_stack_scale_levels``
    (``{level: {param: count}}``, levels every VDU can reach; a VDU without a count at a
    level is left out of it) and ``heat_stack_scale_aspects`` (``{aspect: {max_scale_level,
    steps: {"0".."max": {param: count}}}}``: SOL 001 scale levels of each aspect); ``{}``
    when there is nothing to scale. A level some VDU cannot reach (:attr:`VmScaling.bad_levels`)
    goes to ``heat_stack_scale_unreachable`` (``{level: why}``)."""
    scalings = [s for s in scalings if s.refused is None]
    if not scalings:
        return {}
    out: Doc = {
        "heat_stack_scale_params": {
            s.param: {"vdu": s.vdu, "min": s.low, "max": s.high, "default": s.default} for s in scalings
        }
    }
    bad = {lvl: why for s in scalings for lvl, why in s.bad_levels.items()}
    table: dict[str, dict[str, int]] = {}
    for s in scalings:
        for level, count in s.levels.items():
            if level not in bad:
                table.setdefault(level, {})[s.param] = count
    out["heat_stack_scale_levels"] = table
    aspects: dict[str, Doc] = {}
    for s in scalings:
        if s.aspect and s.steps:
            entry = aspects.setdefault(s.aspect, {"max_scale_level": len(s.steps) - 1, "steps": {}})
            for k, count in enumerate(s.steps):
                entry["steps"].setdefault(str(k), {})[s.param] = count
    out["heat_stack_scale_aspects"] = aspects
    if bad:
        out["heat_stack_scale_unreachable"] = dict(sorted(bad.items()))
    return out


def offer(model: ServiceModel, site_vars: list[Doc]) -> Doc:
    """What ``scale.yml`` of the service may be asked for, as the catalogue offers it
    (``service.json`` ``scaling``, read by :mod:`nfvo.scaling`): ``{"levels": [level ids in
    descriptor order], "default": the level the service starts at or None, "aspects":
    {aspect: {"max_scale_level": N}}, "unreachable": {level: why}}``.

    ``levels`` are the service's instantiation levels (SOL 001 §6.10 InstantiationLevels,
    VduInstantiationLevels) less those some VM VDU cannot reach (``heat_stack_scale_unreachable``
    of a site, :func:`heat_scale_vars`); ``aspects`` the scaling aspects (§6.10.5) whose steps
    an OpenStack site's HOT carries (``heat_stack_scale_aspects``); ``site_vars`` are the
    group_vars of the service's sites (:func:`translators.playbooks.group_vars`). Pure.
    """
    unreachable: dict[str, str] = {}
    aspects: dict[str, Doc] = {}
    for site in site_vars:
        unreachable.update(site.get("heat_stack_scale_unreachable") or {})
        for name, body in (site.get("heat_stack_scale_aspects") or {}).items():
            top = int(body.get("max_scale_level") or 0)
            aspects[name] = {"max_scale_level": max(top, (aspects.get(name) or {}).get("max_scale_level", 0))}
    ids = [str(i) for i in model.levels.get("ids") or [] if i not in unreachable]
    start = model.levels.get("chosen") or vm_level(model)
    return {
        "levels": ids,
        "default": start if start in ids else None,
        "aspects": dict(sorted(aspects.items())),
        "unreachable": dict(sorted(unreachable.items())),
    }
