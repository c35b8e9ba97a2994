"""Project type ``tosca``: TOSCA Simple Profile in YAML 1.0-1.3, templates and CSARs.

Parsing and validation are tosca-parser's, through :func:`translators.tosca_loader.load`
(every error collected, with path, line and the exception class as rule). Before that,
remote imports are looked for (:mod:`.imports`): nothing is fetched; an unmapped remote
import is a problem (``import.remote``). A file of type definitions only (no topology) is
valid when tosca-parser accepts it.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from translators import limits
from translators.errors import DescriptorError, Problem, TranslationError
from translators.locate import locate, locate_csar
from translators.model import ServiceModel
from translators.sites import SiteMap
from translators.tosca_loader import PROFILE_URL, load
from translators.translate import Translation, translate_model

from ..base import ProjectType
from ..problems import FileProblem, in_file
from ..sources import Loaded, Source, as_sources, csar_entry, is_csar, read_member
from ..sources import load as load_source
from .graph import build
from .imports import RemoteImport, in_archive, on_disk, remote_imports

#: Top-level keys only TOSCA documents have (a document missing its version is still
#: recognised, so that tosca-parser can say what is wrong with it).
TOSCA_KEYS = (
    "tosca_definitions_version",
    "topology_template",
    "node_types",
    "relationship_types",
    "capability_types",
    "repositories",
)
TYPE_SECTIONS = (
    "node_types",
    "data_types",
    "capability_types",
    "relationship_types",
    "policy_types",
    "group_types",
    "interface_types",
    "artifact_types",
)


@dataclass
class ToscaModel:
    """Parsed TOSCA files: service templates by file name, and the type-definition files."""

    services: dict[str, ServiceModel] = field(default_factory=dict)
    type_files: list[str] = field(default_factory=list)


class ToscaType(ProjectType):
    """TOSCA Simple Profile in YAML (see module doc). Model: :class:`ToscaModel`."""

    name = "tosca"
    label = "TOSCA Simple Profile in YAML 1.0-1.3"

    # -- detection -----------------------------------------------------------------------

    def claims(self, source: Source, loaded: Loaded | None) -> int:
        """1 for a TOSCA document (``tosca_definitions_version`` or other TOSCA-only
        sections) or a CSAR-shaped archive."""
        return 1 if tosca_document(source, loaded) is not None else 0

    def document_kind(self, data: Any) -> str | None:
        """``tosca`` for a service template or type file (TOSCA 1.3 §3.10), None else."""
        if isinstance(data, dict) and (
            any(k in data for k in TOSCA_KEYS) or any(str(k).startswith("tosca_definitions") for k in data)
        ):
            return "tosca"
        return None

    # -- parse / validate ----------------------------------------------------------------

    def parse(self, files: Any) -> ToscaModel:
        """Service templates (as :class:`~translators.model.ServiceModel`) and type files.

        :raises DescriptorError: the first file with problems, with all of its problems.
        """
        model = ToscaModel()
        with self._on_disk(as_sources(files)) as (items, workdir):
            for source, path in items:
                service, problems = self._check(source, path, workdir)
                if problems:
                    raise DescriptorError(source.name, problems)
                if service is not None:
                    model.services[source.name] = service
                else:
                    model.type_files.append(source.name)
        return model

    def validate(self, files: Any) -> list[FileProblem]:
        """tosca-parser's problems for each file (plus unmapped remote imports)."""
        return self.validate_and_parse(files)[0]

    def validate_and_parse(self, files: Any) -> tuple[list[FileProblem], ToscaModel | None]:
        """:meth:`validate`'s problems and, when there are none, the model :meth:`parse`
        returns, from one tosca-parser reading of each file."""
        out: list[FileProblem] = []
        model = ToscaModel()
        with self._on_disk(as_sources(files)) as (items, workdir):
            for source, path in items:
                service, problems = self._check(source, path, workdir)
                out += in_file(source.name, problems)
                if service is not None:
                    model.services[source.name] = service
                elif not problems:
                    model.type_files.append(source.name)
        return out, (None if out else model)

    def _check(self, source: Source, path: Path, workdir: Path) -> tuple[ServiceModel | None, list[Problem]]:
        if source.text is None and not source.is_archive:
            return None, [Problem("", "file.encoding", "not UTF-8 text")]
        if source.text is not None and not source.text.strip():
            return None, [
                Problem(
                    "",
                    "file.empty",
                    "empty file: a TOSCA document starts with tosca_definitions_version (TOSCA 1.3 §3.9.3.1)",
                    1,
                )
            ]
        defs, problems = self._local_defs(source, path, workdir)
        if problems:
            return None, problems
        try:
            return load(path, defs, root=source.root), []
        except DescriptorError as exc:
            if _types_only(exc, source):
                return None, []
            return None, self._locate(exc.problems, source, path)

    @staticmethod
    def _locate(problems: list[Problem], source: Source, path: Path) -> list[Problem]:
        """tosca-parser's problems placed in the document where they had no path
        (:mod:`.locate`)."""
        if source.is_archive:
            entry = csar_entry(path) if is_csar(path) else None
            problems = locate_csar(problems)
            if not entry or not entry[1]:
                return problems
            read, join = in_archive(lambda name: read_member(path, name))
            return locate(problems, entry[0], read, join, archive=True)
        read, join = on_disk(path, source.root)
        return locate(problems, str(path.resolve()), read, join)

    # -- remote imports ------------------------------------------------------------------

    def _local_defs(self, source: Source, path: Path, workdir: Path) -> tuple[dict[str, str], list[Problem]]:
        if source.is_archive:
            if not is_csar(path):
                return {}, []  # tosca-parser says what is wrong with it
            entry = csar_entry(path)
            if not entry or not entry[1]:
                return {}, []
            read, join = in_archive(lambda name: read_member(path, name))
            refs = remote_imports(entry[0], read, join)
            main = entry[0]
        else:
            read, join = on_disk(path, source.root)
            main = str(path.resolve())
            refs = remote_imports(main, read, join)
        defs, problems = {}, []
        for ref in refs:
            if ref.url == PROFILE_URL and not ref.repository:
                continue  # the rdcl-nfvo profile: the loader always maps it to its own copy
            local = None if ref.repository else self.map_remote(ref, path, workdir)
            if local is not None:
                defs[ref.url] = str(local)
            else:
                problems.append(self.remote_problem(ref, main, source.is_archive))
        return defs, problems

    def map_remote(self, ref: RemoteImport, path: Path, workdir: Path) -> Path | None:
        """A local file standing for remote import ``ref`` of the template at ``path``.

        None here: plain TOSCA maps nothing (``tosca-nfv`` maps the SOL 001 type files).
        ``workdir`` is a scratch folder that lives while the template is validated.
        """
        return None

    def remote_problem(self, ref: RemoteImport, main: str, archive: bool = False) -> Problem:
        """The problem for a remote import nobody maps (rule ``import.remote``).

        ``main`` names the template validated; an import in another file (an imported
        file, a CSAR member) is reported with that file's name and without a line.
        """
        how = f" (repository {ref.repository!r})" if ref.repository else ""
        return Problem(
            f"imports[{ref.index}]",
            "import.remote",
            f"{where_of(ref, main, archive)}{ref.url}{how} is remote; imports are never "
            "fetched: put the file beside the descriptor and import it by relative path",
            line_of_import(ref, main, archive),
        )

    # -- graph ---------------------------------------------------------------------------

    def build_graph(self, model: ToscaModel) -> dict:
        """Node templates typed by their nearest description-model ancestor; links from
        requirements typed by relationship (see :mod:`.graph`)."""
        return build(model.services, self.description_model())

    # -- translation ---------------------------------------------------------------------

    def translate(self, model: ToscaModel, sites: SiteMap, main: str | None = None) -> Translation:
        """The main service template ``main`` (the project's entry, else the one
        :func:`rdcl.packaging.main_template` finds) through
        :func:`translators.translate.translate_model`.

        :raises translators.errors.TranslationError: no main template (rule
            ``translate.no-entry``), a main template of types only (``translate.no-topology``),
            or what the translation refuses.
        """
        if main is None:
            raise TranslationError(
                "(project)",
                [
                    Problem(
                        "",
                        "translate.no-entry",
                        "no main service template: set the project's entry "
                        "(several YAML files have a topology_template)",
                    )
                ],
            )
        service = model.services.get(main)
        if service is None:
            raise TranslationError(
                main, [Problem("", "translate.no-topology", f"{main} defines types only; there is nothing to deploy")]
            )
        return translate_model(service, sites)

    # -- helpers -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _on_disk(self, sources: list[Source]) -> Iterator[tuple[list[tuple[Source, Path]], Path]]:
        """Each source with a file tosca-parser can open: in-memory ones are written to a
        scratch folder under their names, so relative imports between them resolve."""
        with tempfile.TemporaryDirectory(prefix="rdcl-tosca-") as tmp:
            items = []
            for source in sources:
                if source.path is None:
                    source.root = Path(tmp, "files")
                    relative = PurePosixPath(source.name)
                    if relative.is_absolute() or ".." in relative.parts:
                        relative = PurePosixPath(relative.name)
                    target = Path(tmp, "files", *relative.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(source.raw if source.raw is not None else (source.text or "").encode())
                    items.append((source, target))
                else:
                    items.append((source, source.path))
            work = Path(tmp, "work")
            work.mkdir()
            yield items, work


def where_of(ref: RemoteImport, main: str, archive: bool) -> str:
    """``"in <file>: "`` when the import is not in the validated file itself."""
    if archive:
        return f"in {ref.file}: "
    return "" if ref.file == main else f"in {Path(ref.file).name}: "


def line_of_import(ref: RemoteImport, main: str, archive: bool) -> int | None:
    """The import's line, when it is in the validated file itself."""
    return ref.line if ref.file == main and not archive else None


def tosca_document(source: Source, loaded: Loaded | None) -> dict | None:
    """The TOSCA document of a source: the template, a CSAR's entry definitions (``{}``
    when unreadable), or None when it is not TOSCA."""
    if source.is_archive and source.path is not None:
        if source.suffix == ".csar" and not source.path.is_file():
            return None
        if not is_csar(source.path):
            return {} if source.suffix == ".csar" else None
        entry = csar_entry(source.path)
        try:
            data = limits.load_yaml(entry[1]) if entry and entry[1] else None
        except (yaml.YAMLError, limits.LimitError):
            data = None
        return data if isinstance(data, dict) else {}
    data = loaded.data if loaded is not None else None
    if isinstance(data, dict) and (
        any(k in data for k in TOSCA_KEYS) or any(str(k).startswith("tosca_definitions") for k in data)
    ):
        return data
    return None


def _types_only(exc: DescriptorError, source: Source) -> bool:
    """tosca-parser accepted the file, which only defines types or imports type files
    (a library of types: nothing to deploy)."""
    if [p.rule for p in exc.problems] != ["service.no-topology"] or source.is_archive:
        return False
    data = load_source(source).data
    return isinstance(data, dict) and any(data.get(k) for k in (*TYPE_SECTIONS, "imports"))
