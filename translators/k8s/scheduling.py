"""Nested VDUs: where a pod may run, and the labels and taints its nodes must carry.

Superfluidity nested-VDU extension of ETSI GS NFV-IFA 011 (``vduParent``,
``vduParentMandatory``, ``vduParent: None`` for bare metal), Kubernetes core/v1
``PodSpec.nodeSelector``, ``affinity.nodeAffinity`` and ``tolerations``:

* a pod nested in a VM (or a bare-metal server of ``rdcl.nodes.Compute.BareMetal``)
  gets ``nodeSelector: {nfvo.rdcl.io/vdu: <service>-<vm>}``; the VM's Kubernetes node
  carries that label. ``vdu_parent_mandatory: false`` turns the selector into a
  *preferred* node affinity (weight 100);
* **taint rule**: a parent with at least one pod that *requires* it is reserved for its
  pods: its node is tainted ``nfvo.rdcl.io/vdu=<value>:NoSchedule`` and every pod nested
  in it (required or preferred) tolerates exactly that taint. A parent whose pods only
  prefer it is not tainted, so other pods may share it and no toleration is needed;
* ``vdu_parent_bare_metal: true`` (``vduParent: None``) selects any node labelled
  ``node-role.kubernetes.io/baremetal`` (a selector, or a preferred affinity when not
  mandatory); bare-metal servers that pods use carry that label (value ``""``).

The labels and taints a parent needs (:func:`node_labels`) go into the parent's HOT as
OS::Nova::Server ``metadata`` (for kubelet ``--node-labels`` / ``--register-with-taints``
when the VM joins the cluster), with a HOT output naming the server
(:func:`node_output`), and into the pod site's ``group_vars``: its ``create.yml`` play
labels the Kubernetes Node (``kubernetes.core.k8s``, ``state: patched``) and taints it
(``kubernetes.core.k8s_taint``), the node's name taken from the site
(``k8s_node_names``) or from that output.
"""

from __future__ import annotations

from ..doc import Doc
from ..model import NodeModel, ServiceModel
from ..relations import Relations
from .common import dns_name

PARENT_LABEL = "nfvo.rdcl.io/vdu"
BAREMETAL_LABEL = "node-role.kubernetes.io/baremetal"
TAINT_EFFECT = "NoSchedule"
#: Nova server metadata key holding the taints (``key=value:Effect``, comma separated).
TAINTS_METADATA = "nfvo.rdcl.io/taints"


def node_output(server: str) -> str:
    """Name of the HOT output holding ``server``'s name (its Kubernetes node's name):
    the pod site labels and taints that node (role ``k8s_apply``)."""
    return f"rdcl_node_{server}"


def taint_fields(taint: str) -> dict[str, str]:
    """``key=value:Effect`` as a core/v1 Taint (``{key, value, effect}``, the shape
    ``kubernetes.core.k8s_taint`` takes)."""
    pair, _, effect = taint.rpartition(":")
    key, _, value = pair.partition("=")
    return {"key": key, "value": value, "effect": effect}


def parent_label_value(model: ServiceModel, parent: str) -> str:
    """Label value on the VM's Kubernetes node that pins pods to it."""
    return dns_name(f"{model.name}-{parent}")


def reserved(model: ServiceModel, rel: Relations, parent: str) -> bool:
    """True when ``parent`` is tainted: one of its pods requires it (the taint rule)."""
    return any(model.nodes[p].parent_mandatory for p in rel.children.get(parent, ()))


def pod_scheduling(model: ServiceModel, node: NodeModel, rel: Relations) -> Doc:
    """PodSpec fields (``nodeSelector``, ``affinity``, ``tolerations``) for ``node``;
    empty when it may run on any node."""
    if node.parent:
        key, value = PARENT_LABEL, parent_label_value(model, node.parent)
    elif node.bare_metal:
        key, value = BAREMETAL_LABEL, ""
    else:
        return {}
    spec: Doc = {}
    if node.parent_mandatory:
        spec["nodeSelector"] = {key: value}
    else:
        match = {"key": key, "operator": "In", "values": [value]} if value else {"key": key, "operator": "Exists"}
        spec["affinity"] = {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 100, "preference": {"matchExpressions": [match]}}
                ]
            }
        }
    if node.parent and reserved(model, rel, node.parent):
        spec["tolerations"] = [{"key": key, "operator": "Equal", "value": value, "effect": TAINT_EFFECT}]
    return spec


def node_labels(model: ServiceModel, rel: Relations) -> dict[str, Doc]:
    """``{server: {"labels": {key: value}, "taints": ["key=value:Effect"]}}`` for every
    Compute node a pod is nested in, and every bare-metal server when a pod asks for
    bare metal; sorted by server name."""
    wants_bare_metal = any(model.nodes[p].bare_metal and not model.nodes[p].parent for p in rel.pods)
    out: dict[str, Doc] = {}
    for name in sorted(model.nodes):
        node = model.nodes[name]
        if node.base_type != "compute":
            continue
        labels = {}
        if name in rel.children:
            labels[PARENT_LABEL] = parent_label_value(model, name)
        if node.bare_metal and (wants_bare_metal or name in rel.children):
            labels[BAREMETAL_LABEL] = ""
        if not labels:
            continue
        taints = (
            [f"{PARENT_LABEL}={labels[PARENT_LABEL]}:{TAINT_EFFECT}"]
            if name in rel.children and reserved(model, rel, name)
            else []
        )
        out[name] = {"labels": labels, "taints": taints}
    return out
