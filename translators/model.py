"""The service model the translators work on, built once from a parsed descriptor.

A :class:`ServiceModel` is a list of :class:`NodeModel` (one per TOSCA node template)
with their site placement and dependencies resolved, plus the descriptor's inputs (the
catalogue dialog) and the parsed template kept for heat-translator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: How a node is realised. ``stack``: a resource in the site's Heat stack (VM, network, port,
#: volume); ``container``: a pod on kubernetes/openshift, a process on linux;
#: ``runtime``: a container runtime (the Kubernetes node itself: nothing to deploy);
#: ``link``: a virtual link only containers are on (NetworkPolicy labels, no Neutron
#: network); ``path``: a forwarding path of a VNFFG (NetworkPolicies along its hops,
#: :mod:`translators.vnffg`); ``cnf``: a SOL 001 container VDU (its OsContainers and manifests
#: as a pod on kubernetes/openshift, :mod:`translators.cnf`); ``component``: part of a
#: container VDU's pod (an OsContainer, an Mciop, a VduCp bound to it: nothing of its own);
#: ``vnf``: a ``tosca.nodes.nfv.VNF`` node (in a VNFD: the VNF its VDUs make up, whose
#: ``Vnflcm`` operations are :mod:`translators.lcm`'s; in an NSD: a VNF deployed from its own
#: package); ``unsupported``: no translation (reported, never dropped silently).
ROLES = ("stack", "container", "runtime", "link", "path", "cnf", "component", "vnf", "unsupported")


@dataclass(frozen=True)
class InputModel:
    """A TOSCA input: becomes a HOT parameter, an Ansible variable and a dialog field."""

    name: str
    type: str
    default: Any = None
    required: bool = True
    description: str = ""
    constraints: tuple[Any, ...] = ()


@dataclass
class NodeModel:
    """One node template.

    ``properties`` are plain values where ``get_input`` became the Jinja expression
    ``{{ input_name }}`` (filled from the order's dialog at run time); ``parent`` is the
    Compute node (VM) a container is nested in (nested VDU: ``vduParent``), ``None`` when
    it may run on any node; ``depends_on`` lists node names that must exist first.

    ``base_type`` is the TOSCA base type of a Heat node: ``compute``
    (tosca.nodes.Compute), ``network`` (tosca.nodes.network.Network), ``port``
    (tosca.nodes.network.Port) or empty. Containers also carry: ``bare_metal``
    (``vdu_parent_bare_metal``: any bare-metal node; for a Compute: it is a bare-metal server),
    ``links`` (the Network nodes named by ``virtual_link`` requirements), ``capacity`` (``num_cpus``/``mem_size`` of the
    host capability of the runtime it is hosted on), ``scaling`` (``min``/``max``/
    ``initial``/``cpu``/``policy`` from properties or a scaling policy), ``unresolved``
    (property paths using a TOSCA function that has no value at translation time),
    ``interfaces`` (operations with an implementation) and ``artifacts`` (besides the
    image): what the translators cannot run, to be reported; ``levels``
    (``{level_id: number_of_instances}`` from a SOL 001 VduInstantiationLevels policy,
    see :mod:`translators.levels`); ``hops`` (a forwarding path: the nodes its
    traffic passes, in order, a Port replaced by the node it is bound to);
    ``site_selector`` (``{kind?, labels?}`` of an ``rdcl.policies.Placement`` that names
    no site: :func:`translators.placement.place` picks the site); ``workload`` (a ``cnf``
    node: ``{name, containers, manifests, charts, initial, deployment?}``, see
    :func:`translators.cnf.classify`).
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
    base_type: str = ""
    bare_metal: bool = False
    links: tuple[str, ...] = ()
    capacity: dict[str, Any] = field(default_factory=dict)
    scaling: dict[str, Any] = field(default_factory=dict)
    unresolved: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()
    artifacts: tuple[str, ...] = ()
    levels: dict[str, Any] = field(default_factory=dict)
    hops: tuple[str, ...] = ()
    site_selector: dict[str, Any] = field(default_factory=dict)
    workload: dict[str, Any] = field(default_factory=dict)


@dataclass
class ServiceModel:
    """A network service ready to translate.

    ``name`` is a slug (letters, digits, ``-``); ``digest`` is ``sha256:<hex>`` of the
    descriptor bytes; ``tosca`` the tosca-parser ``ToscaTemplate`` (heat-translator input);
    ``params`` input values given at translation time (heat-translator's parameters:
    HOT parameter defaults and its flavor/image choices), empty for a catalogue service;
    ``levels`` the SOL 001 instantiation levels (:func:`translators.levels.read`, plus
    ``chosen`` once translated); ``flavour`` the SOL 001 deployment flavour translated
    (``{id, ids, file, input}``, :mod:`translators.flavours`; empty: none); ``package`` the
    SOL 004 package it came from (:class:`translators.package.Package`: ``artifacts``,
    ``read(path)``; None for a plain file); ``manifests`` the Kubernetes manifests of the
    service that belong to no VDU (:func:`translators.cnf.package_manifests`); ``lifecycle``
    the VNF's ``Vnflcm`` hooks (:func:`translators.lcm.read`: ``{operation: [Hook]}``); ``root``
    the folder the package's files must stay in (artifacts a HOT reads with ``get_file``;
    empty: the descriptor's folder).
    """

    name: str
    source: str
    digest: str
    description: str
    inputs: list[InputModel]
    nodes: dict[str, NodeModel]
    tosca: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    levels: dict[str, Any] = field(default_factory=dict)
    flavour: dict[str, Any] = field(default_factory=dict)
    package: Any = None
    manifests: list[Any] = field(default_factory=list)
    lifecycle: dict[str, Any] = field(default_factory=dict)
    root: str = ""

    def by_role(self, role: str) -> list[NodeModel]:
        """Nodes of one role, in descriptor order."""
        return [n for n in self.nodes.values() if n.role == role]
