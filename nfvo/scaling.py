"""The ``scale`` operation of a translated service as its catalogue item offers it.

A translation says what its ``scale.yml`` may be asked for (``service.json`` ``scaling``,
:func:`translators.levels.offer`): the service's instantiation levels (ETSI GS NFV-SOL 001
§6.10) and its scaling aspects with their ``max_scale_level``. :func:`dialog` turns that
offer into the JSON Schema (Draft 2020-12) of the item's ``scale`` parameters, so the API
refuses a level or an aspect step the item does not have (:func:`nfvo.dialog.check`);
:func:`choices` reads the schema back for the instance page, which offers them as choices
(:mod:`nfvo.views`); :func:`current` says where an instance was last scaled to.
"""

from __future__ import annotations

from typing import Any

#: A scale dialog for an item whose service says nothing of its levels (a ``service.json``
#: written before ``scaling`` existed): names the roles check against the service
#: (:mod:`translators.levels`, the heat_stack and k8s_apply roles' scale tasks).
FREE_DIALOG: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "scale_level": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_.:-]{1,100}$",
            "description": "an instantiation level of the service",
        },
        "scale_aspect": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_.:-]{1,100}$",
            "description": "a scaling aspect (with scale_steps)",
        },
        "scale_steps": {
            "type": "integer",
            "minimum": 0,
            "maximum": 10000,
            "description": "the aspect's scale level: its initial delta plus this many steps",
        },
    },
    "dependentRequired": {"scale_aspect": ["scale_steps"], "scale_steps": ["scale_aspect"]},
}

NAMES = ("scale_level", "scale_aspect", "scale_steps")


def dialog(offer: dict | None) -> dict:
    """The JSON Schema of the ``scale`` parameters for ``offer`` (``{"levels": [ids],
    "default": id or None, "aspects": {name: {"max_scale_level": N}}}``; None:
    :data:`FREE_DIALOG`). A level is one of ``levels`` (``examples`` holds the default);
    an aspect is one of ``aspects`` with ``scale_steps`` 0..its ``max_scale_level``
    (``if``/``then`` per aspect); both given, the aspect's step counts win over the level's
    (the heat_stack role's scale tasks combine them in that order). An
    offer with neither gives a schema without fields: there is nothing to scale to."""
    if offer is None:
        return FREE_DIALOG
    props: dict[str, Any] = {}
    levels = [str(i) for i in offer.get("levels") or []]
    aspects = {str(k): int((v or {}).get("max_scale_level") or 0) for k, v in (offer.get("aspects") or {}).items()}
    if levels:
        props["scale_level"] = {
            "type": "string",
            "title": "Instantiation level",
            "enum": levels,
            "description": "every part of the service moves to its count at this level",
        }
        if offer.get("default") in levels:
            props["scale_level"]["examples"] = [offer["default"]]
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": props,
    }
    if aspects:
        props["scale_aspect"] = {"type": "string", "title": "Scaling aspect", "enum": sorted(aspects)}
        props["scale_steps"] = {
            "type": "integer",
            "title": "Scale level of the aspect",
            "minimum": 0,
            "maximum": max(aspects.values()),
            "description": "0 is the aspect's initial delta; each step adds its delta",
        }
        # as if/then rather than dependentRequired: a missing field is then named (nfvo.dialog.check)
        schema["allOf"] = [
            {
                "if": {"properties": {"scale_aspect": {"const": name}}, "required": ["scale_aspect"]},
                "then": {"properties": {"scale_steps": {"maximum": top}}, "required": ["scale_steps"]},
            }
            for name, top in sorted(aspects.items())
        ] + [{"if": {"required": ["scale_steps"]}, "then": {"required": ["scale_aspect"]}}]
    return schema


def choices(schema: dict | None) -> dict | None:
    """What the instance page offers for a scale schema made by :func:`dialog` from an
    offer: ``{"levels": [ids], "default": id or None, "aspects": [{"name", "max"}]}``
    (both empty: nothing to scale to); None for any other schema (:data:`FREE_DIALOG`, an
    item's own), which the page shows as a form of its fields."""
    if not isinstance(schema, dict):
        return None
    props = schema.get("properties")
    if not isinstance(props, dict) or not set(props) <= set(NAMES):
        return None
    if not all(isinstance(p, dict) for p in props.values()):
        return None
    level, aspect = props.get("scale_level"), props.get("scale_aspect")
    if (level is not None and not isinstance(level.get("enum"), list)) or (
        aspect is not None and not isinstance(aspect.get("enum"), list)
    ):
        return None
    if ("scale_steps" in props) != (aspect is not None):
        return None
    tops = {}  # aspect -> its max steps, from the if/then rules dialog() writes
    for rule in schema.get("allOf") or []:
        name = _at(rule, "if", "properties", "scale_aspect", "const")
        top = _at(rule, "then", "properties", "scale_steps", "maximum")
        if isinstance(name, str) and isinstance(top, int):
            tops[name] = top
    levels = list((level or {}).get("enum") or [])
    examples = (level or {}).get("examples")
    default = examples[0] if isinstance(examples, list) and examples else None
    return {
        "levels": levels,
        "default": default if default in levels else None,
        "aspects": [
            {"name": a, "max": tops.get(a, props["scale_steps"].get("maximum", 0))}
            for a in (aspect or {}).get("enum") or []
        ],
    }


def _at(doc: Any, *keys: str) -> Any:
    """``doc[k1][k2]...`` or None where a level is missing or not a mapping (an item's own
    schema, from the catalogue API, need not have the shape :func:`dialog` writes)."""
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def current(jobs, default: str | None) -> str | None:
    """Where an instance's last successful applied ``scale`` (of ``jobs``, oldest first)
    took it: ``"level L"`` or ``"aspect A at N steps"``; else ``"level <default>"`` once a
    ``create`` was applied; None when nothing says."""
    done = [j for j in jobs if j.mode == "apply" and j.status == "successful" and j.operation in ("create", "scale")]
    for job in reversed(done):
        values = job.extra_vars or {}
        if job.operation == "create":
            break
        if values.get("scale_level"):
            return f"level {values['scale_level']}"
        if values.get("scale_aspect"):
            return f"aspect {values['scale_aspect']} at {values.get('scale_steps')} steps"
    if done and default:
        return f"level {default}"
    return None
