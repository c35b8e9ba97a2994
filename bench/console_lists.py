"""Console speed with big tables, in one process (ratios against a baseline run here):

* server time of the jobs, orders and instances list pages with 10,000 rows each, against the
  same pages with no rows (aim: at most 1.5x): Django's test client, a tenant user, medians;
* first paint of a job page with 10,000 events against one with 10 (aim: at most 2x), and
  the time until its first output line shows: a real ``runserver`` and headless Chromium
  (Playwright), medians.

    .venv/bin/python bench/console_lists.py [--rows 10000] [--runs 15]

Prints a table and the ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time

from common import ROOT, django_setup


def _median_ms(fn, runs: int) -> float:
    fn()  # warm-up: templates, query plans, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _fill(rows: int, tenant, item, user) -> None:
    """``rows`` instances, orders and jobs of ``tenant`` (bulk inserts: test data, not the product's path)."""
    from nfvo.models import Job, Order, ServiceInstance

    ServiceInstance.objects.bulk_create(
        [ServiceInstance(item=item, tenant=tenant, name=f"svc-{n}", state="active") for n in range(rows)],
        batch_size=2000,
    )
    instances = list(ServiceInstance.objects.filter(tenant=tenant).values_list("pk", flat=True))
    Order.objects.bulk_create(
        [Order(item=item, instance_id=pk, user=user, commit="0" * 40, status="done") for pk in instances],
        batch_size=2000,
    )
    Job.objects.bulk_create(
        [
            Job(
                instance_id=pk,
                user=user,
                playbook="create.yml",
                repository="bench",
                commit="0" * 40,
                status="successful",
            )
            for pk in instances
        ],
        batch_size=2000,
    )


def _events(job, count: int) -> None:
    from nfvo.models import JobEvent

    rows = []
    for n in range(1, count + 1):
        task = f"Task {n // 20}"
        rows.append(
            JobEvent(
                job=job,
                counter=n,
                event="runner_on_ok",
                play="Bench",
                task=task,
                host=f"site{n % 3}",
                status="ok",
                stdout=f"ok: [site{n % 3}-host] => line {n} of {task}",
            )
        )
    JobEvent.objects.bulk_create(rows, batch_size=2000)


def lists(rows: int, runs: int, rounds: int = 3) -> list[tuple[str, float, float]]:
    """(page, ms empty, ms with ``rows`` rows): medians over ``rounds`` rounds of ``runs``
    requests each, each round measuring the empty lists, filling the tables, measuring
    them full and emptying them again (so a slow spell of a shared machine falls on both)."""
    from django.contrib.auth.models import User
    from django.test import Client

    from nfvo.models import CatalogueItem, Job, Membership, Order, ServiceInstance, Tenant

    tenant = Tenant.objects.create(name="bench")
    user = User.objects.create_user("bench", password="bench-password-1")
    Membership.objects.create(user=user, tenant=tenant, role="user")
    item = CatalogueItem.objects.create(name="bench", repository="bench", playbooks={"create": "create.yml"})
    client = Client(HTTP_HOST="localhost")  # an allowed host (settings.ALLOWED_HOSTS)
    client.force_login(user)
    pages = ("/jobs/", "/orders/", "/instances/")

    def get(path):
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)

    empty: dict[str, list[float]] = {p: [] for p in pages}
    full: dict[str, list[float]] = {p: [] for p in pages}
    for n in range(rounds):
        for p in pages:
            empty[p].append(_median_ms(lambda p=p: get(p), runs))
        _fill(rows, tenant, item, user)
        for p in pages:
            full[p].append(_median_ms(lambda p=p: get(p), runs))
        if n < rounds - 1:
            Job.objects.all().delete()
            Order.objects.all().delete()
            ServiceInstance.objects.all().delete()
    return [(p, statistics.median(empty[p]), statistics.median(full[p])) for p in pages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_paint(events: int, runs: int) -> list[tuple[str, float, float]]:
    """(measure, ms with 10 events, ms with ``events`` events): first contentful paint and
    the first output line, medians over ``runs`` page loads each."""
    from django.contrib.auth.models import User
    from playwright.sync_api import sync_playwright

    from nfvo.models import Job, ServiceInstance

    user = User.objects.get(username="bench")
    instance = ServiceInstance.objects.filter(tenant__name="bench").first()
    small, big = (
        Job.objects.create(instance=instance, user=user, playbook="create.yml", repository="b", commit="0" * 40)
        for _ in range(2)
    )
    Job.objects.filter(pk__in=[small.pk, big.pk]).update(status="successful")
    _events(small, 10)
    _events(big, events)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", "bench-password-1")
            page.click("button[type=submit]")
            page.wait_for_load_state("load")

            def load(job) -> tuple[float, float]:
                start = time.perf_counter()
                page.goto(f"{base}/jobs/{job.pk}/")
                page.wait_for_selector("#events .rd-line")
                line = (time.perf_counter() - start) * 1000
                fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")
                return fcp, line

            results = {}
            for job in (small, big):
                load(job)  # warm-up
                samples = [load(job) for _ in range(runs)]
                results[job.pk] = (
                    statistics.median(s[0] for s in samples),
                    statistics.median(s[1] for s in samples),
                )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return [
        ("job page: first contentful paint", results[small.pk][0], results[big.pk][0]),
        ("job page: first output line", results[small.pk][1], results[big.pk][1]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    django_setup()
    table = lists(args.rows, args.runs)
    table += first_paint(args.rows, max(5, args.runs // 3))
    print(f"{'measure':<36} {'baseline ms':>12} {args.rows:>8,} rows ms {'ratio':>6}  aim")
    for name, base, big in table:
        aim = "<= 2.0" if name.startswith("job page") else "<= 1.5"
        label = f"list {name}" if name.startswith("/") else name
        print(f"{label:<36} {base:12.1f} {big:16.1f} {big / base:6.2f}  {aim}")
    print("(baseline: the same list empty / a job with 10 events)")


if __name__ == "__main__":
    main()
