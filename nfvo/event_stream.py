"""A job's event stream as its pages read it: its own events, then its parts' in part order.

A job whose sites span queues runs in parts (:mod:`nfvo.parts`), each part a job of its own
whose events are stored under it, with ansible-runner's ``counter`` from 1 in each part.
The parent's stream shows them merged, in the order they ran: the parent's own events
(none today: it splits before running a playbook), then part 1's, part 2's... Each event's
``counter`` in the stream is its own plus an offset, the highest counter of every segment
before it, so the stream's counters rise across parts and ``?after=N`` stays one cursor.

The offsets never move: parts run one after the other (:func:`nfvo.parts.advance` sends a
part once every earlier part succeeded), so a segment has ended, and its highest counter is
final, before any later one stores an event. A part that never ran adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from .models import Job, JobEvent


@dataclass(frozen=True)
class Segment:
    """One job's events in a stream: ``counter`` in the stream is the job's own plus ``offset``."""

    job_id: int
    part: int | None  # the part number, None for the job's own events
    offset: int


def segments(job: Job) -> list[Segment]:
    """The segments of ``job``'s stream: itself, then its parts by part number (one query
    for the parts and one for their highest counters)."""
    part_rows = list(Job.objects.filter(parent_id=job.pk).order_by("part").values_list("pk", "part"))
    ids = [job.pk] + [pk for pk, _ in part_rows]
    if len(ids) == 1:
        return [Segment(job.pk, None, 0)]
    highest = dict(
        JobEvent.objects.filter(job_id__in=ids)
        .order_by()
        .values("job_id")
        .annotate(n=Max("counter"))
        .values_list("job_id", "n")
    )
    out, offset = [], 0
    for pk, part in [(job.pk, None), *part_rows]:
        out.append(Segment(pk, part, offset))
        offset += highest.get(pk) or 0
    return out


def after(stream: list[Segment], cursor: int, limit: int) -> list[JobEvent]:
    """At most ``limit`` events of ``stream`` (:func:`segments`) whose stream counter is above
    ``cursor``, in stream order; each event's ``counter`` is set to its stream counter (the
    rows are read, not to be saved). Its ``job_id`` names its segment, so its part."""
    out: list[JobEvent] = []
    for seg in stream:
        if len(out) >= limit:
            break
        rows = JobEvent.objects.filter(job_id=seg.job_id, counter__gt=cursor - seg.offset).order_by("counter")
        for event in rows[: limit - len(out)]:
            event.counter += seg.offset
            out.append(event)
    return out


def hosts(stream: list[Segment]) -> list[str]:
    """The sites named by the events of ``stream`` (:func:`segments`), sorted."""
    ids = [seg.job_id for seg in stream]
    # order_by(): the default ordering would add (job, counter) to the DISTINCT, one row per event
    return sorted(
        set(JobEvent.objects.filter(job_id__in=ids).exclude(host="").order_by().values_list("host", flat=True))
    )
