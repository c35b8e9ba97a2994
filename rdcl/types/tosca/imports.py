"""Remote imports of a TOSCA template, found before tosca-parser would fetch them.

tosca-parser downloads an import given as a URL (or through a ``repositories`` entry)
unless ``local_defs`` maps that URL to a local file. Descriptors are validated offline, so
:func:`remote_imports` walks the template and the local files it imports (on disk or in a
CSAR) and lists every remote import; the project type then maps each to a local file or
reports it (``import.remote``). TOSCA Simple Profile in YAML 1.3 §3.6.8 (import definition).

The walk reads only regular files inside the project (:func:`on_disk`'s ``root``) and holds
each to the parser limits; :mod:`translators.imports` refuses the other imports, by rule,
when the template is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from translators import limits
from translators.imports import import_entries
from translators.locate import in_archive, is_remote, on_disk

from ..docpath import compose, line_of

__all__ = ["RemoteImport", "import_entries", "is_remote", "remote_imports", "on_disk", "in_archive"]


@dataclass(frozen=True)
class RemoteImport:
    """One remote import: ``url``, the ``file`` that imports it, its index in that file's
    ``imports`` and line; ``repository`` when given through a repository (such an import
    cannot be mapped by ``local_defs``)."""

    url: str
    file: str
    index: int
    line: int | None
    repository: str | None = None


def _repository_url(data: Any, name: str) -> str:
    repo = (data.get("repositories") or {}).get(name)
    url = repo.get("url") if isinstance(repo, dict) else repo
    return url if isinstance(url, str) else ""


def remote_imports(
    start: str, read: Callable[[str], str | None], join: Callable[[str, str], str]
) -> list[RemoteImport]:
    """Remote imports of ``start`` and of the local files it imports, transitively.

    ``read(name)`` gives a file's text (None when missing: tosca-parser reports that);
    ``join(importer, relative)`` names an imported file.
    """
    todo, seen, out = [start], set(), []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = read(name)
        if not text or "imports" not in text:
            continue  # no imports section: no need to parse the file here
        try:
            data = limits.load_yaml(text) if text else None
        except (yaml.YAMLError, limits.LimitError):
            continue  # the loader reports the syntax error or the limit
        entries = import_entries(data)
        node = compose(text) if entries else None
        for index, file, repository in entries:
            if not isinstance(file, str):
                continue
            if repository:
                url = _repository_url(data, repository).rstrip("/") + "/" + file
                if is_remote(url):
                    out.append(RemoteImport(url, name, index, line_of(node, ["imports", index]), repository))
            elif is_remote(file):
                out.append(RemoteImport(file, name, index, line_of(node, ["imports", index])))
            else:
                todo.append(join(name, file))
    return out
