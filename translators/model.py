"""The service model the translators work on, built once from a parsed descriptor.

A :class:`ServiceModel` is a list of :class:`NodeModel` (one per TOSCA node template)
with their site placement and dependencies resolved, plus the descriptor's inputs (the
catalogue dialog) and the parsed template kept for heat-translator.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: How a node is realised. ``heat``: a resource in a Heat stack (VM, network, port,
#: volume); ``container``: a pod on kubernetes/openshift, a process on linux;
#: ``runtime``: a container runtime (the Kubernetes node itself: nothing to deploy);
#: ``unsupported``: no translation (reported, never dropped silently).
ROLES = ("heat", "container", "runtime", "unsupported")


@dataclass(frozen=True)
class InputModel:
    """A TOSCA input: becomes a HOT parameter, an Ansible variable and a dialog field."""

    name: str
    type: str
    default: Any = None
    required: bool = True
    description: str = ""
    constraints: tuple = ()


@dataclass
class NodeModel:
    """One node template.

    ``properties`` are plain values where ``get_input`` became the Jinja expression
    ``{{ input_name }}`` (filled from the order's dialog at run time); ``parent`` is the
    Compute node (VM) a container is nested in (nested VDU: ``vduParent``), ``None`` when
    it may run on any node; ``depends_on`` lists node names that must exist first.
    """

    name: str
    type: str
    role: str
    properties: dict[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    site: str = ""
    parent: str | None = None
    parent_mandatory: bool = True
    image: str | None = None
    description: str = ""


@dataclass
class ServiceModel:
    """A network service ready to translate.

    ``name`` is a slug (letters, digits, ``-``); ``digest`` is ``sha256:<hex>`` of the
    descriptor bytes; ``tosca`` the tosca-parser ``ToscaTemplate`` (heat-translator input).
    """

    name: str
    source: str
    digest: str
    description: str
    inputs: list[InputModel]
    nodes: dict[str, NodeModel]
    tosca: Any = None

    def by_role(self, role: str) -> list[NodeModel]:
        """Nodes of one role, in descriptor order."""
        return [n for n in self.nodes.values() if n.role == role]
