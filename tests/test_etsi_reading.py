"""One ETSI reader (issue 14): the designer (``rdcl.types.etsi``) and the translators
(:func:`translators.etsi.read_descriptors`, what ``python -m translators`` reads) see the
same descriptors, of the same kinds, and the same nested descriptors in every corpus sample
and in the shapes where their two readers used to disagree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rdcl.types.etsi import nested_of
from rdcl.types.etsi.model import read_model
from rdcl.types.registry import get_type
from rdcl.types.sources import Source, load
from translators.etsi import kind_of, read_descriptors

SUFFIXES = (".json", ".yaml", ".yml")
#: Corpus samples that hold ETSI descriptors (the test must not pass by finding none).
WITH_DESCRIPTORS = {
    "rdcl3d/etsi/descriptor_template/nsd.json": {"nsd": "nsd"},
    "rdcl3d/etsi/descriptor_template/vnfd.json": {"vnfd": "vnfd"},
    "rdcl3d/superfluidity/descriptor_template/nsd.json": {"nsd": "nsd"},
    "rdcl3d/superfluidity/descriptor_template/vnfd.json": {"vnfd": "vnfd"},
}


def designer_view(path: Path) -> tuple[dict[str, str], set[str]]:
    """What the designer reads in one file: descriptor name -> kind, nested descriptor names."""
    model = read_model([path])
    return {d.name: d.kind for d in model.descriptors}, set(nested_of(model))


def translator_view(path: Path) -> tuple[dict[str, str], set[str]]:
    """What the translators read in the same file (each descriptor's kind by its own keys)."""
    found = read_descriptors(path)
    if found is None:
        return {}, set()
    descriptors, nested = found
    return {name: str(kind_of(data)) for name, data in descriptors.items()}, set(nested)


def test_the_designer_and_the_translators_read_every_corpus_sample_alike(corpus):
    compared, disagree, seen = 0, [], {}
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
        relative = path.relative_to(corpus).as_posix()
        designer, translator = designer_view(path), translator_view(path)
        compared += 1
        if designer != translator:
            disagree.append((relative, designer, translator))
        if designer[0]:
            seen[relative] = designer[0]
        data = load(Source(relative, text=path.read_text(errors="replace"))).data
        document = get_type("etsi").document_kind(data)
        if document != (kind_of(data) if kind_of(data) in ("vnfd", "nsd") else None):
            disagree.append((relative, f"document kind {document}", f"kind_of {kind_of(data)}"))
    assert disagree == []
    assert compared > 300
    assert {k: v for k, v in seen.items() if k in WITH_DESCRIPTORS} == WITH_DESCRIPTORS
    projects = {k: v for k, v in seen.items() if k.startswith("sf2heat/")}
    assert sorted(projects) == ["sf2heat/test_project.json", "sf2heat/test_project_2.json", "sf2heat/test_tof.json"]
    assert all({"nsd", "vnfd"} == set(kinds.values()) for kinds in projects.values())


VNFD = {"vnfdId": "v", "vdu": [{"vduId": "a"}]}


@pytest.mark.parametrize(
    ("document", "kinds"),
    [
        # an RDCL 3D project, with a nested descriptor
        ({"vnfd": {"v1": VNFD}, "nsd": {}, "k8s": {"pod": "kind: Pod"}}, ({"v1": "vnfd"}, {"pod"})),
        # a key no project has: not a project (the translators used to read it as one)
        ({"vnfd": {"v1": VNFD}, "extra": {}}, ({}, set())),
        # a kind that is not a map of descriptors: not a project either
        ({"vnfd": {"v1": VNFD}, "resource": ["x"]}, ({}, set())),
        # a single VNFD under a "vnfd" key is no project of one descriptor per key
        ({"vnfd": VNFD}, ({}, set())),
        # a VNFD and an NSD (whose vnfdId is a list) by their own keys
        (VNFD, ({"doc": "vnfd"}, set())),
        ({"nsdIdentifier": "n", "vnfdId": ["v"]}, ({"doc": "nsd"}, set())),
    ],
)
def test_shapes_the_two_readers_disagreed_on_are_read_alike(tmp_path, document, kinds):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document))
    assert designer_view(path) == kinds
    assert translator_view(path) == kinds
