"""Descriptor files as project types receive them: from disk, from archives, from memory.

``files`` given to a project type may be a path (file, folder or archive), a list of
paths, a mapping ``{name: text | bytes | parsed data}`` (files held by the designer or
produced by an import), or :class:`Source` objects. :func:`as_sources` turns any of these
into a list of :class:`Source`. Folders are read recursively; archives stay one source (a
TOSCA CSAR is validated whole; :func:`zip_members` opens other archives).
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from translators import limits
from translators.errors import Problem

from .docpath import LazyNode

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
ARCHIVE_SUFFIXES = (".zip", ".csar")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Source:
    """One descriptor file.

    ``name`` is what problems and reports show; ``path`` the file on disk when there is one
    (tosca-parser needs it: imports resolve beside it); ``text`` the decoded content
    (``None`` for archives and undecodable bytes); ``data`` the parsed document when the
    caller already had it (a project import), else parsed on demand by :func:`load`;
    ``root`` the project's folder on disk, which imports may not leave (``None``: the
    file's own folder).
    """

    name: str
    text: str | None = None
    path: Path | None = None
    data: Any = None
    raw: bytes | None = None
    root: Path | None = None

    @property
    def suffix(self) -> str:
        """Lower-case extension of the name (``.json``, ``.yaml``, ``.zip``, ...)."""
        return Path(self.name).suffix.lower()

    @property
    def is_archive(self) -> bool:
        """A ``.zip``/``.csar`` on disk (whether or not it really is a zip)."""
        return self.suffix in ARCHIVE_SUFFIXES and self.path is not None


def as_sources(files: Any) -> list[Source]:
    """Normalise ``files`` (see module doc) to a list of :class:`Source`, folders expanded.

    :raises FileNotFoundError: a path that does not exist.
    :raises TypeError: anything else.
    """
    if isinstance(files, Source):
        return [files]
    if isinstance(files, (str, Path)):
        return _from_path(Path(files))
    if isinstance(files, Mapping):
        return [_from_value(str(name), value) for name, value in files.items()]
    if isinstance(files, Iterable):
        return [s for item in files for s in as_sources(item)]
    raise TypeError(f"cannot read descriptor files from {type(files).__name__}")


def _from_path(path: Path) -> list[Source]:
    if path.is_dir():
        return [
            _from_file(p, path)
            for p in sorted(path.rglob("*"))
            if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES + ARCHIVE_SUFFIXES
        ]
    if not path.exists():
        raise FileNotFoundError(str(path))
    return [_from_file(path)]


def _from_file(path: Path, root: Path | None = None) -> Source:
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        return Source(str(path), path=path, root=root)
    raw = path.read_bytes()
    return Source(str(path), text=_decode(raw), path=path, raw=raw, root=root)


def _from_value(name: str, value: Any) -> Source:
    if isinstance(value, bytes):
        return Source(name, text=_decode(value), raw=value)
    if isinstance(value, str):
        return Source(name, text=value)
    # parsed data: the text is its canonical JSON, so lines point into what gets stored
    return Source(name, text=json.dumps(value, indent=2), data=value)


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@dataclass
class Loaded:
    """A parsed document: ``data``, its composed ``node`` (for lines; a
    :class:`~rdcl.types.docpath.LazyNode` composed when a line is first asked for), and
    ``problems``."""

    data: Any
    node: yaml.Node | LazyNode | None
    problems: list[Problem]


def load(source: Source) -> Loaded:
    """Parse a YAML or JSON source; syntax and encoding errors become problems.

    Rules: ``file.encoding`` (not UTF-8), ``json.syntax``, ``yaml.syntax``, each with the
    line where the parser stopped; ``limit.*`` for a document over a parser limit
    (:mod:`translators.limits`), checked before anything is built.
    """
    if source.data is not None:
        return Loaded(source.data, LazyNode(source.text), [])
    if source.text is None:
        return Loaded(None, None, [Problem("", "file.encoding", "not UTF-8 text")])
    try:
        if source.suffix == ".json":
            limits.check_json(source.text)
        else:
            limits.check_yaml(source.text)
    except limits.LimitError as exc:
        return Loaded(None, None, [Problem("", exc.rule, exc.message, exc.line)])
    if source.suffix == ".json":
        try:
            data = json.loads(source.text)
        except json.JSONDecodeError as exc:
            return Loaded(None, None, [Problem("", "json.syntax", exc.msg, exc.lineno)])
    else:
        try:
            data = yaml.load(source.text, Loader=_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            return Loaded(
                None, None, [Problem("", "yaml.syntax", " ".join(str(exc).split()), mark.line + 1 if mark else None)]
            )
    source.data = data
    return Loaded(data, LazyNode(source.text), [])


def zip_members(source: Source) -> list[Source]:
    """The YAML/JSON members of a zip as sources named ``archive.zip/member``.

    :raises zipfile.BadZipFile: not a zip.
    """
    if source.path is None:
        raise zipfile.BadZipFile(f"{source.name}: not a file on disk")
    out = []
    with zipfile.ZipFile(source.path) as archive:
        for info in archive.infolist():
            if info.is_dir() or Path(info.filename).suffix.lower() not in DOCUMENT_SUFFIXES:
                continue
            raw = archive.read(info)
            out.append(Source(f"{source.name}/{info.filename}", text=_decode(raw), raw=raw))
    return out


def is_csar(path: Path) -> bool:
    """A zip laid out as a TOSCA CSAR: ``TOSCA-Metadata/`` or YAML files at its root."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    return any(n.startswith("TOSCA-Metadata/") for n in names) or any(
        "/" not in n and n.lower().endswith((".yaml", ".yml")) for n in names
    )


def csar_entry(path: Path) -> tuple[str, str] | None:
    """``(member name, text)`` of a CSAR's entry definitions, or None when not a TOSCA CSAR.

    The entry is ``Entry-Definitions`` of ``TOSCA-Metadata/TOSCA.meta`` (TOSCA Simple
    Profile §3.10 / ETSI GS NFV-SOL 004 §4.1), else the one root-level YAML file with
    ``tosca_definitions_version``.
    """
    if not zipfile.is_zipfile(path):
        return None
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        entry = None
        if "TOSCA-Metadata/TOSCA.meta" in names:
            meta = archive.read("TOSCA-Metadata/TOSCA.meta").decode("utf-8", "replace")
            for line in meta.splitlines():
                key, _, value = line.partition(":")
                if key.strip() == "Entry-Definitions" and value.strip():
                    entry = value.strip()
        if entry is None:
            roots = [n for n in names if "/" not in n and n.lower().endswith((".yaml", ".yml"))]
            entry = roots[0] if len(roots) == 1 else None
        if entry is None or entry not in names:
            return (entry, "") if entry else None
        text = archive.read(entry).decode("utf-8", "replace")
    return entry, text


def read_member(path: Path, name: str) -> bytes | None:
    """Bytes of one archive member (``None`` when absent)."""
    with zipfile.ZipFile(path) as archive:
        try:
            return archive.read(posixpath.normpath(name))
        except KeyError:
            return None


def expand(source: Source) -> list[Source]:
    """A plain zip (not a CSAR) as its YAML/JSON members; anything else as itself."""
    if source.is_archive and source.path is not None and source.path.is_file() and not is_csar(source.path):
        try:
            return zip_members(source)
        except (zipfile.BadZipFile, OSError):  # not a zip after all: its reader reports it
            return [source]
    return [source]
