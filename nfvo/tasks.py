"""Celery tasks and worker hooks.

The only module that defines tasks and imports what they run; the rest of the orchestrator
queues work by task name through :mod:`nfvo.dispatch` (names :data:`nfvo.dispatch.RUN_JOB`,
:data:`nfvo.dispatch.PUBLISH_PROJECT`) and never imports this module.

Late acks and reject-on-worker-lost: a job whose worker dies is redelivered, and
:func:`nfvo.runner.claim` makes sure a redelivered job never runs twice at once. Every
worker starts the reaper (:mod:`nfvo.reaper`) when it is ready. Database connections are
kept between tasks as between web requests (``RDCL_DB_CONN_MAX_AGE``, health-checked before
reuse; ``CELERY_DB_REUSE_MAX`` in the settings keeps Celery from closing them at every task).
"""

import logging

from celery import shared_task
from celery.signals import task_postrun, task_prerun, worker_ready
from django.db import close_old_connections

from . import dispatch, health, metrics, publications, reaper, runner, sandbox
from .models import Job

WAIT_RETRY_SECONDS = 1.0


@shared_task(acks_late=True, reject_on_worker_lost=True, name=dispatch.RUN_JOB)
def run_job(job_id: int) -> str:
    """Run job ``job_id``; returns its final status, or ``waiting`` when it must wait its turn."""
    job = runner.run(job_id)
    if job == runner.WAIT:
        dispatch.job(Job.objects.get(pk=job_id), countdown=WAIT_RETRY_SECONDS)
        return "waiting"
    return job.status if job is not None else "not claimed"


@shared_task(acks_late=True, reject_on_worker_lost=True, name=dispatch.PUBLISH_PROJECT)
def publish_project(publication_id: int) -> str:
    """Translate, commit, push and publish a designer project (:mod:`nfvo.publications`)."""
    pub = publications.run(publication_id)
    return pub.status if pub is not None else "not claimed"


@task_prerun.connect
@task_postrun.connect
def _old_connections(**_):
    """Around each task, as Django does around each request: close a database connection
    older than ``CONN_MAX_AGE`` or broken, and health-check the others at their next use."""
    close_old_connections()


@worker_ready.connect
def _start_reaper(**_):
    reaper.start_thread()


@worker_ready.connect
def _check_sandbox(**_):
    """Say at start when jobs cannot be boxed (each job then ends ``error`` with the reason),
    or run unboxed because ``RDCL_JOB_SANDBOX=none``."""
    for problem in sandbox.system_check():
        logging.getLogger(__name__).log(problem.level, "%s: %s", problem.id, problem.msg)


@worker_ready.connect
def _start_probes(sender=None, **_):
    """The heartbeat file (:func:`nfvo.health.start_heartbeat`) and, when
    ``RDCL_WORKER_METRICS_PORT`` is set, this worker's metrics server."""
    health.start_heartbeat(getattr(sender, "hostname", "") or "worker")
    metrics.start_worker_server()
