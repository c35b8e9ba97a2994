"""API load: 50 concurrent clients listing and reading jobs, p50/p95 latency and throughput.

Serves the app with gunicorn (2 worker processes x 8 threads) on a free loopback port,
over a database of 1,000 jobs with 20 events each. Two phases with the same clients and
the same logged-in session: the baseline asks only for the API root (``/api/``: session,
login and DRF rendering, no query of ours), then the workload loops over list jobs, read
one job, read its events after a cursor. Prints both and their ratios; asserts nothing.

    .venv/bin/python bench/api_load.py [--clients 50] [--seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import django_setup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures.redis_server import free_port  # noqa: E402


def fill(jobs: int, events: int) -> list[int]:
    """Create ``jobs`` finished jobs with ``events`` events each; their ids."""
    from nfvo.models import CatalogueItem, Job, JobEvent, ServiceInstance

    item = CatalogueItem.objects.create(name="load", repository="/dev/null", playbooks={"create": "x.yml"})
    instance = ServiceInstance.objects.create(item=item, name="load")
    made = Job.objects.bulk_create(
        [
            Job(instance=instance, playbook="x.yml", repository="/dev/null", commit="0" * 40, status="successful")
            for _ in range(jobs)
        ]
    )
    JobEvent.objects.bulk_create(
        [
            JobEvent(
                job=j,
                counter=c,
                event="runner_on_ok",
                host="site",
                task=f"task {c}",
                status="ok",
                stdout=f"ok: [site] task {c}",
            )
            for j in made
            for c in range(1, events + 1)
        ],
        batch_size=2000,
    )
    return [j.pk for j in made]


def session_cookie() -> str:
    """A logged-in admin's session cookie (the API needs a login; no password hashing per request)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.create_superuser("bench")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def workload(ids: list[int]) -> tuple[str, ...]:
    """One round of the workload: list jobs, read a random one, read its events after 10."""
    job = random.choice(ids)
    return ("/api/jobs/?limit=20", f"/api/jobs/{job}/", f"/api/jobs/{job}/events/?after=10")


def baseline(ids: list[int]) -> tuple[str, ...]:
    """One round of the baseline: the API root, the framework's floor."""
    return ("/api/",)


def client(port: int, paths, until: float, out: list[float], errors: list[str], cookie: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < until:
        for path in paths():
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors.append(f"{path}: {resp.status}")
            except OSError as exc:
                errors.append(f"{path}: {exc}")
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            out.append(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    var = django_setup()
    ids = fill(1000, 20)
    cookie = session_cookie()
    port = free_port()
    log = (var / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DEBUG": "0"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/api/")
                break
            except OSError:
                time.sleep(0.1)
        figures = {
            name: phase(port, args, cookie, lambda f=f: f(ids))
            for name, f in (("baseline /api/", baseline), ("jobs workload", workload))
        }
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    for name, (rate, p50, p95, top, errors) in figures.items():
        print(
            f"{name:15s} {args.clients} clients: {rate:6.0f} req/s, p50 {p50:5.0f} ms, p95 {p95:5.0f} ms, "
            f"max {top:5.0f} ms, {errors} errors"
        )
    (b_rate, b_p50, b_p95, _, _), (w_rate, w_p50, w_p95, _, _) = figures.values()
    print(
        f"ratio workload/baseline: throughput {w_rate / b_rate:.2f}, p50 {w_p50 / b_p50:.2f}, p95 {w_p95 / b_p95:.2f}"
    )


def phase(port: int, args, cookie: str, paths) -> tuple[float, float, float, float, int]:
    """Run ``args.clients`` threads for ``args.seconds``; (req/s, p50 ms, p95 ms, max ms, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=client, args=(port, paths, until, latencies, errors, cookie))
        for _ in range(args.clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return (
        len(latencies) / elapsed,
        1000 * statistics.median(latencies),
        1000 * p95,
        1000 * latencies[-1],
        len(errors),
    )


if __name__ == "__main__":
    main()
