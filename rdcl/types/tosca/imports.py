"""Remote imports of a TOSCA template, found before tosca-parser would fetch them.

tosca-parser downloads an import given as a URL (or through a ``repositories`` entry)
unless ``local_defs`` maps that URL to a local file. Descriptors are validated offline, so
:func:`remote_imports` walks the template and the local files it imports (on disk or in a
CSAR) and lists every remote import; the project type then maps each to a local file or
reports it (``import.remote``). TOSCA Simple Profile in YAML 1.3 §3.6.8 (import definition).
"""
from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from ..docpath import compose, line_of

REMOTE_SCHEMES = ("http", "https", "ftp")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def is_remote(uri: Any) -> bool:
    """An ``http``, ``https`` or ``ftp`` URL."""
    return isinstance(uri, str) and urlparse(uri).scheme.lower() in REMOTE_SCHEMES


def import_entries(data: Any) -> list[tuple[int, Any, str | None]]:
    """``(index, file, repository)`` of each entry of a template's ``imports``.

    Entries are a string, ``{file, repository, ...}`` (TOSCA 1.2+) or a one-key map
    ``{name: uri | {file, repository}}`` (TOSCA 1.0).
    """
    imports = data.get("imports") if isinstance(data, dict) else None
    out = []
    for i, item in enumerate(imports if isinstance(imports, list) else []):
        if isinstance(item, str):
            out.append((i, item, None))
        elif isinstance(item, dict) and "file" in item:
            out.append((i, item.get("file"), item.get("repository")))
        elif isinstance(item, dict) and len(item) == 1:
            value = next(iter(item.values()))
            if isinstance(value, dict):
                out.append((i, value.get("file"), value.get("repository")))
            else:
                out.append((i, value, None))
    return out


def _repository_url(data: dict, name: str) -> str:
    repo = (data.get("repositories") or {}).get(name)
    url = repo.get("url") if isinstance(repo, dict) else repo
    return url if isinstance(url, str) else ""


def remote_imports(start: str, read: Callable[[str], str | None],
                   join: Callable[[str, str], str]) -> list[RemoteImport]:
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
            data = yaml.load(text, Loader=_LOADER) if text else None
        except yaml.YAMLError:
            continue  # tosca-parser reports the syntax error
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


def on_disk(path: Path) -> tuple[Callable[[str], str | None], Callable[[str], str]]:
    """``read`` and ``join`` for a template file on disk."""
    def read(name: str) -> str | None:
        try:
            return Path(name).read_text()
        except (OSError, UnicodeDecodeError):
            return None

    def join(importer: str, relative: str) -> str:
        return str((Path(importer).parent / relative).resolve())

    return read, join


def in_archive(read_member: Callable[[str], bytes | None]) -> tuple[Callable[[str], str | None],
                                                                    Callable[[str], str]]:
    """``read`` and ``join`` for members of a CSAR."""
    def read(name: str) -> str | None:
        raw = read_member(name)
        return raw.decode("utf-8", "replace") if raw is not None else None

    def join(importer: str, relative: str) -> str:
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), relative))

    return read, join
