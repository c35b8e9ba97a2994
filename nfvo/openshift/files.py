"""A cluster's committed definition: render the files, and check them.

``clusters/<cluster_name>/`` inside the item's folder holds (no secret in any of them):

* ``stack.yaml`` (+ ``node.yaml``, and ``node_trunk.yaml`` with Kuryr): the Heat stack;
* ``parameters.yaml``: the stack's parameters as ordered (Heat environment format);
* ``install-config.yaml``: pull secret and SSH key as placeholders;
* ``manifests/cluster-network-03-config.yml``: Kuryr only (port pools);
* ``inventory.yml``: the machines, by role;
* ``cluster.json``: everything above in one place, as the playbooks and plans read it.
"""

from __future__ import annotations

import json

import yaml

from translators.validate import hot_problems, load_yaml

from . import hot
from .cluster import Cluster
from .install_config import install_config, network_config, schema_problems
from .inventory import inventory

STACK, NODE, TRUNK_NODE = "stack.yaml", hot.NODE_TEMPLATE, hot.TRUNK_NODE_TEMPLATE
PARAMETERS, INSTALL_CONFIG = "parameters.yaml", "install-config.yaml"
INVENTORY, DEFINITION = "inventory.yml", "cluster.json"
NETWORK_CONFIG = "manifests/cluster-network-03-config.yml"


def folder(cluster_name: str) -> str:
    """Where a cluster's files live inside the item's folder."""
    return f"clusters/{cluster_name}"


def _yaml(doc: dict, header: str = "") -> str:
    return header + yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=120)


def render(cluster: Cluster) -> dict[str, str]:
    """``{path inside the cluster folder: text}``."""
    head = f"# OpenShift cluster {cluster.fqdn} on OpenStack site {cluster.site}: written by rdcl-nfvo at order time.\n"
    files = {
        STACK: _yaml(hot.stack(cluster), head),
        NODE: _yaml(hot.node(), head),
        PARAMETERS: _yaml({"parameters": hot.parameters(cluster)}, head),
        INSTALL_CONFIG: _yaml(install_config(cluster), head + "# pullSecret and sshKey are put in at run time.\n"),
        INVENTORY: _yaml(inventory(cluster), head),
        DEFINITION: json.dumps(cluster.definition(), indent=2, sort_keys=True) + "\n",
    }
    if cluster.kuryr_enabled:
        files[TRUNK_NODE] = _yaml(hot.node(trunk=True), head)
        network = network_config(cluster)
        if network is not None:
            files[NETWORK_CONFIG] = _yaml(network, head)
    return files


def problems(files: dict[str, str]) -> list[str]:
    """``<file>: <problem>`` for each file that does not validate (empty: all good).

    HOT: :func:`translators.validate.hot_problems` (structure and references);
    install-config and the Kuryr manifest: their JSON Schemas (``schemas/``); inventory:
    its schema, and one host per machine of the definition.
    """
    out = []
    for name in (STACK, NODE, TRUNK_NODE):
        if name in files:
            out += [f"{name}: {p}" for p in hot_problems(files[name], nested=name != STACK)]
    for name, schema in (
        (INSTALL_CONFIG, "install-config"),
        (NETWORK_CONFIG, "network-config"),
        (INVENTORY, "inventory"),
    ):
        if name in files:
            out += [f"{name}: {p}" for p in _checked_yaml(files[name], schema)]
    if INVENTORY in files and DEFINITION in files and not out:
        out += _inventory_matches(load_yaml(files[INVENTORY]), json.loads(files[DEFINITION]))
    missing = [n for n in (STACK, NODE, PARAMETERS, INSTALL_CONFIG, INVENTORY, DEFINITION) if n not in files]
    return out + [f"{n}: missing" for n in missing]


def _checked_yaml(text: str, schema: str) -> list[str]:
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        return [f"not YAML: {' '.join(str(exc).split())}"]
    return schema_problems(schema, doc)


def _inventory_matches(inv: dict, definition: dict) -> list[str]:
    counts = definition["counts"]
    expected = {
        "bootstrap": 1,
        "masters": counts["master_count"],
        "infra": counts["infra_count"],
        "workers": counts["worker_count"],
        "baremetal_workers": counts["baremetal_worker_count"],
    }
    children = inv["all"]["children"]
    return [
        f"{INVENTORY}: group {group} has {len(children[group]['hosts'])} hosts, the cluster {want}"
        for group, want in expected.items()
        if len(children[group]["hosts"]) != want
    ]


def read(folder_path) -> dict[str, str]:
    """The committed files of a cluster folder (a :class:`pathlib.Path`), as :func:`render` gives them."""
    return {str(p.relative_to(folder_path)): p.read_text() for p in sorted(folder_path.rglob("*")) if p.is_file()}
