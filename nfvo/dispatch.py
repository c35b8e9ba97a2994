"""The one place that queues Celery work: jobs and publications, sent by task name.

The callers (:mod:`nfvo.services`, :mod:`nfvo.parts`, :mod:`nfvo.publications`,
:mod:`nfvo.reaper`) send through here and never import :mod:`nfvo.tasks`, which alone
defines the tasks and imports what they run; so the orchestrator's modules form no import
cycle (an import-linter contract in ``pyproject.toml`` keeps it so). The names are the ones
the tasks are registered under (``@shared_task(name=...)`` in :mod:`nfvo.tasks`).

A job goes to its item's queue (``Job.queue``, copied from ``CatalogueItem.queue``; a part
of a split job to its sites' queue, :mod:`nfvo.parts`), or Celery's default queue
(``CELERY_TASK_DEFAULT_QUEUE``) when that is empty; a publication always to the default
queue. Sending never raises: when the broker cannot be reached the row stays pending, the
failure is logged, and the reaper (:func:`nfvo.reaper.requeue_lost_jobs`) sends it again.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from config.celery import app

from .models import Job, Publication

#: Registered name of :func:`nfvo.tasks.run_job` (argument: the job's id).
RUN_JOB = "nfvo.run_job"
#: Registered name of :func:`nfvo.tasks.publish_project` (argument: the publication's id).
PUBLISH_PROJECT = "nfvo.publish_project"

log = logging.getLogger(__name__)


def job(row: Job, countdown: float = 0) -> bool:
    """Send job ``row`` to the broker on its queue, after ``countdown`` seconds (0: now),
    and record when (``Job.enqueued``). False, logged, when the broker cannot be reached:
    the job stays pending and the reaper sends it again; an accepted order is never lost."""
    if not send(RUN_JOB, row.pk, f"job {row.pk}", queue=row.queue or None, countdown=countdown or None):
        return False
    Job.objects.filter(pk=row.pk).update(enqueued=timezone.now())
    return True


def publication(row: Publication) -> bool:
    """Send publication ``row`` to the broker on the default queue; False (left pending for
    the reaper) when it is down."""
    return send(PUBLISH_PROJECT, row.pk, f"publication {row.pk}")


def send(name: str, pk: int, what: str, **options) -> bool:
    """Queue task ``name`` with the one argument ``pk`` (``app.send_task(name, (pk,),
    **options)``, Celery's ``apply_async`` options: ``queue``, ``countdown``); ``what``
    names the row in the log. False, logged, when the broker cannot be reached (the row
    stays pending and the reaper sends it again)."""
    try:
        app.send_task(name, (pk,), **options)
    except Exception as exc:  # broker down: kombu's OperationalError and friends
        log.warning("%s: broker unreachable, left pending for the reaper: %s", what, exc)
        return False
    return True
