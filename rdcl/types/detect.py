"""Which project type a file, folder or archive is (when ``--type`` is not given).

Each type scores a source (:meth:`~rdcl.types.base.ProjectType.claims`); the highest
non-zero score wins. A folder or plain zip is of one type when all its files are of that
type or of types it refines (``extends``): ETSI files beside nested-VDU ones make a
nested-VDU project.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .base import ProjectType
from .registry import types
from .sources import Source, as_sources, expand, load


def detect_source(source: Source, found: dict[str, ProjectType] | None = None) -> ProjectType | None:
    """The type that claims ``source`` most surely, or None (unreadable or unclaimed)."""
    found = types() if found is None else found
    loaded = None if source.is_archive else load(source)
    if loaded is not None and (loaded.problems or loaded.data is None):
        return None
    best, score = None, 0
    for plugin in found.values():
        mine = plugin.claims(source, loaded)
        if mine > score:
            best, score = plugin, mine
    return best


def unify(names: Iterable[str | None], found: dict[str, ProjectType] | None = None) -> str | None:
    """The one type covering ``names``: the name that all others are, or are refined by."""
    found = types() if found is None else found
    wanted = set(names)
    if not wanted or None in wanted:
        return None
    known = {n for n in wanted if n is not None}
    for candidate in known:
        if all(n == candidate or n in _bases(candidate, found) for n in known):
            return candidate
    return None


def _bases(name: str, found: dict[str, ProjectType]) -> set[str]:
    out, todo = set(), [name]
    while todo:
        plugin = found.get(todo.pop())
        for base in plugin.extends if plugin else ():
            if base not in out:
                out.add(base)
                todo.append(base)
    return out


def detect(path: str | Path, extra: Iterable[str | Path] = ()) -> str | None:
    """Type name of a file, folder (recursively) or archive; None when unknown or mixed.

    :raises FileNotFoundError: ``path`` does not exist.
    """
    found = types(extra)
    sources = [m for s in as_sources(path) for m in expand(s)]
    return unify([getattr(detect_source(s, found), "name", None) for s in sources], found)
