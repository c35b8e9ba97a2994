"""A container node as a Deployment (apps/v1) with one container.

The pod template carries: image, ``command``, ``environment`` (``env``), ``ports``
(``containerPort``), resources (below), the ConfigMap mount of its files
(:mod:`.config`), the labels of its virtual links (:mod:`.network`) and where it may
run (:mod:`.scheduling`). ``replicas`` is the instantiation level (:mod:`.scaling`).

Resources, from the virtual compute descriptor (ETSI GS NFV-IFA 011 clause 7.1.9.2
VirtualComputeDesc: ``numVirtualCpu``, ``virtualMemSize``): the container's
``num_cpus`` (or ``milli_cpus``) and ``mem_size``, else those of the host capability (tosca.capabilities.
Container of the TOSCA Simple Profile 1.3) of the runtime it is hosted on.
Requests equal limits (Guaranteed QoS: the VDU gets what it declares, no more).
"""

from __future__ import annotations

from ..doc import Doc
from ..model import NodeModel, ServiceModel
from ..relations import Relations
from . import quantity
from .common import NAME_LABEL, dns_name, labels
from .config import CHECKSUM_ANNOTATION
from .network import link_labels, ports
from .scaling import replicas
from .scheduling import pod_scheduling


def resources(node: NodeModel, notes: list[str]) -> dict[str, str]:
    """``{"cpu": q, "memory": q}`` for requests and limits (keys left out when unknown).

    CPU: the container's ``milli_cpus`` or ``num_cpus``, else its runtime's ``num_cpus``;
    memory: its ``mem_size``, else its runtime's. A value that is not a quantity is a
    report line in ``notes``.
    """
    props, capacity = node.properties, node.capacity
    choices = {
        "cpu": [
            (props.get("milli_cpus"), "milli_cpus", "its", quantity.millicpu),
            (props.get("num_cpus"), "num_cpus", "its", quantity.cpu),
            (capacity.get("num_cpus"), "num_cpus", "its runtime's", quantity.cpu),
        ],
        "memory": [
            (props.get("mem_size"), "mem_size", "its", quantity.memory),
            (capacity.get("mem_size"), "mem_size", "its runtime's", quantity.memory),
        ],
    }
    out: dict[str, str] = {}
    for key, options in choices.items():
        found = next((o for o in options if o[0] is not None), None)
        if found is None:
            continue
        value, prop, source, convert = found
        try:
            out[key] = convert(value)
        except ValueError as exc:
            notes.append(f"{node.name}: {source} {prop} is not a {key} request or limit: {exc}")
    return out


def container(node: NodeModel, compute: Doc, mount: Doc) -> Doc:
    """The Deployment's single container (core/v1 Container)."""
    spec: Doc = {"name": dns_name(node.name), "image": node.image}
    if node.properties.get("command"):
        spec["command"] = [str(a) for a in node.properties["command"]]
        if mount:
            spec["workingDir"] = mount["path"]
    env = node.properties.get("environment") or {}
    if env:
        spec["env"] = [{"name": k, "value": str(v)} for k, v in sorted(env.items())]
    numbers = ports(node)
    if numbers:
        spec["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in numbers]
    if compute:
        spec["resources"] = {"requests": dict(compute), "limits": dict(compute)}
    if mount:
        spec["volumeMounts"] = [mount["mount"]]
    return spec


def deployment(model: ServiceModel, node: NodeModel, rel: Relations, compute: Doc, mount: Doc) -> Doc:
    """The Deployment of ``node`` (``compute`` from :func:`resources`, ``mount`` from
    :func:`translators.k8s.config.configmap`)."""
    name = dns_name(node.name)
    meta = labels(model.name, node.name)
    template: Doc = {"metadata": {"labels": {**meta, **link_labels(node)}}}
    if mount:
        template["metadata"]["annotations"] = {CHECKSUM_ANNOTATION: mount["checksum"]}
    pod = {"containers": [container(node, compute, mount)], **pod_scheduling(model, node, rel)}
    if mount:
        pod["volumes"] = [mount["volume"]]
    template["spec"] = pod
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": meta},
        "spec": {
            "replicas": replicas(node, model.levels.get("chosen")),
            "selector": {"matchLabels": {NAME_LABEL: name}},
            "template": template,
        },
    }
