"""The production shape under load: PostgreSQL + Redis, ``--sites`` local sites on ``--queues`` queues.

Phases (``--phases``, default all, in this order):

* ``main``: ``--orders`` orders (default 1,000) spread over the sites, ``--workers`` worker
  processes (default 4, shared out over the queues): every order done, none lost, each job
  run once (one ``run_job`` step per order, one claim per job);
* ``bare``: the same playbook run ``--orders`` times with bare ``ansible-playbook``,
  ``--workers`` at a time; the ratio of the two throughputs;
* ``pickup``: pickup latency on an idle queue, p50/p99 of ``--pickups`` orders one at a
  time. Pickup is from the job row being visible as queued (its order's transaction
  committed: ``Job.created`` is written in it) to a worker marking it running
  (``Job.started``, written by the claim), split at ``Job.enqueued`` (sent to the broker);
* ``scale``: the same run (``--orders // 4`` orders) with 1, 2 and 4 workers (fewer
  workers than queues: each worker serves every queue), each against bare
  ``ansible-playbook`` as many at a time;
* ``api``: the API with ``--clients`` (100) concurrent clients (bench/api_load.py) on
  PostgreSQL and on SQLite, each against its own floor (the API root), and PostgreSQL
  against SQLite.

PostgreSQL: ``RDCL_BENCH_DATABASE_URL`` (a server URL; a database ``rdclbench_<pid>`` is made
there and dropped), else 127.0.0.1:5432 or a private initdb server (tests/fixtures/postgres_server.py).
Redis: ``REDIS_URL`` or a private redis-server. Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/production.py [--orders 1000] [--sites 8] [--queues 2] [--workers 4]
        [--pickups 30] [--clients 100] [--seconds 15] [--phases main,bare,pickup,scale,api]
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

PHASES = ("main", "bare", "pickup", "scale", "api")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def make_database(server: str) -> str:
    """A fresh database ``rdclbench_<pid>`` on ``server``; its URL."""
    import psycopg

    name = f"rdclbench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def worker_queues(workers: int, queues: list[str]) -> list[str]:
    """The ``-Q`` of each of ``workers`` worker processes: shared out over ``queues`` in
    turn, or every queue for each worker when there are fewer workers than queues."""
    if workers < len(queues):
        return [",".join(queues)] * workers
    return [queues[i % len(queues)] for i in range(workers)]


def targets(items: list, n: int) -> list[tuple[object, str]]:
    """``n`` (item, site) pairs: items in turn, each item's sites in turn."""
    return [
        (items[i % len(items)], items[i % len(items)].sites[(i // len(items)) % len(items[i % len(items)].sites)])
        for i in range(n)
    ]


def own_cpu() -> float:
    """CPU seconds of this process and of its children it waited for (``ansible-playbook``,
    ``git``, stopped workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds of the processes ``pids`` and of the children they waited for (a worker's
    ``ansible-playbook``, ``bwrap`` and ``git`` runs)."""
    import psutil

    total = 0.0
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        total += t.user + t.system + t.children_user + t.children_system
    return total


def run_orders(items: list, n: int, queue_lists: list[str], var: Path, tag: str) -> dict:
    """``n`` orders over the items (one site each), one worker process per entry of
    ``queue_lists`` (its ``-Q``), after one warm-up order per item; returns elapsed seconds
    (first order placed to last job done, placing included), CPU seconds spent meanwhile
    by the workers (with their ansible-playbook runs) and by this process placing the
    orders (the database and broker servers not counted), statuses, jobs lost (not
    ended), jobs run more than once (more than one ``playbook_on_start`` event) and
    events per job."""
    from django.db.models import Count

    from nfvo import services
    from nfvo.models import Job, JobEvent
    from nfvo.worker import celery_worker

    with ExitStack() as stack:
        procs = [
            stack.enter_context(celery_worker(log_file=var / f"{tag}-{i}.log", name=f"{tag}w{i}", queues=q))
            for i, q in enumerate(queue_lists)
        ]
        warm = [services.order(item, {"target": item.sites[0]}).pk for item in items]
        while Job.objects.filter(pk__in=warm, finished__isnull=True).exists():
            time.sleep(0.05)
        pids = [p.pid for p in procs]
        cpu = tree_cpu(pids) + own_cpu()
        start = time.perf_counter()
        ids = [services.order(item, {"target": site}).pk for item, site in targets(items, n)]
        while Job.objects.filter(pk__in=ids, finished__isnull=True).exists():
            if any(p.poll() is not None for p in procs):
                raise SystemExit(f"a worker died (logs in {var})")
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
        cpu = tree_cpu(pids) + own_cpu() - cpu
    done = Job.objects.filter(pk__in=ids)
    statuses = {s: done.filter(status=s).count() for s in ("successful", "failed", "error", "canceled")}
    starts = (
        JobEvent.objects.filter(job_id__in=ids, event="playbook_on_start")
        .values("job_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return {
        "elapsed": elapsed,
        "cpu": cpu,
        "statuses": statuses,
        "lost": n - sum(statuses.values()),
        "twice": starts.count(),
        "events": JobEvent.objects.filter(job_id__in=ids).count() / max(n, 1),
    }


def idle_pickup(item, var: Path, count: int = 30) -> list[tuple[float, float]]:
    """One order at a time on an idle queue (one worker): per order, seconds from the job
    row written (``created``, in the order's transaction) to sent (``enqueued``) and from
    sent to running (``started``)."""
    from nfvo import services
    from nfvo.models import Job
    from nfvo.worker import celery_worker

    out = []
    with celery_worker(log_file=var / "idle.log", name="idle", queues=item.queue):
        warm = services.order(item, {"target": item.sites[0]})
        while not Job.objects.get(pk=warm.pk).done:
            time.sleep(0.05)
        for _ in range(count):
            time.sleep(0.3)  # the worker is idle, waiting on the broker
            job = services.order(item, {"target": item.sites[0]})
            while not Job.objects.filter(pk=job.pk, started__isnull=False).exists():
                time.sleep(0.002)
            job.refresh_from_db()
            out.append(((job.enqueued - job.created).total_seconds(), (job.started - job.enqueued).total_seconds()))
            while not Job.objects.get(pk=job.pk).done:
                time.sleep(0.05)
    return out


def bare(var: Path, items: list, n: int, parallel: int) -> tuple[float, float]:
    """Seconds and CPU seconds to run the playbook ``n`` times with bare ``ansible-playbook``
    on the same sites as :func:`run_orders`, ``parallel`` at a time."""
    from common import bare_command, bare_env

    sites = [site for item in items for site in item.sites]
    cmd, env = bare_command(var, sites), bare_env()

    def one(target: str) -> None:
        subprocess.run([*cmd, "-e", f"target={target}"], env=env, check=True, stdout=subprocess.DEVNULL)

    cpu, start = own_cpu(), time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, [site for _, site in targets(items, n)]))
    return time.perf_counter() - start, own_cpu() - cpu


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


def make_items(var: Path, n_sites: int, n_queues: int) -> list:
    """One catalogue item per queue (``bench-<pid>-q<i>``: a broker used before holds no
    message for them), the sites shared out in blocks, each site on its item's queue."""
    from common import one_task_item

    from nfvo.models import CatalogueItem, Site

    sites = [f"site_{i}" for i in range(n_sites)]
    queues = [f"bench-{os.getpid()}-q{i}" for i in range(n_queues)]
    block = -(-n_sites // n_queues)
    first = one_task_item(var, sites[:block], queue=queues[0])
    items = [first]
    for q, queue in enumerate(queues[1:], 1):
        item = CatalogueItem.objects.get(pk=first.pk)
        item.pk, item.name, item.queue, item.sites = None, f"bench-{queue}", queue, sites[q * block : (q + 1) * block]
        item.save()
        items.append(item)
    for item in items:
        for name in item.sites:
            Site.objects.update_or_create(
                name=name, defaults={"kind": "linux", "connection": {"rdcl_root": str(var / name)}, "queue": item.queue}
            )
    return items


def report(args, figures: dict) -> None:
    """Print the figures of the phases run, with their ratios."""
    n, w = args.orders, args.workers
    shape = f"{args.sites} sites on {args.queues} queues"
    if "main" in figures:
        r = figures["main"]
        print(f"PostgreSQL + Redis, {shape}, {w} workers, {n} orders: {r['statuses']}")
        print(f"  lost: {r['lost']}, run more than once: {r['twice']}, events per job {r['events']:.1f}")
        print(f"  throughput {60 * n / r['elapsed']:.1f} jobs/min ({r['elapsed']:.1f} s)")
        print(f"  CPU per job {r['cpu'] / n:.3f} s (workers with their runs, and placing the order)")
    if "bare" in figures:
        b, b_cpu = figures["bare"]
        print(
            f"  bare ansible-playbook, {w} at a time: {60 * n / b:.1f} runs/min ({b:.1f} s), "
            f"CPU per run {b_cpu / n:.3f} s"
        )
    if "main" in figures and "bare" in figures:
        r, (b, b_cpu) = figures["main"], figures["bare"]
        print(
            f"  ratio throughput jobs/bare: {b / r['elapsed']:.2f}; "
            f"CPU ratio bare/job {b_cpu / r['cpu']:.2f} (the throughput ratio on cores of their own)"
        )
    if "pickup" in figures:
        p = figures["pickup"]
        total = [a + b for a, b in p]
        sent = [b for _, b in p]
        commit = [a for a, _ in p]
        print(
            f"pickup latency, idle queue (row queued -> running), {len(p)} orders: "
            f"p50 {1000 * statistics.median(total):.0f} ms, p99 {1000 * percentile(total, 99):.0f} ms; "
            f"of which row -> sent p50 {1000 * statistics.median(commit):.0f} ms, "
            f"sent -> running p50 {1000 * statistics.median(sent):.0f} ms p99 {1000 * percentile(sent, 99):.0f} ms"
        )
    if "scale" in figures:
        m = max(8, n // 4)
        base = figures["scale"][1]
        for workers, (r, (b, b_cpu)) in sorted(figures["scale"].items()):
            print(
                f"  {workers} workers, {m} orders: {60 * m / r['elapsed']:.1f} jobs/min, "
                f"speed-up vs 1 worker {base[0]['elapsed'] / r['elapsed']:.2f}; bare {workers} at a time "
                f"{60 * m / b:.1f} runs/min, speed-up {base[1][0] / b:.2f}; ratio jobs/bare {b / r['elapsed']:.2f}, "
                f"CPU ratio {b_cpu / r['cpu']:.2f}; lost {r['lost']}, twice {r['twice']}"
            )
    api_pg, api_lite = figures.get("api_pg"), figures.get("api_lite")
    for name, api_figures in (("PostgreSQL", api_pg), ("SQLite", api_lite)):
        if api_figures:
            (b_rate, b50, b95), (w_rate, w50, w95) = api_figures["baseline /api/"], api_figures["jobs workload"]
            print(
                f"API {args.clients} clients on {name}: floor (/api/) {b_rate} req/s p50 {b50} p95 {b95} ms; "
                f"jobs {w_rate} req/s p50 {w50} p95 {w95} ms; ratio to floor: rps {w_rate / b_rate:.2f}, "
                f"p50 {w50 / max(b50, 1):.2f}, p95 {w95 / max(b95, 1):.2f}"
            )
    if api_pg and api_lite:
        pg, lite = api_pg["jobs workload"], api_lite["jobs workload"]
        ratios = f"rps {pg[0] / lite[0]:.2f}, p50 {pg[1] / max(lite[1], 1):.2f}, p95 {pg[2] / max(lite[2], 1):.2f}"
        print(f"API PostgreSQL/SQLite (jobs workload): {ratios}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--queues", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="worker processes of the main run")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--pickups", type=int, default=30, help="orders for the idle pickup latency")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of {', '.join(PHASES)}")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    if phases - set(PHASES):
        parser.error(f"unknown phases: {', '.join(sorted(phases - set(PHASES)))}")
    os.environ.setdefault("REDIS_URL", redis_server.ensure(None))
    server = postgres_server.ensure(os.environ.get("RDCL_BENCH_DATABASE_URL"))
    os.environ["DATABASE_URL"] = make_database(server)
    figures: dict = {}
    try:
        from common import django_setup

        var = django_setup()
        items = make_items(var, args.sites, args.queues)
        queues = [item.queue for item in items]
        if "main" in phases:
            figures["main"] = run_orders(items, args.orders, worker_queues(args.workers, queues), var, "main")
        if "bare" in phases:
            figures["bare"] = bare(var, items, args.orders, args.workers)
        if "pickup" in phases:
            figures["pickup"] = idle_pickup(items[0], var, args.pickups)
        if "scale" in phases:
            m = max(8, args.orders // 4)
            figures["scale"] = {
                w: (run_orders(items, m, worker_queues(w, queues), var, f"s{w}"), bare(var, items, m, w))
                for w in (1, 2, 4)
            }
        if "api" in phases:
            figures["api_pg"] = api(args.clients, args.seconds, os.environ["DATABASE_URL"])
            figures["api_lite"] = api(args.clients, args.seconds, None)
    finally:
        drop_database(os.environ["DATABASE_URL"])
    report(args, figures)


if __name__ == "__main__":
    main()
