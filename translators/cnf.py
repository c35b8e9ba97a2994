"""SOL 001 container VDUs (CNFs) as the service's Kubernetes part, not as Nova servers.

A VDU is a *container VDU* (role ``cnf``, placed on a kubernetes/openshift site) when it is
(ETSI GS NFV-SOL 001 v4.3.1 §6.8.13 ``tosca.nodes.nfv.Vdu.OsContainerDeployableUnit``, or a
``tosca.nodes.nfv.Vdu.Compute`` as Tacker's CNF packages write it):

* an ``OsContainerDeployableUnit``, or a ``Vdu.Compute`` with ``container`` requirements on
  ``tosca.nodes.nfv.Vdu.OsContainer`` nodes (§6.8.12: one container each: ``name``, the image
  of its ``tosca.artifacts.nfv.SwImage`` artifact, ``requested_cpu_resources`` in millicpus,
  ``cpu_resource_limit``, ``requested_memory_resources``, ``memory_resource_limit``);
* a ``Vdu.Compute`` without a SwImage artifact that has a Kubernetes manifest artifact (a
  ``.yaml``/``.yml``/``.json`` file: :mod:`translators.manifests`) or a Helm chart
  (``tosca.artifacts.nfv.HelmChart``, or a ``.tgz`` file), its own or that of a
  ``tosca.nodes.nfv.Mciop`` whose ``associatedVdu`` requirement names it (§6.8.14).

Its pod: a Deployment (apps/v1) with one container per OsContainer; replicas are the VDU's
``number_of_instances`` at the chosen instantiation level (:mod:`translators.levels`), else
its ``VduInitialDelta``, else ``vdu_profile.min_number_of_instances``, else 1. Its manifests'
objects are applied as written, every string escaped (:func:`as_data`: a manifest is data,
never a template), with the replicas of the Deployment named as the VDU (its ``name``
property, else the node's) set the same way. OsContainer, Mciop and the VduCp nodes bound to
a container VDU become role ``component`` (part of the pod: no Heat resource); a
``tosca.nodes.nfv.VNF`` node becomes role ``vnf`` (its VDUs are what is deployed; its
``Vnflcm`` interface is :mod:`translators.lcm`'s).

Artifact files resolve beside the descriptor and must stay inside ``root`` (the package).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from . import literal
from .doc import Doc
from .errors import Problem
from .k8s import quantity
from .k8s.common import INT_MARK, NAME_LABEL, dns_name, int_field, labels
from .manifests import SUFFIXES, Manifest, read_manifests
from .model import NodeModel, ServiceModel
from .paths import within

if TYPE_CHECKING:
    from toscaparser.nodetemplate import NodeTemplate
    from toscaparser.tosca_template import ToscaTemplate

VNF = "tosca.nodes.nfv.VNF"
VDU_COMPUTE = "tosca.nodes.nfv.Vdu.Compute"
OS_CONTAINER = "tosca.nodes.nfv.Vdu.OsContainer"
OS_CONTAINER_DU = "tosca.nodes.nfv.Vdu.OsContainerDeployableUnit"
MCIOP = "tosca.nodes.nfv.Mciop"
VDU_CP = "tosca.nodes.nfv.VduCp"
SW_IMAGE = "tosca.artifacts.nfv.SwImage"
HELM_CHART = "tosca.artifacts.nfv.HelmChart"
INITIAL_DELTA = "tosca.policies.nfv.VduInitialDelta"
VDU_LEVELS = "tosca.policies.nfv.VduInstantiationLevels"
CHART_SUFFIXES = (".tgz", ".tar.gz")
#: A carried chart's size limit (bytes): it is committed to the catalogue's git repository.
CHART_MAX_BYTES = 10 * 1024 * 1024


def classify(model: ServiceModel, tosca: ToscaTemplate, base: Path, root: Path) -> list[Problem]:
    """Give container VDUs role ``cnf`` with their ``workload`` (``{containers, manifests,
    charts, initial}``), their OsContainers, Mciops and VduCps role ``component`` (``workload``:
    ``{of: vdu}``), VNF nodes
    role ``vnf`` (``workload``: ``{in_ns}``, True for a VNF of an NSD); move the levels of
    container VDUs from the VM targets to the pods.
    ``base``: the descriptor's folder (artifact files are relative to it).

    :returns: problems of the manifest files (rules ``manifest.*``) and charts
        (``chart.missing``, ``chart.outside``, ``chart.size``: over :data:`CHART_MAX_BYTES`),
        at the artifact naming them.
    """
    by_name = {n.name: n for n in tosca.nodetemplates}
    problems: list[Problem] = []
    charts_of = _mciop_charts(tosca, model)
    vnfs = [t for t in tosca.nodetemplates if t.is_derived_from(VNF)]
    for tpl in tosca.nodetemplates:
        node = model.nodes[tpl.name]
        if tpl.is_derived_from(VNF):
            node.role = "vnf"
            # an NSD's VNF: one of several, or on the NS's virtual links (a VNFD's own VNF
            # node is the one its flavour substitutes, with no requirement of its own)
            node.workload = {"in_ns": len(vnfs) > 1 or bool(tpl.requirements)}
        elif tpl.is_derived_from(OS_CONTAINER) or tpl.is_derived_from(MCIOP):
            node.role = "component"
        elif tpl.is_derived_from(VDU_COMPUTE) or tpl.is_derived_from(OS_CONTAINER_DU):
            problems += _vdu(model, node, tpl, by_name, charts_of.get(tpl.name, []), base, root)
    cnfs = {n.name for n in model.nodes.values() if n.role == "cnf"}
    for tpl in tosca.nodetemplates:
        bound = sorted(set(_targets(tpl, "virtual_binding")) & cnfs)
        if tpl.is_derived_from(VDU_CP) and bound:
            model.nodes[tpl.name].role = "component"
            model.nodes[tpl.name].workload = {"of": bound[0]}
    _levels(model, tosca, cnfs)
    return problems


def _targets(tpl: NodeTemplate, name: str) -> list[str]:
    out = []
    for req in tpl.requirements or []:
        value = req.get(name)
        target = value.get("node") if isinstance(value, dict) else value
        if isinstance(target, str):
            out.append(target)
    return out


def _artifacts(tpl: NodeTemplate) -> dict[str, Doc]:
    arts = tpl.entity_tpl.get("artifacts") or {}
    return {k: (v if isinstance(v, dict) else {"file": v}) for k, v in arts.items() if isinstance(k, str)}


def _kind_of(artifact: Doc) -> str:
    """``image``, ``manifest``, ``chart`` or ``other``."""
    kind, file = str(artifact.get("type") or ""), str(artifact.get("file") or "")
    if kind == SW_IMAGE or "Image" in kind:
        return "image"
    if kind == HELM_CHART or file.lower().endswith(CHART_SUFFIXES):
        return "chart"
    if PurePosixPath(file).suffix.lower() in SUFFIXES:
        return "manifest"
    return "other"


def _mciop_charts(tosca: ToscaTemplate, model: ServiceModel) -> dict[str, list[tuple[str, str, Doc]]]:
    """``{vdu: [(mciop, artifact name, artifact)]}``: the charts of the Mciops associated to each VDU."""
    out: dict[str, list[tuple[str, str, Doc]]] = {}
    for tpl in tosca.nodetemplates:
        if not tpl.is_derived_from(MCIOP):
            continue
        for vdu in _targets(tpl, "associatedVdu"):
            for name, art in _artifacts(tpl).items():
                if _kind_of(art) in ("chart", "manifest"):
                    out.setdefault(vdu, []).append((tpl.name, name, art))
    return out


def _vdu(
    model: ServiceModel,
    node: NodeModel,
    tpl: NodeTemplate,
    by_name: dict[str, NodeTemplate],
    mciop: list[tuple[str, str, Doc]],
    base: Path,
    root: Path,
) -> list[Problem]:
    containers = [
        by_name[t] for t in _targets(tpl, "container") if t in by_name and by_name[t].is_derived_from(OS_CONTAINER)
    ]
    own = [(tpl.name, name, art) for name, art in _artifacts(tpl).items()]
    if any(_kind_of(a) == "image" for _, _, a in own) and not containers:
        return []  # a VM VDU: Heat's
    found = [x for x in own + mciop if _kind_of(x[2]) in ("manifest", "chart")]
    if not (containers or found or tpl.is_derived_from(OS_CONTAINER_DU)):
        return []
    node.role, node.base_type = "cnf", ""
    problems: list[Problem] = []
    manifests: list[Manifest] = []
    charts: list[Doc] = []
    for owner, name, art in found:
        where = f"topology_template.node_templates.{owner}.artifacts.{name}"
        file = str(art.get("file") or "")
        if _kind_of(art) == "manifest":
            read, bad = read_manifests([(file, base / file)], root, node.name, where)
            manifests += read
            problems += bad
        else:
            path = (base / file).resolve()
            if not within(path, root.resolve()):
                problems.append(Problem(where, "chart.outside", f"{file}: outside the package folder"))
            elif not path.is_file():
                problems.append(Problem(where, "chart.missing", f"{file}: no such file in the package"))
            elif path.stat().st_size > CHART_MAX_BYTES:
                problems.append(
                    Problem(where, "chart.size", f"{file}: {path.stat().st_size} bytes, at most {CHART_MAX_BYTES}")
                )
            else:
                charts.append({"node": node.name, "artifact": name, "file": file, "path": str(path)})
    vdu_name = node.properties.get("name")
    node.workload = {
        "name": dns_name(vdu_name if isinstance(vdu_name, str) and vdu_name else node.name),
        "containers": [_container(c, model) for c in containers],
        "manifests": manifests,
        "charts": charts,
        "initial": _profile_min(node),
    }
    node.image = next((c["image"] for c in node.workload["containers"] if c.get("image")), None)
    for part in [c.name for c in containers] + [owner for owner, _, _ in mciop]:
        model.nodes[part].workload = {"of": node.name}
    return problems


def _profile_min(node: NodeModel) -> int | None:
    profile = node.properties.get("vdu_profile")
    low = profile.get("min_number_of_instances") if isinstance(profile, dict) else None
    return low if isinstance(low, int) and not isinstance(low, bool) else None


def _container(tpl: NodeTemplate, model: ServiceModel) -> Doc:
    """One OsContainer as ``{name, image, requests, limits}`` (text escaped)."""
    props = {p.name: p.value for p in tpl.get_properties_objects()}
    image = None
    for art in _artifacts(tpl).values():
        if _kind_of(art) == "image":
            named = (art.get("properties") or {}).get("name")
            version = (art.get("properties") or {}).get("version")
            if isinstance(named, str) and named:
                image = named if (":" in named.rsplit("/", 1)[-1] or not version) else f"{named}:{version}"
            else:
                image = str(art.get("file") or "") or None
    requests, limits, notes = {}, {}, []
    for key, prop, convert in (
        ("cpu", "requested_cpu_resources", quantity.millicpu),
        ("memory", "requested_memory_resources", quantity.memory),
    ):
        if props.get(prop) is not None:
            try:
                requests[key] = convert(props[prop])
            except ValueError as exc:
                notes.append(f"{tpl.name}: {prop} is not a quantity: {exc}")
    for key, prop, convert in (
        ("cpu", "cpu_resource_limit", quantity.millicpu),
        ("memory", "memory_resource_limit", quantity.memory),
    ):
        if props.get(prop) is not None:
            try:
                limits[key] = convert(props[prop])
            except ValueError as exc:
                notes.append(f"{tpl.name}: {prop} is not a quantity: {exc}")
    name = props.get("name")
    return {
        "node": tpl.name,
        "name": dns_name(name if isinstance(name, str) and name else tpl.name),
        "image": literal.template_text(image, site_vars=False) if image else None,
        "requests": requests,
        "limits": limits,
        "notes": notes,
    }


def _levels(model: ServiceModel, tosca: ToscaTemplate, cnfs: set[str]) -> None:
    """Levels (VduInstantiationLevels) and initial counts (VduInitialDelta) of container VDUs:
    :func:`translators.levels.read` ran before they were known as pods."""
    if not cnfs:
        return
    for policy in tosca.policies:
        props = policy.properties or {}
        targets = [t for t in policy.targets or [] if t in cnfs]
        if not targets:
            continue
        if policy.is_derived_from(VDU_LEVELS):
            counts = {k: (v or {}).get("number_of_instances") for k, v in (props.get("levels") or {}).items()}
            for name in targets:
                model.nodes[name].levels = dict(counts)
            vm = (model.levels.get("vm_targets") or {}).get(policy.name)
            if vm is not None:
                vm[:] = [t for t in vm if t not in cnfs]
                if not vm:
                    del model.levels["vm_targets"][policy.name]
            ids = model.levels.setdefault("ids", [])
            ids += [k for k in counts if k not in ids]
        elif policy.is_derived_from(INITIAL_DELTA):
            count = ((props.get("initial_delta") or {}) if isinstance(props.get("initial_delta"), dict) else {}).get(
                "number_of_instances"
            )
            for name in targets:
                if isinstance(count, int) and not isinstance(count, bool):
                    model.nodes[name].workload["initial"] = count


def as_data(value: Any) -> Any:
    """A manifest's value as template text that renders to itself: every key and string
    escaped (:func:`translators.literal.template_text`, no reference kept) and the integer
    marker of :mod:`translators.k8s.common` broken, so no text of a manifest runs as Jinja."""
    if isinstance(value, str):
        text = literal.template_text(value, site_vars=False)
        return text.replace(INT_MARK, INT_MARK[:-1] + "{% raw %}_{% endraw %}")
    if isinstance(value, dict):
        return {as_data(k) if isinstance(k, str) else k: as_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_data(v) for v in value]
    return value


def replicas(model: ServiceModel, node: NodeModel) -> int | str:
    """Pods of a container VDU at instantiation: its count at the chosen level, else its
    initial delta (or ``vdu_profile`` minimum), else 1."""
    level = model.levels.get("chosen")
    if level is not None and level in node.levels:
        return int_field(node.levels[level])
    initial = node.workload.get("initial")
    return int_field(initial if initial is not None else 1)


def documents(model: ServiceModel, node: NodeModel, notes: list[str]) -> list[Doc]:
    """The Kubernetes objects of a container VDU: the Deployment of its OsContainers (if it
    has any), then its manifests' objects (escaped; the Deployment named as the VDU gets its
    replicas). Report lines (bad quantities, a manifest with no Deployment to scale) go to
    ``notes``."""
    work = node.workload
    docs: list[Doc] = []
    count = replicas(model, node)
    if work["containers"]:
        docs.append(_deployment(model, node, count, notes))
    scaled = bool(docs)
    for manifest in work["manifests"]:
        for doc in manifest.docs:
            doc = as_data(doc)
            if (
                not scaled
                and doc.get("kind") == "Deployment"
                and doc["metadata"]["name"] in (work["name"], dns_name(node.name))
            ):
                doc.setdefault("spec", {})["replicas"] = count
                work["deployment"] = doc["metadata"]["name"]
                scaled = True
            docs.append(doc)
    if not scaled and work["manifests"]:
        deployments = [d for d in docs if d.get("kind") == "Deployment"]
        if len(deployments) == 1:
            deployments[0].setdefault("spec", {})["replicas"] = count
            work["deployment"] = deployments[0]["metadata"]["name"]
        else:
            notes.append(
                f"{node.name}: its manifests have {len(deployments)} Deployments and none is named "
                f"{work['name']}: their replicas are the manifests' own, levels do not scale them"
            )
            work["deployment"] = None
    return docs


def _deployment(model: ServiceModel, node: NodeModel, count: int | str, notes: list[str]) -> Doc:
    name = node.workload["name"]
    containers = []
    for c in node.workload["containers"]:
        notes += c["notes"]
        spec: Doc = {"name": c["name"], "image": c["image"]}
        resources = {k: v for k, v in (("requests", c["requests"]), ("limits", c["limits"])) if v}
        if resources:
            spec["resources"] = resources
        containers.append(spec)
    meta = labels(model.name, node.name)
    node.workload["deployment"] = name
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": meta},
        "spec": {
            "replicas": count,
            "selector": {"matchLabels": {NAME_LABEL: meta[NAME_LABEL]}},
            "template": {"metadata": {"labels": meta}, "spec": {"containers": containers}},
        },
    }


def package_manifests(model: ServiceModel, manifests: list[Manifest]) -> None:
    """Add a package's manifests (e.g. ``Files/kubernetes``: :func:`translators.manifests.read_manifests`
    with ``node`` None) to ``model``: a manifest whose Deployment is named as a VDU that has no
    image of its own (Tacker's CNF packages) makes that VDU a container VDU; the others are
    applied as the service's own (``model.manifests``), on its first kubernetes site."""
    vdus = {}
    for node in model.nodes.values():
        if node.role in ("stack", "cnf") and node.type in (VDU_COMPUTE, OS_CONTAINER_DU) and not node.image:
            named = node.properties.get("name")
            vdus[dns_name(named if isinstance(named, str) and named else node.name)] = node
    for manifest in manifests:
        names = {d["metadata"]["name"] for d in manifest.docs if d.get("kind") == "Deployment"}
        owner = next((vdus[n] for n in sorted(names) if n in vdus), None)
        if owner is None:
            model.manifests.append(manifest)
            continue
        if owner.role != "cnf":
            owner.role, owner.base_type = "cnf", ""
            owner.workload = {"name": "", "containers": [], "manifests": [], "charts": [], "initial": None}
            named = owner.properties.get("name")
            owner.workload["name"] = dns_name(named if isinstance(named, str) and named else owner.name)
        manifest.node = owner.name
        owner.workload["manifests"].append(manifest)
