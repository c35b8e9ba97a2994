"""Scaling aspects as a HorizontalPodAutoscaler (autoscaling/v2).

A container scales when it sets ``max_replicas`` (with ``min_replicas``,
``target_cpu_utilization``), or when a scaling policy (derived from
tosca.policies.Scaling, with ``min_instances``/``max_instances``, e.g.
``rdcl.policies.Scaling``) targets it. ETSI GS NFV-IFA 011 clause 7.1.10 (deployment
flavour: scaling aspects, instantiation levels): ``default_instances`` is the number
of pods at instantiation. The autoscaler keeps between min and max pods at
``target_cpu_utilization`` percent (default :data:`DEFAULT_CPU_TARGET`) of the pods'
CPU request (the container's ``num_cpus``/``milli_cpus``).

With ETSI GS NFV-SOL 001 §6.10 instantiation levels (:mod:`translators.levels`) the
Deployment starts with the level's count and the autoscaler's ``minReplicas`` is that
count (:func:`level_bounds`): scaling to a level moves the autoscaler's bounds, not the
Deployment's replicas, which the autoscaler would override.
"""

from __future__ import annotations

from ..doc import Doc
from ..model import NodeModel, ServiceModel
from .common import dns_name, int_field, is_expr, metadata

DEFAULT_CPU_TARGET = 80


def replicas(node: NodeModel, level: str | None = None) -> int | str:
    """Pods at instantiation: the node's ``number_of_instances`` at instantiation level
    ``level`` (ETSI GS NFV-SOL 001 §6.10 VduInstantiationLevels, see
    :mod:`translators.levels`), else the scaling aspect's initial count, else ``replicas``."""
    if level is not None and level in node.levels:
        return int_field(node.levels[level])
    initial = node.scaling.get("initial") if node.scaling else None
    return int_field(initial if initial is not None else node.properties.get("replicas", 1))


def level_bounds(node: NodeModel, level: str | None, low: int | str, high: int | str) -> tuple[int | str, int | str]:
    """Autoscaler bounds at instantiation level ``level``: the autoscaler owns the
    replicas, so the level's count becomes ``minReplicas`` (at least 1) and
    ``maxReplicas`` grows to it when smaller; ``scale.yml -e scale_level=L`` does the
    same on the cluster. Without a count at ``level`` (or with dialog values) the
    aspect's bounds stay."""
    count = node.levels.get(level) if level is not None else None
    if not isinstance(count, int) or isinstance(count, bool) or is_expr(high):
        return low, high
    return max(count, 1), max(int(high), count)


def scaling_problems(node: NodeModel) -> list[str]:
    """Why ``node``'s scaling aspect is not a valid autoscaler (empty when it is)."""
    if not node.scaling:
        return []
    low, high = node.scaling.get("min"), node.scaling.get("max")
    low = node.properties.get("replicas", 1) if low is None else low
    if not isinstance(low, int) or not isinstance(high, int):  # dialog values: checked at run time
        return []
    problems = []
    if high < 1:
        problems.append(f"max replicas {high} is less than 1")
    if low > high:
        problems.append(f"min replicas {low} is more than max replicas {high}")
    return problems


def hpa(model: ServiceModel, node: NodeModel, cpu_request: bool, notes: list[str]) -> Doc | None:
    """The autoscaler of ``node``'s Deployment, or None when it does not scale."""
    if not node.scaling:
        return None
    low = node.scaling.get("min")
    if low is None:
        low = node.properties.get("replicas", 1)
        low = max(int(low), 1) if not is_expr(low) else low
    high = node.scaling["max"]
    low, high = level_bounds(node, model.levels.get("chosen"), low, high)
    target = node.scaling.get("cpu") or DEFAULT_CPU_TARGET
    if not cpu_request:
        notes.append(
            f"{node.name}: its autoscaler measures CPU use against the pods' CPU request, "
            "and it has none (set num_cpus or milli_cpus); Kubernetes will not scale it"
        )
    name = dns_name(node.name)
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(model.name, node.name),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": int_field(low),
            "maxReplicas": int_field(high),
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": int_field(target)},
                    },
                }
            ],
        },
    }
