"""The production shape under load: PostgreSQL + Redis, 8 local sites on 2 queues.

1. ``--orders`` orders (default 1,000) spread over the 8 sites, 4 worker processes (2 per
   queue): every order done, none lost, each job run once (one ``run_job`` step per order);
   throughput against the same playbook run bare with ``ansible-playbook``, 4 at a time.
2. Pickup latency on an idle queue (order accepted -> job running), p50/p99 of ``--pickups`` (30) orders.
3. How it grows: the same run (``--orders // 4`` orders) with 1, 2 and 4 workers per queue
   (2, 4 and 8 worker processes in all: each queue needs one).
4. The API with ``--clients`` (100) concurrent clients (bench/api_load.py) on PostgreSQL and
   on SQLite, each against its own floor (the API root), and PostgreSQL against SQLite.

PostgreSQL: ``RDCL_BENCH_DATABASE_URL`` (a server URL; a database ``rdcl_bench_<pid>`` is made
there and dropped), else 127.0.0.1:5432 or a private initdb server (tests/fixtures/postgres_server.py).
Redis: ``REDIS_URL`` or a private redis-server. Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/production.py [--orders 1000] [--pickups 30] [--clients 100] [--seconds 15] [--skip-api]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from tests.fixtures import postgres_server, redis_server  # noqa: E402

SITES = [f"site_{i}" for i in range(8)]
QUEUES = ("bench-core", "bench-edge")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def make_database(server: str) -> str:
    """A fresh database on ``server``; its URL."""
    import psycopg

    name = f"rdcl_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_orders(items, n: int, workers_per_queue: int, var: Path, tag: str) -> dict:
    """``n`` orders alternating over the items (one site each), with that many workers per
    queue; returns elapsed seconds, statuses and the number of orders with more than one run."""
    from nfvo import services
    from nfvo.models import Job, OrderTransition
    from nfvo.worker import celery_worker

    with ExitStack() as stack:
        procs = [
            stack.enter_context(celery_worker(log_file=var / f"{tag}-{q}-{i}.log", name=f"{tag}{q}{i}", queues=q))
            for q in QUEUES
            for i in range(workers_per_queue)
        ]
        warm = [services.order(item, {"target": SITES[k]}) for k, item in ((0, items[0]), (4, items[1]))]
        while Job.objects.filter(pk__in=[j.pk for j in warm], finished__isnull=True).exists():
            time.sleep(0.05)
        start = time.perf_counter()
        jobs = [services.order(items[i % 2], {"target": SITES[(i % 2) * 4 + (i // 2) % 4]}) for i in range(n)]
        ids = [j.pk for j in jobs]
        while Job.objects.filter(pk__in=ids, finished__isnull=True).exists():
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker died (logs in {var})")
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    done = Job.objects.filter(pk__in=ids)
    statuses = {s: done.filter(status=s).count() for s in ("successful", "failed", "error", "canceled")}
    from django.db.models import Count

    runs = (
        OrderTransition.objects.filter(order_id__in=[j.order_id for j in jobs], target="run_job")
        .values("order_id")
        .annotate(n=Count("id"))
    )
    twice = sum(1 for r in runs if r["n"] > 1)
    from nfvo.models import JobEvent

    events = JobEvent.objects.filter(job_id__in=ids).count() / max(n, 1)
    return {
        "elapsed": elapsed,
        "statuses": statuses,
        "lost": n - sum(statuses.values()),
        "twice": twice,
        "events": events,
    }


def idle_pickup(items, var: Path, count: int = 30) -> list[float]:
    """Seconds from accepting an order to its job running, one order at a time on an idle queue."""
    from nfvo import services
    from nfvo.models import Job
    from nfvo.worker import celery_worker

    out = []
    with celery_worker(log_file=var / "idle.log", name="idle", queues=QUEUES[0]):
        warm = services.order(items[0], {"target": SITES[0]})
        while not Job.objects.get(pk=warm.pk).done:
            time.sleep(0.05)
        for _ in range(count):
            time.sleep(0.3)  # the worker is idle, waiting on the broker
            job = services.order(items[0], {"target": SITES[0]})
            while not Job.objects.filter(pk=job.pk, started__isnull=False).exists():
                time.sleep(0.002)
            job.refresh_from_db()
            out.append((job.started - job.created).total_seconds())
            while not Job.objects.get(pk=job.pk).done:
                time.sleep(0.05)
    return out


def bare(var: Path, n: int, parallel: int) -> float:
    """Seconds to run the playbook ``n`` times with bare ``ansible-playbook``, ``parallel`` at a time."""
    from common import bare_command, bare_env

    cmd, env = bare_command(var, SITES), bare_env()

    def one(i: int) -> None:
        subprocess.run([*cmd, "-e", f"target={SITES[i % 8]}"], env=env, check=True, stdout=subprocess.DEVNULL)

    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(n)))
    return time.perf_counter() - start


API_LINE = re.compile(r"^(baseline /api/|jobs workload)\s+\d+ clients:\s+(\d+) req/s, p50\s+(\d+) ms, p95\s+(\d+) ms")


def api(clients: int, seconds: float, database_url: str | None) -> dict[str, tuple[int, int, int]]:
    """bench/api_load.py on ``database_url`` (None: SQLite): {phase: (req/s, p50 ms, p95 ms)}."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RDCL_VAR")}
    if database_url:
        env["DATABASE_URL"] = database_url
    out = subprocess.run(
        [sys.executable, str(HERE / "api_load.py"), "--clients", str(clients), "--seconds", str(seconds)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {m[1]: (int(m[2]), int(m[3]), int(m[4])) for m in map(API_LINE.match, out.splitlines()) if m}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--pickups", type=int, default=30, help="orders for the idle pickup latency")
    parser.add_argument("--skip-api", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("REDIS_URL", redis_server.ensure(None))
    server = postgres_server.ensure(os.environ.get("RDCL_BENCH_DATABASE_URL"))
    os.environ["DATABASE_URL"] = make_database(server)
    try:
        from common import django_setup, one_task_item

        var = django_setup()
        from nfvo.models import CatalogueItem, Site

        first = one_task_item(var, SITES[:4], queue=QUEUES[0])
        for name in SITES[4:]:
            Site.objects.get_or_create(name=name, kind="linux", connection={"rdcl_root": str(var / name)})
        second = CatalogueItem.objects.get(pk=first.pk)
        second.pk, second.name, second.queue, second.sites = None, "bench-edge", QUEUES[1], SITES[4:]
        second.save()
        items = [first, second]

        main_run = run_orders(items, args.orders, 2, var, "main")
        pickup = idle_pickup(items, var, args.pickups)
        scale = {w: run_orders(items, max(8, args.orders // 4), w, var, f"s{w}") for w in (1, 2, 4)}
        scale = {2 * w: r for w, r in scale.items()}  # workers per queue -> workers
        bare_main = bare(var, args.orders, 4)
        api_pg = api(args.clients, args.seconds, os.environ["DATABASE_URL"]) if not args.skip_api else {}
        api_lite = api(args.clients, args.seconds, None) if not args.skip_api else {}
    finally:
        drop_database(os.environ["DATABASE_URL"])

    n = args.orders
    print(f"PostgreSQL + Redis, 8 sites on 2 queues, 4 workers, {n} orders: {main_run['statuses']}")
    print(
        f"  lost: {main_run['lost']}, run more than once: {main_run['twice']}, events per job {main_run['events']:.1f}"
    )
    print(f"  throughput {60 * n / main_run['elapsed']:.1f} jobs/min ({main_run['elapsed']:.1f} s)")
    print(f"  bare ansible-playbook, 4 at a time: {60 * n / bare_main:.1f} runs/min ({bare_main:.1f} s)")
    print(f"  ratio throughput jobs/bare: {bare_main / main_run['elapsed']:.2f}")
    print(
        f"pickup latency, idle queue (accepted -> running), {len(pickup)} orders: "
        f"p50 {1000 * statistics.median(pickup):.0f} ms, p99 {1000 * percentile(pickup, 99):.0f} ms"
    )
    base = scale[2]["elapsed"]
    for workers, r in sorted(scale.items()):
        m = max(8, n // 4)
        print(
            f"  {workers} workers, {m} orders: {60 * m / r['elapsed']:.1f} jobs/min, "
            f"speed-up vs 2 workers {base / r['elapsed']:.2f}, lost {r['lost']}, twice {r['twice']}"
        )
    for name, figures in (("PostgreSQL", api_pg), ("SQLite", api_lite)):
        if figures:
            (b_rate, b50, b95), (w_rate, w50, w95) = figures["baseline /api/"], figures["jobs workload"]
            print(
                f"API {args.clients} clients on {name}: floor (/api/) {b_rate} req/s p50 {b50} p95 {b95} ms; "
                f"jobs {w_rate} req/s p50 {w50} p95 {w95} ms; ratio to floor: rps {w_rate / b_rate:.2f}, "
                f"p50 {w50 / max(b50, 1):.2f}, p95 {w95 / max(b95, 1):.2f}"
            )
    if api_pg and api_lite:
        pg, lite = api_pg["jobs workload"], api_lite["jobs workload"]
        ratios = f"rps {pg[0] / lite[0]:.2f}, p50 {pg[1] / max(lite[1], 1):.2f}, p95 {pg[2] / max(lite[2], 1):.2f}"
        print(f"API PostgreSQL/SQLite (jobs workload): {ratios}")


if __name__ == "__main__":
    main()
