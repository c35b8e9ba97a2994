"""Celery tasks. Late acks and reject-on-worker-lost: a job whose worker dies is redelivered,
and :func:`nfvo.runner.claim` makes sure a redelivered job never runs twice at once."""
from celery import shared_task

from . import runner


@shared_task(acks_late=True, reject_on_worker_lost=True, name="nfvo.run_job")
def run_job(job_id: int) -> str:
    """Run job ``job_id``; returns its final status."""
    return runner.run(job_id).status
