"""VM parts to Heat Orchestration Templates with heat-translator's ``TOSCATranslator``.

The descriptor is parsed once; for each OpenStack site, heat-translator gets a shallow
view of the parsed template holding only that site's node templates, the policies that
target only them and the outputs that read only them. With one OpenStack site and no
containers the view is the whole template, so the HOT is exactly heat-translator's.
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
    parameter keeps the descriptor's default, or none."""

    def __missing__(self, key):
        return None


def translate_site(model: ServiceModel, node_names: list[str]) -> tuple[dict[str, str], list[dict]]:
    """HOT files for the Heat nodes ``node_names`` of ``model``: ``stack.yaml`` and the
    nested templates it uses (scaling groups), file name -> YAML text; and the
    ``[{name, type}]`` resources of ``stack.yaml`` (what the stack creates).

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
        files = TOSCATranslator(view, _DeferredInputs()).translate_to_yaml_files_dict("stack.yaml")
    except Exception as exc:  # heat-translator raises bare Exceptions too
        raise TranslationError(model.source, [Problem(
            "topology_template.node_templates", f"heat-translator.{type(exc).__name__}",
            f"cannot translate {', '.join(node_names)} to HOT: {exc}")]) from None
    from .validate import hot_problems, load_yaml

    problems, parsed = [], {}
    for name, text in sorted(files.items()):
        try:
            parsed[name] = load_yaml(text)
        except yaml.YAMLError as exc:
            problems.append(Problem("topology_template", "hot.yaml", f"{name}: {' '.join(str(exc).split())}"))
            continue
        problems += [Problem("topology_template", "hot.structure", f"{name}: {p}")
                     for p in hot_problems(parsed[name], nested=name != "stack.yaml")]
    if problems:
        raise TranslationError(model.source, problems)
    return files, resources(parsed["stack.yaml"])


def _site_view(tosca, names: set[str]):
    view = copy.copy(tosca)
    topology = copy.copy(tosca.topology_template)
    view.nodetemplates = [n for n in tosca.nodetemplates if n.name in names]
    topology.nodetemplates = view.nodetemplates
    topology.policies = [p for p in tosca.topology_template.policies
                         if translatable_policy(p) and set(p.targets or []) <= names]
    view.policies = topology.policies
    view.topology_template = topology
    view.outputs = [o for o in tosca.outputs if _reads_only(o, names, tosca)]
    return view


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
