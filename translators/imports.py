"""TOSCA ``imports`` confined to the descriptor's project, checked before tosca-parser runs.

tosca-parser opens whatever an import names: an absolute path, a path relative to the
server's working directory (tried first!), ``..`` out of the template's folder, a
``file://`` URL, a device, and it fetches ``http``/``ftp`` URLs. Its errors then quote what
it read. :func:`check_imports` walks a template and the files it imports, transitively,
and refuses, by rule, every import that is not a regular file inside the project:

``import.url``           a URL of any scheme (``file:``, ``http:``...) or a ``repository``
                         import, unless ``trusted`` maps it to a local file (the type files
                         the project type provides: SOL 001, the rdcl-nfvo profile);
``import.absolute-path`` an absolute path;
``import.outside-project`` a relative path that leaves the project's root (``..``, or a
                         symbolic link out of it);
``import.not-a-file``    inside the project but not a regular file (folder, device, fifo);
``import.bad``           an entry that names no file.

An import missing from the project is left to tosca-parser's own ``ImportError`` (``Import
"x" is not valid.``), whatever exists elsewhere.

A refusal never opens or tests the file outside: missing and existing files outside the
root get the same answer. Each refusal is a :class:`~translators.errors.Problem` with the
path ``imports[<i>]`` and, when it is in an imported file, that file named in the message.
Every file read is also held to the parser limits (:mod:`translators.limits`).

:func:`confine_tosca_parser` makes tosca-parser resolve a relative import beside the file
that imports it only (never from the working directory), so it opens the file checked here;
a bare-name SOL 001 type file the folder lacks is the local copy (:mod:`translators.sol001`);
and each distinct imported text is parsed once per process (a copy is handed out each time).
TOSCA Simple Profile in YAML 1.3 §3.6.8 (import definition), §3.10 (CSAR). Pure Python.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import posixpath
import stat
import zipfile
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from . import limits
from .doc import Doc, copy_doc
from .errors import Problem
from .paths import within
from .sol001 import by_name

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TOSCA_META = "TOSCA-Metadata/TOSCA.meta"


def import_entries(data: Any) -> list[tuple[int, Any, str | None]]:
    """``(index, file, repository)`` of each entry of a template's ``imports``.

    Entries are a string, ``{file, repository, ...}`` (TOSCA 1.2+) or a one-key map
    ``{name: uri | {file, repository}}`` (TOSCA 1.0); an entry of another shape gives
    ``(index, None, None)``.
    """
    imports = data.get("imports") if isinstance(data, dict) else None
    out: list[tuple[int, Any, str | None]] = []
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
        else:
            out.append((i, None, None))
    return out


def is_url(name: str) -> bool:
    """A URL as tosca-parser takes one (a scheme and a host, or ``file:``), or any
    ``scheme:`` other than a one-letter drive."""
    parsed = urlparse(name)
    return bool(parsed.scheme) and (len(parsed.scheme) > 1 or bool(parsed.netloc))


@lru_cache(maxsize=64)
def _scan(text: str) -> tuple[limits.LimitError | None, tuple[tuple[int, Any, str | None], ...]]:
    """A file's parser-limit refusal (None: within the limits) and import entries (empty when
    it has none or is not YAML: tosca-parser reports that). Kept per text: a warm process
    translating package after package reads the same SOL 001 type files each time, and a
    file's imports depend on its text only."""
    try:
        limits.check_yaml(text)  # every file tosca-parser will load, imports or not
    except limits.LimitError as exc:
        return exc, ()
    if "imports" not in text:
        return None, ()
    try:  # the parse tosca-parser's import loader then takes from the cache (a file it imports)
        raw = text.encode("utf-8")
        entry = parsed_once(raw, text)
        data = entry[1] if entry is not None else yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None, ()
    return None, tuple(import_entries(data))


class _Walk:
    """One check: files to read by name, problems found."""

    def __init__(
        self,
        read: Callable[[str], str | None],
        resolve: Callable[[str, str], tuple[str | None, str]],
        main: str,
        trusted: Mapping[str, str],
        label: Callable[[str], str],
    ):
        self.read, self.resolve, self.main, self.trusted, self.label = read, resolve, main, trusted, label
        self.problems: list[Problem] = []
        self._main_node: Any = None

    def run(self) -> list[Problem]:
        todo, seen = [self.main], set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            text = self.read(name)
            if text is None:
                continue  # unreadable: tosca-parser reports it
            refused, entries = _scan(text)
            if refused is not None:
                self._add(name, "", refused.rule, refused.message, refused.line)
                continue
            if name == self.main:
                self._main_node = text  # composed only if a problem needs its line
            for index, file, repository in entries:
                target = self._entry(name, index, file, repository)
                if target is not None:
                    todo.append(target)
        return self.problems

    def _entry(self, name: str, index: int, file: Any, repository: Any) -> str | None:
        where = f"imports[{index}]"
        if not isinstance(file, str) or not file.strip():
            self._add(name, where, "import.bad", "an import names a file: a relative path in the project")
        elif repository is not None:
            self._add(
                name,
                where,
                "import.url",
                f"{file!r} is imported from repository {str(repository)!r}; "
                "imports are never fetched: put the file in the project and "
                "import it by relative path",
            )
        elif file in self.trusted:
            return None  # a type file the project type provides
        elif is_url(file):
            self._add(
                name,
                where,
                "import.url",
                f"{file!r} is a URL; imports are never fetched or opened by URL: "
                "put the file in the project and import it by relative path",
            )
        elif file.startswith(("/", "\\")):
            self._add(
                name,
                where,
                "import.absolute-path",
                f"{file!r} is an absolute path; imports are relative paths inside the project",
            )
        else:
            target, why = self.resolve(name, file)
            if target is None and why:
                rule, message = why.split(" ", 1)
                self._add(name, where, rule, f"{file!r} {message}")
            return target
        return None

    def _add(self, name: str, where: str, rule: str, message: str, line: int | None = None) -> None:
        prefix = "" if name == self.main else f"in {self.label(name)}: "
        if name == self.main and line is None and where.startswith("imports["):
            line = self._line(int(where[len("imports[") : -1]))
        self.problems.append(Problem(where, rule, prefix + message, line if name == self.main else None))

    def _line(self, index: int) -> int | None:
        """1-based line of ``imports[index]`` in the main file."""
        if isinstance(self._main_node, str):
            try:
                self._main_node = yaml.compose(self._main_node, Loader=_LOADER)
            except yaml.YAMLError:
                self._main_node = None
        node = self._main_node
        if not isinstance(node, yaml.MappingNode):
            return None
        found = next((v for k, v in node.value if getattr(k, "value", None) == "imports"), None)
        if isinstance(found, yaml.SequenceNode) and 0 <= index < len(found.value):
            line: int = found.value[index].start_mark.line
            return line + 1
        return None


_OUTSIDE = "import.outside-project leaves the project's folder; imports are relative paths inside the project"
_NOT_FILE = "import.not-a-file is not a regular file"


def check_imports(
    path: str | Path, root: str | Path | None = None, trusted: Mapping[str, str] | None = None
) -> list[Problem]:
    """Problems with the imports of the template at ``path`` and of the files it imports.

    ``root`` is the project's folder (default: the template's folder); ``trusted`` maps
    import names (URLs) to local files the caller provides (tosca-parser ``local_defs``):
    they are allowed and not walked. A ``.zip``/``.csar`` is checked by
    :func:`check_archive_imports`. Rules: see the module doc.
    """
    path = Path(os.path.abspath(path))
    if path.suffix.lower() in (".zip", ".csar"):
        return check_archive_imports(path, trusted)
    root = Path(os.path.abspath(root if root is not None else path.parent))
    real_root = os.path.realpath(root)

    def read(name: str) -> str | None:
        try:
            with open(name, "rb") as handle:
                raw = handle.read(limits.DEFAULT.bytes + 1)  # an oversize file fails limit.bytes
            return raw.decode("utf-8-sig", "replace")
        except (OSError, UnicodeDecodeError):
            return None

    def resolve(importer: str, relative: str) -> tuple[str | None, str]:
        target = os.path.normpath(os.path.join(os.path.dirname(importer), relative))
        if not within(target, str(root)):
            return None, _OUTSIDE
        found = beside(importer, relative)
        if found is None and os.path.lexists(target):  # there, but not a regular file
            return None, _OUTSIDE if not within(os.path.realpath(target), real_root) else _NOT_FILE
        if found is None:
            return None, ""  # missing: tosca-parser says so (ImportError), never looking elsewhere
        if not within(os.path.realpath(found), real_root):
            return None, _OUTSIDE  # a symbolic link out of the project
        try:
            mode = os.stat(found).st_mode
        except OSError:
            return None, ""
        return (found, "") if stat.S_ISREG(mode) else (None, _NOT_FILE)

    def label(name: str) -> str:
        return os.path.relpath(name, root)

    return _Walk(read, resolve, str(path), dict(trusted or {}), label).run()


def check_archive_imports(path: str | Path, trusted: Mapping[str, str] | None = None) -> list[Problem]:
    """:func:`check_imports` for a CSAR: imports are members of the archive, named relative
    to the importing member; the entry is ``Entry-Definitions`` of ``TOSCA-Metadata/TOSCA.meta``
    or the one YAML file at the root. Not a zip, or no entry: ``[]`` (tosca-parser says why)."""
    if not zipfile.is_zipfile(path):
        return []
    with zipfile.ZipFile(path) as archive:
        infos = {i.filename: i for i in archive.infolist()}
        entry = _csar_entry(archive, infos)
        if entry is None:
            return []

        def read(name: str) -> str | None:
            info = infos.get(name)
            if info is None:
                return None
            with archive.open(info) as member:  # an oversize member fails limit.bytes
                return member.read(limits.DEFAULT.bytes + 1).decode("utf-8", "replace")

        def resolve(importer: str, relative: str) -> tuple[str | None, str]:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(importer), relative.replace("\\", "/")))
            if target.startswith("../") or target == ".." or target.startswith("/"):
                return None, _OUTSIDE
            info = infos.get(target)
            if info is None:
                return None, ""  # missing: tosca-parser says so
            if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
                return None, _NOT_FILE
            return target, ""

        return _Walk(read, resolve, entry, dict(trusted or {}), lambda name: name).run()


def _csar_entry(archive: zipfile.ZipFile, infos: Mapping[str, zipfile.ZipInfo]) -> str | None:
    if TOSCA_META in infos:
        meta = archive.read(TOSCA_META).decode("utf-8", "replace")
        for line in meta.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Entry-Definitions" and value.strip():
                return value.strip()
        return None
    roots = [n for n in infos if "/" not in n and n.lower().endswith((".yaml", ".yml"))]
    return roots[0] if len(roots) == 1 else None


def beside(importer: str, relative: str) -> str | None:
    """The file a relative import names, as tosca-parser resolves it but never from the
    working directory: beside the importing file, else (tosca-parser's fallback for an
    import that repeats the importer's folder, ``custom_types/x.yaml`` from
    ``custom_types/``) the base name in the importer's folder; None when neither is a file."""
    folder = os.path.dirname(os.path.abspath(importer))
    target = os.path.normpath(os.path.join(folder, relative))
    if os.path.isfile(target):
        return target
    head, _, tail = relative.rpartition("/")
    if head and folder.endswith(head) and tail and os.path.isfile(os.path.join(folder, tail)):
        return os.path.join(folder, tail)
    return None


def sol001_by_name(relative: str) -> str | None:
    """The local SOL 001 type file a bare-name import (``etsi_nfv_sol001_vnfd_types.yaml``)
    stands for when the importing file's folder lacks it (:func:`translators.sol001.by_name`)."""
    found = by_name(relative) if "/" not in relative else None
    return str(found) if found is not None else None


_CONFINED = False


def confine_tosca_parser() -> None:
    """Make tosca-parser resolve a relative import (of a template read from a file) beside
    the importing file, as :func:`check_imports` does, instead of trying the process's
    working directory first. Idempotent; wraps ``ImportsLoader._load_import_template``."""
    global _CONFINED
    if _CONFINED:
        return
    from toscaparser.imports import ImportsLoader

    original = ImportsLoader._load_import_template

    def load_import_template(self: ImportsLoader, import_name: str, import_uri_def: str | Doc) -> Any:  # tosca-parser's
        from toscaparser.common.exception import ExceptionCollector

        file = import_uri_def.get("file") if isinstance(import_uri_def, dict) else import_uri_def
        repository = import_uri_def.get("repository") if isinstance(import_uri_def, dict) else None
        if (
            isinstance(file, str)
            and file
            and not repository
            and not is_url(file)
            and not os.path.isabs(file)
            and isinstance(self.path, str)
            and not is_url(self.path)
        ):
            found = beside(self.path, file) or sol001_by_name(file)
            if found is None:  # tosca-parser's own message, without looking in the working directory
                ExceptionCollector.appendException(ImportError(f'Import "{import_uri_def}" is not valid.'))
                return None, None
            import_uri_def = {**import_uri_def, "file": found} if isinstance(import_uri_def, dict) else found
        return original(self, import_name, import_uri_def)

    ImportsLoader._load_import_template = load_import_template
    import toscaparser.imports

    toscaparser.imports.YAML_LOADER = _cached_loader(toscaparser.imports.YAML_LOADER)
    _CONFINED = True


#: Parsed imports by the sha256 of their text: a VNFD, each of its flavours and its type
#: files all import the 70 KB SOL 001 type files, which tosca-parser would parse again for
#: every importer (most of a package's parse time). Bounded so that a server's memory is:
#: files up to ``_CACHED_FILE_BYTES`` only, at most ``_CACHED_BYTES`` of their text in all
#: (the oldest entries go first). Each entry is ``(text bytes, parsed, marshalled)``: the
#: copies handed out are unmarshalled (C speed, no shared parts: format version 2 keeps no
#: references), or copied with :func:`translators.doc.copy_doc` when marshal cannot hold
#: a value (a YAML timestamp); marshalled is None then.
_PARSED: dict[str, tuple[int, Any, bytes | None]] = {}
_CACHED_FILE_BYTES = 512 * 1024
_CACHED_BYTES = 8 * 1024 * 1024


def parsed_once(raw: bytes, text: str) -> tuple[int, Any, bytes | None] | None:
    """``(size, parsed, marshalled)``: the cache entry of a file's text, parsed now if new
    (the parsed data is shared: read it, never change it); None when the file is too big
    to cache. The import walk (:func:`check_imports`), the package's reference check
    (:func:`translators.package.reference_problems`) and tosca-parser's import loader all
    read a file through it, so a package's descriptors are parsed once per process.
    Parser limits are the caller's to check first (:func:`translators.limits.check_yaml`).

    :raises yaml.YAMLError: not YAML."""
    if len(raw) > _CACHED_FILE_BYTES:
        return None
    key = hashlib.sha256(raw).hexdigest()
    if key not in _PARSED:
        data = yaml.load(text, Loader=_LOADER)
        try:
            blob: bytes | None = marshal.dumps(data, 2)
        except ValueError:
            blob = None
        while _PARSED and sum(entry[0] for entry in _PARSED.values()) + len(raw) > _CACHED_BYTES:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = (len(raw), data, blob)
    return _PARSED[key]


def _cached_loader(original: Callable[..., Any]) -> Callable[..., Any]:
    """tosca-parser's ``load_yaml`` for imports, parsing each distinct file text once per
    process and handing out deep copies (tosca-parser may change what it gets); URLs,
    unreadable and uncached files go to ``original``."""

    def load_yaml(path: str, a_file: bool = True) -> Any:
        if not a_file or not isinstance(path, str):
            return original(path, a_file)
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return original(path, a_file)
        try:
            entry = parsed_once(raw, text)
        except yaml.YAMLError:
            return original(path, a_file)  # tosca-parser's own error
        if entry is None:
            return original(path, a_file)
        _, data, blob = entry
        return marshal.loads(blob) if blob is not None else copy_doc(data)

    return load_yaml
