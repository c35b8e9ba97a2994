"""Find jobs a dead worker left behind, and jobs the broker lost.

* A running job whose worker process is gone (same host, pid not alive) or whose
  heartbeat is older than ``RDCL_HEARTBEAT_STALE`` seconds ends as ``error`` with the
  reason; its service instance is marked ``needs_attention``; the operation can be
  retried (:func:`nfvo.services.retry`). Its item kind's finish hook runs as for any end,
  then its cleanup list on this host (:mod:`nfvo.cleanup`): the private data directory
  (checkout, inventory, env, artifacts, credentials) deleted, the ssh-agent holding its
  site keys stopped, whatever else its run registered.
* A job folder or cleanup record in ``RDCL_JOBS_DIR`` whose job has ended (or is gone) has
  its cleanup list run: a worker killed mid-job leaves them behind on its own host, where
  another host's reaper could not reach them.
* A part of a job (:mod:`nfvo.parts`) is reaped like a job and ends its parent; a job
  split in parts is left alone while they run.
* A pending or waiting job never sent to the broker (it was down), or sent longer than
  ``RDCL_REQUEUE_AFTER`` seconds ago to a queue the broker now holds nothing in (it may
  have lost it on a restart), is sent again. While its queue holds messages the workers
  have not reached it yet: a backlog is not a loss, and sending every waiting job again
  each ``RDCL_REQUEUE_AFTER`` would fill the queue with copies. Sending a job twice is
  harmless: :func:`nfvo.runner.claim` runs it once.

Every worker runs :func:`reap` when it starts and every ``RDCL_REAP_INTERVAL`` seconds.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from . import dispatch, metrics, parts, runner
from .models import Job, Publication

log = logging.getLogger(__name__)


def _process_gone(worker: str) -> bool:
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def reap_dead_jobs() -> list[int]:
    """End running jobs whose worker died (:meth:`nfvo.runner.JobRun.reaped`: the job's end
    and its cleanup list); returns their ids."""
    stale = timezone.now() - timedelta(seconds=settings.RDCL_HEARTBEAT_STALE)
    actor = f"reaper {socket.gethostname()}:{os.getpid()}"
    reaped = []
    # A job split in parts is "running" while its parts run; they are reaped, not it (nfvo.parts).
    for job in Job.objects.filter(status=Job.RUNNING, parts__isnull=True).select_related("instance"):
        gone = _process_gone(job.worker)
        if not gone and (job.heartbeat or job.started or timezone.now()) > stale:
            continue
        reason = (
            f"worker {job.worker} died mid-job"
            if gone
            else f"worker {job.worker} stopped sending heartbeats (last {job.heartbeat:%H:%M:%S} UTC)"
        )
        if runner.JobRun(job).reaped(reason, actor):
            reaped.append(job.pk)
            log.warning("job %s: %s", job.pk, reason)
    return reaped


def remove_ended_job_folders() -> list[int]:
    """Run the cleanup lists (:func:`nfvo.runner.cleanup_of`) of jobs that ended or no longer
    exist and left a folder or a cleanup record in ``RDCL_JOBS_DIR`` (a worker killed mid-job
    leaves them on its own host, with its ssh-agent; a running, pending or waiting job keeps
    them); returns their job ids."""
    root = Path(settings.RDCL_JOBS_DIR)
    ids = _job_ids(root)
    live = set(
        Job.objects.filter(pk__in=ids, status__in=[Job.PENDING, Job.WAITING, Job.RUNNING]).values_list("pk", flat=True)
    )
    removed = [pk for pk in ids if pk not in live]
    for pk in removed:
        runner.cleanup_of(pk).run()
    return removed


def _job_ids(root: Path) -> list[int]:
    """Jobs with a folder (``<id>``) or a cleanup record (``<id>.cleanup.json``) in ``root``."""
    found = set()
    for path in root.iterdir() if root.is_dir() else []:
        stem = path.name.removesuffix(runner.CLEANUP_SUFFIX)
        if stem.isdigit() and (stem != path.name or path.is_dir()):
            found.add(int(stem))
    return sorted(found)


def requeue_lost_jobs() -> list[int]:
    """Send again pending/waiting jobs the broker may not hold (never sent, or sent long ago
    to a queue now empty at the broker); returns their ids."""
    before = timezone.now() - timedelta(seconds=settings.RDCL_REQUEUE_AFTER)
    lost = list(
        Job.objects.filter(status__in=[Job.PENDING, Job.WAITING], cancel_requested=False)
        .filter(Q(enqueued__isnull=True) | Q(enqueued__lt=before))
        .order_by("pk")
    )
    busy = _queues_holding_messages({metrics.queue_label(job.queue) for job in lost if job.enqueued is not None})
    return [
        job.pk
        for job in lost
        if (job.enqueued is None or metrics.queue_label(job.queue) not in busy)
        and parts.its_turn(job)  # a later part waits its turn
        and dispatch.job(job)
    ]


def _queues_holding_messages(queues: set[str]) -> set[str]:
    """Those of ``queues`` where the broker holds messages waiting; none when it cannot be
    asked (sending then fails too and the jobs stay pending for the next pass)."""
    if not queues:
        return set()
    try:
        return {queue for queue, n in metrics.queue_depths(sorted(queues)).items() if n}
    except Exception as exc:  # broker unreachable
        log.info("reaper: queue depths not read: %s", exc)
        return set()


def requeue_lost_publications() -> list[int]:
    """Send again publications still pending after ``RDCL_REQUEUE_AFTER`` (the broker was
    down when they were asked for); a publication runs once whatever is delivered twice."""
    before = timezone.now() - timedelta(seconds=settings.RDCL_REQUEUE_AFTER)
    lost = Publication.objects.filter(status=Publication.PENDING, created__lt=before).order_by("pk")
    return [pub.pk for pub in lost if dispatch.publication(pub)]


def reap() -> dict:
    """One pass: dead jobs, ended jobs' folders, then lost jobs and publications."""
    return {
        "reaped": reap_dead_jobs(),
        "removed": remove_ended_job_folders(),
        "requeued": requeue_lost_jobs(),
        "publications": requeue_lost_publications(),
    }


def start_thread() -> threading.Thread:
    """Run :func:`reap` now and then every ``RDCL_REAP_INTERVAL`` seconds, in the background."""

    def loop():
        while True:
            try:
                close_old_connections()
                reap()
            except Exception:  # the reaper must outlive a database or broker hiccup
                log.exception("reaper pass failed")
            finally:
                close_old_connections()
            stop.wait(settings.RDCL_REAP_INTERVAL)

    stop = threading.Event()
    thread = threading.Thread(target=loop, name="rdcl-reaper", daemon=True)
    thread.start()
    return thread
