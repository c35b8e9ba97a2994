"""OpenStack sites: the site's Heat nodes become one HOT stack (heat-translator), applied by
the ``heat_stack`` role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import heat_fit, hot
from ..doc import Doc
from ..heat_fit import SITE_NETWORK, SITE_VARIABLES
from ..levels import heat_scale_vars, vm_scaling
from ..validate import hot_problems, load_yaml
from .base import SiteKind

if TYPE_CHECKING:
    from ..model import ServiceModel
    from ..placement import Part
    from ..relations import Relations
    from ..translate import Translation

#: The end of a Heat stack's name: the service instance the job runs for (``rdcl_instance``, which
#: the orchestrator's runner sets), so two instances of one service on one site hold two stacks, and
#: deleting one leaves the other's; a run without it (by hand) uses the service's name alone.
INSTANCE_SUFFIX = "{{ ('-' ~ rdcl_instance) if rdcl_instance is defined else '' }}"


class OpenStack(SiteKind):
    """An OpenStack cloud: Heat nodes (VMs, networks, ports...) are one stack per service."""

    name = "openstack"
    roles = ("stack",)
    driver = "heat_stack"

    def translate_part(
        self, model: ServiceModel, part: Part, result: Translation, rel: Relations, labels: dict[str, Doc]
    ) -> Doc:
        """``templates/<site>/stack.yaml`` (and its nested files) from
        :func:`translators.hot.translate_site`; the site files add ``site_network``,
        ``site_parameters`` and ``flavor_sizes`` (see :meth:`group_vars`)."""
        sizes: dict[str, dict[str, int]] = {}
        hot_files, resources = hot.translate_site(model, part.nodes, labels, result.report, sizes)
        for name, text in hot_files.items():
            result.files[f"templates/{part.site}/{name}"] = text
        declared = (load_yaml(hot_files["stack.yaml"]) or {}).get("parameters") or {}
        return {
            "templates": [f"templates/{part.site}/stack.yaml"],
            "resources": resources,
            "site_network": hot.SITE_NETWORK in declared,
            "site_parameters": [p for p in heat_fit.SITE_PARAMETERS if p in declared],
            "flavor_sizes": {p: sizes[p] for p in sorted(sizes) if p in declared},
        }

    def group_vars(self, model: ServiceModel, part: Part, site_files: Doc) -> Doc:
        """The ``heat_stack_*`` variables. The stack is named ``<service>-<site>-<instance>``
        (:data:`INSTANCE_SUFFIX`). ``site_files``: ``resources`` and ``site_parameters`` (the
        HOT parameters of :data:`translators.heat_fit.SITE_PARAMETERS` the template declares,
        filled from the site's ``os_network``/``os_flavor``/``os_image``;
        ``heat_stack_site_variables`` names those variables so the apply stops when the site
        lacks one; ``site_network`` alone is the older form of ``[rdcl_network]``;
        ``flavor_sizes``: ``{HOT parameter: {vcpus, ram, disk}}``, which become
        ``heat_stack_flavor_sizes``, the role filling each parameter with the site's smallest
        flavor of that size)."""
        parameters = {i.name: "{{ %s }}" % i.name for i in model.inputs}
        network: Doc = {}
        wanted = list(site_files.get("site_parameters") or ([SITE_NETWORK] if site_files.get("site_network") else []))
        for param in wanted:
            parameters[param] = "{{ %s | default('') }}" % SITE_VARIABLES[param]
        if SITE_NETWORK in wanted:
            network["heat_stack_site_network"] = True
        if wanted:
            network["heat_stack_site_variables"] = [SITE_VARIABLES[p] for p in wanted]
        if site_files.get("flavor_sizes"):  # filled by the role at apply (never a template of a name)
            network["heat_stack_flavor_sizes"] = site_files["flavor_sizes"]
        return {
            "heat_stack_name": f"{model.name}-{part.site}".replace("_", "-") + INSTANCE_SUFFIX,
            "heat_stack_template": f"templates/{part.site}/stack.yaml",
            "heat_stack_parameters": parameters,
            "heat_stack_resources": site_files["resources"],
            **network,
            **_heat_scale(model, part, site_files["resources"]),
        }

    def plan_problems(self, text: str, values: Doc, k8s_version: str) -> list[str]:
        """The HOT's structure (:func:`translators.validate.hot_problems`); values are the stack's parameters."""
        return hot_problems(text)


def _heat_scale(model: ServiceModel, part: Part, resources: list[Doc]) -> Doc:
    """The VM counts ``scale.yml`` sets on an OpenStack site
    (:func:`translators.levels.heat_scale_vars`: ``heat_stack_scale_params``,
    ``heat_stack_scale_levels``, ``heat_stack_scale_aspects``, ``heat_stack_scale_unreachable``), for the VDUs
    of ``part`` whose count the site's HOT carries as a parameter (its AutoScalingGroup or
    ResourceGroup is among ``resources``); plus ``heat_stack_scale_level_ids``, every level
    of the service, for messages. ``{}`` when the site has nothing to scale."""
    held = {(r["name"], r["type"]) for r in resources}
    out = heat_scale_vars(
        [s for s in vm_scaling(model).values() if s.vdu in part.nodes and (s.carrier, s.carrier_type) in held]
    )
    if out:
        out["heat_stack_scale_level_ids"] = list(model.levels.get("ids") or [])
    return out


KIND = OpenStack()
