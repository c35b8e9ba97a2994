"""Kubernetes manifest files a VNF package carries, read as data.

A CNF's objects may come as manifests rather than as SOL 001 container VDUs: a VDU's
artifact (``file: ../Files/kubernetes/deployment.yaml``), or the files of the package's
``Files/kubernetes`` folder (SOL 004 §4.3.7; a SOL 004 package reader lists them). Each file
is multi-document YAML (``---`` between objects); :func:`read_manifests` reads files as
:class:`Manifest` objects, every document a mapping with ``apiVersion``, ``kind`` and
``metadata.name`` (a Kubernetes object), empty documents skipped.

Files stay inside ``root`` (:func:`translators.paths.within`, links resolved) and are held to
the parser limits of :mod:`translators.limits`. Nothing here is a template: the translators
escape every string of a manifest before it becomes part of a template
(:func:`translators.cnf.as_data`). Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import limits
from .doc import Doc
from .errors import Problem
from .paths import within

#: Suffixes of a manifest file (any other artifact is not a manifest).
SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Manifest:
    """One manifest file: ``file`` (as the descriptor or package names it), ``docs`` (its
    Kubernetes objects, in file order) and ``node`` (the VDU it belongs to; None: the
    service's, e.g. a package's ``Files/kubernetes``)."""

    file: str
    docs: list[Doc] = field(default_factory=list)
    node: str | None = None


def read_manifests(
    files: list[tuple[str, Path]], root: Path, node: str | None = None, where: str = ""
) -> tuple[list[Manifest], list[Problem]]:
    """Read ``files`` (``[(name as written, path on disk)]``) as :class:`Manifest` objects
    of ``node``; problems (rule ``manifest.*``) are at ``where`` (a dotted path in the
    descriptor, e.g. the artifact naming the file) and name the file and its line.

    Rules: ``manifest.outside`` (resolves outside ``root``), ``manifest.missing``,
    ``manifest.yaml`` (not YAML, or over a parser limit), ``manifest.object`` (a document
    that is not a Kubernetes object).
    """
    out, problems = [], []
    top = root.resolve()
    for name, path in files:
        found = path.resolve()
        if not within(found, top):
            problems.append(Problem(where, "manifest.outside", f"{name}: outside the package folder"))
            continue
        if not found.is_file():
            problems.append(Problem(where, "manifest.missing", f"{name}: no such file in the package"))
            continue
        try:
            docs = limits.load_all_yaml(found.read_bytes())
        except (yaml.YAMLError, limits.LimitError, UnicodeDecodeError) as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f"{name}:{mark.line + 1}" if mark else name
            problems.append(Problem(where, "manifest.yaml", f"{at}: {' '.join(str(exc).split())}"))
            continue
        kept = []
        for index, doc in enumerate(docs):
            if doc is None:
                continue
            why = _not_an_object(doc)
            if why:
                problems.append(Problem(where, "manifest.object", f"{name}: document {index + 1}: {why}"))
            else:
                kept.append(doc)
        out.append(Manifest(name, kept, node))
    return out, problems


def _not_an_object(doc: object) -> str:
    if not isinstance(doc, dict):
        return "not a mapping"
    missing = [k for k in ("apiVersion", "kind") if not isinstance(doc.get(k), str) or not doc.get(k)]
    meta = doc.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta.get("name"):
        missing.append("metadata.name")
    return f"no {', '.join(missing)}: not a Kubernetes object" if missing else ""
