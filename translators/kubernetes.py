"""Container nodes to Kubernetes (or OpenShift) manifests, one multi-document file each.

Per node, in apply order (each kind built by a module of :mod:`translators.k8s`):

* v1 ConfigMap of its ``files``, mounted in the pod (:mod:`~translators.k8s.config`);
* apps/v1 Deployment: replicas (instantiation level), image, command, env, ports,
  resources from the virtual compute descriptor, where it may run (nested VDU
  ``vduParent``: nodeSelector on :data:`PARENT_LABEL`, preferred node affinity when
  ``vdu_parent_mandatory: false``, tolerations on reserved parents, bare metal)
  (:mod:`~translators.k8s.workload`, :mod:`~translators.k8s.scheduling`);
* v1 Service of its ports; OpenShift flavour: a route.openshift.io/v1 Route per Service
  port (:mod:`~translators.k8s.network`, :mod:`~translators.k8s.openshift`);
* networking.k8s.io/v1 NetworkPolicy when it is on virtual links, and one per
  forwarding path it is a hop of (:mod:`translators.vnffg`);
* autoscaling/v2 HorizontalPodAutoscaler when it has a scaling aspect
  (:mod:`~translators.k8s.scaling`).

The OpenShift flavour also has the service's project.openshift.io/v1 Project
(:func:`project_manifest`). Manifests are Jinja templates: dialog values (TOSCA inputs)
are filled in at run time by ``kubernetes.core.k8s`` (its ``template`` option) or by
:func:`render` in plan jobs.
"""

from __future__ import annotations

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from . import vnffg
from .doc import Doc
from .k8s import config, network, openshift, scaling, workload
from .k8s.common import MANAGED_BY, dns_name, fill_int_markers
from .k8s.scheduling import BAREMETAL_LABEL, PARENT_LABEL, parent_label_value
from .model import NodeModel, ServiceModel
from .relations import Relations
from .yamlout import dump_docs

__all__ = [
    "BAREMETAL_LABEL",
    "FLAVOURS",
    "MANAGED_BY",
    "PARENT_LABEL",
    "dns_name",
    "documents",
    "dump",
    "manifests",
    "parent_label_value",
    "project_manifest",
    "render",
    "render_text",
]

FLAVOURS = ("kubernetes", "openshift")


def documents(
    model: ServiceModel,
    node: NodeModel,
    flavour: str = "kubernetes",
    relations: Relations | None = None,
    notes: list[str] | None = None,
) -> list[Doc]:
    """The manifests of one container node as dicts, integer dialog fields as markers
    (:func:`translators.k8s.common.int_field`). What cannot be translated is appended to
    ``notes`` (translation report lines).

    :raises ValueError: ``flavour`` is not one of :data:`FLAVOURS`.
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour {flavour!r} is not one of {FLAVOURS}")
    rel = relations if relations is not None else Relations.of(model)
    notes = notes if notes is not None else []
    files, mount = config.configmap(model, node)
    compute = workload.resources(node, notes)
    service = network.service(model, node, rel, notes)
    docs = [files, workload.deployment(model, node, rel, compute, mount), service]
    if flavour == "openshift":
        docs += openshift.routes(model, node, service)
    docs += [
        network.network_policy(model, node, rel, notes),
        *vnffg.network_policies(model, node, rel, notes),
        scaling.hpa(model, node, "cpu" in compute, notes),
    ]
    return [d for d in docs if d]


def dump(docs: list[Doc]) -> str:
    """Manifest template text of ``docs`` (integer markers become ``{{ x | int }}``)."""
    return fill_int_markers(dump_docs(docs))


def manifests(
    model: ServiceModel,
    node: NodeModel,
    flavour: str = "kubernetes",
    relations: Relations | None = None,
    notes: list[str] | None = None,
) -> str:
    """Multi-document YAML (a Jinja template) for one container node; see :func:`documents`."""
    return dump(documents(model, node, flavour, relations, notes))


def project_manifest(model: ServiceModel) -> str:
    """The OpenShift Project of the service (project.openshift.io/v1), as YAML text."""
    return dump([openshift.project(model)])


def render_text(template: str, values: Doc) -> str:
    """A manifest template filled with dialog values, in jinja2's ``SandboxedEnvironment``
    (no attribute or method that reaches Python internals; the controller runs no code a
    template names). Descriptor text in the template is escaped already
    (:mod:`translators.literal`) and ``values`` are data: nothing in them is rendered.

    :raises jinja2.UndefinedError: a value the template needs is missing.
    :raises jinja2.exceptions.SecurityError: the template reaches for something unsafe.
    """
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    return env.from_string(template).render(**values)


def render(template: str, values: Doc) -> list[Doc]:
    """Fill a manifest template with dialog values and parse it (plan jobs, tests).

    :raises jinja2.UndefinedError: a value the template needs is missing.
    """
    return [d for d in yaml.safe_load_all(render_text(template, values)) if d]
