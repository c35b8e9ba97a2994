"""A catalogue item's dialog: TOSCA inputs as a JSON Schema (Draft 2020-12), and checks.

TOSCA constraint -> JSON Schema keyword (TOSCA Simple Profile YAML 1.3 §3.6.3):
in_range -> minimum/maximum, valid_values -> enum, equal -> const, greater_than ->
exclusiveMinimum, greater_or_equal -> minimum, less_than -> exclusiveMaximum,
less_or_equal -> maximum, length/min_length/max_length -> minLength/maxLength, pattern.
"""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator

from translators.varnames import refusal

TYPES = {"string": "string", "integer": "integer", "float": "number", "boolean": "boolean",
         "list": "array", "map": "object", "range": "array", "PortDef": "integer",
         "tosca.datatypes.network.PortDef": "integer"}
PORT = {"minimum": 1, "maximum": 65535}
CONSTRAINTS = {"valid_values": "enum", "equal": "const", "greater_than": "exclusiveMinimum",
               "greater_or_equal": "minimum", "less_than": "exclusiveMaximum",
               "less_or_equal": "maximum", "min_length": "minLength", "max_length": "maxLength",
               "pattern": "pattern"}
MODES = ("apply", "plan")
SEALED = "fernet:"


class DialogError(ValueError):
    """Dialog values that break the schema; ``errors`` maps field -> message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def name_errors(names) -> dict[str, str]:
    """``{name: "<rule>: <why>"}`` for each name a dialog field or value may not have
    (:func:`translators.varnames.refusal`: ``ansible_*``, ``rdcl_*``, Ansible's magic and
    connection variables, Jinja globals, non-identifiers)."""
    out = {}
    for name in names:
        found = refusal(name)
        if found:
            out[str(name)] = f"{found[0]}: {found[1]}"
    return out


def closed(schema: dict) -> dict:
    """``schema`` with ``additionalProperties: false`` unless it says otherwise: a dialog
    accepts only the fields it names, unless its author chose to accept more."""
    return schema if "additionalProperties" in schema else {**schema, "additionalProperties": False}


def publishable(schema: dict) -> dict:
    """A dialog as an item stores it: closed (:func:`closed`), every property name allowed.

    :raises DialogError: ``{"properties.<name>": "<rule>: <why>"}`` for each refused name.
    """
    errors = name_errors((schema.get("properties") or {}).keys())
    if errors:
        raise DialogError({f"properties.{k}": v for k, v in errors.items()})
    return closed(schema)


def schema_from_inputs(inputs: list[dict]) -> dict:
    """JSON Schema of the dialog from ``service.json`` inputs (name, type, default, ...).

    :raises DialogError: an input's name may not be a dialog field (:func:`name_errors`).
    """
    errors = name_errors(item.get("name") for item in inputs)
    if errors:
        raise DialogError({f"inputs.{k}": v for k, v in errors.items()})
    props, required = {}, []
    for item in inputs:
        prop = {"type": TYPES.get(item.get("type"), "string")}
        if item.get("type") in ("PortDef", "tosca.datatypes.network.PortDef"):
            prop.update(PORT)
        if item.get("description"):
            prop["description"] = item["description"]
        if item.get("default") is not None:
            prop["default"] = item["default"]
        elif item.get("required", True):
            required.append(item["name"])
        for constraint in item.get("constraints") or []:
            for key, value in constraint.items():
                if key == "in_range":
                    prop["minimum"], prop["maximum"] = value
                elif key == "length":
                    prop["minLength"] = prop["maxLength"] = value
                elif key in CONSTRAINTS:
                    prop[CONSTRAINTS[key]] = value
        props[item["name"]] = prop
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": props, "required": required, "additionalProperties": False}


def check(schema: dict, values: dict, partial: bool = False) -> dict:
    """Dialog values with defaults filled in.

    Names a value may not have (:func:`name_errors`) are refused whatever the schema says;
    the schema is closed unless it says otherwise (:func:`closed`). ``partial``: values
    that change some fields of an ordered instance (an operation's parameters checked
    against the item's dialog): nothing is required and no default is filled in.

    :raises DialogError: every field that breaks the schema, with the reason.
    """
    values = {k: v for k, v in (values or {}).items()}
    errors = name_errors(values)
    if errors:
        raise DialogError(errors)
    schema = closed(schema)
    if partial:
        schema = {k: v for k, v in schema.items() if k != "required"}
    for name, prop in (schema.get("properties") or {}).items():
        if not partial and name not in values and isinstance(prop, dict) and "default" in prop:
            values[name] = prop["default"]
    errors = {}
    for err in Draft202012Validator(schema).iter_errors(values):
        field = ".".join(str(p) for p in err.absolute_path) or "(dialog)"
        if err.validator == "additionalProperties" and err.validator_value is False and isinstance(err.instance, dict):
            for name in _unexpected(err.schema, err.instance):
                errors.setdefault(f"{field}.{name}" if err.absolute_path else name,
                                  "additionalProperties: not a field of this dialog (it has: "
                                  f"{', '.join(sorted(err.schema.get('properties') or {})) or 'no fields'})")
            continue
        errors.setdefault(field, err.message)
    if errors:
        raise DialogError(errors)
    return values


def _unexpected(schema: dict, instance: dict) -> list[str]:
    """Keys of ``instance`` that neither ``properties`` nor ``patternProperties`` of ``schema`` name."""
    props, patterns = schema.get("properties") or {}, schema.get("patternProperties") or {}
    return [str(k) for k in instance if k not in props and not any(re.search(p, str(k)) for p in patterns)]


SECRET_NAME = re.compile(r"(password|passwd|passphrase|secret|token|private_key|api_key|credential)", re.I)


def secret_fields(schema: dict) -> set[str]:
    """Dialog fields that hold secrets: marked ``writeOnly`` or ``format: password``
    (JSON Schema 2020-12 §9.4 / OpenAPI), or named like one (``db_password``,
    ``api_token``, ``pull_secret``...), so a dialog that forgot the mark still seals them."""
    return {n for n, p in (schema.get("properties") or {}).items()
            if isinstance(p, dict) and (p.get("writeOnly") or p.get("format") == "password" or SECRET_NAME.search(n))}


def seal(schema: dict, values: dict) -> dict:
    """``values`` with each ``writeOnly`` field encrypted (``fernet:<token>``): what orders,
    service instances and jobs store; :func:`unseal` gives the plain values back at run time."""
    from .secrets import encrypt

    hidden = secret_fields(schema)
    return {k: SEALED + encrypt(v) if k in hidden and isinstance(v, str) and v and not v.startswith(SEALED) else v
            for k, v in values.items()}


def unseal(values: dict) -> dict:
    """The plain values of :func:`seal`."""
    from .secrets import decrypt

    return {k: decrypt(v[len(SEALED):]) if isinstance(v, str) and v.startswith(SEALED) else v
            for k, v in values.items()}
