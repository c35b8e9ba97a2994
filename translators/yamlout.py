"""Deterministic YAML output: same data, same bytes (so git commits only real changes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """SafeDumper without anchors/aliases and with indented block sequences (yamllint style)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def dump(data: Any, sort_keys: bool = False) -> str:
    """YAML text for ``data``; keys keep their order unless ``sort_keys``."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=sort_keys, default_flow_style=False, allow_unicode=True, width=100)


def dump_all(docs: Iterable[Any], sort_keys: bool = True) -> str:
    """Multi-document YAML text."""
    return yaml.dump_all(
        docs, Dumper=_Dumper, sort_keys=sort_keys, default_flow_style=False, allow_unicode=True, width=100
    )


#: LibYAML's emitter when PyYAML was built with it, else the pure-Python one (same output).
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _FastDumper(_SafeDumper):  # type: ignore[valid-type,misc]  # a base chosen at import time
    """LibYAML's emitter (when PyYAML has it), no anchors/aliases, multi-line strings as
    literal blocks; sequences are not indented under their key (still valid YAML; used
    for generated manifests)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data.rstrip("\n") or data.endswith("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_FastDumper.add_representer(str, _str)


def dump_docs(docs: Iterable[Any], sort_keys: bool = True) -> str:
    """Multi-document YAML text, fast: for machine-read files such as manifests."""
    return yaml.dump_all(
        docs, Dumper=_FastDumper, sort_keys=sort_keys, default_flow_style=False, allow_unicode=True, width=100
    )
