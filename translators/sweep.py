"""Translate every descriptor under a folder and tally what translates and what is
rejected (with located problems): the corpus runs of the tests and of
``bench/translation_corpus.py``.

A descriptor is a CSAR/zip, or a YAML file that declares ``tosca_definitions_version``;
heat-translator's expected outputs (``hot_output/``, ``*.hot.yaml``) are not inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

from .doc import Doc
from .errors import DescriptorError
from .sites import SiteMap
from .translate import Translation, translate_file


@dataclass
class Outcome:
    """Per descriptor: its translation, or the error that rejected it (every problem
    names the file, the path in the document and the rule)."""

    path: Path
    translation: Translation | None = None
    error: DescriptorError | None = None


@dataclass
class Tally:
    """Outcomes of one folder."""

    translated: list[Outcome] = field(default_factory=list)
    rejected: list[Outcome] = field(default_factory=list)


def descriptors(folder: str | Path) -> list[Path]:
    """TOSCA descriptors under ``folder`` (see the module docstring), sorted."""
    out = []
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or "hot_output" in path.parts or path.name.endswith(".hot.yaml"):
            continue
        suffix = path.suffix.lower()
        if suffix in (".zip", ".csar") or (
            suffix in (".yaml", ".yml") and b"tosca_definitions_version" in path.read_bytes()
        ):
            out.append(path)
    return out


class Options(TypedDict, total=False):
    """Keyword arguments of :func:`translators.translate.translate_file` a sweep passes on."""

    local_defs: Doc | None
    k8s_version: str | None
    params: Doc | None
    level: str | None
    root: str | Path | None


def translate_all(paths: list[Path], sites: SiteMap, **options: Unpack[Options]) -> list[Outcome]:
    """Translate each path; a DescriptorError (or TranslationError) is an outcome, any
    other exception propagates (it is a bug)."""
    out = []
    for path in paths:
        try:
            out.append(Outcome(path, translation=translate_file(path, sites, **options)))
        except DescriptorError as exc:
            out.append(Outcome(path, error=exc))
    return out


def by_folder(corpus: str | Path, sites: SiteMap, **options: Unpack[Options]) -> dict[str, Tally]:
    """``{top-level folder of corpus: Tally}`` over every descriptor in it; each top-level
    folder is one package (the ``root`` its descriptors' imports may not leave)."""
    corpus = Path(corpus)
    tallies: dict[str, Tally] = {}
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        tally = tallies.setdefault(folder.name, Tally())
        each: Options = {"root": folder, **options}
        for outcome in translate_all(descriptors(folder), sites, **each):
            (tally.translated if outcome.translation else tally.rejected).append(outcome)
    return tallies
