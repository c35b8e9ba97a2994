"""Names, labels and dialog-valued fields shared by every manifest.

Manifests are Jinja templates: a field holding a TOSCA input is the expression
``{{ name }}``, filled at run time. An integer field cannot hold that string and stay
valid YAML for Kubernetes, so it is written as a marker (:func:`int_field`) that
:func:`fill_int_markers` turns into the unquoted ``{{ name | int }}`` after dumping.
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard

from ..doc import Doc

MANAGED_BY = "rdcl-nfvo"
NAME_LABEL = "app.kubernetes.io/name"
EXPR = re.compile(r"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
INT_MARK = "__rdcl_int__"
_MARKED = re.compile(rf"'?{INT_MARK}(\w+)'?")


def dns_name(text: str) -> str:
    """A DNS-1123 label (lower case, digits, ``-``, at most 63 characters)."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63].strip("-") or "x"


def is_expr(value: object) -> TypeGuard[str]:
    """True for a dialog value written as ``{{ input }}``."""
    return isinstance(value, str) and bool(EXPR.match(value))


def int_field(value: Any) -> int | str:
    """An integer field: a literal stays, ``{{ input }}`` becomes a marker.

    :raises ValueError: neither an integer nor an input expression.
    """
    expr = EXPR.match(value) if isinstance(value, str) else None
    if expr:
        return f"{INT_MARK}{expr.group(1)}"
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an integer")
    return int(value)


def fill_int_markers(text: str) -> str:
    """Dumped YAML with each integer marker replaced by ``{{ name | int }}``."""
    return _MARKED.sub(r"{{ \1 | int }}", text)


def sample(doc: Any, value: int = 1) -> Any:
    """A copy of ``doc`` with integer markers set to ``value``: the shape a schema
    check sees before the dialog values are known."""
    if isinstance(doc, dict):
        return {k: sample(v, value) for k, v in doc.items()}
    if isinstance(doc, list):
        return [sample(v, value) for v in doc]
    if isinstance(doc, str) and doc.startswith(INT_MARK):
        return value
    return doc


def labels(service: str, node: str) -> dict[str, str]:
    """Recommended labels (``app.kubernetes.io/*``) of every object made for ``node``."""
    return {
        NAME_LABEL: dns_name(node),
        "app.kubernetes.io/part-of": service,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    }


def metadata(service: str, node: str, name: str | None = None) -> Doc:
    """``metadata`` of an object made for ``node`` (named after it unless ``name``)."""
    return {"name": name or dns_name(node), "labels": labels(service, node)}
