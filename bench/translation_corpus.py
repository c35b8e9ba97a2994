"""Per folder of the public corpus (``../shared/corpus`` or ``RDCL_CORPUS``): how many
TOSCA descriptors translate, how many are rejected with located problems, and the most
common rules of the rejections. Nothing is asserted; the tests hold the expectations.

    .venv/bin/python bench/translation_corpus.py [--corpus DIR] [--problems]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translators.sites import DEMO_SITES  # noqa: E402
from translators.sweep import by_folder  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    default = os.environ.get("RDCL_CORPUS", str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"))
    parser.add_argument("--corpus", default=default)
    parser.add_argument("--problems", action="store_true", help="print each rejected file's first problem")
    args = parser.parse_args()
    start = time.perf_counter()
    tallies = by_folder(args.corpus, DEMO_SITES)
    print("| folder | TOSCA files | translated | rejected (located problems) | most common rules |")
    print("|---|---|---|---|---|")
    total = [0, 0]
    for folder, tally in tallies.items():
        rules = collections.Counter(p.rule for o in tally.rejected for p in o.error.problems[:1])
        common = ", ".join(f"{r} {n}" for r, n in rules.most_common(3))
        n = len(tally.translated) + len(tally.rejected)
        print(f"| {folder} | {n} | {len(tally.translated)} | {len(tally.rejected)} | {common} |")
        total[0] += len(tally.translated)
        total[1] += len(tally.rejected)
        if args.problems:
            for o in tally.rejected:
                print(f"    {o.error.problems[0].format(str(o.path))}")
    print(f"| all | {sum(total)} | {total[0]} | {total[1]} | |")
    print(f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
