"""A catalogue item's dialog: TOSCA inputs as a JSON Schema (Draft 2020-12), and checks.

TOSCA constraint -> JSON Schema keyword (TOSCA Simple Profile YAML 1.3 §3.6.3):
in_range -> minimum/maximum, valid_values -> enum, equal -> const, greater_than ->
exclusiveMinimum, greater_or_equal -> minimum, less_than -> exclusiveMaximum,
less_or_equal -> maximum, length/min_length/max_length -> minLength/maxLength, pattern.

Dialogs run nothing their publisher chose: a ``$ref`` resolves only inside the dialog (and the
meta-schemas jsonschema bundles), never over the network, and ``pattern``/``patternProperties``
are matched by RE2 (linear time); :func:`schema_problems` says what publishing refuses.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NoReturn

import re2
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT202012

from translators.varnames import refusal

from .exceptions import DialogError
from .secrets import decrypt, encrypt

TYPES = {
    "string": "string",
    "integer": "integer",
    "float": "number",
    "boolean": "boolean",
    "list": "array",
    "map": "object",
    "range": "array",
    "PortDef": "integer",
    "tosca.datatypes.network.PortDef": "integer",
}
PORT = {"minimum": 1, "maximum": 65535}
CONSTRAINTS = {
    "valid_values": "enum",
    "equal": "const",
    "greater_than": "exclusiveMinimum",
    "greater_or_equal": "minimum",
    "less_than": "exclusiveMaximum",
    "less_or_equal": "maximum",
    "min_length": "minLength",
    "max_length": "maxLength",
    "pattern": "pattern",
}
MODES = ("apply", "plan")
SEALED = "fernet:"


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
        prop: dict[str, Any] = {"type": TYPES.get(str(item.get("type")), "string")}
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
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def check(schema: dict, values: dict, partial: bool = False) -> dict:
    """Dialog values with defaults filled in.

    Names a value may not have (:func:`name_errors`) are refused whatever the schema says;
    the schema is closed unless it says otherwise (:func:`closed`). ``partial``: values
    that change some fields of an ordered instance (an operation's parameters checked
    against the item's dialog): nothing is required and no default is filled in.

    :raises DialogError: every field that breaks the schema, with the reason; a dialog
        :func:`schema_problems` refuses (stored before that check existed) is refused whole.
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
    problems = schema_problems(schema)
    if problems:
        raise DialogError({"(dialog)": "; ".join(problems)})
    errors = {}
    try:
        for err in validator(schema).iter_errors(values):
            field = ".".join(str(p) for p in err.absolute_path) or "(dialog)"
            if (
                err.validator == "additionalProperties"
                and err.validator_value is False
                and isinstance(err.instance, dict)
            ):
                for name in _unexpected(err.schema, err.instance):
                    errors.setdefault(
                        f"{field}.{name}" if err.absolute_path else name,
                        "additionalProperties: not a field of this dialog (it has: "
                        f"{', '.join(sorted(err.schema.get('properties') or {})) or 'no fields'})",
                    )
                continue
            if err.validator == "required" and isinstance(err.instance, dict):
                # located at the missing field, not at the object that lacks it
                missing = [n for n in err.validator_value if n not in err.instance and repr(n) in err.message]
                if missing:
                    field = f"{field}.{missing[0]}" if err.absolute_path else str(missing[0])
            errors.setdefault(field, err.message)
    except Unresolvable as exc:
        errors["(dialog)"] = f"a $ref of the dialog cannot be resolved: {exc}"
    if errors:
        raise DialogError(errors)
    return values


def _unexpected(schema: dict, instance: dict) -> list[str]:
    """Keys of ``instance`` that neither ``properties`` nor ``patternProperties`` of ``schema``
    name (patterns matched by RE2, :func:`regex`)."""
    props, patterns = schema.get("properties") or {}, schema.get("patternProperties") or {}
    return [str(k) for k in instance if k not in props and not any(_matches(p, str(k)) for p in patterns)]


# -- Dialog schemas run no code the publisher chose: no remote $ref, linear-time patterns --

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # the refusal is reported to the caller, not on stderr


@functools.lru_cache(maxsize=1024)
def regex(pattern: str):
    """``pattern`` compiled by RE2 (linear time in the text: no catastrophic backtracking).

    RE2 syntax is Perl's without backreferences and lookaround (https://github.com/google/re2/wiki/Syntax).

    :raises re2.error: RE2 cannot compile it (syntax it lacks, or a program over its memory budget).
    """
    return re2.compile(pattern, _RE2_OPTIONS)


def _regex_error(exc: Exception) -> str:
    msg = exc.args[0] if exc.args else exc
    return msg.decode(errors="replace") if isinstance(msg, bytes) else str(msg)


def _matches(pattern: str, text: str) -> bool:
    try:
        return regex(pattern).search(text) is not None
    except UnicodeEncodeError:  # a lone surrogate: not text RE2 (UTF-8) can read, so no match
        return False


def _pattern(validator, pattern, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    try:
        if not _matches(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")
    except re2.error as exc:
        yield ValidationError(f"the dialog's pattern {pattern!r} is refused: {_regex_error(exc)}")


def _pattern_properties(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        try:
            keys = [k for k in instance if _matches(pattern, k)]
        except re2.error as exc:
            yield ValidationError(f"the dialog's pattern {pattern!r} is refused: {_regex_error(exc)}")
            continue
        for key in keys:
            yield from validator.descend(instance[key], subschema, path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    """jsonschema's ``additionalProperties``, with the keys ``patternProperties`` covers
    found by RE2 (jsonschema's own finds them with Python's backtracking ``re``)."""
    if not validator.is_type(instance, "object"):
        return
    patterns = schema.get("patternProperties") or {}
    properties = schema.get("properties") or {}
    try:
        extras = sorted(
            (k for k in instance if k not in properties and not any(_matches(p, k) for p in patterns)), key=str
        )
    except re2.error as exc:
        yield ValidationError(f"a pattern of the dialog is refused: {_regex_error(exc)}")
        return
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        yield ValidationError(f"unexpected field(s): {', '.join(repr(e) for e in extras)}")


def _refuse(uri: str) -> NoReturn:
    # referencing's _attrs.pyi declares its attrs classes with the pre-PEP 681
    # __dataclass_transform__, which mypy does not read: their fields are unknown to it.
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs field (see above)


#: Resolves the JSON Schema meta-schemas (bundled with jsonschema) and references inside the
#: dialog; any other URI is refused, never fetched (JSON Schema 2020-12 §9.3 leaves retrieval
#: to the implementation).
REGISTRY: Registry[Any] = Registry(retrieve=_refuse)  # type: ignore[call-arg]  # an attrs field (see _refuse)

#: Draft 2020-12 with ``pattern``, ``patternProperties`` and ``additionalProperties`` checked by RE2.
DialogValidator = validators.extend(
    Draft202012Validator,
    {"pattern": _pattern, "patternProperties": _pattern_properties, "additionalProperties": _additional_properties},
)


def validator(schema: dict) -> Draft202012Validator:
    """The validator of dialog values for ``schema``: :data:`DialogValidator` on :data:`REGISTRY`."""
    return DialogValidator(schema, registry=REGISTRY)


_RE2_FORMAT = FormatChecker(formats=())


@_RE2_FORMAT.checks("regex", raises=re2.error)
def _re2_compiles(value) -> bool:
    return not isinstance(value, str) or regex(value) is not None


#: The 2020-12 meta-schema, asserting ``format: regex`` (``pattern`` values and
#: ``patternProperties`` names) as RE2 syntax.
_META = Draft202012Validator(Draft202012Validator.META_SCHEMA, format_checker=_RE2_FORMAT)


def schema_problems(schema: object) -> list[str]:
    """Why a dialog schema may not be published, one message per problem (empty: none).

    Refused: a ``$ref``/``$dynamicRef`` that is not local (``#...``; nothing is fetched); a
    ``pattern`` or ``patternProperties`` name RE2 cannot compile (backreferences, lookaround;
    each named by its path in the dialog); ``unevaluatedProperties`` in a dialog that has
    ``patternProperties`` (jsonschema matches those names with Python's backtracking ``re``
    there). Other schema errors are ``Draft202012Validator.check_schema``'s.
    """
    if not isinstance(schema, dict):
        return []
    problems = []
    for err in _META.iter_errors(schema):
        if err.validator == "format" and err.validator_value == "regex":
            where = "/".join(str(p) for p in err.absolute_path) or "(root)"
            reason = _regex_error(err.cause) if err.cause else "not RE2 syntax"
            problems.append(f"{where}: pattern {err.instance!r} is refused (RE2 syntax only): {reason}")
    subschemas, has_patterns, unevaluated = [DRAFT202012.create_resource(schema)], False, False
    while subschemas:
        resource = subschemas.pop()
        contents = resource.contents
        if isinstance(contents, dict):
            for keyword in ("$ref", "$dynamicRef"):
                ref = contents.get(keyword)
                if isinstance(ref, str) and not ref.startswith("#"):
                    problems.append(f"{keyword} {ref!r} is refused: only local references ('#...') are allowed")
            has_patterns |= "patternProperties" in contents
            unevaluated |= "unevaluatedProperties" in contents
        subschemas.extend(resource.subresources())
    if has_patterns and unevaluated:
        problems.append("unevaluatedProperties cannot be used with patternProperties in a dialog")
    return problems


SECRET_NAME = re.compile(r"(password|passwd|passphrase|secret|token|private_key|api_key|credential)", re.I)


def secret_fields(schema: dict) -> set[str]:
    """Dialog fields that hold secrets: marked ``writeOnly`` or ``format: password``
    (JSON Schema 2020-12 §9.4 / OpenAPI), or named like one (``db_password``,
    ``api_token``, ``pull_secret``...), so a dialog that forgot the mark still seals them."""
    return {
        n
        for n, p in (schema.get("properties") or {}).items()
        if isinstance(p, dict) and (p.get("writeOnly") or p.get("format") == "password" or SECRET_NAME.search(n))
    }


def seal(schema: dict, values: dict) -> dict:
    """``values`` with each ``writeOnly`` field encrypted (``fernet:<token>``): what orders,
    service instances and jobs store; :func:`unseal` gives the plain values back at run time."""
    hidden = secret_fields(schema)
    return {
        k: SEALED + encrypt(v) if k in hidden and isinstance(v, str) and v and not v.startswith(SEALED) else v
        for k, v in values.items()
    }


def unseal(values: dict) -> dict:
    """The plain values of :func:`seal`."""
    return {
        k: decrypt(v[len(SEALED) :]) if isinstance(v, str) and v.startswith(SEALED) else v for k, v in values.items()
    }
