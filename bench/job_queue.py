"""Queue benchmarks with Redis and 2 worker processes:

* pickup latency (order accepted -> job running), p50 and p99;
* N orders (default 200) of a one-task playbook spread over 4 local sites: all complete,
  none lost; throughput in jobs/min; ratio against the same N playbooks run with bare
  ``ansible-playbook`` one after the other on the same machine.

Uses ``REDIS_URL`` when set, else starts a private ``redis-server``. Prints figures;
asserts nothing.

    .venv/bin/python bench/job_queue.py [--orders 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures import redis_server  # noqa: E402

if not os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = redis_server.ensure(None)

from common import bare_command, bare_env, django_setup, one_task_item  # noqa: E402

SITES = ["site_a", "site_b", "site_c", "site_d"]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200)
    args = parser.parse_args()
    var = django_setup()
    from nfvo import services
    from nfvo.models import Job
    from nfvo.worker import celery_worker

    item = one_task_item(var, SITES)
    with ExitStack() as stack:
        workers = [stack.enter_context(celery_worker(log_file=var / f"w{i}.log", name=f"bench{i}")) for i in range(2)]
        warm = [services.order(item, {"target": SITES[0]}) for _ in range(2)]
        while Job.objects.filter(pk__in=[j.pk for j in warm]).exclude(status="successful").exists():
            time.sleep(0.05)
        start = time.perf_counter()
        jobs = [services.order(item, {"target": SITES[i % 4]}) for i in range(args.orders)]
        ids = [j.pk for j in jobs]
        while Job.objects.filter(pk__in=ids, finished__isnull=True).exists():
            if any(w.poll() is not None for w in workers):
                raise SystemExit("a worker died")
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    done = Job.objects.filter(pk__in=ids)
    statuses = {s: done.filter(status=s).count() for s in ("successful", "failed", "error", "canceled")}
    latency = [(j.started - j.enqueued).total_seconds() for j in done if j.started and j.enqueued]
    # pickup latency measured on a quiet queue too: one order at a time
    quiet = []
    with (
        celery_worker(log_file=var / "w-quiet.log", name="quiet"),
        celery_worker(log_file=var / "w-quiet2.log", name="quiet2"),
    ):
        time.sleep(3)
        for _ in range(20):
            job = services.order(item, {"target": SITES[0]})
            while not Job.objects.filter(pk=job.pk, started__isnull=False).exists():
                time.sleep(0.005)
            job.refresh_from_db()
            quiet.append((job.started - job.created).total_seconds())
            while not Job.objects.get(pk=job.pk).done:
                time.sleep(0.05)

    cmd, env = bare_command(var, SITES), bare_env()
    bare_start = time.perf_counter()
    for i in range(args.orders):
        subprocess.run([*cmd, "-e", f"target={SITES[i % 4]}"], env=env, check=True, stdout=subprocess.DEVNULL)
    bare = time.perf_counter() - bare_start

    print(f"{args.orders} orders, 2 workers, 4 sites: {statuses} (lost: {args.orders - sum(statuses.values())})")
    print(
        f"pickup latency, idle queue (accepted -> running): p50 {1000 * statistics.median(quiet):.0f} ms, "
        f"p99 {1000 * percentile(quiet, 99):.0f} ms"
    )
    print(
        f"pickup latency under load (sent -> running): p50 {statistics.median(latency):.1f} s, "
        f"p99 {percentile(latency, 99):.1f} s"
    )
    print(f"throughput: {60 * args.orders / elapsed:.1f} jobs/min ({elapsed:.1f} s)")
    print(f"bare ansible-playbook, sequential: {60 * args.orders / bare:.1f} runs/min ({bare:.1f} s)")
    print(f"ratio (time) jobs/bare: {elapsed / bare:.2f}")


if __name__ == "__main__":
    main()
