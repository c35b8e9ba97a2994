"""The TOSCA service template being built from ETSI descriptors, and the small readers
every element module shares.

:class:`Builder` collects the TOSCA Simple Profile in YAML 1.3 node templates the
element modules make, the inputs, the placement policies of the ``site`` keys, the
translation report and the problems; :meth:`Builder.finish` gives each network the subnet
of its IFA 011 §7.1.7.2 VnfVirtualLinkDesc / IFA 014 §6.5.2 NsVirtualLinkDesc (or an
input CIDR), :meth:`Builder.text` writes the template. Identifiers (``vduId``,
``cpdId``..., IFA 011 §7.1.6.2) become node names through :func:`ident`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any, TypeAlias, TypeGuard

from ..doc import Doc
from ..errors import Problem, TranslationError
from ..tosca_loader import PLACEMENT_POLICY, PROFILE_URL, slug
from ..yamlout import dump

#: An element's identifier as the descriptor writes it (``vduId``, ``cpdId``...): IFA 011 says
#: a string, YAML may give a number, a missing one is None. Indexes are keyed by it.
Ident: TypeAlias = Hashable

VM = "rdcl.nodes.Compute.VM"
BARE_METAL = "rdcl.nodes.Compute.BareMetal"
POD = "rdcl.nodes.Container.Application"
NETWORK = "tosca.nodes.network.Network"
PORT = "tosca.nodes.network.Port"
#: The nested-VDU value of ``vduParent`` that means bare metal (the designer's schema:
#: ``null`` is no parent at all).
BARE_METAL_PARENT = "None"
#: Values that mean "not filled in" (RDCL 3D templates leave them).
EMPTY: tuple[object, ...] = (None, "", [], {})


class Builder:
    """Node templates, inputs and policies being made, and what was found on the way."""

    def __init__(self, nested: dict[str, Any]):
        self.nested = nested
        self.nodes: dict[str, Doc] = {}
        self.inputs: dict[str, Doc] = {}
        self.sites: dict[str, list[str]] = {}
        self.report: list[str] = []
        self.problems: list[Problem] = []
        self.origins: dict[str, str] = {}
        self.levels: dict[str, dict[str, int]] = {}
        self.level_ids: list[str] = []
        self.default_level: str | None = None
        self.vms: dict[str, tuple[str, str, str]] = {}
        self.l3: dict[str, Doc] = {}  # network node -> subnet properties from the descriptor

    def problem(self, path: str, rule: str, message: str) -> None:
        self.problems.append(Problem(path, rule, message))

    def raise_problems(self) -> None:
        if self.problems:
            raise TranslationError("descriptors", self.problems)

    def add(self, name: str, template: Doc, origin: str) -> str:
        if name in self.nodes:
            self.problem(origin, "etsi.duplicate-node", f"TOSCA node {name!r} is also made from {self.origins[name]}")
        self.nodes[name] = template
        self.origins[name] = origin
        return name

    def place(self, node: str, site: Any) -> None:
        if isinstance(site, str) and site:
            self.sites.setdefault(site, []).append(node)

    def finish(self) -> None:
        """Networks: a subnet where VM ports are on them; none where nothing is."""
        linked: dict[str, str] = {}
        for tpl in self.nodes.values():
            for req in tpl.get("requirements", []):
                for key, target in req.items():
                    if key in ("link", "virtual_link"):
                        linked[target] = "port" if key == "link" or linked.get(target) == "port" else "pod"
        k = 0
        for name in [n for n, t in self.nodes.items() if t["type"] == NETWORK]:
            if name not in linked:
                self.report.append(f"{self.origins[name]}: no connection point is on it: no network made")
                del self.nodes[name]
                continue
            props = self.nodes[name].setdefault("properties", {})
            props.update(self.l3.get(name, {}))
            if linked[name] == "port" and "cidr" not in props:
                self.inputs[f"{name}_cidr"] = {
                    "type": "string",
                    "default": f"172.{16 + k // 256}.{k % 256}.0/24",
                    "description": f"subnet of {self.origins[name]} (no L3ProtocolData in the descriptor)",
                }
                props["cidr"] = {"get_input": f"{name}_cidr"}
                self.report.append(
                    f"{self.origins[name]}: no L3ProtocolData: the subnet CIDR is the input "
                    f"{name}_cidr (default {self.inputs[f'{name}_cidr']['default']})"
                )
                k += 1
            if linked[name] == "port":
                props.setdefault("network_name", name)
            if not props:
                del self.nodes[name]["properties"]

    def levels_out(self) -> Doc:
        if not self.levels:
            return {}
        return {"ids": list(self.level_ids), "default": self.default_level, "nodes": dict(self.levels)}

    def text(self, name: str) -> str:
        topology: Doc = {}
        if self.inputs:
            topology["inputs"] = self.inputs
        topology["node_templates"] = self.nodes
        if self.sites:
            topology["policies"] = [
                {
                    f"placement_{slug(site).replace('-', '_')}": {
                        "type": PLACEMENT_POLICY,
                        "properties": {"site": site},
                        "targets": nodes,
                    }
                }
                for site, nodes in self.sites.items()
            ]
        doc = {
            "tosca_definitions_version": "tosca_simple_yaml_1_3",
            "description": f"Translated by rdcl-nfvo from the ETSI NFV descriptors of {name}.",
            "metadata": {"template_name": name, "template_author": "rdcl-nfvo (from ETSI NFV-IFA 011/014)"},
            "imports": [PROFILE_URL],
            "topology_template": topology,
        }
        return dump(doc)


def ident(value: Any) -> str:
    """A TOSCA node name part: letters, digits, ``_`` and ``-``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(value)).strip("_") or "x"


def ok(value: object) -> TypeGuard[str]:
    """A non-empty string (an identifier or a name that was filled in)."""
    return isinstance(value, str) and value != ""


def indexed(data: Doc, key: str) -> list[tuple[int, Doc]]:
    """The dicts of the list ``data[key]`` with their index in it (anything else skipped)."""
    value = data.get(key)
    return [(i, v) for i, v in enumerate(value if isinstance(value, list) else []) if isinstance(v, dict)]
