"""The OpenShift flavour: a Route per Service port and the service's Project.

* route.openshift.io/v1 Route ``<node>-tcp-<i>`` to the Service port ``tcp-<i>``
  (the router gives the host name; Routes carry HTTP, HTTPS and TLS with SNI);
* project.openshift.io/v1 Project named after the service (the namespace every
  object of the service goes in), with display name and description annotations.

kubernetes-validate has no schema for these kinds: :func:`translators.validate.
manifest_problems` checks them structurally instead.
"""

from __future__ import annotations

from ..doc import Doc
from ..model import NodeModel, ServiceModel
from .common import MANAGED_BY, dns_name, metadata


def routes(model: ServiceModel, node: NodeModel, service: Doc | None) -> list[Doc]:
    """One Route per port of ``service`` (none without a Service)."""
    if not service:
        return []
    out = []
    for port in service["spec"]["ports"]:
        name = f"{dns_name(node.name)[:53].rstrip('-')}-{port['name']}"
        out.append(
            {
                "apiVersion": "route.openshift.io/v1",
                "kind": "Route",
                "metadata": metadata(model.name, node.name, name),
                "spec": {
                    "to": {"kind": "Service", "name": service["metadata"]["name"], "weight": 100},
                    "port": {"targetPort": port["name"]},
                },
            }
        )
    return out


def project(model: ServiceModel) -> Doc:
    """The Project (namespace) of the service."""
    annotations = {"openshift.io/display-name": model.name}
    if model.description:
        annotations["openshift.io/description"] = " ".join(model.description.split())
    return {
        "apiVersion": "project.openshift.io/v1",
        "kind": "Project",
        "metadata": {
            "name": model.name,
            "labels": {"app.kubernetes.io/part-of": model.name, "app.kubernetes.io/managed-by": MANAGED_BY},
            "annotations": annotations,
        },
    }
