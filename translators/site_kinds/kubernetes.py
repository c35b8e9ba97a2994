"""Kubernetes sites: each container becomes a pod (a manifest template per node,
:mod:`translators.pods`), applied by the ``k8s_apply`` role."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import kubernetes, pods
from ..doc import Doc
from ..errors import Problem
from ..k8s.config import file_problems
from ..validate import manifest_problems
from .base import SiteKind, at, containers

if TYPE_CHECKING:
    from ..model import ServiceModel
    from ..placement import Part
    from ..relations import Relations
    from ..translate import Translation


class Kubernetes(SiteKind):
    """A Kubernetes cluster: containers and container VDUs are pods of plain manifests."""

    name = "kubernetes"
    roles = ("container", "cnf")
    driver = "k8s_apply"
    flavour = "kubernetes"

    def translate_part(
        self, model: ServiceModel, part: Part, result: Translation, rel: Relations, labels: dict[str, Doc]
    ) -> Doc:
        """The manifests of :func:`translators.pods.translate_part`; the first pod part of the
        service also applies its own manifests, and its Helm charts go to ``result.blobs``."""
        first = next(p for p in result.parts if p.site_kind.pods)
        own = part is first
        out = pods.translate_part(model, part, rel, labels, result.files, result.report, result.k8s_version, own)
        for chart in (c for n in part.nodes for c in model.nodes[n].workload.get("charts") or []):
            result.blobs[pods.chart_path(chart)] = Path(chart["path"]).read_bytes()
        return out

    def group_vars(self, model: ServiceModel, part: Part, site_files: Doc) -> Doc:
        """The ``k8s_apply_*`` variables. ``site_files`` optionally holds ``manifests``
        (``[{node, template}]`` in apply order; default one per node) and ``node_labels``
        (``[{vdu, labels, taints}]``: the Kubernetes nodes the site's nested pods need, see
        :mod:`translators.k8s.scheduling`), ``levels`` and ``workloads`` (see
        :func:`translators.pods.translate_part`), which become ``k8s_apply_manifests``,
        ``k8s_apply_node_labels``, ``k8s_apply_levels`` and ``k8s_apply_workloads``;
        ``charts`` (``[{node, release, chart}]``, Helm charts of container VDUs) ``k8s_apply_charts``."""
        out = {
            "k8s_apply_namespace": model.name,
            "k8s_apply_manifests": site_files.get("manifests")
            or [{"node": n, "template": f"templates/{part.site}/{n}.yaml.j2"} for n in part.nodes],
        }
        if site_files.get("node_labels"):
            out["k8s_apply_node_labels"] = site_files["node_labels"]
        if site_files.get("levels"):
            out["k8s_apply_levels"] = site_files["levels"]
        if site_files.get("workloads"):
            out["k8s_apply_workloads"] = site_files["workloads"]
        if site_files.get("charts"):
            out["k8s_apply_charts"] = site_files["charts"]
        return out

    def part_problems(self, model: ServiceModel, part: Part) -> list[Problem]:
        """A pod needs an image, and files a ConfigMap can hold."""
        problems = []
        for name, node in containers(model, part):
            if not node.image:
                problems.append(
                    at(
                        name,
                        "container.image",
                        f"placed on {part.kind} site {part.site!r} but has no image property or image artifact",
                    )
                )
            problems += [at(name, "container.files", p) for p in file_problems(node)]
        return problems

    def plan_problems(self, text: str, values: Doc, k8s_version: str) -> list[str]:
        """The manifests rendered with ``values``, against the Kubernetes schema of ``k8s_version``."""
        return manifest_problems(kubernetes.render(text, values), k8s_version)


KIND = Kubernetes()
