"""One kubernetes/openshift site's part: a manifest template per pod, checked.

``templates/<site>/<node>.yaml.j2`` per container node (see
:mod:`translators.kubernetes`), plus ``templates/<site>/_project.yaml.j2`` first on an
openshift site (the service's Project). Every manifest is validated against the
Kubernetes schema of the translation's version before its dialog values are known:
integer fields taken from inputs are checked with a placeholder integer
(:func:`translators.k8s.common.sample`); the plan job checks them again with the values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import cnf, kubernetes, levels
from .doc import Doc
from .errors import Problem, TranslationError
from .k8s.common import dns_name, sample
from .k8s.openshift import project
from .k8s.scheduling import node_output, taint_fields
from .model import ServiceModel
from .relations import Relations
from .validate import manifest_problems

if TYPE_CHECKING:
    from .placement import Part

PROJECT = "_project"
#: The template of the service's own manifests (a package's ``Files/kubernetes``).
MANIFESTS = "_manifests"


def translate_part(
    model: ServiceModel,
    part: Part,
    rel: Relations,
    labels: dict[str, Doc],
    files: dict[str, str],
    notes: list[str],
    k8s_version: str | None,
    own_manifests: bool = False,
) -> Doc:
    """Write the part's manifest templates into ``files`` and return what the site got:
    ``templates`` (paths, apply order), ``resources`` (``[{name, type}]`` per object),
    ``manifests`` (``[{node, template}]``), ``node_labels`` (``[{vdu, labels,
    taints}]``: the labels its pods need on their nodes, from ``labels``), ``levels``
    (``{level_id: {node: pods}}``, :func:`translators.levels.counts`) and ``workloads``
    (``{node: {deployment, hpa, max?}}``).
    Report lines go to ``notes``; ``k8s_version`` None skips the schema check. Container VDUs
    (role ``cnf``) get :func:`translators.cnf.documents`; ``own_manifests``: this part also
    applies the service's own manifests (``model.manifests``), as ``_manifests``; ``charts``:
    :func:`charts`.

    :raises TranslationError: a manifest fails the schema (the node is named).
    """
    manifests: list[dict[str, str]] = []
    resources: list[dict[str, str]] = []
    problems: list[Problem] = []

    def emit(node: str, docs: list[Doc]) -> None:
        path = f"templates/{part.site}/{node}.yaml.j2"
        files[path] = kubernetes.dump(docs)
        resources.extend({"name": d["metadata"]["name"], "type": d["kind"]} for d in docs)
        if k8s_version is not None:
            problems.extend(
                Problem(f"topology_template.node_templates.{node}", "kubernetes.schema", p)
                for p in manifest_problems(sample(docs), k8s_version)
            )
        manifests.append({"node": node, "template": path})

    flavour = part.site_kind.flavour or "kubernetes"
    if flavour == "openshift":
        name = PROJECT
        while name in part.nodes:
            name = "_" + name
        emit(name, [project(model)])
    for name in part.nodes:
        node = model.nodes[name]
        if node.role == "cnf":
            docs = cnf.documents(model, node, notes)
            if docs:
                emit(name, docs)
        else:
            emit(name, kubernetes.documents(model, node, flavour, rel, notes))
    if own_manifests and model.manifests:
        name = MANIFESTS
        while name in part.nodes:
            name = "_" + name
        emit(name, [cnf.as_data(d) for m in model.manifests for d in m.docs])
    if problems:
        raise TranslationError(model.source, problems)
    return {
        "templates": [m["template"] for m in manifests],
        "resources": resources,
        "manifests": manifests,
        "node_labels": _needed(model, part, labels),
        "levels": levels.counts(model, part.nodes),
        "workloads": _workloads(model, part),
        "charts": charts(model, part),
    }


def charts(model: ServiceModel, part: Part) -> list[Doc]:
    """The Helm charts of the part's container VDUs: ``[{node, release, chart}]``
    (``chart``: the chart's path in the service folder, ``release``: a DNS label)."""
    out = []
    for name in part.nodes:
        node = model.nodes[name]
        for chart in node.workload.get("charts") or [] if node.role == "cnf" else []:
            out.append({"node": name, "release": dns_name(f"{name}-{chart['artifact']}"), "chart": chart_path(chart)})
    return out


def chart_path(chart: Doc) -> str:
    """Where a chart is carried in the service folder: ``charts/<node>-<artifact>.tgz``."""
    return f"charts/{dns_name(chart['node'])}-{dns_name(chart['artifact'])}.tgz"


def _workloads(model: ServiceModel, part: Part) -> dict[str, Doc]:
    """Per pod node: its Deployment's name and, when an autoscaler owns its replicas,
    ``hpa: true`` with the aspect's ``max`` (what ``scale.yml`` needs). A container VDU
    without a Deployment to scale (a chart, or manifests with several) has none."""
    out = {}
    for name in part.nodes:
        node = model.nodes[name]
        if node.role == "cnf":
            if node.workload.get("deployment"):
                out[name] = {"deployment": node.workload["deployment"], "hpa": False}
            continue
        entry: Doc = {"deployment": dns_name(name), "hpa": bool(node.scaling)}
        if node.scaling:
            entry["max"] = node.scaling["max"]
        out[name] = entry
    return out


def _needed(model: ServiceModel, part: Part, labels: dict[str, Doc]) -> list[Doc]:
    """Node labels of the parents of this part's pods, and of every bare-metal server
    when one of them asks for bare metal: ``{vdu, site, output, labels, taints,
    node_taints}`` (``site``/``output``: the VM's site and the HOT output naming it)."""
    pods = [model.nodes[n] for n in part.nodes]
    parents = {p.parent for p in pods if p.parent}
    bare_metal = any(p.bare_metal and not p.parent for p in pods)
    return [
        {
            "vdu": vm,
            "site": model.nodes[vm].site,
            "output": node_output(vm),
            **labels[vm],
            "node_taints": [taint_fields(t) for t in labels[vm]["taints"]],
        }
        for vm in sorted(labels)
        if vm in parents or (bare_metal and model.nodes[vm].bare_metal)
    ]
