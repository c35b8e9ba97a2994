"""Start and stop a Celery worker process (the demo and the tests use a real worker)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.conf import settings

from .models import Job

BASE_DIR = Path(__file__).resolve().parent.parent


@contextmanager
def celery_worker(
    env: dict | None = None, log_file: str | Path | None = None, name: str = "rdcl", queues: str | None = None
):
    """A ``celery worker`` subprocess (solo pool) on ``queues`` (default: the jobs queue),
    for the ``with`` block; killed if it does not stop within 20 s."""
    with ExitStack() as files:  # the log file is closed also when the worker does not start
        out = files.enter_context(open(log_file, "ab")) if log_file else subprocess.DEVNULL
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queues or settings.CELERY_TASK_DEFAULT_QUEUE,
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{name}@%h",
            ],
            cwd=BASE_DIR,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_for_job(job_id: int, timeout: float = 600, proc: subprocess.Popen | None = None):
    """Poll the job row until it is done; returns it.

    :raises TimeoutError: not done within ``timeout`` seconds (or the worker exited).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.done:
            return job
        if proc is not None and proc.poll() is not None:
            raise TimeoutError(f"job {job_id}: the worker exited with status {proc.returncode}")
        time.sleep(0.05)
    raise TimeoutError(f"job {job_id} not done after {timeout} s")
