"""Issue 10, class 8: a playbook from an operator's repository runs boxed (nfvo.sandbox).

An operator of tenant ``red`` publishes, through the API, a repository whose playbook tries
to read the controller's keys (``fernet.key``, the SQLite database, a canary file in
``RDCL_VAR``, another tenant's job folder, the worker's ``/proc/<pid>/environ``, its own
run's recorded environment) and to write markers outside its job folder, then deploys a
legitimate service on its local site with the ``linux_service`` role. A plain user of
``red`` orders it (apply) and a real Celery worker runs it with ansible-runner. Nothing
secret may show in any event, the stored result or the job; no marker may exist; the
service must answer after the job ended. Paths leading out of the checkout are refused at
publish (400) and, through a symbolic link, at run time (job ``error``)."""

from __future__ import annotations

import contextlib
import os
import signal
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from config import database
from nfvo.models import CatalogueItem, Job, JobEvent, Site, Tenant
from nfvo.worker import celery_worker, wait_for_job
from tests.fixtures.redis_server import free_port
from translators.git_push import AUTHOR, init_remote, push_files, working_clone

from .helpers import api_client, member

pytestmark = [pytest.mark.security, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROLE = Path(__file__).resolve().parent.parent / "playbooks" / "roles" / "linux_service"
SECRET_KEY_CANARY = "canary-secret-key-7f3a9c"
VAR_CANARY = "canary-in-rdcl-var-51d2e8"
DB_CANARY = "canary-in-the-database-c4b7a1"
JOB_CANARY = "canary-in-another-job-9e0f63"

ATTACK = """\
- name: Reach for the controller's keys
  hosts: all
  gather_facts: false
  tasks:
    - name: Read the controller's files
      ansible.builtin.shell: |
        for f in @READ@; do echo "== $f"; { tr -c '[:print:]\\n' '.' < "$f"; } 2>&1 | head -c 200000; done
        echo "== environment"; env
        echo "== recorded environment"; cat ../../artifacts/*/command 2>&1
        true
      register: seen
      changed_when: false
    - name: Show what was read
      ansible.builtin.debug:
        var: seen.stdout_lines
    - name: Write outside the job folder
      ansible.builtin.shell: |
        for f in @WRITE@; do echo "== $f"; { echo pwned > "$f"; } 2>&1; done
        true
      register: wrote
      changed_when: false
    - name: Show what was written
      ansible.builtin.debug:
        var: wrote.stdout_lines
- name: Deploy the tenant's service
  hosts: all
  gather_facts: false
  roles:
    - role: linux_service
      vars:
        linux_service_name: tenant-red-web
        linux_service_dir: "{{ rdcl_root }}/web"
        linux_service_command: ["{{ ansible_python_interpreter }}", -m, http.server, "@PORT@", --bind, 127.0.0.1]
        linux_service_files: {index.html: "red is up\\n"}
        linux_service_port: @PORT@
"""


def _role_files() -> dict[str, str]:
    return {f"roles/linux_service/{p.relative_to(ROLE)}": p.read_text() for p in ROLE.rglob("*") if p.is_file()}


@pytest.fixture
def boxed_worker(tmp_path, django_db_setup):
    """A Celery worker on its own queue whose environment holds canaries: ``SECRET_KEY`` and
    ``RDCL_FERNET_KEY`` (the text of ``RDCL_VAR/fernet.key``, the key that decrypts every
    site's credentials)."""
    from nfvo import secrets

    secrets.encrypt("make sure the key file exists")
    key = (settings.VAR_DIR / "fernet.key").read_text().strip()
    queue = f"sandbox-{os.getpid()}-{tmp_path.name}"[:80]
    env = {
        "DATABASE_URL": database.to_url(settings.DATABASES["default"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": SECRET_KEY_CANARY,
        "RDCL_FERNET_KEY": key,
    }
    with celery_worker(
        env=env, log_file=tmp_path / "worker.log", name=f"sandbox-{tmp_path.name}", queues=queue
    ) as proc:
        proc.queue, proc.fernet_key = queue, key
        yield proc


def _publish(ops, remote: str, name: str, queue: str, **over):
    body = {
        "name": name,
        "repository": remote,
        "ref": "main",
        "folder": "books",
        "playbooks": {"create": "attack.yml", "delete": "attack.yml"},
        "sites": ["red_local"],
        "dialog": {"type": "object", "properties": {}},
        "queue": queue,
        "timeout": 300,
        "tenants": ["red", "blue"],
        **over,
    }
    return ops.post("/api/catalogue/", body, format="json")


def _order(user, item: str, mode: str = "apply") -> Job:
    made = user.post("/api/orders/", {"item": item, "parameters": {}, "mode": mode}, format="json")
    assert made.status_code == 201, made.content
    return Job.objects.filter(instance_id=made.json()["instance"]).latest("id")


def _stop(pidfile: Path) -> None:
    if pidfile.exists():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)


def test_a_tenants_playbook_cannot_reach_the_controllers_keys(tmp_path, boxed_worker):
    Tenant.objects.create(name="blue")
    ops = api_client(member("olga", "red", "operator"))
    red_user = api_client(member("ursula", "red", "user"))
    blue_user = api_client(member("bert", "blue", "user"))
    site_root = tmp_path / "red_site"
    Site.objects.create(name="red_local", kind="linux", connection={"rdcl_root": str(site_root)})
    Site.objects.create(
        name="blue_remote", kind="linux", connection={"ansible_host": "127.0.0.9", "rdcl_canary": DB_CANARY}
    )
    (settings.VAR_DIR / "canary.txt").write_text(VAR_CANARY + "\n")
    db = settings.DATABASES["default"]["NAME"]

    # tenant blue's job ran before; its folder keeps something of blue's
    remote = init_remote(tmp_path / "books.git")
    push_files(
        {"attack.yml": "- {name: Nothing, hosts: all, gather_facts: false, tasks: []}\n"},
        "books",
        "blue's playbook",
        remote,
        tmp_path / "work-blue",
    )
    assert _publish(ops, remote, "quiet", boxed_worker.queue).status_code == 201
    blue_job = wait_for_job(_order(blue_user, "quiet", "plan").pk, 120, boxed_worker)
    assert blue_job.status == Job.SUCCESSFUL, blue_job.message
    blue_folder = Path(settings.RDCL_JOBS_DIR) / str(blue_job.pk)
    assert not blue_folder.exists()  # a finished job's folder is deleted; a running job's holds its secrets:
    blue_folder.mkdir(mode=0o700)  # put one back, as blue's job would have it while running
    (blue_folder / "blue-secret.txt").write_text(JOB_CANARY + "\n")

    port = free_port("127.0.0.1")
    reads = [
        settings.VAR_DIR / "fernet.key",
        settings.VAR_DIR / "canary.txt",
        db,
        f"{db}-wal",
        blue_folder / "blue-secret.txt",
        f"/proc/{boxed_worker.pid}/environ",
    ]
    markers = [
        settings.VAR_DIR / "pwned",
        tmp_path / "pwned",
        Path(settings.BASE_DIR) / "pwned",
        blue_folder / "pwned",
        Path(settings.RDCL_JOBS_DIR) / "pwned",
    ]
    for marker in markers:  # none left by an earlier (unboxed) run
        Path(marker).unlink(missing_ok=True)
    book = (
        ATTACK.replace("@READ@", " ".join(f'"{p}"' for p in reads))
        .replace("@WRITE@", " ".join(f'"{p}"' for p in markers))
        .replace("@PORT@", str(port))
    )
    push_files({"attack.yml": book, **_role_files()}, "books", "red's playbook", remote, tmp_path / "work-red")
    assert _publish(ops, remote, "red-web", boxed_worker.queue).status_code == 201

    try:
        job = wait_for_job(_order(red_user, "red-web").pk, 240, boxed_worker)
        assert job.status == Job.SUCCESSFUL, job.message
        events = list(JobEvent.objects.filter(job=job).values_list("stdout", flat=True))
        everything = "\n".join(events + [str(job.result), job.message, str(job.inventory), str(job.extra_vars)])
        for path in reads + markers:  # the attempts ran and were reported ...
            assert f"== {path}" in everything, path
        assert "== recorded environment" in everything
        # ... and showed nothing of the controller's
        for secret in (boxed_worker.fernet_key, SECRET_KEY_CANARY, VAR_CANARY, DB_CANARY, JOB_CANARY):
            assert secret not in everything
        for marker in markers:
            assert not Path(marker).exists(), marker
        # the legitimate part deployed, and outlives the job
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
            assert resp.read().decode() == "red is up\n"
        assert (site_root / "web" / "index.html").exists()
    finally:
        _stop(site_root / "web" / ".run" / "tenant-red-web.pid")


def test_publishing_a_folder_or_playbook_outside_the_checkout_is_refused(tmp_path):
    ops = api_client(member("olga", "red", "operator"))
    Tenant.objects.create(name="blue")
    Site.objects.create(name="red_local", kind="linux", connection={"rdcl_root": str(tmp_path / "site")})
    remote = init_remote(tmp_path / "books.git")
    push_files(
        {"attack.yml": "- {name: Nothing, hosts: all, gather_facts: false, tasks: []}\n"},
        "books",
        "playbook",
        remote,
        tmp_path / "work",
    )
    for over, field in (
        ({"folder": "../../"}, "folder"),
        ({"folder": "/etc"}, "folder"),
        ({"folder": "books\\..\\.."}, "folder"),
        ({"folder": "books/../.."}, "folder"),
        ({"playbooks": {"create": "../x.yml"}}, "playbooks"),
        ({"playbooks": {"create": "/etc/x.yml"}}, "playbooks"),
        ({"playbooks": {"create": "..\\x.yml"}}, "playbooks"),
    ):
        answer = _publish(ops, remote, "escape", "nobody-listens", **over)
        assert answer.status_code == 400, (over, answer.content)
        assert "inside" in answer.json()["errors"][field][0], answer.json()
    fine = _publish(ops, remote, "fine", "nobody-listens")
    assert fine.status_code == 201, fine.content
    assert not CatalogueItem.objects.filter(name="escape").exists()


def test_a_symbolic_link_out_of_the_checkout_ends_the_job_in_error(tmp_path, boxed_worker):
    ops = api_client(member("olga", "red", "operator"))
    user = api_client(member("ursula", "red", "user"))
    Tenant.objects.create(name="blue")
    Site.objects.create(name="red_local", kind="linux", connection={"rdcl_root": str(tmp_path / "site")})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "attack.yml").write_text(
        "- {name: Escaped, hosts: all, gather_facts: false, tasks: "
        f"[{{ansible.builtin.file: {{path: '{tmp_path}/escaped', state: touch}}}}]}}\n"
    )
    remote = init_remote(tmp_path / "books.git")
    repo = working_clone(remote, tmp_path / "work")
    os.symlink(outside, tmp_path / "work" / "books")  # the folder is a link out of the repository
    (tmp_path / "work" / "inside").mkdir()
    os.symlink(outside / "attack.yml", tmp_path / "work" / "inside" / "attack.yml")  # so is a playbook
    repo.git.add("-A")
    repo.index.commit("links", author=AUTHOR, committer=AUTHOR)
    repo.remote("origin").push("HEAD:refs/heads/main").raise_if_error()
    assert _publish(ops, remote, "linked", boxed_worker.queue).status_code == 201
    assert _publish(ops, remote, "linked-book", boxed_worker.queue, folder="inside").status_code == 201
    for item, what in (("linked", "the item's folder 'books'"), ("linked-book", "the playbook 'attack.yml'")):
        job = wait_for_job(_order(user, item).pk, 120, boxed_worker)
        assert job.status == Job.ERROR, (job.status, job.message)
        assert what in job.message and "leads outside the repository's checkout" in job.message, job.message
        assert not JobEvent.objects.filter(job=job).exists()
    assert not (tmp_path / "escaped").exists()


def test_jobs_refuse_to_run_unboxed_when_bwrap_is_missing(tmp_path, monkeypatch):
    """RDCL_JOB_SANDBOX=bwrap without a bwrap on PATH: a clear error, never an unboxed run."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from nfvo import sandbox

    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap here
    with pytest.raises(sandbox.SandboxError, match="bwrap is not installed"):
        sandbox.bwrap()
    with pytest.raises(SystemCheckError, match="nfvo.E010"):
        call_command("check")
    monkeypatch.setattr(settings, "RDCL_JOB_SANDBOX", "none")  # unboxed only when asked, and said so
    assert sandbox.bwrap() is None
    assert [c.id for c in sandbox.system_check()] == ["nfvo.W010"]
