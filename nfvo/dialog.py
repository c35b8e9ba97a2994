"""A catalogue item's dialog: TOSCA inputs as a JSON Schema (Draft 2020-12), and checks.

TOSCA constraint -> JSON Schema keyword (TOSCA Simple Profile YAML 1.3 §3.6.3):
in_range -> minimum/maximum, valid_values -> enum, equal -> const, greater_than ->
exclusiveMinimum, greater_or_equal -> minimum, less_than -> exclusiveMaximum,
less_or_equal -> maximum, length/min_length/max_length -> minLength/maxLength, pattern.
"""
from __future__ import annotations

import re

from jsonschema import Draft202012Validator

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


def schema_from_inputs(inputs: list[dict]) -> dict:
    """JSON Schema of the dialog from ``service.json`` inputs (name, type, default, ...)."""
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


def check(schema: dict, values: dict) -> dict:
    """Dialog values with defaults filled in.

    :raises DialogError: every field that breaks the schema, with the reason.
    """
    values = {k: v for k, v in (values or {}).items()}
    for name, prop in (schema.get("properties") or {}).items():
        if name not in values and "default" in prop:
            values[name] = prop["default"]
    errors = {}
    for err in Draft202012Validator(schema).iter_errors(values):
        field = ".".join(str(p) for p in err.absolute_path) or "(dialog)"
        errors.setdefault(field, err.message)
    if errors:
        raise DialogError(errors)
    return values


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
