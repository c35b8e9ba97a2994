"""Types of the data the translators read and write: parsed YAML and JSON documents.

A descriptor, a HOT template or a Kubernetes manifest is checked where it is read (the TOSCA
parser, jsonschema, the ETSI readers), not by the type checker: its values are whatever
``yaml.safe_load`` returns, so they stay ``Any`` to mypy behind these names.
"""

from __future__ import annotations

from typing import Any, TypeAlias

#: A mapping parsed from YAML or JSON (string keys): a document or one of its parts.
Doc: TypeAlias = dict[str, Any]
