"""What a job of the ``openshift`` kind would do on its OpenStack site, without contacting it.

Reads the cluster's committed definition at the job's commit (``clusters/<name>/``),
checks it again (HOT structure, JSON Schemas) and the job's values (the item's dialog
plus a scale operation's counts), then lists every OpenStack resource the stack holds at
those counts, in the order Heat creates them.
"""

from __future__ import annotations

import json
from pathlib import Path

from nfvo.dialog import check
from nfvo.exceptions import DialogError

from . import files
from .cluster import POOLS, SECRET_FIELDS, Cluster, from_values
from .hot import MASTER_RULES, SERVER_GROUP_POLICY, WORKER_RULES

DIALOG = "dialog.json"
#: counts in a plan: key -> Heat resource type (``servers`` includes the temporary bootstrap machine)
RESOURCE_COUNTS = {
    "servers": "OS::Nova::Server",
    "ports": "OS::Neutron::Port",
    "floating_ips": "OS::Neutron::FloatingIP",
    "trunks": "OS::Neutron::Trunk",
    "server_groups": "OS::Nova::ServerGroup",
    "security_groups": "OS::Neutron::SecurityGroup",
    "networks": "OS::Neutron::Net",
}
FIXED = ("cluster_name", "base_domain", "openstack_site", "network_type", "machine_cidr")


def plan(folder: Path, values: dict) -> tuple[dict, list[str]]:
    """``({site: report}, problems)`` for a job of the item checked out at ``folder``.

    ``values``: the job's extra vars; ``rdcl_operation`` (default ``create``) shapes the
    report (see :func:`report`). The report never holds a secret field's value.
    """
    operation = values.get("rdcl_operation") or "create"
    values = {k: v for k, v in values.items() if not k.startswith("rdcl_")}
    site = str(values.get("openstack_site") or "")
    try:
        values = check(json.loads((folder / DIALOG).read_text()), values)
        where = folder / files.folder(values["cluster_name"])
        committed = files.read(where) if where.is_dir() else {}
        if not committed:
            return {}, [f"{site}: {files.folder(values['cluster_name'])}/: no cluster definition at this commit"]
        definition = json.loads(committed[files.DEFINITION])
        cluster = from_values(values, definition["os_cloud"])
    except DialogError as exc:
        return {}, [f"{site}: {field}: {_safe(field, msg)}" for field, msg in exc.errors.items()]
    problems = [f"{site}: {files.folder(cluster.name)}/{p}" for p in files.problems(committed)]
    problems += [
        f"{site}: {name}: ordered {definition[name]!r}, cannot change to {values[name]!r}"
        for name in FIXED
        if str(definition[name]) != str(values[name])
    ]
    return {site: report(cluster, definition, operation, sorted(committed))}, problems


def _safe(field: str, message: str) -> str:
    return "invalid (value not shown)" if field in SECRET_FIELDS else message


def report(cluster: Cluster, definition: dict, operation: str = "create", committed: list | None = None) -> dict:
    """The per-site plan: counts, every resource (name, type, flavor, network, group...),
    network type and Kuryr settings, DNS records, the ``openshift`` site it registers.

    ``creates``: the stack's resources after the job (``create`` with the temporary
    bootstrap machine; ``scale`` and ``provision`` without), ``changes``: counts that
    differ from the order; ``delete``: ``deletes`` instead (reverse order);
    ``register_site``: nothing created, only ``registers_site``.
    """
    resources = resources_of(cluster, bootstrap=operation == "create")
    deleting = operation == "delete"
    nodes = cluster.nodes()
    counts = {
        "masters": cluster.counts["master_count"],
        "infra": cluster.counts["infra_count"],
        "workers": cluster.counts["worker_count"],
        "baremetal_workers": cluster.counts["baremetal_worker_count"],
    }
    counts["bootstrap"] = int(operation == "create")
    counts.update({key: sum(r["type"] == t for r in resources) for key, t in RESOURCE_COUNTS.items()})
    out = {
        "kind": "openstack",
        "operation": operation,
        "stack": definition["stack_name"],
        "cluster": {
            "name": cluster.name,
            "fqdn": cluster.fqdn,
            "version": cluster.version,
            "distribution": cluster.distribution,
            "api_url": cluster.api_url,
            "console_url": cluster.console_url,
        },
        "network_type": cluster.network_type,
        "kuryr": cluster.kuryr,
        "counts": counts,
        "creates": [] if operation in ("delete", "register_site") else resources,
        "changes": changes(definition, cluster, nodes),
        "dns": definition["dns"],
        "files": [f"{files.folder(cluster.name)}/{p}" for p in committed or []],
    }
    if deleting:
        out["deletes"] = list(reversed(resources_of(cluster)))
        out["unregisters_site"] = cluster.name
    elif operation in ("create", "register_site"):
        out["registers_site"] = {**definition["site"], "when": "an apply job of create or register_site succeeds"}
    return out


def changes(definition: dict, cluster: Cluster, nodes: list) -> dict:
    """Per count that differs from the order: ``{field: {ordered, now, add, remove}}``."""
    ordered = Cluster(**{**_fields(cluster), "counts": definition["counts"]}).nodes()
    out = {}
    for count_field, role, _, _ in POOLS:
        before, after = definition["counts"][count_field], cluster.counts[count_field]
        if before != after:
            was = {n.name for n in ordered if n.role == role}
            now = {n.name for n in nodes if n.role == role}
            out[count_field] = {
                "ordered": before,
                "now": after,
                "add": sorted(now - was, key=_index),
                "remove": sorted(was - now, key=_index),
            }
    return out


def _index(name: str) -> int:
    return int(name.rsplit("-", 1)[1])


def _fields(cluster: Cluster) -> dict:
    return {k: getattr(cluster, k) for k in cluster.__dataclass_fields__}


def resources_of(cluster: Cluster, bootstrap: bool = True) -> list[dict]:
    """Every OpenStack resource of the stack at the cluster's counts, creation order
    (``bootstrap``: with the temporary bootstrap machine)."""
    c, ext = cluster, cluster.external_network
    out: list[dict] = [
        {"name": c.network, "type": "OS::Neutron::Net"},
        {"name": c.resource("subnet"), "type": "OS::Neutron::Subnet", "network": c.network, "cidr": c.machine_cidr},
        {"name": c.resource("router"), "type": "OS::Neutron::Router", "external_network": ext},
        {
            "name": c.resource("router-interface"),
            "type": "OS::Neutron::RouterInterface",
            "subnet": c.resource("subnet"),
        },
        {"name": c.resource("master"), "type": "OS::Neutron::SecurityGroup", "rules": len(MASTER_RULES)},
        {"name": c.resource("worker"), "type": "OS::Neutron::SecurityGroup", "rules": len(WORKER_RULES)},
    ]
    for what, vip, sg in (("api", c.api_vip, "master"), ("ingress", c.ingress_vip, "worker")):
        out += [
            {
                "name": c.resource(f"{what}-port"),
                "type": "OS::Neutron::Port",
                "network": c.network,
                "fixed_ip": vip,
                "security_group": c.resource(sg),
            },
            {
                "name": c.resource(f"{what}-fip"),
                "type": "OS::Neutron::FloatingIP",
                "external_network": ext,
                "port": c.resource(f"{what}-port"),
            },
        ]
    out += [
        {"name": c.resource(g), "type": "OS::Nova::ServerGroup", "policy": SERVER_GROUP_POLICY}
        for g in ("masters", "infra", "workers")
    ]
    for node in cluster.nodes(bootstrap=bootstrap):
        out += _node(cluster, node)
    return out


def _node(cluster: Cluster, node) -> list[dict]:
    sg = cluster.resource("master" if node.role in ("master", "bootstrap") else "worker")
    port = {"name": f"{node.name}-port", "type": "OS::Neutron::Port", "network": node.network, "security_group": sg}
    server = {
        "name": node.name,
        "type": "OS::Nova::Server",
        "role": node.role,
        "flavor": node.flavor,
        "image": cluster.image,
        "network": node.network,
        "port": port["name"],
        "group": node.group,
        "baremetal": node.baremetal,
    }
    out = [port]
    if cluster.kuryr_enabled and cluster.kuryr is not None and not node.temporary:
        out.append(
            {
                "name": f"{node.name}-trunk",
                "type": "OS::Neutron::Trunk",
                "port": port["name"],
                "ports_pool_driver": cluster.kuryr["pool_driver"],
            }
        )
    if node.temporary:
        server["temporary"] = True
        out += [
            server,
            {
                "name": cluster.resource("bootstrap-fip"),
                "type": "OS::Neutron::FloatingIP",
                "external_network": cluster.external_network,
                "port": port["name"],
                "temporary": True,
            },
        ]
        return out
    return out + [server]
