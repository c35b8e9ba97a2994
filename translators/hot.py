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
from .tosca_loader import PLACEMENT_POLICY, quiet_libraries


class _DeferredInputs(dict):
    """Dialog values arrive at run time: every input is 'known' to heat-translator's
    input check (``_resolve_input`` indexes the dict) but none is given, so each HOT
    parameter keeps the descriptor's default, or none."""

    def __missing__(self, key):
        return None


def translate_site(model: ServiceModel, node_names: list[str]) -> str:
    """HOT (YAML text) for the Heat nodes ``node_names`` of ``model``.

    Follows heat-translator's mapping (tosca.nodes.Compute -> OS::Nova::Server, Network ->
    OS::Neutron::Net + Subnet, Port -> OS::Neutron::Port, BlockStorage -> OS::Cinder::Volume,
    scaling policies -> OS::Heat::AutoScalingGroup/ScalingPolicy).

    :raises TranslationError: heat-translator fails on one of the nodes (the node and
        its error are named), or it needs a nested template (not supported yet).
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
    nested = sorted(set(files) - {"stack.yaml"})
    if nested:
        raise TranslationError(model.source, [Problem(
            "topology_template.policies", "heat-translator.nested-template",
            f"the translation needs nested templates {nested}; not supported yet")])
    return files["stack.yaml"]


def _site_view(tosca, names: set[str]):
    view = copy.copy(tosca)
    topology = copy.copy(tosca.topology_template)
    view.nodetemplates = [n for n in tosca.nodetemplates if n.name in names]
    topology.nodetemplates = view.nodetemplates
    topology.policies = [p for p in tosca.topology_template.policies
                         if p.type != PLACEMENT_POLICY and set(p.targets or []) <= names]
    view.policies = topology.policies
    view.topology_template = topology
    view.outputs = [o for o in tosca.outputs if _reads_only(o, names, tosca)]
    return view


def _reads_only(output, names: set[str], tosca) -> bool:
    text = str(output.attrs.get("value"))
    others = {n.name for n in tosca.nodetemplates} - names
    return not any(re.search(rf"\b{re.escape(o)}\b", text) for o in others)


def resources(hot_text: str) -> list[dict]:
    """``[{name, type}]`` of a HOT, for plan reports (what would be created)."""
    hot = yaml.safe_load(hot_text) or {}
    return [{"name": k, "type": v.get("type")} for k, v in sorted((hot.get("resources") or {}).items())]
