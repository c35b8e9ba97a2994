"""``install-config.yaml`` and the Kuryr network manifest of a cluster (OpenShift 4).

References: OpenShift 4 docs, "Installing a cluster on OpenStack on your own
infrastructure" (install-config for UPI: compute replicas 0, machine network, API and
ingress VIPs) and "Installation configuration parameters for OpenStack"; for Kuryr
(4.10-4.14) "Installing a cluster on OpenStack with Kuryr": the Cluster Network
Operator's ``Network`` resource with ``defaultNetwork.kuryrConfig`` (port pools: the
``nested`` driver puts pod ports on subports of each machine's trunk).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from .cluster import (
    CLUSTER_HOST_PREFIX,
    CLUSTER_NETWORK,
    SERVICE_NETWORK,
    Cluster,
    minor,
)

SCHEMAS = Path(__file__).resolve().parent / "schemas"
#: What stands for the secrets in committed files; install.yml puts the real ones in at run time.
PULL_SECRET_PLACEHOLDER = "<pull_secret: injected at run time from the order, never committed>"
SSH_KEY_PLACEHOLDER = "<ssh_public_key: injected at run time from the order, never committed>"
LIST_VIPS_SINCE = 12  # apiVIPs/ingressVIPs replace apiVIP/ingressVIP in 4.12


def install_config(cluster: Cluster) -> dict:
    """install-config.yaml for user-provisioned infrastructure, secrets as placeholders."""
    machine = {"type": cluster.flavors["master_flavor"]}
    openstack = {
        "cloud": cluster.cloud,
        "externalNetwork": cluster.external_network,
        "defaultMachinePlatform": {"type": cluster.flavors["worker_flavor"]},
    }
    if minor(cluster.version) >= LIST_VIPS_SINCE:
        openstack.update(apiVIPs=[cluster.api_vip], ingressVIPs=[cluster.ingress_vip])
    else:
        openstack.update(apiVIP=cluster.api_vip, ingressVIP=cluster.ingress_vip)
    return {
        "apiVersion": "v1",
        "baseDomain": cluster.domain,
        "metadata": {"name": cluster.name},
        "controlPlane": {
            "name": "master",
            "replicas": cluster.counts["master_count"],
            "platform": {"openstack": machine},
        },
        "compute": [
            {"name": "worker", "replicas": 0, "platform": {"openstack": {"type": cluster.flavors["worker_flavor"]}}}
        ],
        "networking": {
            "networkType": cluster.network_type,
            "clusterNetwork": [{"cidr": CLUSTER_NETWORK, "hostPrefix": CLUSTER_HOST_PREFIX}],
            "machineNetwork": [{"cidr": cluster.machine_cidr}],
            "serviceNetwork": [SERVICE_NETWORK],
        },
        "platform": {"openstack": openstack},
        "pullSecret": PULL_SECRET_PLACEHOLDER,
        "sshKey": SSH_KEY_PLACEHOLDER,
    }


def network_config(cluster: Cluster) -> dict | None:
    """The Kuryr ``Network`` manifest (None for OVN-Kubernetes, which needs none)."""
    if not cluster.kuryr_enabled or cluster.kuryr is None:  # kuryr is set whenever the type is Kuryr
        return None
    k = cluster.kuryr
    return {
        "apiVersion": "operator.openshift.io/v1",
        "kind": "Network",
        "metadata": {"name": "cluster"},
        "spec": {
            "clusterNetwork": [{"cidr": CLUSTER_NETWORK, "hostPrefix": CLUSTER_HOST_PREFIX}],
            "serviceNetwork": [SERVICE_NETWORK],
            "defaultNetwork": {
                "type": "Kuryr",
                "kuryrConfig": {
                    "enablePortPoolsPrepopulation": k["prepopulate"],
                    "poolMinPorts": k["pool_min"],
                    "poolMaxPorts": k["pool_max"],
                    "poolBatchPorts": k["pool_batch"],
                },
            },
        },
    }


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator of ``schemas/<name>.schema.json``."""
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_problems(name: str, doc) -> list[str]:
    """``path: message`` for each way ``doc`` breaks ``schemas/<name>.schema.json``."""
    out = []
    for err in sorted(validator(name).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        where = ".".join(str(p) for p in err.absolute_path) or "(document)"
        out.append(f"{where}: {err.message}")
    return out
