"""Errors that name the file, the path in the document and the rule broken."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a descriptor.

    ``path`` is a dotted path in the document (``topology_template.node_templates.vm1``),
    ``rule`` names the rule broken (a tosca-parser exception class or one of ours, such
    as ``placement.unknown-site``), ``line`` is 1-based when known; ``member``: the file the
    path and line are in when it is not the one reported on (a CSAR member such as
    ``Definitions/vnfd.yaml``, a file the template imports), keyword only.
    """

    path: str
    rule: str
    message: str
    line: int | None = None
    member: str = field(default="", kw_only=True)

    def format(self, file: str) -> str:
        """``file: [member]:line: path: [rule] message`` (member and line left out when unknown)."""
        where = f"{file}: {self.member}" if self.member else file
        where = f"{where}:{self.line}" if self.line else where
        return f"{where}: {self.path or '<document>'}: [{self.rule}] {self.message}"


class DescriptorError(Exception):
    """A descriptor that cannot be translated; carries every :class:`Problem` found."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one per line, each with file, path and rule."""
        head = f"{self.file}: {len(self.problems)} problem(s)"
        return "\n".join([head] + ["  " + p.format(self.file) for p in self.problems])


class TranslationError(DescriptorError):
    """A required part of a valid descriptor that cannot be translated."""
