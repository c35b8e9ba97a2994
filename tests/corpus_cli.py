"""One corpus sample through each command-line interface, in-process: what the tests check
against ``data/corpus_outcomes.yaml`` and what ``data/make_corpus_outcomes.py`` drafts.

* :func:`validate_outcome`: ``manage.py rdcl_validate SAMPLE --root REPO`` through Django's
  ``call_command`` (the command itself: its argument parsing, its output, its exit status);
* :func:`translate_outcome`: ``python -m translators translate SAMPLE --out TMP --to TARGET
  --root REPO`` through :func:`translators.__main__.main` (the function ``python -m`` runs).

``REPO`` is the sample's corpus repository (``heat-translator/``...): a sample's imports may
use any file of it and nothing outside it, as in ``tests/test_rdcl_corpus.py``. Both read
the problems back from what the command printed (``FILE[: MEMBER][:LINE]: PATH: [RULE]
MESSAGE``), so a problem the command would not print is not seen either. The whole corpus
(381 samples, three targets) takes ~25 s here.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from translators.__main__ import main as translate_main

#: ``--to`` targets recorded per sample (``openshift`` is ``k8s`` with routes: not repeated).
TARGETS = ("playbooks", "hot", "k8s")

_PROBLEM = re.compile(r"^\s*(?P<where>.+?): (?P<path>[^\s:][^:]*?): \[(?P<rule>[\w.\-]+)\] (?P<message>.*)$")


@dataclass(frozen=True)
class Printed:
    """One problem line as a CLI printed it; ``line`` 0 when it gave none."""

    where: str
    path: str
    rule: str
    message: str
    line: int

    @property
    def located(self) -> bool:
        """A document path or a line to find the problem by."""
        return bool(self.line) or self.path != "<document>"


@dataclass
class CliOutcome:
    """What one CLI run gave: ``outcome`` (rdcl_validate: ``valid`` / ``invalid``;
    translate: ``ok``, ``refused`` with problems, or ``nothing`` when the translation holds
    no file for the target), the exit status and the problems printed."""

    outcome: str
    status: int
    problems: list[Printed] = field(default_factory=list)
    text: str = ""

    @property
    def rules(self) -> list[str]:
        """Sorted distinct rules of the problems."""
        return sorted({p.rule for p in self.problems})


def printed_problems(text: str) -> list[Printed]:
    """The problem lines of a CLI's output (other lines are left out)."""
    out = []
    for raw in text.splitlines():
        match = _PROBLEM.match(raw)
        if match:
            line = re.search(r":(\d+)$", match["where"])
            out.append(
                Printed(match["where"], match["path"], match["rule"], match["message"], int(line[1]) if line else 0)
            )
    return out


def repository(corpus: Path, relative: str) -> Path:
    """The corpus repository folder a sample belongs to."""
    return corpus / relative.split("/")[0]


def validate_outcome(corpus: Path, relative: str) -> CliOutcome:
    """``rdcl_validate`` on one sample (see module doc)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "rdcl_validate", str(corpus / relative), "--root", str(repository(corpus, relative)), stdout=out, stderr=err
        )
    except CommandError as exc:
        text = out.getvalue()
        return CliOutcome("invalid", exc.returncode, printed_problems(text), text)
    return CliOutcome("valid", 0, [], out.getvalue())


def translate_outcome(corpus: Path, relative: str, target: str) -> CliOutcome:
    """``translate --to target`` on one sample (see module doc). Exit status 1 with
    problems printed is ``refused``, with none (``no part on an OpenStack site``...) is
    ``nothing``."""
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = translate_main(
            [
                "translate",
                str(corpus / relative),
                "--out",
                folder,
                "--to",
                target,
                "--root",
                str(repository(corpus, relative)),
            ]
        )
    text = err.getvalue()
    if status == 0:
        return CliOutcome("ok", 0, [], out.getvalue())
    problems = printed_problems(text)
    return CliOutcome("refused" if problems else "nothing", status, problems, text)
