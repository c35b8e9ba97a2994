"""An ordered OpenShift cluster: dialog values -> names, addresses and nodes (no Django).

Follows the shape of OpenShift 4's user-provisioned infrastructure (UPI) on OpenStack
("Installing a cluster on OpenStack on your own infrastructure", OpenShift 4 docs): one
network, subnet and router per cluster, master and worker security groups, API and
ingress ports holding fixed VIPs (machine CIDR + 5 and + 7) behind floating IPs, a
temporary bootstrap machine, control-plane machines in a soft-anti-affinity server
group, compute machines on Nova VMs and, with a bare-metal flavor, on Ironic nodes
through Nova ("Deploying a cluster with bare-metal machines" in the same docs).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from nfvo.exceptions import DialogError
from translators import limits

CLUSTER_NETWORK = "10.128.0.0/14"
CLUSTER_HOST_PREFIX = 23
SERVICE_NETWORK = "172.30.0.0/16"
API_VIP_OFFSET, INGRESS_VIP_OFFSET, FIRST_NODE_OFFSET = 5, 7, 10
#: Kuryr-Kubernetes was removed in OpenShift 4.15; bare-metal workers need OVN-Kubernetes.
KURYR_LAST_MINOR = 14
MIN_MINOR = 10
SECRET_FIELDS = ("pull_secret", "ssh_public_key")
VERSION = re.compile(r"4\.(\d+)(\.\d+)?([-.+][0-9A-Za-z.-]+)?")
SSH_KEY = re.compile(r"(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( [^\n]*)?")
#: (dialog count field, role, flavor field, server group suffix or "" for none)
POOLS = (
    ("master_count", "master", "master_flavor", "masters"),
    ("infra_count", "infra", "infra_flavor", "infra"),
    ("worker_count", "worker", "worker_flavor", "workers"),
    ("baremetal_worker_count", "baremetal-worker", "baremetal_flavor", ""),
)
COUNT_FIELDS = tuple(p[0] for p in POOLS)


@dataclass(frozen=True)
class Node:
    """One machine of the cluster (``baremetal``: an Ironic node booted through Nova)."""

    name: str
    role: str
    flavor: str
    network: str
    group: str = ""
    baremetal: bool = False
    temporary: bool = False


@dataclass(frozen=True)
class Cluster:
    """What an order asks for, with every derived name; built by :func:`from_values`."""

    name: str
    domain: str
    version: str
    distribution: str
    site: str
    cloud: str
    external_network: str
    image: str
    machine_cidr: str
    network_type: str
    flavors: dict
    counts: dict
    baremetal_network: str = ""
    kuryr: dict | None = None
    dns_nameservers: tuple = field(default_factory=tuple)

    @property
    def fqdn(self) -> str:
        """``<cluster>.<base domain>``: the cluster's DNS domain."""
        return f"{self.name}.{self.domain}"

    @property
    def api_url(self) -> str:
        """The Kubernetes API server, as a registered ``openshift`` site reaches it."""
        return f"https://api.{self.fqdn}:6443"

    @property
    def console_url(self) -> str:
        """The web console (``*.apps`` ingress)."""
        return f"https://console-openshift-console.apps.{self.fqdn}"

    def vip(self, offset: int) -> str:
        """The address ``offset`` places into the machine network (negative: from its end)."""
        return str(ipaddress.ip_network(self.machine_cidr)[offset])

    @property
    def api_vip(self) -> str:
        """The API's virtual IP (UPI: machine network + 5)."""
        return self.vip(API_VIP_OFFSET)

    @property
    def ingress_vip(self) -> str:
        """The ingress virtual IP (UPI: machine network + 7)."""
        return self.vip(INGRESS_VIP_OFFSET)

    @property
    def network(self) -> str:
        """Name of the cluster's Neutron network (the machine network)."""
        return f"{self.name}-network"

    def resource(self, suffix: str) -> str:
        """Name of a cluster-wide OpenStack resource (``<cluster>-<suffix>``)."""
        return f"{self.name}-{suffix}"

    @property
    def kuryr_enabled(self) -> bool:
        """Kuryr-Kubernetes as the network type (trunk ports, port pools)."""
        return self.network_type == "Kuryr"

    def nodes(self, counts: dict | None = None, bootstrap: bool = True) -> list[Node]:
        """Every machine, bootstrap first, then each pool in order (``counts`` overrides
        the ordered counts, e.g. a scale operation's)."""
        counts = {**self.counts, **(counts or {})}
        out = (
            [Node(self.resource("bootstrap"), "bootstrap", self.flavors["master_flavor"], self.network, temporary=True)]
            if bootstrap
            else []
        )
        for count_field, role, flavor_field, group in POOLS:
            baremetal = role == "baremetal-worker"
            network = (self.baremetal_network or self.network) if baremetal else self.network
            prefix = "baremetal-worker" if baremetal else role
            out += [
                Node(
                    self.resource(f"{prefix}-{i}"),
                    role,
                    self.flavors[flavor_field],
                    network,
                    self.resource(group) if group else "",
                    baremetal,
                )
                for i in range(int(counts[count_field]))
            ]
        return out

    def definition(self) -> dict:
        """The cluster as committed in ``cluster.json`` (no secret)."""
        return {
            "cluster_name": self.name,
            "base_domain": self.domain,
            "fqdn": self.fqdn,
            "distribution": self.distribution,
            "openshift_version": self.version,
            "openstack_site": self.site,
            "os_cloud": self.cloud,
            "stack_name": self.name,
            "external_network": self.external_network,
            "image": self.image,
            "machine_cidr": self.machine_cidr,
            "api_vip": self.api_vip,
            "ingress_vip": self.ingress_vip,
            "network": self.network,
            "baremetal_network": self.baremetal_network or self.network,
            "network_type": self.network_type,
            "kuryr": self.kuryr,
            "flavors": dict(self.flavors),
            "counts": dict(self.counts),
            "api_url": self.api_url,
            "console_url": self.console_url,
            "dns": dns_records(self),
            "site": {"name": self.name, "kind": "openshift", "k8s_host": self.api_url},
        }


def dns_records(cluster: Cluster) -> list[dict]:
    """The DNS records a cluster needs (UPI: the user creates them, pointing at the FIPs)."""
    return [
        {"name": f"api.{cluster.fqdn}", "points_to": cluster.resource("api-fip")},
        {"name": f"*.apps.{cluster.fqdn}", "points_to": cluster.resource("ingress-fip")},
    ]


def minor(version: str) -> int:
    """The minor release of an OpenShift/OKD 4 version (``4.14``, ``4.14.3``, ``4.15.0-0.okd-...``).

    :raises ValueError: not an OpenShift 4 version.
    """
    match = VERSION.fullmatch(version or "")
    if not match:
        raise ValueError(f"{version!r} is not an OpenShift 4 version such as 4.16 or 4.16.3")
    return int(match.group(1))


def from_values(values: dict, cloud: str = "") -> Cluster:
    """The cluster an order describes (dialog values already checked against the schema).

    ``cloud`` is the ``clouds.yaml`` entry of the OpenStack site (default: the site name).

    :raises DialogError: values the schema cannot express (version and network type,
        Kuryr pool sizes, machine CIDR, pull secret and SSH key shapes), one message per
        field; messages never contain the value of a secret field.
    """
    errors = problems(values)
    if errors:
        raise DialogError(errors)
    kuryr = None
    if values["network_type"] == "Kuryr":
        kuryr = {
            "pool_driver": values["kuryr_pool_driver"],
            "pool_min": values["kuryr_pool_min"],
            "pool_max": values["kuryr_pool_max"],
            "pool_batch": values["kuryr_pool_batch"],
            "prepopulate": bool(values["kuryr_prepopulate"]),
        }
    return Cluster(
        name=values["cluster_name"],
        domain=values["base_domain"],
        version=str(values["openshift_version"]),
        distribution=values["distribution"],
        site=values["openstack_site"],
        cloud=cloud or values["openstack_site"],
        external_network=values["external_network"],
        image=values["rhcos_image"],
        machine_cidr=str(ipaddress.ip_network(values["machine_cidr"])),
        network_type=values["network_type"],
        kuryr=kuryr,
        flavors={p[2]: values[p[2]] for p in POOLS},
        counts={f: int(values[f]) for f in COUNT_FIELDS},
        baremetal_network=values.get("baremetal_network") or "",
    )


def problems(values: dict) -> dict[str, str]:
    """``{field: message}`` for the rules across fields (empty when the order is sound)."""
    errors: dict[str, str] = {}
    try:
        release = minor(str(values.get("openshift_version", "")))
        if release < MIN_MINOR:
            errors["openshift_version"] = f"4.{release} is too old: 4.{MIN_MINOR} or newer"
    except ValueError as exc:
        errors["openshift_version"] = str(exc)
        release = None
    if values.get("network_type") == "Kuryr":
        if release is not None and release > KURYR_LAST_MINOR:
            errors["network_type"] = (
                f"Kuryr was removed in OpenShift 4.{KURYR_LAST_MINOR + 1}; "
                f"use OVNKubernetes or a version up to 4.{KURYR_LAST_MINOR}"
            )
        elif int(values.get("baremetal_worker_count") or 0) > 0:
            errors["network_type"] = "bare-metal workers are not supported with Kuryr; use OVNKubernetes"
        high, low = int(values.get("kuryr_pool_max") or 0), int(values.get("kuryr_pool_min") or 0)
        if high and low > high:
            errors["kuryr_pool_min"] = f"{low} is above kuryr_pool_max {high} (0 means no maximum)"
    errors.update(_network_problems(values))
    errors.update(_secret_problems(values))
    return errors


def _network_problems(values: dict) -> dict[str, str]:
    try:
        net = ipaddress.ip_network(str(values.get("machine_cidr", "")), strict=True)
    except ValueError as exc:
        return {"machine_cidr": f"not a network address with prefix: {exc}"}
    if net.version != 4:
        return {"machine_cidr": "must be an IPv4 network"}
    for other, what in ((CLUSTER_NETWORK, "the cluster (pod) network"), (SERVICE_NETWORK, "the service network")):
        if net.overlaps(ipaddress.ip_network(other)):
            return {"machine_cidr": f"{net} overlaps {what} {other}"}
    nodes = 1 + sum(int(values.get(f) or 0) for f in COUNT_FIELDS)
    room = net.num_addresses - FIRST_NODE_OFFSET - 1
    if room < nodes:
        return {"machine_cidr": f"{net} leaves {max(room, 0)} addresses for {nodes} machines"}
    return {}


def _secret_problems(values: dict) -> dict[str, str]:
    """Shape checks of the secret fields; the messages never repeat the values."""
    errors = {}
    try:
        auths = limits.load_json(values.get("pull_secret") or "").get("auths")  # LimitError is a ValueError
    except (ValueError, AttributeError):
        auths = None
    if not isinstance(auths, dict) or not auths:
        errors["pull_secret"] = 'must be a pull secret: JSON {"auths": {"<registry>": {"auth": ...}}} (value not shown)'
    if not SSH_KEY.fullmatch((values.get("ssh_public_key") or "").strip()):
        errors["ssh_public_key"] = (
            "must be one OpenSSH public key line (ssh-ed25519, ssh-rsa or ecdsa; value not shown)"
        )
    return errors
