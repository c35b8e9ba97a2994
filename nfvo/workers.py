"""Is any worker running? What the console says when a job stays pending.

Workers leave no row of their own: a running job's ``heartbeat`` (:mod:`nfvo.runner`) shows
its worker is alive, and otherwise Celery's remote control ``ping`` (a broadcast every
worker answers, also on the filesystem broker through its control folder) asks them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from config.celery import app

from .models import Job

log = logging.getLogger(__name__)

#: Seconds an answer is kept (a page polls every few seconds; a ping waits up to PING_TIMEOUT).
CACHE_SECONDS = 10
PING_TIMEOUT = 1.0


def none_running() -> bool:
    """True when no worker is known to run: no job heartbeat newer than
    ``RDCL_HEARTBEAT_STALE`` seconds and no worker answered a ``ping`` within
    :data:`PING_TIMEOUT` seconds. False when the broker cannot be asked (unknown is not
    "none"). Answers are cached :data:`CACHE_SECONDS` seconds."""
    stale = timezone.now() - timedelta(seconds=settings.RDCL_HEARTBEAT_STALE)
    if Job.objects.filter(status=Job.RUNNING, heartbeat__gte=stale).exists():
        return False
    answer = cache.get("nfvo.workers.none_running")
    if answer is None:
        answer = _ping_finds_none()
        cache.set("nfvo.workers.none_running", answer, CACHE_SECONDS)
    return answer


def _ping_finds_none() -> bool:
    try:
        return not app.control.ping(timeout=PING_TIMEOUT)
    except Exception as exc:  # broker unreachable or without broadcast: we cannot tell
        log.info("cannot ping the workers: %s", exc)
        return False
