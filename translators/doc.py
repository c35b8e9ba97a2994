"""Types of the data the translators read and write: parsed YAML and JSON documents.

A descriptor, a HOT template or a Kubernetes manifest is checked where it is read (the TOSCA
parser, jsonschema, the ETSI readers), not by the type checker: its values are whatever
``yaml.safe_load`` returns, so they stay ``Any`` to mypy behind these names.
"""

from __future__ import annotations

from typing import Any, TypeAlias

#: A mapping parsed from YAML or JSON (string keys): a document or one of its parts.
Doc: TypeAlias = dict[str, Any]


def copy_doc(data: Any) -> Any:
    """A deep copy of parsed YAML or JSON (dicts, lists, scalars), several times faster than
    ``copy.deepcopy`` (no memo: YAML loaded without aliases kept shared is a tree); scalars
    (immutable) are shared."""
    if isinstance(data, dict):
        return {k: copy_doc(v) for k, v in data.items()}
    if isinstance(data, list):
        return [copy_doc(v) for v in data]
    return data
