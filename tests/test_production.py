"""The production shape (issue 15): the database URL, the claim-once path under concurrent
workers, health and readiness endpoints, Prometheus metrics, the worker heartbeat, JSON logs,
jobs across queues run in parts and their events in the parent's stream.

Runs on SQLite in the first pass of ``./scripts/test`` and on PostgreSQL in the second
(``RDCL_TEST_DATABASE_URL``), so the claim and conditional-update paths are proved on both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from config import database
from config.celery import app
from nfvo import dispatch, runner, services
from nfvo.models import CatalogueItem, Job, JobEvent, Order, ServiceInstance, Site
from nfvo.worker import celery_worker, wait_for_job
from tests.fixtures.redis_server import free_port
from translators.git_push import AUTHOR, init_remote, working_clone

from .conftest import REPO
from .helpers import api_client

BOOK = """\
- name: Touch a file on the site
  hosts: all
  gather_facts: false
  tasks:
    - name: Write
      ansible.builtin.copy:
        content: "{{ inventory_hostname }} {{ b_token | default('none') }}\\n"
        dest: "{{ rdcl_root }}/done-{{ tag | default('t') }}"
        mode: "0600"
"""


def test_database_urls_round_trip(tmp_path):
    pg = database.from_url("postgres://rdcl:p%40ss@db.example:5433/rdcl?sslmode=require", tmp_path)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "rdcl",
        "rdcl",
        "p@ss",
        "db.example",
        "5433",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"} and pg["CONN_HEALTH_CHECKS"]
    assert database.from_url(database.to_url(pg), tmp_path) == pg
    sock = database.from_url("postgresql:///rdcl?host=/run/postgresql", tmp_path)
    assert sock["HOST"] == "/run/postgresql" and sock["OPTIONS"] == {}
    assert database.from_url(database.to_url(sock), tmp_path)["HOST"] == "/run/postgresql"
    lite = database.from_url(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path)
    assert lite["NAME"] == f"{tmp_path}/x.sqlite3" and database.to_url(lite) == f"sqlite:///{tmp_path}/x.sqlite3"
    assert database.from_url("", tmp_path)["NAME"] == str(tmp_path / "db.sqlite3")
    for bad in ("mysql://x/y", "postgres://host/"):
        with pytest.raises(ValueError, match="DATABASE_URL"):
            database.from_url(bad, tmp_path)


@pytest.fixture
def books(tmp_path):
    """A bare repository with one playbook."""
    remote = init_remote(tmp_path / "books.git")
    work = working_clone(remote, tmp_path / "work")
    (tmp_path / "work" / "site.yml").write_text(BOOK)
    work.git.add("-A")
    work.index.commit("site.yml", author=AUTHOR, committer=AUTHOR)
    work.remote("origin").push("HEAD:refs/heads/main").raise_if_error()
    return remote


def _item(books, sites, queue):
    return services.publish_repository(
        f"touch-{queue}"[:60],
        books,
        "main",
        "",
        {"create": "site.yml"},
        sites,
        {"type": "object", "properties": {"tag": {"type": "string", "default": "t"}}},
        timeout=120,
        queue=queue,
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_is_claimed_once_by_concurrent_workers(books, tmp_path):
    Site.objects.create(name="s1", kind="linux", connection={"rdcl_root": str(tmp_path / "s1")})
    job = services.order(_item(books, ["s1"], f"nobody-{os.getpid()}"), {})
    start, got = threading.Barrier(8), []

    def take():
        try:
            start.wait()
            got.append(runner.claim(job.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    claimed = [g for g in got if isinstance(g, Job)]
    assert len(got) == 8 and len(claimed) == 1 and got.count(None) == 7
    assert Job.objects.get(pk=job.pk).status == Job.RUNNING


@pytest.mark.django_db(transaction=True)
def test_healthz_and_readyz_name_what_is_down(client, tmp_path, settings, monkeypatch):
    settings.RDCL_GIT_REMOTE = init_remote(tmp_path / "services.git")
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.content
    assert ready.json() == {"status": "ok", "down": [], "checks": {"database": "ok", "broker": "ok", "git": "ok"}}
    settings.RDCL_GIT_REMOTE = str(tmp_path / "missing.git")
    monkeypatch.setattr(app.conf, "broker_url", f"redis://:secret-pw@127.0.0.1:{free_port()}/0")
    down = client.get("/readyz")
    assert down.status_code == 503
    body = down.json()
    assert body["down"] == ["broker", "git"] and body["checks"]["database"] == "ok"
    assert "secret-pw" not in down.content.decode() and "missing.git" not in down.content.decode()


@pytest.mark.django_db(transaction=True)
def test_metrics_are_for_loopback_or_the_token(client, monkeypatch):
    refused = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "metrics: loopback or RDCL_METRICS_TOKEN only"
    page = client.get("/metrics").content.decode()  # the test client's address is 127.0.0.1
    assert "rdcl_http_request_duration_seconds_bucket" in page and "rdcl_queue_depth{" in page
    monkeypatch.setenv("RDCL_METRICS_TOKEN", "tok-123")
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer tok-123").status_code == 200


def test_json_logs_when_configured(tmp_path):
    code = "import logging, django; django.setup(); logging.getLogger('nfvo.x').warning('hello %s', 'there')"
    env = {
        **os.environ,
        "RDCL_LOG_FORMAT": "json",
        "RDCL_VAR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    err = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stderr
    record = json.loads(err.strip().splitlines()[-1])
    assert record["message"] == "hello there" and record["level"] == "WARNING" and record["logger"] == "nfvo.x"


def _scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def _sample(text: str, name: str, **labels) -> float:
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{want}}} not in metrics")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_worker_metrics_heartbeat_and_queue_depth(books, tmp_path, client):
    Site.objects.create(name="s1", kind="linux", connection={"rdcl_root": str(tmp_path / "s1")})
    queue = f"metrics-{os.getpid()}"
    item = _item(books, ["s1"], queue)
    queued = [services.order(item, {"tag": str(i)}) for i in range(2)]
    page = client.get("/metrics").content.decode()
    assert _sample(page, "rdcl_queue_depth", queue=queue) == 2
    assert _sample(page, "rdcl_jobs", status="pending", queue=queue) == 2
    assert _sample(page, "rdcl_orders", state="run_job") == 2
    port, beat = free_port(), tmp_path / "w.alive"
    env = {
        "DATABASE_URL": database.to_url(settings.DATABASES["default"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RDCL_WORKER_METRICS_PORT": str(port),
        "RDCL_WORKER_HEARTBEAT_FILE": str(beat),
        "RDCL_WORKER_HEARTBEAT_SECONDS": "1",
    }
    with celery_worker(env=env, log_file=tmp_path / "w.log", name="metrics", queues=queue) as w:
        done = [wait_for_job(j.pk, 120, w) for j in queued]
        assert [j.status for j in done] == [Job.SUCCESSFUL] * 2, [j.message for j in done]
        worker_page = _scrape(f"http://127.0.0.1:{port}/metrics")
        alive = subprocess.run([sys.executable, "manage.py", "worker_alive", str(beat), "--max-age", "5"], cwd=REPO)
        assert alive.returncode == 0
    assert _sample(worker_page, "rdcl_job_duration_seconds_count", queue=queue, status="successful") == 2
    assert _sample(worker_page, "rdcl_job_pickup_seconds_count", queue=queue) == 2
    page = client.get("/metrics").content.decode()
    assert _sample(page, "rdcl_queue_depth", queue=queue) == 0
    assert _sample(page, "rdcl_orders", state="done") == 2
    time.sleep(3)
    stale = subprocess.run(
        [sys.executable, "manage.py", "worker_alive", str(beat), "--max-age", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert stale.returncode == 1 and "not alive" in stale.stderr
    assert Order.objects.filter(status=Order.DONE).count() == 2
    assert Path(tmp_path / "s1" / "done-0").exists()


def _host_env(root: Path, key: str, name: str) -> dict:
    """A worker "host": its own empty state folder and its Fernet key in a file of its own."""
    (root / name).mkdir()
    key_file = root / f"{name}.fernet"
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    return {
        "DATABASE_URL": database.to_url(settings.DATABASES["default"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RDCL_VAR": str(root / name),
        "RDCL_FERNET_KEY_FILE": str(key_file),
    }


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_job_across_two_queues_runs_each_part_on_its_hosts_worker(books, tmp_path):
    from nfvo import secrets

    q1, q2 = f"core-{os.getpid()}", f"edge-{os.getpid()}"
    for name, queue in (("a", q1), ("b", q2), ("c", q1)):
        Site.objects.create(name=name, kind="linux", queue=queue, connection={"rdcl_root": str(tmp_path / name)})
    b = Site.objects.get(name="b")
    b.set_credential("secret_vars", {"b_token": "tok-b-7f3e"})
    b.save()
    job = services.order(_item(books, ["a", "b", "c"], q1), {"tag": "x"})
    key = secrets.keys()[0]
    core, edge = _host_env(tmp_path, key, "core-host"), _host_env(tmp_path, key, "edge-host")
    with (
        celery_worker(env=core, log_file=tmp_path / "core.log", name="core", queues=q1) as wa,
        celery_worker(env=edge, log_file=tmp_path / "edge.log", name="edge", queues=q2) as wb,
    ):
        job = wait_for_job(job.pk, 240, wa)
    assert job.status == Job.SUCCESSFUL, job.message
    parts = list(Job.objects.filter(parent=job).order_by("part"))
    assert [(p.part, p.limit, p.queue, p.status) for p in parts] == [
        (1, "a", q1, Job.SUCCESSFUL),
        (2, "b", q2, Job.SUCCESSFUL),
        (3, "c", q1, Job.SUCCESSFUL),
    ]
    assert [int(p.worker.rsplit(":", 1)[1]) for p in parts] == [wa.pid, wb.pid, wa.pid]
    assert parts[0].finished <= parts[1].started and parts[1].finished <= parts[2].started  # the service's order
    assert sorted(job.result["sites"]) == ["a", "b", "c"] and job.order.status == Order.DONE
    for p in parts:
        assert p.events.filter(event="playbook_on_stats").exists()  # each part streamed its events
    # The parent's stream (API, job page) is the parts' events in the order they ran.
    api = api_client(User.objects.create_superuser("root-parts", password="pw-root-parts"))
    stream = api.get(f"/api/jobs/{job.pk}/events/?limit=500").json()["events"]
    own = [(p.part, e.event, e.host) for p in parts for e in p.events.order_by("counter")]
    assert [(e["part"], e["event"], e["host"]) for e in stream] == own
    assert [e["counter"] for e in stream] == list(range(1, len(own) + 1))
    # Site b's credential went to the edge worker's part only.
    assert (tmp_path / "b" / "done-x").read_text() == "b-host tok-b-7f3e\n"
    assert (tmp_path / "a" / "done-x").read_text() == "a-host none\n"
    hosts = [p.inventory["all"]["children"]["b"]["hosts"]["b-host"] for p in parts]
    assert ["b_token" in h for h in hosts] == [False, True, False]
    for host in ("core-host", "edge-host"):  # each host's state folder: its own jobs came and went
        jobs = tmp_path / host / "jobs"
        assert jobs.is_dir() and not any(jobs.iterdir())
        assert not (tmp_path / host / "fernet.key").exists()  # the key came by configuration


def _part(parent: Job, number: int, site: str, status: str, events: int) -> Job:
    """A part of ``parent`` on ``site`` with ``events`` events (stdout ``"<site> <counter>"``)."""
    fields = {f: getattr(parent, f) for f in ("instance", "playbook", "repository", "commit")}
    part = Job.objects.create(parent=parent, part=number, limit=site, status=status, **fields)
    for counter in range(1, events + 1):
        _event(part, counter)
    return part


def _event(job: Job, counter: int) -> None:
    JobEvent.objects.create(
        job=job, counter=counter, event="runner_on_ok", host=job.limit, stdout=f"{job.limit} {counter}"
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_in_parts_streams_its_parts_events_in_the_order_they_ran(client):
    item = CatalogueItem.objects.create(name="in-parts", repository="/dev/null", playbooks={"create": "x.yml"})
    instance = ServiceInstance.objects.create(item=item, name="in-parts")
    parent = Job.objects.create(
        instance=instance, playbook="x.yml", repository="/dev/null", commit="0" * 40, status=Job.RUNNING
    )
    # Parts 1 and 2 ended (3 and 2 events), part 3 runs (1 event so far), part 4 waits its turn.
    _, b, c, _ = (
        _part(parent, 1, "a", Job.SUCCESSFUL, 3),
        _part(parent, 2, "b", Job.SUCCESSFUL, 2),
        _part(parent, 3, "c", Job.RUNNING, 1),
        _part(parent, 4, "d", Job.PENDING, 0),
    )
    root = User.objects.create_superuser("root", password="pw-root")
    api = api_client(root)

    def stream(job: Job, query: str) -> list[tuple[int, int | None, str]]:
        got = api.get(f"/api/jobs/{job.pk}/events/?{query}")
        assert got.status_code == 200, got.content
        return [(e["counter"], e["part"], e["stdout"]) for e in got.json()["events"]]

    assert stream(parent, "after=0") == [
        (1, 1, "a 1"),
        (2, 1, "a 2"),
        (3, 1, "a 3"),
        (4, 2, "b 1"),
        (5, 2, "b 2"),
        (6, 3, "c 1"),
    ]
    assert stream(parent, "after=2&limit=3") == [(3, 1, "a 3"), (4, 2, "b 1"), (5, 2, "b 2")]  # a page across parts
    _event(c, 2)  # the running part goes on: its next event comes after the cursor the page had
    assert stream(parent, "after=6") == [(7, 3, "c 2")]
    assert stream(parent, "after=7") == []
    assert stream(b, "after=0") == [(1, None, "b 1"), (2, None, "b 2")]  # a part alone: its own events
    # The job page's host filter offers every part's sites.
    client.force_login(root)
    page = client.get(f"/jobs/{parent.pk}/").content.decode()
    assert all(f"<option>{site}</option>" in page for site in "abc") and "<option>d</option>" not in page


@pytest.mark.django_db(transaction=True)
def test_events_are_written_in_batches_when_due_and_when_flushed(monkeypatch):
    from nfvo import event_batch

    item = CatalogueItem.objects.create(name="batched", repository="/dev/null", playbooks={"create": "x.yml"})
    instance = ServiceInstance.objects.create(item=item, name="batched")
    job = Job.objects.create(instance=instance, playbook="x.yml", repository="/dev/null", commit="0" * 40)
    batch = event_batch.EventBatch()
    row = lambda n: JobEvent(job=job, counter=n, event="runner_on_ok", stdout=str(n))  # noqa: E731
    monkeypatch.setattr(event_batch, "FLUSH_AFTER", 3600.0)
    batch.add(row(1))
    batch.add(row(2))
    assert not job.events.exists() and not batch.due()  # waiting for more
    batch.flush()
    assert list(job.events.values_list("counter", flat=True)) == [1, 2] and not batch.rows
    monkeypatch.setattr(event_batch, "MOST", 2)
    batch.add(row(3))
    assert job.events.count() == 2
    batch.add(row(4))  # the batch is full: written at once
    assert list(job.events.values_list("counter", flat=True)) == [1, 2, 3, 4]
    monkeypatch.setattr(event_batch, "FLUSH_AFTER", 0.0)
    batch.add(row(5))  # the oldest waited long enough: written at once
    assert job.events.count() == 5 and all(e.created for e in job.events.all())


@pytest.mark.django_db(transaction=True)
def test_the_reaper_sends_a_long_pending_job_again_only_once_its_queue_is_empty():
    from datetime import timedelta

    from django.utils import timezone

    from nfvo import reaper

    queue = f"requeue-{os.getpid()}"
    item = CatalogueItem.objects.create(name="requeue", repository="/dev/null", playbooks={"create": "x.yml"})
    instance = ServiceInstance.objects.create(item=item, name="requeue")

    def job(**fields) -> Job:
        return Job.objects.create(
            instance=instance, playbook="x.yml", repository="/dev/null", commit="0" * 40, queue=queue, **fields
        )

    long_ago = job(enqueued=timezone.now() - timedelta(hours=1))  # sent, never picked up
    never = job()  # the broker was down when it was ordered
    assert dispatch.job(job())  # a message waits in the queue: the workers are behind, nothing is lost
    try:
        assert reaper.requeue_lost_jobs() == [never.pk]
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)  # the queue is drained (or the broker lost it)
        assert reaper.requeue_lost_jobs() == [long_ago.pk]
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
