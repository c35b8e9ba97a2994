"""Container nodes to Kubernetes manifests: a Deployment and, per port, a Service.

Manifests are Jinja templates: dialog values (TOSCA inputs) are filled in at run time
by ``kubernetes.core.k8s`` (its ``template`` option) or by :func:`render` in plan jobs.
A pod nested in a VM (nested VDU ``vduParent``) gets a nodeSelector on the node label
:data:`PARENT_LABEL` that the VM carries; ``vdu_parent_mandatory: false`` makes it a
preferred node affinity instead (Kubernetes API ``core/v1 PodSpec.affinity``).
"""
from __future__ import annotations

import re

import jinja2
import yaml

from .model import NodeModel, ServiceModel
from .yamlout import dump_all

PARENT_LABEL = "nfvo.rdcl.io/vdu"
MANAGED_BY = "rdcl-nfvo"
_EXPR = re.compile(r"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_INT_MARK = "__rdcl_int__"


def dns_name(text: str) -> str:
    """A DNS-1123 label (lower case, digits, ``-``, at most 63 characters)."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63] or "x"


def _int(value):
    """An integer field: a literal stays, ``{{ input }}`` becomes an unquoted int expression."""
    if isinstance(value, str) and _EXPR.match(value):
        return f"{_INT_MARK}{_EXPR.match(value).group(1)}"
    return int(value)


def parent_label_value(model: ServiceModel, parent: str) -> str:
    """Label value on the VM's Kubernetes node that pins pods to it."""
    return dns_name(f"{model.name}-{parent}")


def manifests(model: ServiceModel, node: NodeModel) -> str:
    """Multi-document YAML (a Jinja template) for one container node.

    Shapes: ``apps/v1 Deployment`` (replicas, image, command, env, containerPorts),
    ``v1 Service`` (ClusterIP, one port per ``ports`` entry).
    """
    name = dns_name(node.name)
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": model.name,
              "app.kubernetes.io/managed-by": MANAGED_BY}
    ports = [_int(p) for p in node.properties.get("ports") or []]
    container = {"name": name, "image": node.image}
    if node.properties.get("command"):
        container["command"] = [str(a) for a in node.properties["command"]]
    env = node.properties.get("environment") or {}
    if env:
        container["env"] = [{"name": k, "value": str(v)} for k, v in sorted(env.items())]
    if ports:
        container["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in ports]
    pod = {"containers": [container]}
    if node.parent:
        value = parent_label_value(model, node.parent)
        if node.parent_mandatory:
            pod["nodeSelector"] = {PARENT_LABEL: value}
        else:
            pod["affinity"] = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                "weight": 100, "preference": {"matchExpressions": [
                    {"key": PARENT_LABEL, "operator": "In", "values": [value]}]}}]}}
    docs = [{
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {"replicas": _int(node.properties.get("replicas", 1)),
                 "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                 "template": {"metadata": {"labels": labels}, "spec": pod}},
    }]
    if ports:
        docs.append({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "labels": labels},
            "spec": {"selector": {"app.kubernetes.io/name": name},
                     "ports": [{"name": f"tcp-{i}", "port": p, "targetPort": p, "protocol": "TCP"}
                               for i, p in enumerate(ports)]},
        })
    text = dump_all(docs)
    return re.sub(rf"'?{_INT_MARK}(\w+)'?", r"{{ \1 | int }}", text)


def render(template: str, values: dict) -> list[dict]:
    """Fill a manifest template with dialog values and parse it (plan jobs, tests).

    :raises jinja2.UndefinedError: a value the template needs is missing.
    """
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    return [d for d in yaml.safe_load_all(env.from_string(template).render(**values)) if d]
