"""Draft the corpus outcome table (run once, then read and edit the reasons by hand).

    .venv/bin/python tests/data/make_corpus_outcomes.py > /tmp/draft.yaml

For every file of ``../shared/corpus`` (or ``RDCL_CORPUS``) it picks the project type the
sample belongs to (:func:`tests.test_rdcl_corpus.type_of`), loads it as the test does
(:func:`tests.test_rdcl_corpus.outcome_of`) and prints a YAML draft: ``path: {type,
outcome, rules, reason}``. The reasons it writes are placeholders (the first problem's
message); the checked-in ``corpus_outcomes.yaml`` has them rewritten and grouped.
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
from tests.test_rdcl_corpus import outcome_of, samples, type_of  # noqa: E402


def main() -> None:
    table = {}
    for relative in samples(CORPUS):
        type_name = type_of(CORPUS, relative)
        start = time.perf_counter()
        found = outcome_of(CORPUS, relative, type_name)
        took = time.perf_counter() - start
        entry = {"type": type_name, "outcome": found.outcome}
        if found.rules:
            entry["rules"] = sorted(found.rules)
        if found.problems:
            first = found.problems[0]
            entry["reason"] = f"DRAFT {first.get('rule')}: {first.get('message')}"[:300]
        if found.crash:
            entry["reason"] = f"CRASH {found.crash}"
        print(f"{relative}: {found.outcome} {took * 1000:.0f} ms", file=sys.stderr)
        table[relative] = entry
    yaml.safe_dump(table, sys.stdout, sort_keys=True, width=120, allow_unicode=True)


if __name__ == "__main__":
    main()
