"""Validation of files, folders, zips and CSARs as the ``rdcl_validate`` command does it.

Each path is one project: a folder's files (recursively) and a plain zip's members are
validated together, so an NSD finds the VNFDs beside it; a CSAR is one TOSCA unit. With
no type given, each file's type is detected, and files whose types refine one another
(``etsi`` and ``nested-vdu``) are validated together as the refined type. A SOL 004
package (a zip/CSAR, or a folder with ``TOSCA-Metadata/TOSCA.meta`` or a single TOSCA YAML
at its root) is first read by :func:`translators.package.open_package` (manifest digests,
paths, limits); a folder package is then one input, its entry definitions, never its
artifacts. The result is one :class:`FileReport` per file. Pure Python: the command only prints it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from translators.package import PackageError, is_package, open_package

from .types.base import ProjectType
from .types.detect import _bases, detect_source
from .types.problems import FileProblem
from .types.registry import get_type, types
from .types.sources import ARCHIVE_SUFFIXES, Source, as_sources, expand


@dataclass
class FileReport:
    """The outcome for one file: its detected (or given) type and its problems."""

    file: str
    type: str | None
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """No problems."""
        return not self.problems

    def lines(self) -> list[str]:
        """``FILE: valid (TYPE)``, or one ``FILE:LINE: PATH: [RULE] MESSAGE`` per problem."""
        if self.valid:
            return [f"{self.file}: valid ({self.type})"]
        return [p.format(self.file) for p in self.problems]


def validate_paths(
    paths: Iterable[str | Path],
    type_name: str | None = None,
    extra: Iterable[str | Path] = (),
    root: str | Path | None = None,
) -> list[FileReport]:
    """Reports for every file under ``paths`` (see module doc), in path order.

    ``root``: the folder the descriptors' imports must stay in (the project they belong
    to, as ``translate --root`` takes it); default: a folder given as a path, or a file's
    own folder. A SOL 004 package is always its own root.

    :raises rdcl.types.registry.RegistryError: ``type_name`` is not a known type.
    :raises ValueError: a path outside ``root``.
    """
    extra = list(extra)
    found = types(extra)
    forced = get_type(type_name, extra) if type_name else None
    top = Path(root).resolve() if root is not None else None
    reports: list[FileReport] = []
    for path in paths:
        if top is not None and not Path(path).resolve().is_relative_to(top):
            raise ValueError(f"{path} is not inside the root {root}")
        reports += _one_path(Path(path), forced, found, top)
    return reports


def _one_path(
    path: Path, forced: ProjectType | None, found: dict[str, ProjectType], root: Path | None = None
) -> list[FileReport]:
    if not path.exists():
        return [_bad(str(path), "file.missing", "no such file or folder")]
    if is_package(path):
        refused = _package_check(path)
        if refused is not None:
            return [refused]
        if path.is_dir():
            return _package_folder(path, forced, found)
    sources = [m for s in as_sources(path) for m in expand(s)]
    if root is not None:
        sources = [replace(s, root=root) for s in sources]
    if not sources:
        return [_bad(str(path), "file.no-descriptors", "no .yaml, .yml, .json, .zip or .csar file in it")]
    reports: dict[str, FileReport] = {}
    groups: dict[str, list[Source]] = {}
    for source in sources:
        plugin = forced or detect_source(source, found)
        if plugin is None:
            reports[source.name] = _bad(source.name, "type.unknown", _why_unknown(source, found))
        else:
            groups.setdefault(plugin.name, []).append(source)
    for name, group in _merge(groups, found).items():
        plugin = found.get(name) or forced
        if plugin is None:  # never: each group is named after a type found or the forced one
            continue
        for report in _validate_group(plugin, group):
            reports[report.file] = report
    return [reports[s.name] for s in sources if s.name in reports]


#: Package problems that a zip is refused for here; the others (TOSCA.meta, the entry) are
#: left to tosca-parser, which reads the CSAR itself and says the same with its own rules.
_ZIP_RULES = ("package.digest", "package.algorithm", "package.manifest-missing", "package.path", "package.too-large")


def _package_check(path: Path) -> FileReport | None:
    """The report of a SOL 004 package :func:`translators.package.open_package` refuses
    (manifest digests, paths, limits; for a folder also its meta and entry), else None."""
    try:
        with open_package(path):
            return None
    except PackageError as exc:
        if path.is_file() and not all(p.rule in _ZIP_RULES for p in exc.problems):
            return None
        return FileReport(
            exc.file, None, [FileProblem(p.path, p.rule, p.message, p.line, exc.file) for p in exc.problems]
        )


def _package_folder(path: Path, forced: ProjectType | None, found: dict[str, ProjectType]) -> list[FileReport]:
    """A folder laid out as a SOL 004 package is one input: its entry definitions, with
    the folder as the root its imports stay in; artifacts (Kubernetes manifests, scripts,
    images) are not descriptors and are not validated as such."""
    with open_package(path) as pkg:
        entry = path / pkg.entry
    raw = entry.read_bytes()
    source = Source(str(entry), text=_text(raw), path=entry, raw=raw, root=path)
    plugin = forced or detect_source(source, found)
    if plugin is None:
        return [_bad(source.name, "type.unknown", _why_unknown(source, found))]
    return _validate_group(plugin, [source])


def _text(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _merge(groups: dict[str, list[Source]], found: dict[str, ProjectType]) -> dict[str, list[Source]]:
    """Move each group into a group whose type refines it (``etsi`` into ``nested-vdu``)."""
    merged = {name: list(group) for name, group in groups.items()}
    for name in list(merged):
        refinement = next((other for other in merged if other != name and name in _bases(other, found)), None)
        if refinement is not None:
            merged[refinement] = merged.pop(name) + merged[refinement]
    return merged


def _validate_group(plugin: ProjectType, group: list[Source]) -> list[FileReport]:
    try:
        problems = plugin.validate(group)
    except Exception as exc:  # noqa: BLE001 - a validator bug must not hide the other files' results
        return [
            _bad(s.name, "validator.crash", f"{plugin.name} validator failed: {type(exc).__name__}: {exc}")
            for s in group
        ]
    by_file: dict[str, list[FileProblem]] = {s.name: [] for s in group}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    return [FileReport(s.name, plugin.name, by_file[s.name]) for s in group]


def _bad(file: str, rule: str, message: str) -> FileReport:
    return FileReport(file, None, [FileProblem("", rule, message, None, file)])


def _why_unknown(source: Source, found: dict[str, ProjectType]) -> str:
    known = ", ".join(found)
    if source.suffix in ARCHIVE_SUFFIXES and source.path is not None and not zipfile.is_zipfile(source.path):
        return "not a zip archive"
    if source.text is not None and not source.text.strip():
        return "empty file"
    return f"no project type recognises this file (types: {known}); give one with --type"
