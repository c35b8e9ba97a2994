"""Paths inside a descriptor document and the lines they start on.

A path is a list of parts (``str`` keys and ``int`` list indexes) from the root of the
parsed document; it is shown as ``vnfd.vdu[2].vduParent`` (a prefix naming the document,
then ``.key`` and ``[index]``). Lines come from a YAML *compose* of the source text (JSON
is YAML too), so they are exact for YAML and JSON files alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from . import limits

Part = str | int

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def format_path(prefix: str, parts: Iterable[Part]) -> str:
    """``format_path("vnfd", ["vdu", 2, "vduParent"])`` -> ``"vnfd.vdu[2].vduParent"``.

    Keys that are not plain words are quoted: ``vnfd["my vnf"]``.
    """
    out = prefix
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out


def compose(text: str | None) -> yaml.Node | None:
    """The YAML node tree of ``text`` (None when it is not YAML/JSON, empty or over a
    parser limit of :mod:`translators.limits`)."""
    if not text:
        return None
    try:
        return limits.compose_yaml(text)
    except (yaml.YAMLError, limits.LimitError):
        return None


class LazyNode:
    """The composed node of ``text``, composed on first use: lines are only needed when
    there is a problem to place, so a valid document is parsed once, not twice."""

    __slots__ = ("text", "_node", "_done")

    def __init__(self, text: str | None):
        self.text, self._done = text, False
        self._node: yaml.Node | None = None

    def resolve(self) -> yaml.Node | None:
        """The node (see :func:`compose`)."""
        if not self._done:
            self._node, self._done = compose(self.text), True
        return self._node


def line_of(node: yaml.Node | LazyNode | None, parts: Iterable[Part]) -> int | None:
    """1-based line of ``parts`` in a composed document.

    The line of the key for a mapping entry, of the item for a list entry; when the path
    goes further than the document (a missing key), the line of the deepest part found.
    """
    if isinstance(node, LazyNode):
        node = node.resolve()
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in parts:
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if getattr(key, "value", None) == part:
                    child, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            return line
        node = child
    return line


def get(data: Any, parts: Iterable[Part], default: Any = None) -> Any:
    """The value at ``parts`` in plain data, or ``default``."""
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return default
    return data
