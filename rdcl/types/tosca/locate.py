"""Where in the template a tosca-parser error is, when tosca-parser does not say.

tosca-parser raises errors with a message only (``Type "tosca.nodes.XYZ" is not a valid
type.``); :func:`translators.tosca_loader.load` locates those naming a node template,
policy, input, output or group. :func:`locate` places the rest in the document: the
version (``InvalidTemplateVersion``, a missing ``tosca_definitions_version``), an import
(``ImportError``: ``imports[2]``), an unknown top-level section, or the first place that
uses a name the message quotes (a type, an artifact file, a node template), searched in
the template's own document and then in the local files it imports (``in
custom_types/x.yaml: `` starts the message then). CSAR structure errors name the
``TOSCA-Metadata/TOSCA.meta`` member. A problem that is about the whole file (not a zip,
an empty file) keeps an empty path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import yaml

from translators import limits
from translators.errors import Problem

from ..docpath import Part, compose, format_path, line_of
from .imports import import_entries, is_remote

_QUOTED = re.compile(r'"([^"]+)"')
_WORD = re.compile(r'"([^"\s]+)"')
_META = "TOSCA-Metadata/TOSCA.meta"


class Document:
    """One YAML document of a template: ``name`` (as shown in messages), text, data, node."""

    def __init__(self, name: str, text: str | None):
        self.name = name
        try:
            self.data = limits.load_yaml(text) if text else None
        except (yaml.YAMLError, limits.LimitError):
            self.data = None
        self.node = compose(text) if isinstance(self.data, dict) else None

    def at(self, parts: list[Part]) -> tuple[str, int | None]:
        """``(path, line)`` of ``parts`` in this document."""
        return format_path("", parts), line_of(self.node, parts)


def locate(
    problems: list[Problem],
    main: str,
    read: Callable[[str], str | None],
    join: Callable[[str, str], str],
    archive: bool = False,
) -> list[Problem]:
    """``problems`` with a path (and line, for a template file) where they had none.

    ``main`` names the template (or a CSAR's entry definitions), ``read``/``join`` read it
    and the local files it imports (see :mod:`.imports`); in an archive lines are left out
    (they would point into a member, not the archive) and the member is named in the message.
    """
    documents = list(_documents(main, read, join))
    out = []
    for problem in problems:
        if problem.path or problem.line or not documents:
            out.append(problem)
            continue
        found = _place(problem, documents)
        if found is None:
            out.append(problem)
            continue
        doc, parts = found
        path, line = doc.at(parts)
        message = problem.message
        if doc is not documents[0] or archive:
            message = f"in {_short(doc.name, main)}: {message}"
            line = None if archive or doc is not documents[0] else line
        out.append(replace(problem, path=path, line=line, message=message))
    return out


def _short(name: str, main: str) -> str:
    import posixpath

    base = posixpath.dirname(main)
    return posixpath.relpath(name, base) if base and name.startswith(base) else name


def _documents(main: str, read, join) -> Iterator[Document]:
    todo, seen = [main], set()
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        doc = Document(name, read(name))
        yield doc
        for _, file, repository in import_entries(doc.data):
            if isinstance(file, str) and not repository and not is_remote(file):
                # tosca-parser also resolves a nested import against the folders above
                tries = [join(name, "../" * up + file) for up in range(4)]
                todo.append(next((t for t in tries if read(t) is not None), tries[0]))


def _place(problem: Problem, documents: list[Document]) -> tuple[Document, list[Part]] | None:
    main = documents[0]
    quoted = _QUOTED.findall(problem.message)
    if problem.rule == "InvalidTemplateVersion" or "tosca_definitions_version" in quoted:
        version = quoted[0].split(" in ")[0] if quoted else ""
        for doc in documents:
            if isinstance(doc.data, dict) and (
                str(doc.data.get("tosca_definitions_version")) == version or "tosca_definitions_version" not in doc.data
            ):
                return doc, ["tosca_definitions_version"]
        return main, ["tosca_definitions_version"]
    if problem.rule == "ImportError" and quoted:
        for doc in documents:
            for index, file, _ in import_entries(doc.data):
                if file == quoted[0]:
                    return doc, ["imports", index]
    if _META.rsplit("/", 1)[1] in problem.message or "Entry-Definitions" in problem.message:
        return None  # CSAR structure: see locate_csar
    # names without spaces first (a type, a node, a file), longest first: the most specific
    words = sorted(dict.fromkeys(_WORD.findall(problem.message)), key=len, reverse=True)
    for word in [*words, *(q for q in quoted if q not in words)]:
        for doc in documents:
            parts = _find(doc.data, word)
            if parts is not None:
                return doc, parts
    return None


def _find(data: Any, word: str, parts: list[Part] | None = None) -> list[Part] | None:
    """The first path whose key or value is ``word`` (depth first, document order); values
    compare by their text, as tosca-parser quotes them (``"123"``, ``"['a', 'b']"``)."""
    parts = parts or []
    if isinstance(data, (list, dict)) and str(data) == word:
        return parts
    if isinstance(data, dict):
        for key, value in data.items():
            if key == word:
                return [*parts, key]
            found = _find(value, word, [*parts, key])
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = _find(value, word, [*parts, index])
            if found is not None:
                return found
    elif data is not None and str(data) == word:
        return parts
    return None


def locate_csar(problems: list[Problem]) -> list[Problem]:
    """CSAR structure errors (SOL 004 §4.1 / TOSCA §3.10) placed at the metadata member:
    path ``TOSCA-Metadata/TOSCA.meta`` (``.Entry-Definitions`` when that key is meant)."""
    out = []
    for problem in problems:
        if not problem.path and ("TOSCA.meta" in problem.message or "Entry-Definitions" in problem.message):
            key = ".Entry-Definitions" if "Entry-Definitions" in problem.message else ""
            problem = replace(problem, path=_META + key)
        out.append(problem)
    return out
