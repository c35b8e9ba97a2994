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

VDUs that are VMs are left to heat-translator (it takes these policies without mapping
them: the stack's server counts come from ``VduInitialDelta``/scaling aspects); the
translation report says so.
"""
from __future__ import annotations

from .errors import Problem, TranslationError
from .model import NodeModel, ServiceModel

INSTANTIATION_LEVELS = "tosca.policies.nfv.InstantiationLevels"
VDU_LEVELS = "tosca.policies.nfv.VduInstantiationLevels"
#: A TOSCA input of this name chooses the level (SOL 001 has no such input of its own).
LEVEL_INPUT = "instantiation_level"


def read(tosca, nodes: dict[str, NodeModel]) -> dict:
    """Set ``levels`` on the container nodes VduInstantiationLevels policies target
    (directly or through a group) and return the service's levels: ``{"ids": [level
    ids, descriptor order], "default": id or None, "policies": [names of the
    VduInstantiationLevels policies], "vm_targets": {policy: [non-container targets]}}``;
    empty when the descriptor has no such policy."""
    groups = {g.name: list(g.members or []) for g in getattr(tosca.topology_template, "groups", []) or []}
    out: dict = {}
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
            raise TranslationError(model.source, [Problem(
                "topology_template.policies", "instantiation-level.none",
                f"level {level!r} asked for, but the descriptor has no {INSTANTIATION_LEVELS} or "
                f"{VDU_LEVELS} policy")])
        return None
    given = next((i for i in model.inputs if i.name == LEVEL_INPUT), None)
    chosen = (level or model.params.get(LEVEL_INPUT) or (given.default if given else None)
              or model.levels.get("default") or (known[0] if len(known) == 1 else None))
    if chosen is None:
        raise TranslationError(model.source, [Problem(
            "topology_template.policies", "instantiation-level.default",
            f"levels {', '.join(known)} and no default_level: choose one (--level, or the input {LEVEL_INPUT})")])
    if chosen not in known:
        raise TranslationError(model.source, [Problem(
            "topology_template.policies", "instantiation-level.unknown",
            f"level {chosen!r} is not one of {', '.join(known)}")])
    return str(chosen)


def problems(model: ServiceModel) -> list[Problem]:
    """Counts that are not whole numbers >= 0, named by policy target."""
    out = []
    for node in model.nodes.values():
        for level, count in sorted(node.levels.items()):
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                out.append(Problem(f"topology_template.node_templates.{node.name}", "instantiation-level.count",
                                   f"level {level}: number_of_instances {count!r} is not a whole number >= 0"))
    return out


def report(model: ServiceModel) -> list[str]:
    """Report lines: the level chosen, pods without a count at it, VM targets."""
    if not model.levels:
        return []
    chosen = model.levels.get("chosen")
    lines = []
    if any(n.levels for n in model.nodes.values()):
        lines.append(f"instantiation level {chosen}: pods start with its number_of_instances; "
                     f"scale.yml -e scale_level=<{'|'.join(model.levels['ids'])}> moves them to another level")
    for node in model.nodes.values():
        if node.levels and chosen not in node.levels:
            lines.append(f"{node.name}: no number_of_instances at level {chosen}; it keeps its replicas")
    for policy, targets in sorted((model.levels.get("vm_targets") or {}).items()):
        lines.append(f"policy {policy}: levels of {', '.join(targets)} not applied: they are not pods "
                     "(a VM's count comes from heat-translator's VduInitialDelta/scaling aspects)")
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
