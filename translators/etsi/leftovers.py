"""What the translation leaves out, said in the report: every attribute with a value that
no element module reads.

The keys read (or merely descriptive: names, versions, protocols) per element, from ETSI GS
NFV-IFA 011: §7.1.2 Vnfd, §7.1.6.2 Vdu, §7.1.6.4 VduCpd (and VnfExtCpd), §7.1.7.2
VnfVirtualLinkDesc, §7.1.8 VnfDf; and IFA 014: §6.2.2 Nsd, §6.3.2 NsDf, §6.3.3
VnfProfile. Any other attribute with a value becomes a report line at its path with why it
is not translated (:data:`_WHY`: monitoring, affinity, scaling aspects, LCM scripts,
VNFFGs...).
"""

from __future__ import annotations

from typing import Any

from ..doc import Doc
from .builder import EMPTY, Builder

#: Keys read by :func:`translators.etsi.to_tosca`, or descriptive only (names, versions, protocols): never reported.
_READ = {
    "vnfd": {
        "vnfdId",
        "vnfProvider",
        "vnfProductName",
        "vnfSoftwareVersion",
        "vnfdVersion",
        "vnfProductInfoName",
        "vnfProductInfoDescription",
        "vnfmInfo",
        "localizationLanguage",
        "defaultLocalizationLanguage",
        "vdu",
        "virtualComputeDesc",
        "virtualStorageDesc",
        "intVirtualLinkDesc",
        "vnfExtCpd",
        "deploymentFlavour",
        "site",
        "description",
        "name",
    },
    "vdu": {
        "vduId",
        "name",
        "description",
        "intCpd",
        "virtualComputeDesc",
        "virtualStorageDesc",
        "swImageDesc",
        "vduParent",
        "vduParentMandatory",
        "vduParentBareMetal",
        "vduNestedDesc",
        "vduNestedDescType",
        "site",
    },
    "cpd": {
        "cpdId",
        "layerProtocol",
        "cpRole",
        "description",
        "intVirtualLinkDesc",
        "internalIfRef",
        "intCpd",
        "nsVirtualLinkDescId",
        "associatedCpdId",
        "sapAddressAssignment",
    },
    "vl": {
        "virtualLinkDescId",
        "connectivityType",
        "description",
        "virtuaLinkDescVersion",
        "virtualLinkDescVersion",
        "virtualLinkDescProvider",
        "l3ProtocolData",
        "virtualLinkProtocolData",
    },
    "df": {
        "flavourId",
        "description",
        "vduProfile",
        "instantiationLevel",
        "defaultInstantiationLevelId",
        "virtualLinkProfile",
    },
    "nsd": {
        "nsdIdentifier",
        "designer",
        "version",
        "nsdName",
        "nsdInvariantId",
        "vnfdId",
        "virtualLinkDesc",
        "nsDf",
        "sapd",
    },
    "nsdf": {"nsDfId", "flavourKey", "virtualLinkProfile", "vnfProfile", "description"},
    "vnfprofile": {
        "vnfProfileId",
        "vnfdId",
        "flavourId",
        "minNumberOfInstances",
        "maxNumberOfInstances",
        "nsVirtualLinkConnectivity",
        "instantiationLevel",
        "site",
    },
}
#: Why a known construct is not translated (report wording); others read "not translated".
_WHY = {
    "monitoringParameter": "no monitoring is set up by the generated service",
    "autoScale": "scaling rules are not translated (pods scale through their HorizontalPodAutoscaler)",
    "autoScalingRule": "scaling rules are not translated",
    "scalingAspect": "scaling aspects are not translated (vduProfile bounds and instantiation levels are)",
    "affinityOrAntiAffinityGroup": "affinity groups are not translated",
    "affinityOrAntiAffinityGroupId": "affinity groups are not translated",
    "localAffinityOrAntiAffinityRule": "affinity rules are not translated",
    "vnfLcmOperationsConfiguration": "LCM operation parameters have no equivalent in the playbooks",
    "lifeCycleManagementScript": "LCM scripts are not run",
    "vnffgd": "forwarding graphs of an NSD are not translated (use rdcl.nodes.nfv.ForwardingPath in TOSCA)",
    "security": "descriptor signatures are not checked",
    "configurableProperties": "configurable properties are not translated",
    "modifiableAttributes": "modifiable attributes are not translated",
    "vnfIndicator": "VNF indicators are not translated",
    "elementGroup": "element groups are not translated",
    "nfviConstraint": "NFVI constraints are not translated (use a site key for placement)",
    "bootOrder": "boot order is not translated",
    "virtualNetworkInterfaceRequirements": "interface requirements (SR-IOV...) are not translated",
    "supportedOperation": "supported operations are informative",
    "virtualLinkDf": "virtual link QoS flavours are not translated",
    "testAccess": "test access is not translated",
    "pnfdId": "PNFs are not deployed",
    "nestedNsdId": "nested NSDs are not translated",
}


def leftovers(builder: Builder, path: str, data: Doc, kind: str, also: tuple[str, ...] = ()) -> None:
    """Report every key of ``data`` with a value that is neither read nor descriptive."""
    for key, value in data.items():
        if key in _READ[kind] or key in also or value in EMPTY or placeholder(value):
            continue
        builder.report.append(
            f"{path}.{key}: not translated ({_WHY.get(key, 'no equivalent in the generated service')})"
        )


def placeholder(value: Any) -> bool:
    """Only empty strings/lists/nulls inside (RDCL 3D template leftovers)."""
    if isinstance(value, dict):
        return all(v in EMPTY or placeholder(v) for v in value.values())
    if isinstance(value, list):
        return all(v in EMPTY or placeholder(v) for v in value)
    return value in EMPTY
