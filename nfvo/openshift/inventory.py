"""The Ansible inventory of a cluster's machines (``inventory.yml``, committed).

Groups as OpenShift's node roles: ``bootstrap``, ``masters``, ``infra``, ``workers``,
``baremetal_workers``; host variables say where each machine goes (flavor, network,
server group). Addresses are Neutron's to give: a later play adds ``ansible_host`` from
the stack's outputs. With Kuryr, the pool settings are group variables under the names
openshift-ansible 3.11 used (``kuryr_openstack_pool_driver: nested``, ...).
"""

from __future__ import annotations

from .cluster import Cluster

GROUPS = {
    "bootstrap": "bootstrap",
    "master": "masters",
    "infra": "infra",
    "worker": "workers",
    "baremetal-worker": "baremetal_workers",
}


def inventory(cluster: Cluster) -> dict:
    """``{all: {vars, children: {<group>: {hosts: {<name>: vars}}}}}`` at the ordered counts."""
    children: dict[str, dict[str, dict]] = {group: {"hosts": {}} for group in GROUPS.values()}
    for node in cluster.nodes():
        host: dict[str, str | bool] = {
            "openshift_node_role": node.role,
            "openstack_flavor": node.flavor,
            "openstack_network": node.network,
        }
        if node.group:
            host["openstack_server_group"] = node.group
        if node.baremetal:
            host["openstack_baremetal"] = True
        if node.temporary:
            host["openshift_temporary"] = True
        children[GROUPS[node.role]]["hosts"][node.name] = host
    variables = {
        "cluster_name": cluster.name,
        "base_domain": cluster.domain,
        "openshift_api_url": cluster.api_url,
        "openstack_site": cluster.site,
        "network_type": cluster.network_type,
        "machine_network": cluster.machine_cidr,
    }
    if cluster.kuryr:
        k = cluster.kuryr
        variables.update(
            kuryr_openstack_pool_driver=k["pool_driver"],
            kuryr_openstack_pool_min=k["pool_min"],
            kuryr_openstack_pool_max=k["pool_max"],
            kuryr_openstack_pool_batch=k["pool_batch"],
            kuryr_openstack_pool_prepopulate=k["prepopulate"],
        )
    return {"all": {"vars": variables, "children": children}}
