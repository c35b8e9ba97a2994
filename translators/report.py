"""The translation report: every construct of the descriptor that is not translated, or
not translated in full, with why. Nothing is dropped silently; what is *required* and
cannot be translated is an error instead (:mod:`translators.checks`).

Lines read ``<what>: <what happened>, <why>``, in descriptor order (nodes, policies,
groups, outputs), then the notes the manifests add (:mod:`translators.kubernetes`).
"""

from __future__ import annotations

import shutil

from . import lcm, levels, vnffg
from .hot import policy_in_site, translatable_policy, translated_outputs
from .model import NodeModel, ServiceModel
from .placement import DEPLOYED_ROLES, Part
from .relations import Relations
from .tosca_loader import PLACEMENT_POLICY


def entries(model: ServiceModel, parts: list[Part], rel: Relations) -> list[str]:
    """Report lines for ``model`` placed as ``parts``."""
    lines = []
    for node in model.nodes.values():
        lines += _node(model, node, rel)
    lines += _policies(model, parts)
    lines += levels.report(model)
    lines += vnffg.report(model, rel)
    lines += _lifecycle(model)
    for group in getattr(model.tosca.topology_template, "groups", None) or []:
        if any(model.nodes.get(m) is not None and model.nodes[m].role == "path" for m in group.members or []):
            lines.append(
                f"group {group.name}: forwarding graph ({group.type}); its paths are translated as above, "
                "its other members one by one"
            )
            continue
        lines.append(
            f"group {group.name}: not translated as such ({group.type}); its members "
            f"{', '.join(group.members or [])} are translated one by one"
        )
    kept = translated_outputs(model, parts)
    for output in model.tosca.outputs:
        if output.name not in kept:
            lines.append(
                f"output {output.name}: skipped, it reads nodes that are not all in one OpenStack "
                "site's Heat stack (HOT outputs only read their own stack)"
            )
    return lines


def _node(model: ServiceModel, node: NodeModel, rel: Relations) -> list[str]:
    where = f"topology_template.node_templates.{node.name}"
    if node.role == "unsupported":
        return [f"{node.name}: skipped, no translation for type {node.type} ({where})"]
    if node.role == "vnf":
        if not node.workload.get("in_ns"):
            return [f"{node.name}: the VNF ({node.type}) its VDUs make up: nothing of its own to deploy ({where})"]
        return [
            f"{node.name}: skipped, a VNF of the network service ({node.type}) is deployed from its own VNF "
            f"package, not from this descriptor ({where})"
        ]
    if node.role == "component":
        owner = node.workload.get("of", "a container VDU")
        return [f"{node.name}: part of the pod of {owner} ({node.type}): no resource of its own ({where})"]
    if node.role == "cnf":
        return _cnf(node, where)
    if node.role == "path":
        return []  # vnffg.report says what became of it
    if node.role == "runtime":
        return [f"{node.name}: container runtime, provided by the site's nodes"]
    if node.role == "link":
        return [
            f"{node.name}: virtual link of pods only: no Neutron network; its pods get NetworkPolicies "
            "(one flat pod network, no separate segment)"
        ]
    if node.role != "container":
        return []
    lines = []
    if node.interfaces:
        lines.append(
            f"{node.name}: operations {', '.join(node.interfaces)} not run: a container runs its image or command only"
        )
    if node.artifacts:
        lines.append(f"{node.name}: artifacts {', '.join(node.artifacts)} not deployed: only an image artifact is used")
    if node.scaling.get("ignored_policy"):
        lines.append(
            f"{node.name}: scaling policy {node.scaling['ignored_policy']} ignored, its own "
            "max_replicas sets the autoscaler"
        )
    if node.site in rel.site_kind:
        lines += rel.site_kind[node.site].node_report(node)
    return lines


def _lifecycle(model: ServiceModel) -> list[str]:
    """The VNF's Vnflcm operations: where each hook runs, and those not run (:mod:`translators.lcm`)."""
    life = lcm.of(model)
    lines = [
        f"{h.node}: Vnflcm.{h.operation} ({h.origin}) runs as {h.kind} {h.file} at the {h.when} of {h.playbook}.yml"
        for h in life.hooks
    ]
    return lines + life.report


def _cnf(node: NodeModel, where: str) -> list[str]:
    """A container VDU: its manifests, and its charts (deployed only where the worker has helm)."""
    lines = [
        f"{node.name}: container VDU: {len(node.workload['containers'])} OsContainer(s) and "
        f"{len(node.workload['manifests'])} manifest file(s) applied as Kubernetes objects ({where})"
    ]
    helm = shutil.which("helm") is not None
    for chart in node.workload["charts"]:
        if helm:
            lines.append(
                f"{node.name}: Helm chart {chart['file']} carried in charts/, installed with kubernetes.core.helm"
            )
        else:
            lines.append(
                f"{node.name}: Helm chart {chart['file']} carried in charts/ but not deployable here: this worker has "
                f"no helm binary, so plan and create refuse it ({where}.artifacts.{chart['artifact']})"
            )
    return lines


def _policies(model: ServiceModel, parts: list[Part]) -> list[str]:
    lines = []
    scaled = {n.scaling.get(k) for n in model.nodes.values() for k in ("policy", "ignored_policy")}
    heat_sites = [p for p in parts if p.site_kind.hosts("stack")]
    groups = {g.name for g in getattr(model.tosca.topology_template, "groups", None) or []}
    for policy in model.tosca.policies:
        if policy.type == PLACEMENT_POLICY:
            chosen = sorted(
                {
                    model.nodes[t].site
                    for t in policy.targets or []
                    if t in model.nodes and model.nodes[t].site_selector and model.nodes[t].role in DEPLOYED_ROLES
                }
            )
            if chosen:
                lines.append(
                    f"policy {policy.name}: site selector {policy.get_property_value('site_selector')} "
                    f"placed its targets on {', '.join(chosen)} (the best match of the registered sites)"
                )
            idle = [t for t in policy.targets or [] if t in model.nodes and model.nodes[t].role not in DEPLOYED_ROLES]
            if idle:
                lines.append(
                    f"policy {policy.name}: placement has no effect on {', '.join(idle)}: nothing is "
                    "deployed for a runtime, a pod-only virtual link or an unsupported node"
                )
        elif policy.name in scaled:
            continue
        elif model.levels and (
            policy.is_derived_from(levels.INSTANTIATION_LEVELS) or policy.is_derived_from(levels.VDU_LEVELS)
        ):
            continue  # levels.report says what became of them
        elif not translatable_policy(policy):
            lines.append(f"policy {policy.name}: skipped, no translation for type {policy.type}")
        elif set(policy.targets or []) & groups:
            lines.append(
                f"policy {policy.name}: skipped, it targets groups "
                f"({', '.join(sorted(set(policy.targets) & groups))}); heat-translator is given "
                "policies on node templates only"
            )
        elif not any(policy_in_site(model.tosca, policy, set(p.nodes)) for p in heat_sites):
            lines.append(
                f"policy {policy.name}: skipped, its targets {', '.join(policy.targets or [])} are not "
                "all Heat nodes of one OpenStack site (heat-translator maps it within one stack)"
            )
    return lines
