"""JSON Schema (Draft 2020-12) validation whose errors are located problems.

A :class:`SchemaSet` loads the ``*.schema.json`` files of some folders into one
``referencing`` registry (schemas refer to each other by ``$id``) and turns every
jsonschema error into a :class:`~translators.errors.Problem`: the path shown as
``vnfd.vdu[2].vduParent``, the rule ``schema.<keyword>`` (``schema.required``,
``schema.type``, ...), the line from the source, and the specification clause taken from
the nearest ``$comment`` starting ``ETSI GS`` on the schema path (``ETSI GS NFV-IFA 011
§7.1.6.2 (Vdu)``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from translators.errors import Problem

from .docpath import LazyNode, Part, format_path, line_of

_MAX_MESSAGE = 200


class SchemaSet:
    """Schemas from ``locations`` (a folder: its ``*.schema.json``; or one schema file),
    each checked against the 2020-12 metaschema.

    :raises jsonschema.exceptions.SchemaError: an invalid schema.
    """

    def __init__(self, *locations: Path):
        self.schemas: dict[str, dict] = {}
        for location in map(Path, locations):
            files = sorted(location.glob("*.schema.json")) if location.is_dir() else [location]
            for path in files:
                schema = json.loads(path.read_text())
                Draft202012Validator.check_schema(schema)
                self.schemas[schema["$id"]] = schema
        self.registry = Registry().with_resources(
            (uri, Resource.from_contents(s, default_specification=DRAFT202012)) for uri, s in self.schemas.items()
        )
        self._validators: dict[str, Draft202012Validator] = {}

    def validator(self, schema_id: str) -> Draft202012Validator:
        """A validator for the schema with ``$id`` ``schema_id``.

        :raises KeyError: no such schema.
        """
        if schema_id not in self._validators:
            resolver = self.registry.resolver(base_uri=schema_id)
            inlined = _inline(self.schemas[schema_id], resolver, (schema_id,))
            self._validators[schema_id] = Draft202012Validator(inlined, registry=self.registry)
        return self._validators[schema_id]

    def check(
        self,
        schema_id: str,
        data: Any,
        prefix: str,
        base: Sequence[Part] = (),
        node: yaml.Node | LazyNode | None = None,
    ) -> list[Problem]:
        """Problems of ``data`` against a schema, in document order.

        ``prefix`` starts every shown path (``vnfd``); ``base`` is where ``data`` sits in the
        composed ``node`` (a descriptor inside a project file), used only for lines.
        """
        out = []
        for error in sorted(
            self.validator(schema_id).iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
        ):
            parts = list(error.absolute_path)
            line = line_of(node, [*base, *parts])
            if error.validator == "required":
                missing = _missing(error)
                parts += [missing] if missing else []
            spec = self._spec(schema_id, list(error.schema_path))
            message = _short(error.message) + (f" ({spec})" if spec else "")
            out.append(Problem(format_path(prefix, parts), f"schema.{error.validator}", message, line))
        return out

    def _spec(self, schema_id: str, schema_path: list) -> str:
        """The last specification ``$comment`` met walking ``schema_path`` from the root.

        jsonschema leaves ``$ref`` out of error schema paths, so a key missing from a
        subschema that has a ``$ref`` is looked up in the referenced schema.
        """
        resolver = self.registry.resolver(base_uri=schema_id)
        node: Any = self.schemas[schema_id]
        spec = ""
        for key in [*schema_path, None]:
            while True:
                if isinstance(node, dict) and _is_spec(node.get("$comment")):
                    spec = node["$comment"]
                ref = node.get("$ref") if isinstance(node, dict) else None
                if key is None or ref is None or key in node:
                    break
                resolved = resolver.lookup(ref)
                node, resolver = resolved.contents, resolved.resolver
            if key is None:
                break
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                break
        return spec


#: Keywords whose value is a map of subschemas, a subschema, a list of subschemas (Draft
#: 2020-12 applicators); every other keyword's value is copied as data.
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas")
_SCHEMA_ONE = (
    "items",
    "additionalProperties",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: Annotations: where a ``$ref``'s target and the referring schema both have one, the
#: referring schema's wins (they do not validate).
_ANNOTATIONS = ("$comment", "description", "title", "examples", "default", "$id", "$schema")
#: Keywords that only see their siblings: never merged with the other's siblings.
_SIBLINGS = (("additionalProperties", {"properties", "patternProperties"}), ("items", {"prefixItems"}))


def _inline(node: Any, resolver, stack: tuple[str, ...]) -> Any:
    """``node`` with each ``$ref`` replaced by its target's keywords (recursively).

    The same validation without a registry lookup per ``$ref`` per instance (most of the
    validation time of a 100-VDU VNFD went there). jsonschema leaves ``$ref`` out of error
    schema paths, so errors keep the paths they had (:meth:`SchemaSet._spec` still walks the
    original schemas). A ``$ref`` stays (made absolute) when it is recursive or its target
    shares a validating keyword with the referring schema.
    """
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$ref", "$defs"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _inline(sub, resolver, stack) for name, sub in value.items()}
        elif key in _SCHEMA_ONE:
            out[key] = _inline(value, resolver, stack)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_inline(sub, resolver, stack) for sub in value]
        else:
            out[key] = value
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return out
    resolved = resolver.lookup(ref)
    absolute = f"{resolved.resolver._base_uri}#{ref.partition('#')[2]}"  # noqa: SLF001
    target = resolved.contents
    if absolute in stack or not isinstance(target, dict):
        return {**out, "$ref": absolute}
    target = _inline(target, resolved.resolver, (*stack, absolute))
    clash = {k for k in target if k in out and k not in _ANNOTATIONS}
    clash |= {
        one
        for one, siblings in _SIBLINGS
        if (one in out and siblings & set(target)) or (one in target and siblings & set(out))
    }
    if clash:
        return {**out, "$ref": absolute}
    return {**{k: v for k, v in target.items() if k not in ("$id", "$schema")}, **out}


def _is_spec(comment: Any) -> bool:
    return isinstance(comment, str) and comment.startswith("ETSI GS")


def _missing(error) -> str | None:
    match = re.match(r"^'(.+)' is a required property$", error.message)
    return match.group(1) if match else None


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"
