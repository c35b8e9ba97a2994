"""A :class:`~translators.errors.Problem` that also names its file.

Project types validate sets of files, so each problem carries the file it is in. It is a
``Problem`` (same fields, same ``format``), with ``file`` added.
"""

from __future__ import annotations

from dataclasses import dataclass

from translators.errors import Problem


@dataclass(frozen=True)
class FileProblem(Problem):
    """``Problem`` + ``file`` (the source's name: a path, ``project.json``, ``pkg.zip/vnfd.json``)."""

    file: str = ""

    def format(self, file: str | None = None) -> str:
        """``file:line: path: [rule] message``; ``file`` defaults to the problem's own."""
        return super().format(file or self.file)


def in_file(file: str, problems: list[Problem]) -> list[FileProblem]:
    """Each of ``problems`` tied to ``file``."""
    return [FileProblem(p.path, p.rule, p.message, p.line, file, member=p.member) for p in problems]
