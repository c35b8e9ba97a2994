"""Prometheus metrics (``prometheus_client``), served at ``/metrics`` by the web tier and,
when ``RDCL_WORKER_METRICS_PORT`` is set, by each Celery worker on that port.

Kept in the process that observes them (the worker for jobs, the web process for HTTP):

* ``rdcl_http_request_duration_seconds{method,view,status}`` histogram (:class:`HttpMetricsMiddleware`);
* ``rdcl_job_duration_seconds{queue,status}`` histogram: claim to end of each job run;
* ``rdcl_job_pickup_seconds{queue}`` histogram: sent to the broker (``Job.enqueued``) to claimed.

Read from the database and the broker at scrape time (:class:`StateCollector`, web tier only):

* ``rdcl_jobs{status,queue}`` and ``rdcl_orders{state}`` gauges (row counts);
* ``rdcl_queue_depth{queue}``: messages waiting in each queue that jobs name (the broker's count).

Under gunicorn (several processes) set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder
writable by the web processes (deploy/rdcl.env): prometheus_client's multiprocess mode then
adds up what every process observed, and ``deploy/gunicorn.conf.py`` marks dead processes.
"""

from __future__ import annotations

import logging
import os
import time

from django.conf import settings
from django.db.models import Count
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest, multiprocess, start_http_server
from prometheus_client.core import GaugeMetricFamily

from config.celery import app

from .models import Job, Order

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
JOB_BUCKETS = (1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

HTTP_LATENCY = Histogram(
    "rdcl_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, view (URL route name) and status.",
    ["method", "view", "status"],
    buckets=LATENCY_BUCKETS,
)
JOB_DURATION = Histogram(
    "rdcl_job_duration_seconds",
    "Job run time, claim to end, by queue and final status.",
    ["queue", "status"],
    buckets=JOB_BUCKETS,
)
PICKUP = Histogram(
    "rdcl_job_pickup_seconds",
    "Time from sending a job to the broker to a worker claiming it, by queue.",
    ["queue"],
    buckets=LATENCY_BUCKETS,
)


def queue_label(queue: str) -> str:
    """The ``queue`` label of a job's queue ('' means the default queue)."""
    return queue or settings.CELERY_TASK_DEFAULT_QUEUE


def job_claimed(job) -> None:
    """Observe the pickup latency of a job just claimed (``started - enqueued``, at least 0)."""
    sent = job.enqueued or job.created
    if job.started and sent:
        PICKUP.labels(queue_label(job.queue)).observe(max(0.0, (job.started - sent).total_seconds()))


def job_finished(job) -> None:
    """Observe the run time of a job that just ended (``finished - started``)."""
    if job.started and job.finished:
        JOB_DURATION.labels(queue_label(job.queue), job.status).observe((job.finished - job.started).total_seconds())


class StateCollector:
    """Gauges read at scrape time: jobs by status and queue, orders by state, queue depth.
    A database or broker failure leaves those families out (the scrape still answers)."""

    def collect(self):
        try:
            jobs = GaugeMetricFamily("rdcl_jobs", "Jobs by status and queue.", labels=["status", "queue"])
            queues = set()
            for row in Job.objects.order_by().values("status", "queue").annotate(n=Count("id")):
                queues.add(queue_label(row["queue"]))
                jobs.add_metric([row["status"], queue_label(row["queue"])], row["n"])
            orders = GaugeMetricFamily("rdcl_orders", "Orders by state.", labels=["state"])
            for state in Order.objects.order_by().values("status").annotate(n=Count("id")):
                orders.add_metric([state["status"]], state["n"])
        except Exception as exc:
            log.warning("metrics: database not read: %s", type(exc).__name__)
            return
        yield jobs
        yield orders
        depth = GaugeMetricFamily("rdcl_queue_depth", "Messages waiting in a broker queue.", labels=["queue"])
        try:
            for queue, n in queue_depths(sorted(queues | {queue_label("")})).items():
                depth.add_metric([queue], n)
        except Exception as exc:
            log.warning("metrics: broker not read: %s", type(exc).__name__)
            return
        yield depth


def queue_depths(queues: list[str]) -> dict[str, int]:
    """Messages waiting in each of ``queues`` (kombu's passive ``queue_declare``; a queue
    the broker does not know counts 0).

    :raises kombu.exceptions.OperationalError: the broker cannot be reached.
    """
    out = {}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        channel = conn.default_channel
        for queue in queues:
            try:
                out[queue] = channel.queue_declare(queue=queue, passive=True).message_count
            except Exception:  # not declared yet: nothing waits there
                out[queue] = 0
    return out


def registry() -> CollectorRegistry:
    """This scrape's registry: every process's observations when ``PROMETHEUS_MULTIPROC_DIR``
    is set (gunicorn), else this process's, plus :class:`StateCollector`."""

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        reg = CollectorRegistry()
        multiprocess.MultiProcessCollector(reg)
    else:
        reg = CollectorRegistry()
        for collector in (HTTP_LATENCY, JOB_DURATION, PICKUP):
            reg.register(collector)
    reg.register(StateCollector())
    return reg


def exposition() -> bytes:
    """The text exposition format of :func:`registry`."""
    return generate_latest(registry())


def start_worker_server() -> int | None:
    """In a Celery worker: serve its metrics on ``RDCL_WORKER_METRICS_PORT`` (address
    ``RDCL_WORKER_METRICS_ADDR``, default 127.0.0.1): this process's, or with
    ``PROMETHEUS_MULTIPROC_DIR`` those of its pool's processes. Returns the port, None when unset."""
    port = os.environ.get("RDCL_WORKER_METRICS_PORT")
    if not port:
        return None
    reg = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # prefork pool: jobs run in child processes
        reg = CollectorRegistry()
        multiprocess.MultiProcessCollector(reg)
    start_http_server(int(port), addr=os.environ.get("RDCL_WORKER_METRICS_ADDR", "127.0.0.1"), registry=reg)
    return int(port)


class HttpMetricsMiddleware:
    """Times every request into ``rdcl_http_request_duration_seconds`` (label ``view``: the
    resolved URL's route name or ``unmatched``, so unknown paths do not make new series)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.route) if match else "unmatched"
        method = request.method if request.method in METHODS else "other"
        HTTP_LATENCY.labels(method, view, str(response.status_code)).observe(time.perf_counter() - start)
        return response
