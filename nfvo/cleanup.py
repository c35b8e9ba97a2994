"""What a run leaves on the worker outside the database, and taking it away: its cleanup list.

A run (:class:`nfvo.runner.JobRun`, a site check) registers each thing as it creates it, as
AWX's ``BaseTask`` keeps ``cleanup_paths``, processes included: a folder to delete (the
private data directory, the ssh-agent's folder) or a process to stop (the run's ssh-agent,
which holds the site keys in memory). :meth:`Cleanup.run` takes them away, last registered
first.

A job's list is written down at each step, in ``record`` (``RDCL_JOBS_DIR/<id>.cleanup.json``,
0600, beside the job's folder: hidden from playbooks with the rest of ``RDCL_JOBS_DIR``, see
:mod:`nfvo.sandbox`), so that when its worker dies the reaper (:mod:`nfvo.reaper`) on that
host runs the list the worker would have run. A site check's list stays in memory.

Running a list is safe twice and from any process of the worker's user: a folder already gone
is skipped, and a process is stopped only while ``/proc/<pid>/cmdline`` is still the command
recorded (the pid may belong to another process by then; Linux only, elsewhere no process is
stopped).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import time
from pathlib import Path

log = logging.getLogger(__name__)
STOP_WAIT = 5.0  # seconds a process gets to end after SIGTERM, before SIGKILL


def command_of(pid: int) -> list[str]:
    """The command line of process ``pid`` (``[]`` when it is gone, a zombie or unreadable)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0")[:-1]]


class Cleanup:
    """A run's cleanup list: steps ``{"remove": path}`` and ``{"stop": pid, "argv": [...]}``,
    read back from ``record`` when it exists (None: kept in memory only)."""

    def __init__(self, record: Path | None = None):
        self.record = Path(record) if record is not None else None
        self.steps: list[dict] = []
        if self.record is not None and self.record.is_file():
            try:
                self.steps = list(json.loads(self.record.read_text()))
            except (OSError, ValueError):  # a record cut short by a crash: its folder is still removed by the caller
                log.warning("cleanup record %s is unreadable; ignored", self.record)

    def folder(self, path: Path) -> None:
        """Delete the folder ``path`` (and all in it) when the list runs."""
        self._add({"remove": str(path)})

    def process(self, pid: int, argv: list[str]) -> None:
        """Stop process ``pid`` (SIGTERM, then SIGKILL after :data:`STOP_WAIT` s) when the list
        runs, if its command line is still ``argv``."""
        self._add({"stop": int(pid), "argv": [str(a) for a in argv]})

    def _add(self, step: dict) -> None:
        if step in self.steps:
            return
        self.steps.append(step)
        self._write()

    def _write(self) -> None:
        """Write the record (0600; a new file renamed over the old one: a reader sees either)."""
        if self.record is None:
            return
        self.record.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = self.record.with_name(self.record.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(self.steps, out)
        os.replace(part, self.record)

    def run(self) -> None:
        """Take every step, last registered first, then forget them (and delete the record).
        Never raises: a step that fails is logged and the others still run."""
        for step in reversed(self.steps):
            try:
                if "stop" in step:
                    _stop(step["stop"], step.get("argv") or [])
                elif "remove" in step:
                    shutil.rmtree(step["remove"], ignore_errors=True)
            except Exception:  # the rest of the list must still run
                log.exception("cleanup step %s failed", step)
        self.steps = []
        if self.record is not None:
            self.record.unlink(missing_ok=True)
            self.record.with_name(self.record.name + ".part").unlink(missing_ok=True)


def _stop(pid: int, argv: list[str]) -> None:
    """SIGTERM ``pid`` while its command line is ``argv``; SIGKILL if it has not ended after
    :data:`STOP_WAIT` seconds."""
    if not argv or command_of(pid) != argv:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_WAIT
    while command_of(pid) == argv:
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.02)
