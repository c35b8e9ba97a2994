"""Linux sites (the C-RAN "just a linux server" case): each container is a process started
from its ``command`` under ``rdcl_root``, by the ``linux_service`` role, one task per node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..doc import Doc
from ..errors import Problem
from ..k8s.config import file_problems
from ..literal import plain_text
from ..varnames import IDENTIFIER
from .base import SiteKind, at, containers

if TYPE_CHECKING:
    from ..model import NodeModel, ServiceModel
    from ..placement import Part
    from ..relations import Relations
    from ..translate import Translation

#: Container properties that only pods use, and what a linux site does instead.
POD_ONLY = (
    "image",
    "num_cpus",
    "mem_size",
    "min_replicas",
    "max_replicas",
    "target_cpu_utilization",
    "files_path",
    "service_type",
    "vdu_parent",
)


class Linux(SiteKind):
    """A Linux server: containers are processes (no image, no pods); it does not scale."""

    name = "linux"
    roles = ("container",)
    driver = "linux_service"
    scales = False

    def translate_part(
        self, model: ServiceModel, part: Part, result: Translation, rel: Relations, labels: dict[str, Doc]
    ) -> Doc:
        """No template: one ``process`` resource per node."""
        return {"templates": [], "resources": [{"name": n, "type": "process"} for n in part.nodes]}

    def group_vars(self, model: ServiceModel, part: Part, site_files: Doc) -> Doc:
        """``rdcl_nodes``: ``{node: {name, dir, files, command, environment, port}}``."""
        return {"rdcl_nodes": {n: _linux_node(model, n) for n in part.nodes}}

    def tasks(self, part: Part, state: str) -> list[Doc] | None:
        """One ``linux_service`` task per node (in reverse to remove, then the service folder)."""
        nodes = part.nodes if state == "present" else list(reversed(part.nodes))
        keys = ("name", "dir", "files", "command", "environment", "port")
        cleanup = (
            []
            if state == "present"
            else [
                {
                    "name": "Remove the service folder",
                    "ansible.builtin.file": {"path": "{{ rdcl_root }}/{{ rdcl_service }}", "state": "absent"},
                }
            ]
        )
        return [
            {
                "name": f"{'Deploy' if state == 'present' else 'Remove'} {n}",
                "ansible.builtin.include_role": {"name": "linux_service"},
                "vars": {
                    "linux_service_state": state,
                    **{f"linux_service_{k}": "{{ rdcl_nodes.%s.%s }}" % (n, k) for k in keys},
                },
            }
            for n in nodes
        ] + cleanup

    def part_problems(self, model: ServiceModel, part: Part) -> list[Problem]:
        """A process needs a command, and its name is a variable name in the playbooks."""
        problems = []
        for name, node in containers(model, part):
            if not IDENTIFIER.match(name):
                problems.append(
                    at(
                        name,
                        "container.name",
                        f"placed on linux site {part.site!r}: its name is a variable name in the "
                        "playbooks, so it must be an identifier (ASCII letters, digits, '_')",
                    )
                )
            if not node.properties.get("command"):
                problems.append(
                    at(name, "container.command", f"placed on linux site {part.site!r} but has no command to start")
                )
            problems += [at(name, "container.files", p) for p in file_problems(node) if p.startswith("file ")]
        return problems

    def node_report(self, node: NodeModel) -> list[str]:
        """What a process ignores of a container: pod-only properties (:data:`POD_ONLY`),
        replicas, nesting, links and scaling."""
        props = node.properties
        ignored = [p for p in POD_ONLY if props.get(p) is not None]
        if props.get("replicas", 1) != 1:
            ignored.append("replicas (one process)")
        if node.parent and "vdu_parent" not in ignored:
            ignored.append(f"nesting in {node.parent}")
        if node.bare_metal:
            ignored.append("vdu_parent_bare_metal")
        if node.links:
            ignored.append("virtual_link")
        if node.scaling.get("policy"):
            ignored.append(f"scaling policy {node.scaling['policy']}")
        if not ignored:
            return []
        return [
            f"{node.name}: on linux site {node.site} ignores {', '.join(ignored)}: a process on a plain "
            "server has no image, pods, resources or network policy"
        ]


def _linux_node(model: ServiceModel, name: str) -> Doc:
    """A linux process's variables. Property values are template text (descriptor text
    escaped, :mod:`translators.literal`); the keys of ``files`` and ``environment`` are given
    back as written, since Ansible renders the values of a map, never its keys."""
    props = model.nodes[name].properties
    ports = props.get("ports") or []
    return {
        "name": f"rdcl-{model.name}-{name}".replace("_", "-"),
        "dir": "{{ rdcl_root }}/%s/%s" % (model.name, name),
        "files": _plain_keys(props.get("files") or {}),
        "command": [str(a) for a in props.get("command") or []],
        "environment": _plain_keys(props.get("environment") or {}),
        "port": ports[0] if ports else None,
    }


def _plain_keys(value: Any) -> Any:
    return (
        {plain_text(k) if isinstance(k, str) else k: v for k, v in value.items()} if isinstance(value, dict) else value
    )


KIND = Linux()
