"""Where in the template a tosca-parser error is, when tosca-parser does not say: the one
locator of ``translate`` (:func:`translators.tosca_loader.load`) and of the designer's
validator (``rdcl_validate``, the ``tosca`` project types).

tosca-parser raises errors with a message only (``Type "tosca.nodes.XYZ" is not a valid
type.``); :func:`translators.tosca_loader.load` locates those naming a node template,
policy, input, output or group. :func:`locate` places the rest in the document: the
version (``InvalidTemplateVersion``, a missing ``tosca_definitions_version``), an import
(``ImportError``: ``imports[2]``), an unknown top-level section, or the first place that
uses a name the message quotes (a type, an artifact file, a node template), searched in
the template's own document and then in the local files it imports (``in
custom_types/x.yaml: `` starts the message then, and the problem's ``member`` names that
file, its ``line`` the line there). In a CSAR every problem's ``member`` is the member it is
in. CSAR structure errors name the ``TOSCA-Metadata/TOSCA.meta`` member. A problem that is
about the whole file (not a zip, an empty file) keeps an empty path. :func:`locate_file`
does all of it for a template file or a CSAR on disk.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from . import limits
from .docpath import Part, compose, format_path, line_of
from .errors import Problem
from .imports import TOSCA_META, _csar_entry, import_entries

REMOTE_SCHEMES = ("http", "https", "ftp")


def is_remote(uri: Any) -> bool:
    """An ``http``, ``https`` or ``ftp`` URL."""
    return isinstance(uri, str) and urlparse(uri).scheme.lower() in REMOTE_SCHEMES


def on_disk(path: Path, root: Path | None = None) -> tuple[Callable[[str], str | None], Callable[[str, str], str]]:
    """``read`` and ``join`` for a template file on disk in the project folder ``root``
    (default: the template's folder): ``read`` gives None for anything but a regular file
    inside ``root`` (an import of ``/etc/passwd`` or ``/dev/zero`` is never opened here)."""
    base = os.path.realpath(root if root is not None else Path(path).parent)

    def read(name: str) -> str | None:
        real = os.path.realpath(name)
        if not (real == base or real.startswith(base.rstrip(os.sep) + os.sep)):
            return None
        try:
            if not stat.S_ISREG(os.stat(real).st_mode):
                return None
            with open(real, "rb") as handle:
                return handle.read(limits.DEFAULT.bytes + 1).decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    def join(importer: str, relative: str) -> str:
        return os.path.normpath(os.path.join(os.path.dirname(importer), relative))

    return read, join


def in_archive(
    read_member: Callable[[str], bytes | None],
) -> tuple[Callable[[str], str | None], Callable[[str, str], str]]:
    """``read`` and ``join`` for members of a CSAR."""

    def read(name: str) -> str | None:
        raw = read_member(name)
        return raw.decode("utf-8", "replace") if raw is not None else None

    def join(importer: str, relative: str) -> str:
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), relative))

    return read, join


def locate_file(problems: list[Problem], path: Path, root: Path | None = None) -> list[Problem]:
    """``problems`` of the template or CSAR at ``path`` located (:func:`locate_csar`, then
    :func:`locate` in the template and the local files it imports; ``root``: the project
    folder imports stay in, default the template's folder)."""
    if zipfile.is_zipfile(path):
        problems = locate_csar(problems)
        with zipfile.ZipFile(path) as archive:
            infos = {i.filename: i for i in archive.infolist()}
            entry = _csar_entry(archive, infos)
            if not entry or entry not in infos or not archive.read(entry):
                return problems

        def member(name: str) -> bytes | None:
            with zipfile.ZipFile(path) as archive:
                try:
                    return archive.read(posixpath.normpath(name))
                except KeyError:
                    return None

        read, join = in_archive(member)
        return locate(problems, entry, read, join, archive=True)
    read, join = on_disk(path, root)
    return locate(problems, str(path.resolve()), read, join)


_QUOTED = re.compile(r'"([^"]+)"')
_WORD = re.compile(r'"([^"\s]+)"')
_VALUE = re.compile(r'^The value "([^"]+)" of property')
_META = TOSCA_META


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
    """``problems`` with a path and line where they had none.

    ``main`` names the template (or a CSAR's entry definitions), ``read``/``join`` read it
    and the local files it imports (:func:`on_disk`, :func:`in_archive`); a problem found in
    another file than the template, or in an archive, names that file (or member) in its
    message and as its ``member``, its line being the line there.
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
        message, member = problem.message, ""
        if doc is not documents[0] or archive:
            member = doc.name if archive else _short(doc.name, main)
            message = f"in {_short(doc.name, main)}: {message}"
        out.append(replace(problem, path=path, line=line, message=message, member=member))
    return out


def _short(name: str, main: str) -> str:
    base = posixpath.dirname(main)
    return posixpath.relpath(name, base) if base and name.startswith(base) else name


def _documents(main: str, read: Callable[[str], str | None], join: Callable[[str, str], str]) -> Iterator[Document]:
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
    # a property's value first (``The value "x" of property``: where the template writes it),
    # then names without spaces (a type, a node, a file), longest first: the most specific
    words = sorted(dict.fromkeys(_WORD.findall(problem.message)), key=len, reverse=True)
    value = _VALUE.search(problem.message)
    if value:
        words = [value.group(1), *(w for w in words if w != value.group(1))]
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
            problem = replace(problem, path=_META + key, member=_META)
        out.append(problem)
    return out


def with_lines(problems: list[Problem], text: str | None, member: str = "") -> list[Problem]:
    """``problems`` whose dotted ``path`` (``topology_template.node_templates.vm``; a list
    such as ``policies`` is searched for the key) is in the template ``text`` and that have no
    line, with the line of the deepest part of the path found; ``member``: the CSAR member
    ``text`` is (empty for a template file)."""
    node = compose(text)
    if node is None:
        return problems
    out = []
    for problem in problems:
        if problem.line or not problem.path or problem.member:
            out.append(problem)
            continue
        current, line = node, None
        for key in problem.path.split("."):
            found = None
            if isinstance(current, yaml.MappingNode):
                found = next(((k, v) for k, v in current.value if getattr(k, "value", None) == key), None)
            elif isinstance(current, yaml.SequenceNode):
                for item in current.value:
                    if isinstance(item, yaml.MappingNode):
                        found = next(((k, v) for k, v in item.value if getattr(k, "value", None) == key), found)
            if found is None:
                break
            line, current = found[0].start_mark.line + 1, found[1]
        out.append(replace(problem, line=line, member=member if line else "") if line else problem)
    return out
