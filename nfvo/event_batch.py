"""A running job's events written in batches: one multi-row ``INSERT`` instead of one per event.

Every ansible-runner event is a :class:`~nfvo.models.JobEvent` row, and one ``INSERT`` (one
commit) per event is the first thing that saturates the database when many workers run
at once (README, "Growing past one machine"). :class:`EventBatch` keeps the rows of one
job and writes them with ``bulk_create`` when the oldest has waited :data:`FLUSH_AFTER`
seconds or :data:`MOST` rows wait, and whenever the runner ticks (:func:`nfvo.runner`'s
cancel callback, every ``pexpect_timeout`` second) and when the run ends, so the job page
still streams: an event shows at most about a second late.
"""

from __future__ import annotations

import time

from .models import JobEvent

FLUSH_AFTER = 0.5  # seconds the oldest buffered event may wait for more
MOST = 200  # rows written at once at most


class EventBatch:
    """Buffered :class:`~nfvo.models.JobEvent` rows of one job (not thread-safe: the
    runner's event and cancel callbacks run in one thread)."""

    def __init__(self) -> None:
        self.rows: list[JobEvent] = []
        self.since = 0.0  # monotonic time the oldest buffered row came

    def add(self, row: JobEvent) -> None:
        """Buffer ``row`` (unsaved); write the batch when it is due (:meth:`due`)."""
        if not self.rows:
            self.since = time.monotonic()
        self.rows.append(row)
        if self.due():
            self.flush()

    def due(self) -> bool:
        """True when the oldest row has waited :data:`FLUSH_AFTER` seconds or :data:`MOST` wait."""
        return bool(self.rows) and (len(self.rows) >= MOST or time.monotonic() - self.since >= FLUSH_AFTER)

    def flush(self) -> None:
        """Write the buffered rows in one ``INSERT`` (nothing when none wait)."""
        if self.rows:
            rows, self.rows = self.rows, []
            JobEvent.objects.bulk_create(rows)
