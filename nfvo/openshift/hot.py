"""The cluster's Heat stack: ``stack.yaml`` (one stack per cluster) and ``node.yaml``.

OpenStack Heat resource types (docs.openstack.org/heat, "OpenStack Resource Types"):
``OS::Neutron::Net``, ``Subnet``, ``Router``, ``RouterInterface``, ``SecurityGroup``,
``Port``, ``FloatingIP``, ``Trunk``; ``OS::Nova::Server``, ``ServerGroup``;
``OS::Heat::ResourceGroup`` (one per node pool: its ``count`` is a stack parameter, so a
scale operation is a stack update; members are removed from the highest index down).
Names, network addresses and the network type are fixed when the cluster is ordered;
image, flavors, counts and the ignition configs are parameters. Ignition parameters are
``hidden`` (Heat masks them) and are passed at run time, never committed.
"""

from __future__ import annotations

from typing import Any

from .cluster import Cluster

VERSION = "2018-08-31"  # Rocky: conditions, OS::Neutron::Trunk, ResourceGroup removal_policies_mode
ANY, INTERNAL = "0.0.0.0/0", "internal"
#: (protocol, first port, last port, from): OpenShift 4 UPI on OpenStack security groups.
MASTER_RULES = [
    ("icmp", None, None, ANY),
    ("tcp", 22, 22, ANY),
    ("tcp", 6443, 6443, ANY),
    ("tcp", 22623, 22623, INTERNAL),
    ("tcp", 2379, 2380, INTERNAL),
    ("tcp", 10250, 10250, INTERNAL),
    ("tcp", 10257, 10257, INTERNAL),
    ("tcp", 10259, 10259, INTERNAL),
    ("udp", 4789, 4789, INTERNAL),
    ("udp", 6081, 6081, INTERNAL),
    ("tcp", 9000, 9999, INTERNAL),
    ("udp", 9000, 9999, INTERNAL),
    ("tcp", 30000, 32767, INTERNAL),
    ("udp", 30000, 32767, INTERNAL),
    ("vrrp", None, None, INTERNAL),
]
WORKER_RULES = [
    ("icmp", None, None, ANY),
    ("tcp", 22, 22, ANY),
    ("tcp", 80, 80, ANY),
    ("tcp", 443, 443, ANY),
    ("tcp", 1936, 1936, INTERNAL),
    ("tcp", 10250, 10250, INTERNAL),
    ("udp", 4789, 4789, INTERNAL),
    ("udp", 6081, 6081, INTERNAL),
    ("tcp", 9000, 9999, INTERNAL),
    ("udp", 9000, 9999, INTERNAL),
    ("tcp", 30000, 32767, INTERNAL),
    ("udp", 30000, 32767, INTERNAL),
    ("vrrp", None, None, INTERNAL),
]
SERVER_GROUP_POLICY = "soft-anti-affinity"
NODE_TEMPLATE, TRUNK_NODE_TEMPLATE = "node.yaml", "node_trunk.yaml"


def parameters(cluster: Cluster) -> dict:
    """The stack parameters of the order (Heat environment ``parameters:``; no secret)."""
    return {"image": cluster.image, **cluster.flavors, **cluster.counts, "infra_id": cluster.name, "bootstrap": False}


def stack(cluster: Cluster) -> dict:
    """The cluster's HOT (a dict; see :func:`nfvo.openshift.files.render`)."""
    param = {
        "image": _param("string", "RHCOS image (Glance)", constraint="glance.image"),
        "infra_id": _param("string", "Cluster infrastructure ID (openshift-install metadata.json)"),
        "bootstrap": _param("boolean", "Create the temporary bootstrap machine", default=False),
    }
    for name in cluster.flavors:
        param[name] = _param("string", f"Nova flavor: {name}", constraint="nova.flavor")
    param["master_count"] = {
        "type": "number",
        "description": "Control-plane machines",
        "constraints": [{"allowed_values": [1, 3]}],
    }
    for name in ("infra_count", "worker_count", "baremetal_worker_count"):
        param[name] = {
            "type": "number",
            "description": name.replace("_", " "),
            "default": 0,
            "constraints": [{"range": {"min": 0}}],
        }
    for name in ("bootstrap_ignition", "master_ignition", "worker_ignition"):
        param[name] = {
            "type": "string",
            "default": "",
            "hidden": True,
            "description": f"Ignition config ({name}), passed at run time",
        }
    resources = {
        **_network(cluster),
        **_security_groups(cluster),
        **_vips(cluster),
        **_groups(cluster),
        **_bootstrap(cluster),
        **_pools(cluster),
    }
    outputs = {
        "api_floating_ip": {"value": {"get_attr": ["api_fip", "floating_ip_address"]}},
        "ingress_floating_ip": {"value": {"get_attr": ["ingress_fip", "floating_ip_address"]}},
        "bootstrap_address": {
            "condition": "with_bootstrap",
            "value": {"get_attr": ["bootstrap_port", "fixed_ips", 0, "ip_address"]},
        },
    }
    for pool in ("masters", "infra_nodes", "workers", "baremetal_workers"):
        outputs[f"{pool}_addresses"] = {"value": {"get_attr": [pool, "address"]}}
    return {
        "heat_template_version": VERSION,
        "description": f"OpenShift {cluster.version} cluster {cluster.fqdn} (user-provisioned infrastructure)",
        "parameters": param,
        "conditions": {"with_bootstrap": {"equals": [{"get_param": "bootstrap"}, True]}},
        "resources": resources,
        "outputs": outputs,
    }


def _param(kind: str, description: str, constraint: str = "", **extra) -> dict:
    out = {"type": kind, "description": description, **extra}
    if constraint:
        out["constraints"] = [{"custom_constraint": constraint}]
    return out


def _network(c: Cluster) -> dict:
    return {
        "network": {"type": "OS::Neutron::Net", "properties": {"name": c.network}},
        "subnet": {
            "type": "OS::Neutron::Subnet",
            "properties": {
                "name": c.resource("subnet"),
                "network": {"get_resource": "network"},
                "cidr": c.machine_cidr,
                "ip_version": 4,
                "allocation_pools": [{"start": c.vip(10), "end": c.vip(-2)}],
                "dns_nameservers": list(c.dns_nameservers),
            },
        },
        "router": {
            "type": "OS::Neutron::Router",
            "properties": {"name": c.resource("router"), "external_gateway_info": {"network": c.external_network}},
        },
        "router_interface": {
            "type": "OS::Neutron::RouterInterface",
            "properties": {"router": {"get_resource": "router"}, "subnet": {"get_resource": "subnet"}},
        },
    }


def _rules(c: Cluster, rules) -> list[dict]:
    out = []
    for protocol, low, high, source in rules:
        rule = {
            "direction": "ingress",
            "protocol": protocol,
            "remote_ip_prefix": c.machine_cidr if source == INTERNAL else source,
        }
        if low is not None:
            rule.update(port_range_min=low, port_range_max=high)
        out.append(rule)
    return out


def _security_groups(c: Cluster) -> dict:
    return {
        "master_sg": {
            "type": "OS::Neutron::SecurityGroup",
            "properties": {"name": c.resource("master"), "rules": _rules(c, MASTER_RULES)},
        },
        "worker_sg": {
            "type": "OS::Neutron::SecurityGroup",
            "properties": {"name": c.resource("worker"), "rules": _rules(c, WORKER_RULES)},
        },
    }


def _vips(c: Cluster) -> dict:
    out = {}
    for what, vip, sg in (("api", c.api_vip, "master_sg"), ("ingress", c.ingress_vip, "worker_sg")):
        out[f"{what}_port"] = {
            "type": "OS::Neutron::Port",
            "depends_on": ["subnet"],
            "properties": {
                "name": c.resource(f"{what}-port"),
                "network": {"get_resource": "network"},
                "fixed_ips": [{"subnet": {"get_resource": "subnet"}, "ip_address": vip}],
                "security_groups": [{"get_resource": sg}],
            },
        }
        out[f"{what}_fip"] = {
            "type": "OS::Neutron::FloatingIP",
            "depends_on": ["router_interface"],
            "properties": {"floating_network": c.external_network, "port_id": {"get_resource": f"{what}_port"}},
        }
    return out


def _groups(c: Cluster) -> dict:
    return {
        f"{key}_group": {
            "type": "OS::Nova::ServerGroup",
            "properties": {"name": c.resource(name), "policies": [SERVER_GROUP_POLICY]},
        }
        for key, name in (("master", "masters"), ("infra", "infra"), ("worker", "workers"))
    }


def _bootstrap(c: Cluster) -> dict:
    return {
        "bootstrap_port": {
            "type": "OS::Neutron::Port",
            "condition": "with_bootstrap",
            "depends_on": ["subnet"],
            "properties": {
                "name": c.resource("bootstrap-port"),
                "network": {"get_resource": "network"},
                "security_groups": [{"get_resource": "master_sg"}],
            },
        },
        "bootstrap_fip": {
            "type": "OS::Neutron::FloatingIP",
            "condition": "with_bootstrap",
            "depends_on": ["router_interface"],
            "properties": {"floating_network": c.external_network, "port_id": {"get_resource": "bootstrap_port"}},
        },
        "bootstrap_server": {
            "type": "OS::Nova::Server",
            "condition": "with_bootstrap",
            "properties": {
                "name": c.resource("bootstrap"),
                "image": {"get_param": "image"},
                "flavor": {"get_param": "master_flavor"},
                "networks": [{"port": {"get_resource": "bootstrap_port"}}],
                "user_data_format": "RAW",
                "user_data": {"get_param": "bootstrap_ignition"},
                "metadata": {"openshiftClusterID": {"get_param": "infra_id"}, "openshiftRole": "bootstrap"},
            },
        },
    }


def _pools(c: Cluster) -> dict:
    """One ResourceGroup per pool; members named ``<cluster>-<role>-<index>``."""
    node_type = TRUNK_NODE_TEMPLATE if c.kuryr_enabled else NODE_TEMPLATE
    ingress = [{"ip_address": c.ingress_vip}]
    # (resource, role, count and flavor parameters, server group, security group, ignition, VIPs, template)
    pools = (
        (
            "masters",
            "master",
            "master",
            "master_group",
            "master_sg",
            "master_ignition",
            [{"ip_address": c.api_vip}, *ingress],
            node_type,
        ),
        ("infra_nodes", "infra", "infra", "infra_group", "worker_sg", "worker_ignition", ingress, node_type),
        ("workers", "worker", "worker", "worker_group", "worker_sg", "worker_ignition", ingress, node_type),
        (
            "baremetal_workers",
            "baremetal-worker",
            "baremetal",
            "",
            "worker_sg",
            "worker_ignition",
            ingress,
            NODE_TEMPLATE,
        ),
    )
    out = {}
    for key, role, param, group, sg, ignition, pairs, template in pools:
        baremetal = role == "baremetal-worker"
        network = c.baremetal_network if baremetal and c.baremetal_network else {"get_resource": "network"}
        props = {
            "name": f"{c.name}-{role}-%index%",
            "role": role,
            "image": {"get_param": "image"},
            "flavor": {"get_param": f"{param}_flavor"},
            "network": network,
            "security_group": {"get_resource": sg},
            "scheduler_hints": {"group": {"get_resource": group}} if group else {},
            "allowed_address_pairs": pairs,
            "user_data": {"get_param": ignition},
            "infra_id": {"get_param": "infra_id"},
        }
        count = "baremetal_worker_count" if baremetal else f"{param}_count"
        out[key] = {
            "type": "OS::Heat::ResourceGroup",
            "depends_on": ["router_interface"],
            "properties": {"count": {"get_param": count}, "resource_def": {"type": template, "properties": props}},
        }
    return out


def node(trunk: bool = False) -> dict:
    """The nested template of one machine: its port (a trunk's parent port with Kuryr,
    which puts pods' subports on it: the ``nested`` ports-pool driver) and its server."""
    params: dict[str, dict[str, Any]] = {
        name: {"type": "string"}
        for name in ("name", "role", "image", "flavor", "network", "security_group", "infra_id")
    }
    params["user_data"] = {"type": "string", "default": "", "hidden": True}
    params["scheduler_hints"] = {"type": "json", "default": {}}
    params["allowed_address_pairs"] = {"type": "json", "default": []}
    resources = {
        "port": {
            "type": "OS::Neutron::Port",
            "properties": {
                "name": {"list_join": ["-", [{"get_param": "name"}, "port"]]},
                "network": {"get_param": "network"},
                "security_groups": [{"get_param": "security_group"}],
                "allowed_address_pairs": {"get_param": "allowed_address_pairs"},
            },
        },
        "server": {
            "type": "OS::Nova::Server",
            "properties": {
                "name": {"get_param": "name"},
                "image": {"get_param": "image"},
                "flavor": {"get_param": "flavor"},
                "networks": [{"port": {"get_resource": "port"}}],
                "config_drive": True,
                "user_data_format": "RAW",
                "user_data": {"get_param": "user_data"},
                "user_data_update_policy": "IGNORE",
                "scheduler_hints": {"get_param": "scheduler_hints"},
                "metadata": {"openshiftClusterID": {"get_param": "infra_id"}, "openshiftRole": {"get_param": "role"}},
            },
        },
    }
    if trunk:
        resources["trunk"] = {
            "type": "OS::Neutron::Trunk",
            "properties": {
                "name": {"list_join": ["-", [{"get_param": "name"}, "trunk"]]},
                "port": {"get_resource": "port"},
            },
        }
        resources["server"]["depends_on"] = ["trunk"]
    return {
        "heat_template_version": VERSION,
        "description": "One OpenShift machine" + (" on a trunk port (Kuryr)" if trunk else ""),
        "parameters": params,
        "resources": resources,
        "outputs": {
            "name": {"value": {"get_attr": ["server", "name"]}},
            "address": {"value": {"get_attr": ["port", "fixed_ips", 0, "ip_address"]}},
        },
    }
