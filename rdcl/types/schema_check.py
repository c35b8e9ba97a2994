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

from .docpath import Part, format_path, line_of

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
            (uri, Resource.from_contents(s, default_specification=DRAFT202012)) for uri, s in self.schemas.items())
        self._validators: dict[str, Draft202012Validator] = {}

    def validator(self, schema_id: str) -> Draft202012Validator:
        """A validator for the schema with ``$id`` ``schema_id``.

        :raises KeyError: no such schema.
        """
        if schema_id not in self._validators:
            self._validators[schema_id] = Draft202012Validator(self.schemas[schema_id], registry=self.registry)
        return self._validators[schema_id]

    def check(self, schema_id: str, data: Any, prefix: str, base: Sequence[Part] = (),
              node: yaml.Node | None = None) -> list[Problem]:
        """Problems of ``data`` against a schema, in document order.

        ``prefix`` starts every shown path (``vnfd``); ``base`` is where ``data`` sits in the
        composed ``node`` (a descriptor inside a project file), used only for lines.
        """
        out = []
        for error in sorted(self.validator(schema_id).iter_errors(data),
                            key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
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


def _is_spec(comment: Any) -> bool:
    return isinstance(comment, str) and comment.startswith("ETSI GS")


def _missing(error) -> str | None:
    match = re.match(r"^'(.+)' is a required property$", error.message)
    return match.group(1) if match else None


def _short(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE - 1] + "…"
