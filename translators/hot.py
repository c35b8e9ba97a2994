"""VM parts to Heat Orchestration Templates with heat-translator's ``TOSCATranslator``.

The descriptor is parsed once; for each OpenStack site, heat-translator gets a shallow
view of the parsed template holding only that site's node templates, the policies that
target only them and the outputs that read only them.
With one OpenStack site and no containers the view is the whole template, so the HOT is
exactly heat-translator's, byte for byte.

Nested VDUs: a VM that pods are nested in (or a bare-metal server pods ask for) gets
the Kubernetes node labels and taints its node must carry as OS::Nova::Server
``metadata`` (see :mod:`translators.k8s.scheduling`), written into heat-translator's
text at that server only; every other byte stays heat-translator's.
"""
from __future__ import annotations

import copy
import re

import yaml

from .errors import Problem, TranslationError
from .model import ServiceModel
from .tosca_loader import PLACEMENT_POLICY, heat_supports, quiet_libraries


class _DeferredInputs(dict):
    """Dialog values arrive at run time: every input is 'known' to heat-translator's
    input check (``_resolve_input`` indexes the dict) but none is given, so each HOT
    parameter keeps the descriptor's default, or none. Built from the model's
    ``params``, those values are given (heat-translator's ``--parameters``)."""

    def __missing__(self, key):
        return None


def translate_site(model: ServiceModel, node_names: list[str],
                   node_labels: dict[str, dict] | None = None) -> tuple[dict[str, str], list[dict]]:
    """HOT files for the Heat nodes ``node_names`` of ``model``: ``stack.yaml`` and the
    nested templates it uses (scaling groups), file name -> YAML text; and the
    ``[{name, type}]`` resources of ``stack.yaml`` (what the stack creates).

    ``node_labels`` (``{server: {"labels": {...}, "taints": [...]}}``, from
    :func:`translators.k8s.scheduling.node_labels`; computed from ``model`` when None)
    become the ``metadata`` of those servers.

    Follows heat-translator's mapping (tosca.nodes.Compute -> OS::Nova::Server, Network ->
    OS::Neutron::Net + Subnet, Port -> OS::Neutron::Port, BlockStorage -> OS::Cinder::Volume,
    scaling policies -> OS::Heat::AutoScalingGroup/ScalingPolicy).

    :raises TranslationError: heat-translator fails on one of the nodes (the nodes and
        its error are named), or what it produced fails the HOT structural check.
    """
    from translator.hot.tosca_translator import TOSCATranslator

    quiet_libraries()
    view = _site_view(model.tosca, set(node_names))
    try:
        files = TOSCATranslator(view, _DeferredInputs(model.params)).translate_to_yaml_files_dict("stack.yaml")
    except Exception as exc:  # heat-translator raises bare Exceptions too
        raise TranslationError(model.source, [Problem(
            "topology_template.node_templates", f"heat-translator.{type(exc).__name__}",
            f"cannot translate {', '.join(node_names)} to HOT: {_stable(exc)}")]) from None
    from .validate import hot_problems, load_yaml

    if node_labels is None:
        from .k8s.scheduling import node_labels as labels_of
        from .relations import Relations

        node_labels = labels_of(model, Relations.of(model))
    wanted = {s: server_metadata(v) for s, v in node_labels.items() if s in node_names}
    files = _add_metadata(files, wanted)
    files["stack.yaml"] = _add_outputs(files["stack.yaml"], wanted)
    problems, parsed = [], {}
    for name, text in sorted(files.items()):
        try:
            parsed[name] = load_yaml(text)
        except yaml.YAMLError as exc:
            problems.append(Problem("topology_template", "hot.yaml", f"{name}: {' '.join(str(exc).split())}"))
            continue
        problems += [Problem("topology_template", "hot.structure", f"{name}: {p}")
                     for p in hot_problems(parsed[name], nested=name != "stack.yaml")]
    problems += _ensure_metadata(files, parsed, wanted)
    if problems:
        raise TranslationError(model.source, problems)
    return files, resources(parsed["stack.yaml"])


def server_metadata(node: dict) -> dict[str, str]:
    """Nova server metadata for one entry of ``node_labels``: the labels, and the taints
    as ``key=value:Effect`` joined by commas under :data:`~translators.k8s.scheduling.TAINTS_METADATA`."""
    from .k8s.scheduling import TAINTS_METADATA

    meta = dict(node["labels"])
    if node.get("taints"):
        meta[TAINTS_METADATA] = ",".join(node["taints"])
    return meta


def _add_metadata(files: dict[str, str], wanted: dict[str, dict]) -> dict[str, str]:
    """Insert ``metadata`` under ``properties`` of each wanted server in heat-translator's
    text (two-space indents, ``type`` then ``properties``); other bytes stay as they are.
    A server whose block is not found that way is left for :func:`_ensure_metadata`."""
    files = dict(files)
    for server, meta in sorted(wanted.items()):
        anchor = f"\n  {server}:\n    type: OS::Nova::Server\n    properties:\n"
        for name in sorted(files, key=lambda n: (n != "stack.yaml", n)):
            at = files[name].find(anchor)
            if at < 0 or files[name].count(anchor) != 1:
                continue
            body = yaml.safe_dump(meta, default_flow_style=False, width=1000, sort_keys=True)
            block = "      metadata:\n" + "".join(f"        {line}\n" for line in body.splitlines())
            end = at + len(anchor)
            files[name] = files[name][:end] + block + files[name][end:]
            break
    return files


def _add_outputs(text: str, servers: dict) -> str:
    """Append an output naming each server of ``servers`` that is a resource of this
    stack (:func:`translators.k8s.scheduling.node_output`: ``get_attr [server, name]``)
    to heat-translator's ``outputs`` section, its last; other bytes stay. A layout that
    does not end with ``outputs`` is parsed, extended and written out again."""
    from .k8s.scheduling import node_output
    from .validate import load_yaml
    from .yamlout import dump

    if not servers:
        return text
    hot = load_yaml(text)
    mine = {node_output(s): {"description": f"name of server {s} (its Kubernetes node)",
                             "value": {"get_attr": [s, "name"]}}
            for s in sorted(servers) if ((hot.get("resources") or {}).get(s) or {}).get("type") == "OS::Nova::Server"}
    if not mine:
        return text
    block = "".join(f"  {line}\n" for line in dump(mine).splitlines())
    tops = re.findall(r"^([A-Za-z_]\w*):", text, re.M)
    if tops and tops[-1] == "outputs" and text.endswith("\n"):
        if text.endswith("\noutputs: {}\n"):
            return text[: -len("outputs: {}\n")] + "outputs:\n" + block
        if not (hot.get("outputs") or {}).keys() & mine.keys():
            return text + block
    hot["outputs"] = {**(hot.get("outputs") or {}), **mine}
    return dump(hot)


def _ensure_metadata(files: dict[str, str], parsed: dict[str, dict], wanted: dict[str, dict]) -> list[Problem]:
    """Check each wanted server got its metadata; where the text edit did not fit (a
    server that already has metadata, a layout :func:`_add_metadata` does not know), merge
    it into the parsed HOT and write that file out again. A server in no file is a problem."""
    from .yamlout import dump

    problems = []
    for server, meta in sorted(wanted.items()):
        holders = [name for name, hot in sorted(parsed.items())
                   if ((hot.get("resources") or {}).get(server) or {}).get("type") == "OS::Nova::Server"]
        if not holders:
            problems.append(Problem(f"topology_template.node_templates.{server}", "hot.server-metadata",
                                    "pods are nested in it but heat-translator's HOT has no OS::Nova::Server "
                                    "of that name to carry the node labels as metadata"))
            continue
        props = parsed[holders[0]]["resources"][server].setdefault("properties", {}) or {}
        current = props.get("metadata") if isinstance(props.get("metadata"), dict) else {}
        if {k: current.get(k) for k in meta} != meta:
            props["metadata"] = {**current, **meta}
            parsed[holders[0]]["resources"][server]["properties"] = props
            files[holders[0]] = dump(parsed[holders[0]])
    return problems


def _stable(exc: Exception) -> str:
    """An exception's text without object addresses (same input, same message)."""
    return re.sub(r" object at 0x[0-9a-fA-F]+", "", str(exc))


def _site_view(tosca, names: set[str]):
    view = copy.copy(tosca)
    topology = copy.copy(tosca.topology_template)
    view.nodetemplates = [n for n in tosca.nodetemplates if n.name in names]
    topology.nodetemplates = view.nodetemplates
    topology.policies = [p for p in tosca.topology_template.policies if policy_in_site(tosca, p, names)]
    view.policies = topology.policies
    view.topology_template = topology
    view.outputs = [o for o in tosca.outputs if _reads_only(o, names, tosca)]
    return view


def policy_in_site(tosca, policy, names: set[str]) -> bool:
    """True when heat-translator gets ``policy`` for the site holding nodes ``names``: it
    can map it and all its targets are among them (a policy on a group is not passed on:
    heat-translator 3.5 fails on some of them)."""
    return translatable_policy(policy) and set(policy.targets or []) <= names


def translated_outputs(model: ServiceModel, parts: list) -> set[str]:
    """Names of the TOSCA outputs that go into some OpenStack site's HOT."""
    kept = set()
    for part in parts:
        if part.kind == "openstack":
            names = set(part.nodes)
            kept |= {o.name for o in model.tosca.outputs if _reads_only(o, names, model.tosca)}
    return kept


def translatable_policy(policy) -> bool:
    """A policy heat-translator can map (placement policies are ours, for sites)."""
    return policy.type != PLACEMENT_POLICY and heat_supports(policy)


def _reads_only(output, names: set[str], tosca) -> bool:
    text = str(output.attrs.get("value"))
    others = {n.name for n in tosca.nodetemplates} - names
    return not any(re.search(rf"\b{re.escape(o)}\b", text) for o in others)


def resources(hot: dict) -> list[dict]:
    """``[{name, type}]`` of a parsed HOT, for plan reports (what would be created)."""
    return [{"name": k, "type": v.get("type")} for k, v in sorted((hot.get("resources") or {}).items())]
