"""Draft the corpus outcome table (run, then read and edit the reasons by hand).

    .venv/bin/python tests/data/make_corpus_outcomes.py > /tmp/draft.yaml

For every file of ``../shared/corpus`` (or ``RDCL_CORPUS``) it picks the project type the
sample belongs to (:func:`tests.test_rdcl_corpus.type_of`), loads it as the designer does
(:func:`tests.test_rdcl_corpus.outcome_of`), runs it through both command-line interfaces
(:mod:`tests.corpus_cli`: ``rdcl_validate`` and ``translate --to`` each of
:data:`tests.corpus_cli.TARGETS`) and prints a YAML draft of ``corpus_outcomes.yaml``. The
fields written by hand in the checked-in table (``reason``, ``why``, ``evidence``,
``lacks``) are kept; a sample some path refuses that has none gets a ``DRAFT`` placeholder
(the first problem), which the test refuses until it is rewritten.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

import yaml  # noqa: E402

from tests.conftest import CORPUS  # noqa: E402
from tests.corpus_cli import TARGETS, translate_outcome, validate_outcome  # noqa: E402
from tests.test_rdcl_corpus import TABLE, TABLE_FILE, needs_why, outcome_of, samples, type_of  # noqa: E402

HAND = ("reason", "why", "evidence", "lacks")


def entry_for(relative: str) -> dict:
    """The drafted table entry of one sample (see module doc)."""
    type_name = type_of(CORPUS, relative)
    found = outcome_of(CORPUS, relative, type_name)
    entry: dict = {"type": type_name, "outcome": found.outcome}
    if found.rules:
        entry["rules"] = sorted(found.rules)
    unlocated = [p for p in found.problems if not p["path"] and not p["line"]]
    if unlocated:
        entry["unlocated"] = len(unlocated)
    validated = validate_outcome(CORPUS, relative)
    entry["validate"] = validated.outcome
    if validated.problems:
        entry["validate_rules"] = validated.rules
    if any(not p.located for p in validated.problems):
        entry["validate_unlocated"] = sum(not p.located for p in validated.problems)
    translated = {target: translate_outcome(CORPUS, relative, target) for target in TARGETS}
    entry["translate"] = {target: t.outcome for target, t in translated.items()}
    refused = next((t for t in translated.values() if t.outcome == "refused"), None)
    if refused is not None:
        entry["translate_rules"] = refused.rules
        if any(not p.located for p in refused.problems):
            entry["translate_unlocated"] = sum(not p.located for p in refused.problems)
    old = TABLE.get(relative, {})
    entry.update({key: old[key] for key in HAND if key in old})
    if found.crash:
        entry["reason"] = f"CRASH {found.crash}"
    elif needs_why(entry) and "why" not in entry:
        messages = [p["message"] for p in found.problems] + [p.message for p in (refused or validated).problems]
        entry["why"] = f"DRAFT {messages[0] if messages else ''}"[:300]
    return entry


def main() -> None:
    table = {}
    for relative in samples(CORPUS):
        start = time.perf_counter()
        table[relative] = entry_for(relative)
        took = time.perf_counter() - start
        print(f"{relative}: {table[relative]['outcome']} {took * 1000:.0f} ms", file=sys.stderr)
    header = "".join(line + "\n" for line in TABLE_FILE.read_text().splitlines() if line.startswith("#"))
    sys.stdout.write(header)
    yaml.safe_dump(table, sys.stdout, sort_keys=True, width=120, allow_unicode=True, default_flow_style=None)


if __name__ == "__main__":
    main()
