"""Jobs whose sites span queues run in parts, each on the queue of its sites.

A site names the queue of the workers near it (``Site.queue``, AWX's instance groups; blank:
the job's own queue). The worker that claims a job on its item's queue checks it out and
lists its sites in the service's order (:meth:`nfvo.kinds.ItemKind.sites`); when they are
not all on that queue, the job is split (:func:`split`) into parts: one per run of
consecutive sites on one queue, each a :class:`~nfvo.models.Job` with ``parent`` the job,
``part`` 1, 2..., ``limit`` its sites and ``queue`` theirs. Parts run one after the other in
that order (:func:`advance` sends the next when one succeeds), so the service's order
across sites holds; a worker running a part gets the credentials of the part's sites only
(:func:`nfvo.runner.run`). The parent stays ``running`` (the reaper leaves it alone) and ends
when its last part does, or with the first part that does not succeed (later parts are
canceled); its ``result`` has every part's sites, its instance and order move then. Each
part's events are stored under its own job; the parent's event stream (API and job page)
shows them merged in part order (:mod:`nfvo.event_stream`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from . import dispatch
from .models import Job, Site

PART_FIELDS = ("instance", "operation", "user", "playbook", "mode", "repository", "folder", "commit", "extra_vars")


def segments(site_names: list[str], queue: str) -> list[tuple[str, list[str]]]:
    """``[(queue, [site, ...]), ...]``: ``site_names`` (in order) cut where the queue changes;
    a site without a queue (or not registered) is on ``queue``."""
    queues = dict(Site.objects.filter(name__in=site_names).values_list("name", "queue"))
    out: list[tuple[str, list[str]]] = []
    for name in site_names:
        q = queues.get(name) or queue
        if out and out[-1][0] == q:
            out[-1][1].append(name)
        else:
            out.append((q, [name]))
    return out


def needed(job: Job, cut: list[tuple[str, list[str]]]) -> bool:
    """True when ``job`` (not itself a part) has sites on another queue than its own."""
    return job.parent_id is None and any(q != job.queue for q, _ in cut)


def split(job: Job, cut: list[tuple[str, list[str]]]) -> list[Job]:
    """Create ``job``'s parts (pending) and send the first; returns them.

    The parent's ``result`` says which part runs which sites on which queue."""
    with transaction.atomic():
        parts = [
            Job.objects.create(
                parent=job,
                part=i,
                limit=",".join(sites),
                queue=queue,
                timeout=job.timeout,
                **{f: getattr(job, f) for f in PART_FIELDS},
            )
            for i, (queue, sites) in enumerate(cut, 1)
        ]
        job.result = {"parts": [{"job": p.pk, "queue": p.queue, "sites": p.limit.split(",")} for p in parts]}
        job.message = f"runs in {len(parts)} parts: " + "; ".join(f"{p.limit} on {p.queue or 'default'}" for p in parts)
        job.save(update_fields=["result", "message"])
    dispatch.job(parts[0])
    return parts


def its_turn(job: Job) -> bool:
    """True when ``job`` is not a part, or is a part whose earlier parts all succeeded (it may
    be sent to the broker; the reaper sends again a part whose sending failed)."""
    if job.parent_id is None or job.part <= 1:
        return True
    before = Job.objects.filter(parent_id=job.parent_id, part__lt=job.part)
    return not before.exclude(status=Job.SUCCESSFUL).exists()


def advance(parent_id: int, finish) -> None:
    """A part of ``parent_id`` ended (or was canceled): send the next part when every part
    so far succeeded and no cancel was asked; otherwise cancel the pending parts and end the
    parent with ``finish(parent, status, message, result)`` (:func:`nfvo.runner.finish`).
    Safe to call twice (the parent row is locked; an ended parent is left alone)."""
    with transaction.atomic():
        parent = Job.objects.select_for_update().get(pk=parent_id)
        if parent.done:
            return
        parts = list(parent.parts.order_by("part"))
        if any(p.status == Job.RUNNING for p in parts):
            return
        failed = next((p for p in parts if p.done and p.status != Job.SUCCESSFUL), None)
        pending = [p for p in parts if p.status in (Job.PENDING, Job.WAITING)]
        if failed is None and pending and not parent.cancel_requested:
            if pending[0].enqueued is None:
                transaction.on_commit(lambda: dispatch.job(pending[0]))
            return
        reason = f"part {failed.part} {failed.status}" if failed else "canceled on request"
        Job.objects.filter(pk__in=[p.pk for p in pending]).update(
            status=Job.CANCELED, message=f"not run: {reason}", finished=timezone.now()
        )
        if failed is not None:
            where = f"{failed.limit} on {failed.queue or 'default'}"
            status, message = failed.status, f"part {failed.part} ({where}): {failed.message}"
        elif pending:
            status, message = Job.CANCELED, "canceled on request"
        else:
            status, message = Job.SUCCESSFUL, f"{len(parts)} parts successful"
        sites: dict = {}
        for p in Job.objects.filter(parent_id=parent_id).order_by("part"):
            sites.update((p.result or {}).get("sites", {}))
        finish(parent, status, message, {**(parent.result or {}), "sites": sites})
