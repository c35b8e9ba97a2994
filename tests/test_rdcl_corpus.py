"""Every public corpus sample against the expected-outcome table ``data/corpus_outcomes.yaml``:
as the designer loads it, and through both command-line interfaces.

Each sample of ``../shared/corpus`` that a project type applies to is loaded with that type
(tosca-parser / heat-translator TOSCA data: ``tosca`` or ``tosca-nfv``; RDCL 3D templates
and schemas: ``etsi`` / ``nested-vdu`` / ``tosca-nfv``; sf2heat: the RDCL 3D project
import, then ``nested-vdu``). The table says whether it ``loads`` (valid, parsed into the
data model, graph built) or is ``rejected``, and for a rejection the rules broken and why;
``not-claimed`` samples (Heat templates, RDCL 3D description models) must be recognised as
no project type at all. The test checks the outcome, the exact set of rules, and that every
problem is located (file, rule, and a document path or a line). Each corpus repository
(``heat-translator/``, ``tosca-parser/``...) is one package: a sample's imports may use any
file of its repository (``../custom_types/x.yaml``), and nothing outside it.

The same samples go through ``manage.py rdcl_validate --root REPO`` and ``python -m
translators translate --to playbooks|hot|k8s --root REPO`` in-process
(:mod:`tests.corpus_cli`): the table says whether rdcl_validate finds the sample ``valid``
and with which rules it is ``invalid``, and per target whether translate writes files
(``ok``), is ``refused`` (with the rules of the problems, each located) or has
``nothing`` for that target (no OpenStack or Kubernetes part). Every sample some path
refuses says ``why`` (:data:`WHYS`), with the ``evidence`` (for ``invalid-by-design``, the
upstream test that expects the failure) or, for a limitation of ours, what we ``lack``;
the README lists those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
import yaml

from rdcl.project_import import import_project, is_project
from rdcl.types.detect import detect
from rdcl.types.registry import get_type
from rdcl.types.sources import Source, as_sources, load
from tests.corpus_cli import TARGETS, translate_outcome, validate_outcome

TABLE_FILE = Path(__file__).parent / "data" / "corpus_outcomes.yaml"
TABLE = yaml.safe_load(TABLE_FILE.read_text())
OUTCOMES = ("loads", "rejected", "not-claimed")
README = Path(__file__).resolve().parent.parent / "README.md"

#: Why a path refuses a sample (the ``why`` field); each needs ``evidence`` (or a ``reason``
#: that is one) but ``our-limitation``, which says what we ``lack`` instead.
WHYS = {
    "invalid-by-design": "an upstream test (tosca-parser, heat-translator) expects it to fail: evidence names it",
    "invalid-sample": "invalid although no upstream test says so; tosca-parser alone refuses it too",
    "not-a-descriptor": "not a descriptor on its own: HOT output, description model, schema, fragment, type file",
    "not-a-service": "valid TOSCA with nothing a site runs: type definitions only, or abstract nodes only",
    "corpus-incomplete": "needs a file the corpus copy does not hold (left-out scripts, a renamed folder)",
    "upstream-limitation": "heat-translator, which writes our HOT, fails on it alone as well",
    "our-policy": "refused on purpose: imports by URL or absolute path, an abstract VNF without a chosen flavour",
    "our-limitation": "something we lack (lacks says what); listed in the README",
}
UPSTREAM_TEST = re.compile(r"openstack/(tosca-parser|heat-translator) \S+\.py::test_\w+")


@dataclass
class Outcome:
    """What loading one sample gave: ``outcome``, the problems (as dicts), their rules, and
    the exception when loading crashed (a bug: never expected by the table)."""

    outcome: str
    problems: list[dict] = field(default_factory=list)
    crash: str = ""

    @property
    def rules(self) -> set[str]:
        return {p["rule"] for p in self.problems}


def samples(corpus: Path) -> list[str]:
    """Relative paths of every sample file of the corpus (its README excepted), sorted."""
    return sorted(
        str(p.relative_to(corpus))
        for p in corpus.rglob("*")
        if p.is_file() and p.relative_to(corpus) != Path("README.md")
    )


def type_of(corpus: Path, relative: str) -> str | None:
    """The project type a sample belongs to (None: no project type applies).

    The folder says which family a sample is from; inside the TOSCA folders detection picks
    ``tosca-nfv`` over ``tosca`` and a document detection cannot read (a syntax error) stays
    ``tosca``; Heat templates (``heat_template_version``) and RDCL 3D description models are
    no project type.
    """
    path = corpus / relative
    top = relative.split("/")[0]
    if top == "sf2heat":
        return "nested-vdu"
    if top == "rdcl3d":
        family = relative.split("/")[1]
        return {"etsi": "etsi", "superfluidity": "nested-vdu", "tosca": "tosca", "toscanfv": "tosca-nfv"}.get(family)
    if path.suffix.lower() in (".yaml", ".yml"):
        loaded = load(Source(relative, text=path.read_text(errors="replace")))
        if isinstance(loaded.data, dict) and "heat_template_version" in loaded.data:
            return None
    return detect(path) or "tosca"


def outcome_of(corpus: Path, relative: str, type_name: str | None) -> Outcome:
    """Load ``relative`` with ``type_name`` as the designer would (see module doc)."""
    path = corpus / relative
    if type_name is None:
        return Outcome("not-claimed" if detect(path) is None else "loads")
    plugin = get_type(type_name)
    files = [replace(s, root=corpus / relative.split("/")[0]) for s in as_sources(path)]  # its repository
    if path.suffix == ".json" and is_project(load(Source(relative, text=path.read_text())).data):
        files = import_project(path)  # the RDCL 3D project import, as an upload does
    try:
        problems = plugin.validate(files)
        if problems:
            return Outcome(
                "rejected",
                [
                    {"file": p.file, "path": p.path, "line": p.line, "rule": p.rule, "message": p.message}
                    for p in problems
                ],
            )
        plugin.build_graph(plugin.parse(files))
    except Exception as exc:  # noqa: BLE001 - a crash is reported as the sample's outcome
        return Outcome("crash", crash=f"{type(exc).__name__}: {exc}")
    return Outcome("loads")


def needs_why(entry: dict) -> bool:
    """Some path refuses the sample: the designer, rdcl_validate or translate (a target
    ``refused``; ``nothing`` for a target is no refusal)."""
    return entry["outcome"] == "rejected" or entry["validate"] == "invalid" or "refused" in entry["translate"].values()


def test_the_table_covers_the_corpus_exactly(corpus):
    assert sorted(TABLE) == samples(corpus)
    for relative, entry in TABLE.items():
        assert entry["outcome"] in OUTCOMES, relative
        assert ("rules" in entry) == (entry["outcome"] == "rejected"), relative
        assert entry.get("reason") or entry["outcome"] == "loads", f"{relative}: say why"
        assert "DRAFT" not in entry.get("reason", ""), f"{relative}: a draft reason"
        assert entry["validate"] in ("valid", "invalid"), relative
        assert ("validate_rules" in entry) == (entry["validate"] == "invalid"), relative
        assert sorted(entry["translate"]) == sorted(TARGETS), relative
        assert set(entry["translate"].values()) <= {"ok", "refused", "nothing"}, relative
        assert ("translate_rules" in entry) == ("refused" in entry["translate"].values()), relative


@pytest.mark.parametrize("relative", sorted(TABLE))
def test_every_refusal_says_why(relative):
    """Issue 14: a refusal is checked against the sample's own purpose, not only pinned."""
    entry = TABLE[relative]
    if not needs_why(entry):
        assert "why" not in entry, f"{relative} is refused by no path"
        return
    assert entry.get("why") in WHYS, f"{relative}: why is one of {sorted(WHYS)}"
    if entry["why"] == "our-limitation":
        assert entry.get("lacks"), f"{relative}: say what we lack"
        assert f"`{relative}`" in README.read_text(), f"{relative}: list it in the README's corpus section"
    else:
        assert entry.get("evidence") or entry.get("reason"), f"{relative}: give the evidence for {entry['why']}"
    if entry["why"] == "invalid-by-design":
        assert UPSTREAM_TEST.search(entry["evidence"]), f"{relative}: name the upstream test"


@pytest.mark.parametrize("relative", sorted(TABLE))
def test_sample_has_its_expected_outcome(corpus, relative):
    expected = TABLE[relative]
    assert type_of(corpus, relative) == expected["type"]
    found = outcome_of(corpus, relative, expected["type"])
    assert found.outcome == expected["outcome"], found.crash or found.problems
    if expected["outcome"] != "rejected":
        return
    assert found.rules == set(expected["rules"]), found.problems
    for problem in found.problems:
        assert problem["file"] and problem["rule"] and problem["message"], problem
    unlocated = [p for p in found.problems if not p["path"] and not p["line"]]
    assert len(unlocated) == expected.get("unlocated", 0), f"not located: {unlocated}"


@pytest.mark.parametrize("relative", sorted(TABLE))
def test_sample_through_both_clis(corpus, relative):
    """rdcl_validate and translate (each ``--to`` of :data:`TARGETS`) give the table's
    outcome and rules, and every problem they print has a rule and is located (a document
    path or a line) but for the table's count of whole-file problems."""
    expected = TABLE[relative]
    validated = validate_outcome(corpus, relative)
    assert validated.outcome == expected["validate"], validated.text
    assert validated.rules == expected.get("validate_rules", []), validated.text
    assert sum(not p.located for p in validated.problems) == expected.get("validate_unlocated", 0), validated.text
    for target in TARGETS:
        translated = translate_outcome(corpus, relative, target)
        assert "Traceback" not in translated.text, translated.text
        assert translated.outcome == expected["translate"][target], (target, translated.text)
        if translated.outcome != "refused":
            continue
        assert translated.rules == expected["translate_rules"], (target, translated.text)
        unlocated = sum(not p.located for p in translated.problems)
        assert unlocated == expected.get("translate_unlocated", 0), (target, translated.text)
