"""Health endpoints for load balancers and orchestrators, and the worker heartbeat file.

* ``GET /healthz``: 200 ``{"status": "ok"}`` while the process answers (liveness; touches
  nothing else).
* ``GET /readyz``: 200 when the database, the broker and the git remote ``RDCL_GIT_REMOTE``
  answer, each within a few seconds; otherwise 503 ``{"status": "unavailable", "down":
  ["broker", ...], "checks": {name: "ok" | "<error class>"}}``. Only the name of what is
  down and the error's class are told (no URL, host or password).
* ``GET /metrics``: Prometheus text format (:mod:`nfvo.metrics`), to loopback clients and to
  ``Authorization: Bearer <RDCL_METRICS_TOKEN>`` when that is set.

None of them needs a login; none writes anything.

Worker liveness: every Celery worker rewrites ``RDCL_WORKER_HEARTBEAT_FILE`` (default
``RDCL_VAR/worker-<node name>.alive``) every ``RDCL_WORKER_HEARTBEAT_SECONDS`` (10) from a
thread of its own; ``manage.py worker_alive FILE [--max-age 60]`` exits 0 when the file is
fresh, 1 otherwise (a systemd ``ExecStartPost``/watchdog or a container probe). Through the
broker instead: ``celery -A config inspect ping -d <node name>``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import threading
import time
from pathlib import Path

import git
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework.exceptions import PermissionDenied

from config.celery import app
from config.problems import problem_response

from . import remotes
from .metrics import exposition

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 3  # seconds per dependency


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    """``SELECT 1`` on the default database.

    :raises django.db.Error: it cannot be reached."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_broker() -> None:
    """Connect to the Celery broker (one try, bounded).

    :raises kombu.exceptions.OperationalError: it cannot be reached."""
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT)


def check_git() -> None:
    """``git ls-remote`` of ``RDCL_GIT_REMOTE`` (through :mod:`nfvo.remotes`).

    :raises git.GitCommandError: it cannot be reached."""
    url = str(settings.RDCL_GIT_REMOTE)
    git.cmd.Git().ls_remote(
        "--heads", "--", url, env=remotes.environment(remotes.check(url)), kill_after_timeout=CHECK_TIMEOUT * 3
    )


CHECKS = {"database": check_database, "broker": check_broker, "git": check_git}


@never_cache
@require_GET
def readyz(request):
    """Readiness: 200 when every dependency answers, else 503 naming those down."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = type(exc).__name__
            log.warning("readyz: %s down: %s", name, type(exc).__name__)
    down = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if down else "ok", "down": down, "checks": results}
    return JsonResponse(body, status=503 if down else 200)


def _loopback(request) -> bool:
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def metrics(request):
    """Prometheus exposition; 403 unless from loopback or with the bearer token."""
    token = os.environ.get("RDCL_METRICS_TOKEN", "")
    given = request.META.get("HTTP_AUTHORIZATION", "")
    allowed = hmac.compare_digest(given, f"Bearer {token}") if token else _loopback(request)
    if not allowed:
        return problem_response(PermissionDenied("metrics: loopback or RDCL_METRICS_TOKEN only"), request)
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def heartbeat_file(node: str) -> Path:
    """Where a worker named ``node`` writes its heartbeat."""
    given = os.environ.get("RDCL_WORKER_HEARTBEAT_FILE")
    safe = "".join(c if c.isalnum() or c in "-_.@" else "_" for c in node)
    return Path(given) if given else Path(settings.VAR_DIR) / f"worker-{safe}.alive"


def start_heartbeat(node: str) -> threading.Thread:
    """Rewrite :func:`heartbeat_file` now and every ``RDCL_WORKER_HEARTBEAT_SECONDS`` (10)."""
    path, every = heartbeat_file(node), float(os.environ.get("RDCL_WORKER_HEARTBEAT_SECONDS", "10"))

    def loop():
        while True:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(f"{node} {os.getpid()} {time.time():.0f}\n")
                tmp.replace(path)
            except OSError as exc:
                log.warning("worker heartbeat %s not written: %s", path, exc)
            time.sleep(every)

    thread = threading.Thread(target=loop, name="rdcl-heartbeat", daemon=True)
    thread.start()
    return thread


def heartbeat_age(path: Path) -> float | None:
    """Seconds since ``path`` was last written; None when it does not exist."""
    try:
        return time.time() - Path(path).stat().st_mtime
    except FileNotFoundError:
        return None
