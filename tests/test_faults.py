"""Jobs that survive faults (pytest -m faults): a worker killed mid-job, Redis restarted
while orders arrive, cancel, timeout, a push while an order runs, two concurrent scale
operations on one instance, a planted secret. Real Redis, real worker processes, real git,
real ansible-runner; each test asserts the final state of orders, jobs and instances."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import git
import pytest

from nfvo import cleanup, runner, services
from nfvo.models import Job, JobEvent, Order, Site
from nfvo.worker import celery_worker, wait_for_job
from tests.fixtures import redis_server
from translators.git_push import AUTHOR, init_remote, working_clone

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.django_db(transaction=True)]

WORK = """\
- name: Work on the local site
  hosts: local
  gather_facts: false
  tasks:
    - name: Record the start
      ansible.builtin.shell: echo "start {{ tag }} {{ version }}" >> "{{ log_file }}"
      changed_when: true
    - name: Wait for the gate
      ansible.builtin.wait_for:
        path: "{{ gate }}"
        timeout: 120
      when: gate | length > 0
    - name: Sleep
      ansible.builtin.wait_for:
        timeout: "{{ seconds | int }}"
      when: seconds | int > 0
    - name: Record the end
      ansible.builtin.shell: echo "end {{ tag }} {{ version }}" >> "{{ log_file }}"
      changed_when: true
    - name: Use the database password  # in the command line: a verbose event would show it
      ansible.builtin.shell: printf '%s' '{{ db_password }}' > "{{ log_file }}.db"
      changed_when: true
      when: db_password | length > 0
"""
DIALOG = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "tag": {"type": "string", "default": "t"},
        "gate": {"type": "string", "default": ""},
        "seconds": {"type": "integer", "default": 0, "minimum": 0},
        "log_file": {"type": "string"},
        "version": {"type": "string", "default": "v1"},
        "db_password": {"type": "string", "default": ""},
    },
}


def _push(workdir: Path, remote: str, version: str) -> str:
    repo = working_clone(remote, workdir)
    (workdir / "books").mkdir(exist_ok=True)
    (workdir / "books" / "work.yml").write_text(WORK.replace("{{ version }}", version))
    repo.git.add("-A")
    repo.index.commit(f"work.yml {version}", author=AUTHOR, committer=AUTHOR)
    repo.remote("origin").push("HEAD:refs/heads/main").raise_if_error()
    return repo.head.commit.hexsha


@pytest.fixture
def item(tmp_path, request):
    """A catalogue item from a plain git repository of playbooks, on its own queue."""
    remote = init_remote(tmp_path / "books.git")
    _push(tmp_path / "work", remote, "v1")
    Site.objects.create(name="local", kind="linux", connection={"rdcl_root": str(tmp_path / "site")})
    queue = f"faults-{request.node.name[:40]}-{os.getpid()}"
    made = services.publish_repository(
        "work",
        remote,
        "main",
        "books",
        {"create": "work.yml", "scale": "work.yml", "delete": "work.yml"},
        ["local"],
        DIALOG,
        timeout=120,
        queue=queue,
    )
    made.log = tmp_path / "site" / "work.log"  # jobs are boxed: they write only below their sites' rdcl_root
    made.work = tmp_path / "work"
    return made


def _worker(tmp_path, item, name, **env):
    from django.conf import settings

    from config import database

    env = {
        "DATABASE_URL": database.to_url(settings.DATABASES["default"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RDCL_HEARTBEAT_STALE": "20",
        "RDCL_REAP_INTERVAL": "1",
        **env,
    }
    return celery_worker(env=env, log_file=tmp_path / f"{name}.log", name=name, queues=item.queue)


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    raise TimeoutError("condition not met")


def _running(job):
    return lambda: (
        Job.objects.get(pk=job.pk).status == Job.RUNNING
        and JobEvent.objects.filter(job=job, task="Wait for the gate").exists()
    )


def test_worker_killed_mid_job_ends_in_error_and_retry_succeeds(item, tmp_path):
    gate = tmp_path / "site" / "gate"
    job = services.order(item, {"log_file": str(item.log), "gate": str(gate)})
    with _worker(tmp_path, item, "a") as a:
        _wait(_running(job))
        os.kill(a.pid, signal.SIGKILL)
        a.wait()
    assert Job.objects.get(pk=job.pk).status == Job.RUNNING  # nobody knows yet
    with _worker(tmp_path, item, "b") as b:
        _wait(lambda: Job.objects.get(pk=job.pk).status == Job.ERROR, 60)
        job.refresh_from_db()
        assert "died mid-job" in job.message and "retry" in job.message
        job.instance.refresh_from_db()
        assert job.instance.state == "needs_attention"
        gate.touch()
        again = wait_for_job(services.retry(job).pk, 120, b)
    assert again.status == Job.SUCCESSFUL, again.message
    assert again.retry_of_id == job.pk and again.commit == job.commit
    assert Order.objects.filter(pk=job.order_id).exists()  # no order disappears
    again.instance.refresh_from_db()
    assert again.instance.state == "active"
    placed = Order.objects.get(pk=job.order_id)
    steps = list(placed.transitions.values_list("source", "target", "actor"))
    assert placed.status == Order.DONE and again.order_id == placed.pk
    assert [(s, t) for s, t, _ in steps] == [
        ("", "parse_dialog"),
        ("parse_dialog", "run_job"),
        ("run_job", "failed"),
        ("failed", "run_job"),
        ("run_job", "done"),
    ]
    assert steps[2][2].startswith("reaper ") and steps[4][2].startswith("worker ")


def _children(pid: int, name: str) -> list[int]:
    """Processes called ``name`` whose parent is ``pid`` (from ``/proc``)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()  # "pid (comm) state ppid ..."
        except OSError:  # ended meanwhile
            continue
        comm, rest = text.split("(", 1)[1].rsplit(")", 1)
        if comm == name and int(rest.split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_a_reaped_jobs_cleanup_list_runs_its_agent_stopped_its_folders_deleted(item, tmp_path):
    """A job whose site has an SSH key runs with an ssh-agent holding the key; its worker is
    killed mid-job, leaving the agent (still holding the key), the agent's folder, the job's
    private data directory and its cleanup record behind. The next worker's reaper ends the
    job and runs its cleanup list: the agent is stopped, both folders and the record are gone."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "id")], check=True)
    site = Site.objects.get(name="local")
    site.set_ssh_private_key((tmp_path / "id").read_text())
    site.save()
    public = (tmp_path / "id.pub").read_text().split()[1]
    gate = tmp_path / "site" / "gate"
    job = services.order(item, {"log_file": str(item.log), "gate": str(gate)})
    folder = runner.data_dir(job.pk)
    record = folder.parent / f"{job.pk}{runner.CLEANUP_SUFFIX}"
    try:
        with _worker(tmp_path, item, "a") as a:
            _wait(_running(job))
            agents = _children(a.pid, "ssh-agent")
            assert len(agents) == 1, agents  # the job's own agent
            argv = cleanup.command_of(agents[0])
            sock = Path(argv[argv.index("-a") + 1])
            os.kill(a.pid, signal.SIGKILL)
            a.wait()
        assert folder.is_dir() and sock.parent.is_dir() and record.is_file()  # a SIGKILL cleans nothing up
        assert cleanup.command_of(agents[0]) == argv  # the agent outlived its worker ...
        listed = subprocess.run(
            ["ssh-add", "-L"], env={**os.environ, "SSH_AUTH_SOCK": str(sock)}, capture_output=True, text=True
        )
        assert public in listed.stdout  # ... holding the site's key
        with _worker(tmp_path, item, "b"):
            _wait(lambda: Job.objects.get(pk=job.pk).status == Job.ERROR, 60)
            _wait(lambda: not folder.exists(), 10)
        assert "died mid-job" in Job.objects.get(pk=job.pk).message
        assert cleanup.command_of(agents[0]) == []  # the agent is stopped: the key is gone with it
        assert not sock.parent.exists() and not record.exists()
    finally:
        gate.touch()  # lets the orphaned ansible-playbook end


def test_cancel_a_running_job(item, tmp_path):
    job = services.order(item, {"log_file": str(item.log), "gate": str(tmp_path / "site" / "never")})
    with _worker(tmp_path, item, "w") as w:
        _wait(_running(job))
        services.cancel(job)
        job = wait_for_job(job.pk, 60, w)
    assert job.status == Job.CANCELED and "canceled" in job.message
    assert job.order.status == Order.FAILED
    assert "end t" not in item.log.read_text()
    queued = services.order(item, {"log_file": str(item.log)})  # never picked up: no worker
    assert services.cancel(queued).status == Job.CANCELED
    assert queued.order.transitions.last().note == f"job {queued.pk} canceled: canceled before it started"


def test_job_times_out_after_the_items_limit(item, tmp_path):
    item.timeout = 4
    item.save()
    job = services.order(item, {"log_file": str(item.log), "gate": str(tmp_path / "site" / "never")})
    with _worker(tmp_path, item, "w") as w:
        job = wait_for_job(job.pk, 90, w)
    assert job.status == Job.FAILED and "timed out after 4 s" in job.message
    job.instance.refresh_from_db()
    assert job.instance.state == "failed" and job.order.status == Order.FAILED


def test_a_push_while_an_order_runs_does_not_change_it(item, tmp_path):
    gate = tmp_path / "site" / "gate"
    job = services.order(item, {"log_file": str(item.log), "gate": str(gate), "tag": "first"})
    with _worker(tmp_path, item, "w") as w:
        _wait(_running(job))
        new = _push(item.work, item.repository, "v2")
        gate.touch()
        job = wait_for_job(job.pk, 90, w)
        second = wait_for_job(services.order(item, {"log_file": str(item.log), "tag": "second"}).pk, 90, w)
    assert job.status == second.status == Job.SUCCESSFUL
    assert job.order.status == second.order.status == Order.DONE
    assert job.commit != new and second.commit == new
    lines = item.log.read_text().splitlines()
    assert "end first v1" in lines and "end second v2" in lines


def test_two_concurrent_scale_operations_run_one_after_the_other(item, tmp_path):
    created = services.order(item, {"log_file": str(item.log)})
    with _worker(tmp_path, item, "w1") as w1, _worker(tmp_path, item, "w2"):
        created = wait_for_job(created.pk, 90, w1)
        first = services.operate(created.instance, "scale", extra={"seconds": 3, "tag": "s1"})
        second = services.operate(created.instance, "scale", extra={"seconds": 3, "tag": "s2"})
        first, second = wait_for_job(first.pk, 90, w1), wait_for_job(second.pk, 90, w1)
    assert first.status == second.status == Job.SUCCESSFUL
    a, b = sorted([first, second], key=lambda j: j.started)
    assert b.started >= a.finished  # never both at once on one instance
    log = [ln for ln in item.log.read_text().splitlines() if " s" in ln]
    assert [ln.split()[0] for ln in log] == ["start", "end", "start", "end"]


@pytest.mark.skipif(redis_server.PRIVATE is None, reason="needs Debian's redis-server to restart a private broker")
def test_redis_restarted_while_orders_arrive_every_order_runs_once(item, tmp_path):
    jobs = []
    with _worker(tmp_path, item, "w", RDCL_REQUEUE_AFTER="6") as w:
        for i in range(9):
            if i == 3:
                redis_server.PRIVATE.stop()
            if i == 6:
                redis_server.PRIVATE.start()
            jobs.append(services.order(item, {"log_file": str(item.log), "tag": f"o{i}"}))  # accepted
        done = [wait_for_job(j.pk, 180, w) for j in jobs]
    assert [j.status for j in done] == [Job.SUCCESSFUL] * 9
    assert [j.order.status for j in done] == [Order.DONE] * 9
    assert all(j.order.transitions.filter(target=Order.RUN_JOB).count() == 1 for j in done)
    ends = [ln for ln in item.log.read_text().splitlines() if ln.startswith("end ")]
    assert sorted(ends) == sorted(f"end o{i} v1" for i in range(9))  # each exactly once


def test_planted_secret_stays_out_of_events_logs_and_git(item, tmp_path):
    secret = "planted-S3cret-7c1e"
    with _worker(tmp_path, item, "w") as w:
        job = wait_for_job(services.order(item, {"log_file": str(item.log), "db_password": secret}).pk, 90, w)
    assert job.status == Job.SUCCESSFUL, job.message
    assert Path(f"{item.log}.db").read_text() == secret  # the playbook had it, in a command line
    assert JobEvent.objects.filter(job=job, task="Use the database password", status="ok").exists()
    assert not JobEvent.objects.filter(stdout__contains=secret).exists()
    assert secret not in str(job.inventory) and secret not in job.message
    assert secret not in str(job.extra_vars) and secret not in str(job.order.parameters)  # sealed at rest
    assert not job.order.transitions.filter(note__contains=secret).exists()
    assert secret not in (tmp_path / "w.log").read_text()
    job_dir = Path(os.environ["RDCL_VAR"]) / "jobs" / str(job.pk)  # ansible-runner's private data dir
    assert not job_dir.exists()  # deleted when the job ended: no extravars, artifact or event file is left
    files = [p for p in Path(os.environ["RDCL_VAR"]).rglob("*") if p.is_file() and p.suffix not in (".sqlite3", ".key")]
    assert files and [str(p) for p in files if secret.encode() in p.read_bytes()] == []  # nowhere in the state folder
    bare = git.Repo(item.repository)
    assert secret not in bare.git.log("-p", "--all")
