"""Paths inside a descriptor document and their lines: :mod:`translators.docpath` (the
translators locate their problems with the same functions)."""

from translators.docpath import LazyNode, Part, compose, format_path, get, line_of

__all__ = ["LazyNode", "Part", "compose", "format_path", "get", "line_of"]
