"""A project's files through its project-type plugin: validate, detect, parse and draw.
Pure Python (no Django).

Files are ``{path: text}``. They are written to a scratch folder first, so that a TOSCA
template's relative imports and artifacts resolve as they would in the package; the
YAML/JSON files are given to the plugin as one project (problems name the project path,
never the scratch folder). Other files (scripts, resources) are there to be found but are
not descriptors; in a TOSCA project neither are a SOL 004 package's artifacts
(:func:`translators.package.artifact_kind`: Kubernetes manifests, files under ``Files/``,
``Scripts/``, ``BaseHOT/``...). A TOSCA project whose files are valid is also checked as a package
(:func:`package_problems`): the files its templates' artifacts and operations name must be
in the project, as they must be in the CSAR the designer downloads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import tempfile
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from translators import limits
from translators.package import artifact_kind, file_references, missing_file

from .packaging import is_document, path_errors
from .types.base import ProjectType
from .types.detect import detect_source, unify
from .types.docpath import compose, format_path, get, line_of
from .types.problems import FileProblem
from .types.registry import get_type, types
from .types.sources import Source, load
from .types.tosca import ToscaType


def is_tosca(plugin: ProjectType) -> bool:
    """TOSCA project types (``tosca``, ``tosca-nfv`` and their refinements) have CSARs."""
    return isinstance(plugin, ToscaType)


@contextlib.contextmanager
def on_disk(files: Mapping[str, str], artifacts: Collection[str] = ()) -> Iterator[tuple[list[Source], Path]]:
    """The document sources of ``files`` (sorted by path), each backed by a file in a
    scratch folder that lives as long as the context; yields ``(sources, folder)``.
    ``artifacts``: paths of the project's binary artifacts, there as empty files (so that
    what names them finds them; their bytes are not needed to validate).

    :raises ValueError: a path :func:`rdcl.packaging.path_errors` refuses (nothing is
        written outside the scratch folder).
    """
    bad = list(path_errors(files))
    if bad:
        raise ValueError(f"not project file paths: {', '.join(bad)}")
    with tempfile.TemporaryDirectory(prefix="rdcl-project-") as tmp:
        root = Path(tmp, "files")
        sources = []
        for path in sorted(files):
            raw = files[path].encode("utf-8")
            target = root.joinpath(*path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
            if is_document(path):
                sources.append(Source(path, text=files[path], path=target, raw=raw, root=root))
        for path in artifacts:
            if path not in files and not path_errors([path]):
                target = root.joinpath(*path.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
        yield sources, root


def validate(type_name: str, files: Mapping[str, str], artifacts: Collection[str] = ()) -> list[FileProblem]:
    """Every problem of ``files`` read as one project of type ``type_name`` (``[]``: valid).

    A validator that crashes is a problem too (rule ``validator.crash``): a gate must not
    let a file through because it could not look at it.

    :raises rdcl.types.RegistryError: unknown type. :raises ValueError: see :func:`on_disk`.
    """
    return _checked(type_name, files, graph=False, artifacts=artifacts)[0]


def validate_and_graph(
    type_name: str, files: Mapping[str, str], artifacts: Collection[str] = ()
) -> tuple[list[FileProblem], dict | None]:
    """:func:`validate`'s problems and, when there are none, the project's
    :func:`full_graph`, built from the model the validation read
    (:meth:`~rdcl.types.base.ProjectType.validate_and_parse`): a save gate that also warms
    the graph cache parses once.

    The graph is None when there are problems, when the type's validation gives no model,
    or when the graph builder fails (:func:`full_graph` reports that when the graph is
    asked for; the gate does not refuse a save for it).

    :raises rdcl.types.RegistryError: unknown type. :raises ValueError: see :func:`on_disk`.
    """
    return _checked(type_name, files, graph=True, artifacts=artifacts)


def _checked(
    type_name: str, files: Mapping[str, str], graph: bool, artifacts: Collection[str] = ()
) -> tuple[list[FileProblem], dict | None]:
    plugin = get_type(type_name)
    with on_disk(files, artifacts) as (sources, root):
        if is_tosca(plugin):  # a package's Kubernetes manifests, scripts... are not descriptors
            sources = [s for s in sources if artifact_kind(s.name, (s.raw or b"")[:65536]) is None]
        problems, model = _run(plugin, sources, root)
        if not problems and is_tosca(plugin):
            problems = package_problems(files, artifacts)
        if problems or model is None or not graph:
            return problems, None
        try:
            with _collector_paused():
                return problems, plugin.build_graph(model)
        except Exception:  # noqa: BLE001 - the graph request reports it, see validate_and_graph()
            return problems, None


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a short burst of allocations (a graph: dicts
    and lists of strings, no cycles). Building a graph while tosca-parser's model of the
    project (~10^5 objects in cycles) is alive would otherwise run young collections that
    move that model to the oldest generation, where only full collections free it: measured
    with ``bench/designer_save.py``, that doubled the full collections of a save and cost more
    than the graph itself. Re-enabled only if it was on (threads nesting this end with it on).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def package_problems(files: Mapping[str, str], artifacts: Collection[str] = ()) -> list[FileProblem]:
    """Files that TOSCA templates of the project name but the project lacks (rule
    ``package.file-missing``) or that lie outside it (``package.outside``).

    Looked at: node templates' artifacts (a path, or a ``file``) except images (artifact
    types named ``...Image...``: VM and container images are referenced, not kept as text
    files), and interface operations' ``implementation`` (a path, or ``primary`` and
    ``dependencies``) unless it names an artifact of the node. URLs and absolute paths are
    left alone. (tosca-parser's own CSAR check is not used: it takes a container image
    such as ``nginx:1.27`` for a missing file, and it would fetch URLs.)
    """
    out = []
    present = {**files, **{p: "" for p in artifacts if p not in files}}
    for path in sorted(files):
        if not path.lower().endswith((".yaml", ".yml")):
            continue
        try:
            data = limits.load_yaml(files[path])
        except (yaml.YAMLError, limits.LimitError):
            continue
        nodes = get(data, ["topology_template", "node_templates"])
        if not isinstance(nodes, dict):
            continue
        node_tree = None
        for name, node in nodes.items():
            for parts, ref in file_references(node if isinstance(node, dict) else {}):
                why = missing_file(path, ref, present)
                if why:
                    node_tree = node_tree or compose(files[path])
                    where = ["topology_template", "node_templates", name, *parts]
                    out.append(FileProblem(format_path("", where), why[0], why[1], line_of(node_tree, where), path))
    return out


def _run(plugin: ProjectType, sources: list[Source], root: Path) -> tuple[list[FileProblem], Any]:
    try:
        problems, model = plugin.validate_and_parse(sources)
    except Exception as exc:  # noqa: BLE001 - reported as a problem, see validate()
        return [
            FileProblem("", "validator.crash", f"{plugin.name} validator failed: {type(exc).__name__}: {exc}", None, "")
        ], None
    scratch = str(root) + "/"
    return [
        dataclasses.replace(p, message=p.message.replace(scratch, ""), file=p.file.replace(scratch, ""))
        for p in problems
    ], model


def detect(files: Mapping[str, str]) -> tuple[str | None, dict[str, str | None]]:
    """The project type of ``files`` and the type each document claims.

    Documents no type claims are left out of the decision (the chosen type's validator
    still judges them); the claimed types must be one type or types it refines.
    """
    found = types()
    claims = {}
    for path in sorted(files):
        if is_document(path):
            plugin = detect_source(Source(path, text=files[path]), found)
            claims[path] = plugin.name if plugin else None
    named = [name for name in claims.values() if name]
    return (unify(named, found) if named else None), claims


def graph(type_name: str, files: Mapping[str, str], view: str) -> dict:
    """The graph ``view`` of the project (``{"view", "nodes", "links"}``).

    :raises rdcl.exceptions.UnknownView: unknown view. :raises translators.errors.DescriptorError: files the
        plugin cannot read (a stored project is valid, so only after a plugin changed).
    """
    check_view(type_name, view)  # unknown view: fail before parsing
    return view_graph(type_name, full_graph(type_name, files), view)


def check_view(type_name: str, view: str) -> None:
    """:raises rdcl.exceptions.UnknownView: ``view`` is not a view of the type (the message lists them)."""
    get_type(type_name).description_model().view_graph({"nodes": [], "links": []}, view)


def full_graph(type_name: str, files: Mapping[str, str]) -> dict:
    """The whole graph of the project (every view's nodes and links): parse, then build.

    :raises translators.errors.DescriptorError: files the plugin cannot read.
    """
    plugin = get_type(type_name)
    with on_disk(files) as (sources, _):
        return plugin.build_graph(plugin.parse(sources))


def view_graph(type_name: str, full: dict, view: str) -> dict:
    """The part of ``full`` (:func:`full_graph`) that ``view`` shows; new node and link dicts.

    :raises rdcl.exceptions.UnknownView: unknown view.
    """
    return get_type(type_name).description_model().view_graph(full, view)


def file_kinds(type_name: str, files: Mapping[str, str]) -> dict[str, str | None]:
    """``{path: kind}`` of each YAML/JSON file: the descriptor kind the type's plugin reads
    it as (:meth:`ProjectType.document_kind`: ``vnfd``, ``nsd``, ``tosca``), None for a
    file it does not edit or cannot read. Other files are left out."""
    plugin = get_type(type_name)
    out: dict[str, str | None] = {}
    for path, text in files.items():
        if not is_document(path):
            continue
        loaded = load(Source(path, text=text))
        out[path] = None if loaded.problems else plugin.document_kind(loaded.data)
    return out


def problem_data(problem: FileProblem) -> dict[str, Any]:
    """A problem as the API shows it: ``{"file", "path", "line", "rule", "message"}``, and
    ``member`` when path and line are in another file than ``file`` (a CSAR member, an
    imported file: :class:`translators.errors.Problem`)."""
    return {
        "file": problem.file,
        "path": problem.path,
        "line": problem.line,
        "rule": problem.rule,
        "message": problem.message,
        **({"member": problem.member} if problem.member else {}),
    }
