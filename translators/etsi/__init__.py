"""ETSI NFV descriptors (IFA 011 VNFD, IFA 014 NSD, Superfluidity nested VDUs) -> TOSCA.

The designer's ``etsi`` and ``nested-vdu`` projects hold plain VNFD/NSD dicts (JSON or
YAML). :func:`to_tosca` turns them into the equivalent TOSCA Simple Profile in YAML 1.3
service template on the rdcl-nfvo profile, which then goes the TOSCA way
(:func:`translators.translate.translate_descriptors`): tosca-parser, heat-translator for
the VMs, manifests for the pods, playbooks. What maps where:

=====================================  =======================================================
IFA element                            TOSCA node template / property
=====================================  =======================================================
Vdu (§7.1.6.2), no nested descriptor   ``rdcl.nodes.Compute.VM``; ``vduParent: "None"`` or
                                       ``vduParentBareMetal``: ``rdcl.nodes.Compute.BareMetal``
VirtualComputeDesc (§7.1.9.2)          host capability ``num_cpus``, ``mem_size`` (GB)
VirtualStorageDesc (§7.1.9.4)          host capability ``disk_size`` (GB)
SwImageDesc (§7.1.6.5)                 ``image`` (its ``name``, else ``swImage``, else ``id``);
                                       none: the input ``<vdu>_image``
Vdu with vduNestedDescType kubernetes  ``rdcl.nodes.Container.Application`` (``image``,
                                       ``vdu_parent``, ``vdu_parent_mandatory``,
                                       ``vdu_parent_bare_metal``, ``num_cpus``/``mem_size``)
VnfVirtualLinkDesc (§7.1.7.2)          ``tosca.nodes.network.Network`` (``cidr`` from
                                       L3ProtocolData, else the input ``<vl>_cidr``)
VduCpd (§7.1.6.4) of a VM              ``tosca.nodes.network.Port`` (binding, link, ``order``
                                       from ``internalIfRef`` ethN, else list position)
VduCpd of a pod                        ``virtual_link`` requirement of the container
VduProfile (§7.1.8.3), VduLevel        pods: ``replicas``, ``min_replicas``/``max_replicas``
(§7.1.8.7)                             and instantiation levels (``scale_level``)
NsVirtualLinkDesc (IFA 014 §6.5.2)     ``tosca.nodes.network.Network``; a VnfExtCpd joined to
                                       it moves its internal VL (or its VduCpd) onto it
VnfProfile (IFA 014 §6.3.3)            the VNF's nodes, names prefixed ``<vnfProfileId>_``
``site`` (rdcl-nfvo key)               ``rdcl.policies.Placement``
=====================================  =======================================================

Everything else that carries a value (monitoring, affinity groups, scaling aspects, SAPs,
VNFFGs, click VDUs...) becomes a line of the translation report with its path in the
document (``vnfd.edge_vnfd.vdu[3].vduNestedDescType``); a required part that cannot be
translated raises :class:`~translators.errors.TranslationError` naming the VDU.

One module per element (each names the IFA 011/014 clauses it follows): :mod:`.reading`
(which kind a document is: the one ETSI reader, the designer's too), :mod:`.service`
(:func:`to_tosca`, the checks after translating), :mod:`.ns` (NSD, NS deployment flavour,
VNF profiles), :mod:`.vnf` (VNFD, its deployment flavour), :mod:`.vdu` (servers and pods),
:mod:`.links` (virtual links, connection points), :mod:`.levels` (VDU profiles,
instantiation levels), :mod:`.leftovers` (what the report says is not translated),
:mod:`.builder` (the template being made).
"""

from __future__ import annotations

from .builder import BARE_METAL, BARE_METAL_PARENT, NETWORK, POD, PORT, VM, Ident
from .levels import apply_levels
from .reading import DESCRIPTOR_KINDS, KINDS, NSD_KEYS, is_project, iter_project, kind_of, read_descriptors
from .service import EtsiTosca, check_servers, to_tosca

__all__ = [
    "BARE_METAL",
    "BARE_METAL_PARENT",
    "DESCRIPTOR_KINDS",
    "KINDS",
    "NETWORK",
    "NSD_KEYS",
    "POD",
    "PORT",
    "VM",
    "EtsiTosca",
    "Ident",
    "apply_levels",
    "check_servers",
    "is_project",
    "iter_project",
    "kind_of",
    "read_descriptors",
    "to_tosca",
]
