"""Limits on what a YAML or JSON document a user supplies may cost to parse.

A document is checked *before* any loader builds objects from it: size in bytes, nesting
depth, number of aliases and the number of nodes it would have once its aliases are
expanded (the "billion laughs" document is a few hundred bytes and billions of nodes).
The check reads libyaml's event stream (``yaml.parse``), which keeps its own stack on the
heap: a document nested 50,000 deep is counted, not recursed into (libyaml's C composer
and Python's ``json`` recurse, and die or raise ``RecursionError``). JSON depth is counted
on the text with its strings removed. :func:`load_yaml` and :func:`load_json` check, then
load with the C loaders, which the limits make safe.

Limits (environment variables, read at import; defaults in brackets; every public corpus
sample is far below them: at most 67 KB, depth 15, 10 aliases, 2,854 nodes):

``RDCL_PARSE_MAX_BYTES`` [5 MiB] bytes of one document (UTF-8);
``RDCL_PARSE_MAX_DEPTH`` [64] nesting of mappings and sequences;
``RDCL_PARSE_MAX_ALIASES`` [1000] ``*alias`` references in one document;
``RDCL_PARSE_MAX_NODES`` [1,000,000] nodes once aliases are expanded;
``RDCL_PARSE_MAX_REQUEST_NODES`` [5,000,000] expanded nodes of all the distinct YAML
documents checked inside one :func:`request_budget` (an API request: see
``config.parsers.ParseBudgetMiddleware``), so many documents each under the limit cannot
add up (rule ``limit.request-nodes``).

A refusal is a :class:`LimitError` whose ``rule`` names the limit (``limit.bytes``,
``limit.depth``, ``limit.aliases``, ``limit.nodes``) and whose ``status`` is the HTTP
status an API answers with (413 for size, 400 for the others). Pure Python, no Django.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Caps on one document (see module doc): ``bytes`` (UTF-8 size), ``depth`` (nesting of
    collections; the root collection is depth 1), ``aliases`` (count) and ``nodes``
    (scalars and collections, aliases expanded)."""

    bytes: int = _env_int("RDCL_PARSE_MAX_BYTES", 5 * 1024 * 1024)
    depth: int = _env_int("RDCL_PARSE_MAX_DEPTH", 64)
    aliases: int = _env_int("RDCL_PARSE_MAX_ALIASES", 1000)
    nodes: int = _env_int("RDCL_PARSE_MAX_NODES", 1_000_000)


DEFAULT = Limits()
REQUEST_NODES = _env_int("RDCL_PARSE_MAX_REQUEST_NODES", 5_000_000)
#: The budget of the request being served: ``[nodes left, hashes of the texts charged]``.
_BUDGET: ContextVar[list[Any] | None] = ContextVar("rdcl_parse_budget", default=None)


@contextlib.contextmanager
def request_budget(nodes: int = REQUEST_NODES) -> Iterator[None]:
    """Inside the block, the YAML documents :func:`check_yaml` passes share ``nodes``
    expanded nodes (each distinct text is charged once, however often it is checked)."""
    token = _BUDGET.set([nodes, set()])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _charge(text: str | bytes, nodes: int, line: int | None) -> None:
    budget = _BUDGET.get()
    if budget is None or nodes < 1000:
        return  # no request, or too small to matter (each document is capped anyway)
    key = hash(text)
    if key in budget[1]:
        return
    budget[1].add(key)
    budget[0] -= nodes
    if budget[0] < 0:
        raise LimitError(
            "limit.request-nodes",
            "the documents of this request hold more than RDCL_PARSE_MAX_REQUEST_NODES nodes once aliases are expanded",
            line,
        )


class LimitError(ValueError):
    """A document over a limit: ``rule`` (``limit.<name>``), ``message`` (names the limit
    and its value), ``status`` (413 for ``limit.bytes``, else 400) and ``line`` (1-based,
    where the limit was crossed, when known)."""

    def __init__(self, rule: str, message: str, line: int | None = None):
        super().__init__(message)
        self.rule, self.message, self.line = rule, message, line
        self.status = 413 if rule == "limit.bytes" else 400


def check_size(data: str | bytes, limits: Limits = DEFAULT) -> None:
    """:raises LimitError: ``limit.bytes`` when ``data`` is longer than ``limits.bytes``
    (a ``str`` is measured in UTF-8 bytes only when its length alone does not decide)."""
    size = len(data)
    if isinstance(data, str) and size <= limits.bytes < 4 * size:
        size = len(data.encode("utf-8", "surrogatepass"))
    if size > limits.bytes:
        raise LimitError(
            "limit.bytes", f"document of {size} bytes; the limit is {limits.bytes} bytes (RDCL_PARSE_MAX_BYTES)"
        )


_SCALAR, _ALIAS, _END = yaml.ScalarEvent, yaml.AliasEvent, yaml.StreamEndEvent
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


_ENTRY_COLUMN = re.compile(r"^[ \t]*(?:[-?:][ \t]+)*", re.MULTILINE)


def _within_by_bounds(text: str, limits: Limits) -> bool:
    """True when ``text`` cannot cross the depth, alias and node limits, from bounds that
    cost far less than a scan (most descriptors pass here).

    No ``*``: no alias, and a node takes at least a quarter of a character (``[:]`` is
    four nodes), so nodes <= 4 * len + 4. Depth: a nested block collection is more
    indented than its parent, or as indented for a sequence in a mapping, so block depth
    <= 2 * (the largest column where a line's entries start) + 2; each flow level takes a
    ``[`` or ``{``; depth <= that + their count.
    """
    if "*" in text or 4 * len(text) + 4 > limits.nodes:
        return False
    flows = text.count("[") + text.count("{")
    if flows > limits.depth:
        return False
    column = max(map(len, _ENTRY_COLUMN.findall(text)), default=0)
    return 2 * column + 2 + flows <= limits.depth


def check_yaml(text: str | bytes, limits: Limits = DEFAULT) -> None:
    """Check a YAML (or JSON) stream, every document of it, against ``limits``.

    Only libyaml's event parser runs (no objects are built; a syntax error is left for
    the loader to report), and only when cheap bounds cannot rule a crossing out. Expanded
    nodes are counted exactly: an alias counts the nodes of the node its anchor names (a
    collection's count is the running total at its end minus the total at its start).

    :raises LimitError: the first limit crossed.
    """
    check_size(text, limits)
    if isinstance(text, str) and _within_by_bounds(text, limits):
        return
    aliases = total = 0
    sizes: dict[str, int] = {}
    open_: list[tuple[int, str | None]] = []  # (total at its start, anchor) of each open collection
    loader = _LOADER(text)
    try:
        get = loader.get_event
        while True:
            event = get()
            kind = event.__class__
            if kind is _SCALAR:
                total += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif kind in _STARTS:
                if len(open_) >= limits.depth:
                    raise LimitError(
                        "limit.depth",
                        f"nested more than {limits.depth} levels deep (RDCL_PARSE_MAX_DEPTH)",
                        event.start_mark.line + 1,
                    )
                open_.append((total, event.anchor))
                total += 1
            elif kind in _ENDS:
                begun, anchor = open_.pop()
                if anchor:
                    sizes[anchor] = total - begun
                continue
            elif kind is _ALIAS:
                aliases += 1
                if aliases > limits.aliases:
                    raise LimitError(
                        "limit.aliases",
                        f"more than {limits.aliases} aliases (RDCL_PARSE_MAX_ALIASES)",
                        event.start_mark.line + 1,
                    )
                total += sizes.get(event.anchor, 1)
            elif kind is _END:
                _charge(text, total, None)
                return
            else:
                continue
            if total > limits.nodes:
                raise LimitError(
                    "limit.nodes",
                    f"more than {limits.nodes} nodes once aliases are expanded (RDCL_PARSE_MAX_NODES)",
                    event.start_mark.line + 1,
                )
    except yaml.YAMLError:
        return  # the loader reports the syntax error, with its line
    finally:
        loader.dispose()


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def check_json(text: str | bytes, limits: Limits = DEFAULT) -> None:
    """Check a JSON text's size and nesting depth (JSON has no aliases).

    The depth is counted on the brackets outside strings: exact for valid JSON; invalid
    JSON is left for the loader to report.

    :raises LimitError: ``limit.bytes`` or ``limit.depth``.
    """
    check_size(text, limits)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= limits.depth:
        return  # cannot be deeper than its opening brackets
    brackets = _JSON_BRACKETS.sub("", _JSON_STRING.sub("", text))
    deepest = max(accumulate(map(_STEP.__getitem__, brackets)), default=0)
    if deepest > limits.depth:
        raise LimitError("limit.depth", f"nested more than {limits.depth} levels deep (RDCL_PARSE_MAX_DEPTH)")


def load_yaml(text: str | bytes, limits: Limits = DEFAULT) -> Any:
    """The first document of ``text``, parsed by the C safe loader after :func:`check_yaml`.

    :raises LimitError: over a limit (nothing was built).
    :raises yaml.YAMLError: not YAML.
    """
    check_yaml(text, limits)
    return yaml.load(text, Loader=_LOADER)


def load_all_yaml(text: str | bytes, limits: Limits = DEFAULT) -> list[Any]:
    """Every document of ``text`` (see :func:`load_yaml`)."""
    check_yaml(text, limits)
    return list(yaml.load_all(text, Loader=_LOADER))


def compose_yaml(text: str | bytes, limits: Limits = DEFAULT) -> yaml.Node | None:
    """The node tree of the first document of ``text`` after :func:`check_yaml`."""
    check_yaml(text, limits)
    return yaml.compose(text, Loader=_LOADER)


def load_json(text: str | bytes, limits: Limits = DEFAULT) -> Any:
    """``json.loads`` after :func:`check_json`.

    :raises LimitError: over a limit.
    :raises json.JSONDecodeError: not JSON.
    """
    check_json(text, limits)
    return json.loads(text)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def lone_surrogates(text: str, data: Any) -> bool:
    """True when the parsed JSON ``data`` of ``text`` holds a string with a lone UTF-16
    surrogate (``"\\ud800"``): such a string cannot be encoded as UTF-8 (RFC 8259 §8.2)."""
    if not _SURROGATE_ESCAPE.search(text):
        return False
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
