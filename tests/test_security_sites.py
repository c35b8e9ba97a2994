"""Issue 10, classes 6 and 7 (pytest -m security): site credentials are write-only and masked
everywhere, state is private, job folders go with their jobs, and a job cannot re-point a
site its tenant does not own.

Every test performs the attack: a plain tenant user reading the sites API, a superuser
opening the admin page, tenant members writing sites, a playbook that prints (and fails
with) its site's passwords on a real sshd site run by a real worker, a worker killed with
SIGKILL mid-job, and a tenant's ``register_site`` operation naming a global or another
tenant's site. Canary values are planted and looked for everywhere they could land.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from config import database
from nfvo import services
from nfvo.models import AuditEntry, Job, JobEvent, Site, Tenant
from nfvo.worker import celery_worker, wait_for_job
from tests.fixtures.redis_server import free_port
from translators.git_push import AUTHOR, init_remote, working_clone

from .conftest import REPO
from .helpers import api_client, member

pytestmark = [pytest.mark.security, pytest.mark.django_db(transaction=True)]

SSH_PW, BECOME_PW = "canary-ssh-pw-5b1f0e", "canary-become-pw-93ad1c"
OS_PW, OS_APP = "canary-os-pw-2c7e44", "canary-os-appcred-8e2a71"
K8S_TOKEN = "canary-k8s-token-d04b9f"
KUBECONFIG = "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {token: canary-kubeconfig-tok-61c0}\n"
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\ncanary-ssh-key-body-77aa35\n-----END OPENSSH PRIVATE KEY-----\n"
VAR_TOKEN = "canary-secret-var-0f3e"
CANARIES = (
    SSH_PW,
    BECOME_PW,
    OS_PW,
    OS_APP,
    K8S_TOKEN,
    "canary-kubeconfig-tok-61c0",
    "canary-ssh-key-body-77aa35",
    VAR_TOKEN,
)


def _admin():
    return api_client(User.objects.create_superuser("root-" + str(time.monotonic_ns())))


def _rows(resp) -> list[dict]:
    """The objects of a (paginated) list response."""
    body = resp.json()
    return body["results"] if isinstance(body, dict) else body


def _absent(text: str, where: str, canaries=CANARIES) -> None:
    for canary in canaries:
        assert canary not in text, f"{canary} is in {where}"


@pytest.fixture
def planted():
    """Three global sites created through the admin API, every credential set to a canary;
    returns the superuser's API client."""
    admin = _admin()
    bodies = [
        {
            "name": "srv",
            "kind": "linux",
            "connection": {"ansible_host": "127.0.0.9", "ansible_user": "ops"},
            "ssh_private_key": KEY,
            "ssh_password": SSH_PW,
            "become_password": BECOME_PW,
            "secret_vars": {"app_db_token": VAR_TOKEN},
        },
        {
            "name": "cloud",
            "kind": "openstack",
            "connection": {"os_auth_url": "http://127.0.0.1:9/v3", "os_cloud": "c"},
            "os_password": OS_PW,
            "os_application_credential_secret": OS_APP,
        },
        {
            "name": "k8s",
            "kind": "kubernetes",
            "connection": {"k8s_host": "https://127.0.0.1:9"},
            "k8s_api_key": K8S_TOKEN,
            "k8s_kubeconfig": KUBECONFIG,
        },
    ]
    for body in bodies:
        resp = admin.post("/api/sites/", body, format="json")
        assert resp.status_code == 201, resp.content
        _absent(resp.content.decode(), "the create response")
    return admin


def test_a_tenant_user_never_reads_a_site_credential(planted):
    user = api_client(member("uma", "red", "user"))
    listing = user.get("/api/sites/")
    assert listing.status_code == 200
    _absent(listing.content.decode(), "GET /api/sites/")
    shown = {s["name"]: s for s in _rows(listing)}
    assert shown["srv"]["credentials"] == ["ssh_private_key", "ssh_password", "become_password", "secret_vars"]
    assert shown["cloud"]["credentials"] == ["os_password", "os_application_credential_secret"]
    assert shown["k8s"]["credentials"] == ["k8s_api_key", "k8s_kubeconfig"]
    assert "connection" not in shown["srv"]  # a global site's details are for superusers
    for name in shown:
        detail = user.get(f"/api/sites/{name}/")
        assert detail.status_code == 200
        _absent(detail.content.decode(), f"GET /api/sites/{name}/")
    admin_view = planted.get("/api/sites/srv/").json()  # superusers see the connection, never a credential
    assert admin_view["connection"]["ansible_host"] == "127.0.0.9"
    _absent(json.dumps(admin_view), "a superuser's GET")
    _absent(json.dumps(list(AuditEntry.objects.values_list("detail", flat=True))), "the audit log")
    stored = json.dumps(list(Site.objects.values()), default=str)
    _absent(stored, "the sites table (encrypted at rest)")
    assert Site.objects.get(name="srv").credential("ssh_password") == SSH_PW  # kept, for runs


def test_secret_keys_in_connection_are_refused_by_name(planted):
    resp = planted.patch(
        "/api/sites/srv/",
        {"connection": {"ansible_host": "127.0.0.9", "ansible_ssh_pass": "x1y2z3", "os_password": "p4ss"}},
        format="json",
    )
    assert resp.status_code == 400
    assert "ansible_ssh_pass" in resp.json()["errors"]["connection"][0]
    assert "os_password" in resp.json()["errors"]["connection"][0]
    assert Site.objects.get(name="srv").connection == {"ansible_host": "127.0.0.9", "ansible_user": "ops"}
    assert planted.patch("/api/sites/srv/", {"k8s_api_key": "abcdefgh"}, format="json").status_code == 400  # wrong kind
    cleared = planted.patch("/api/sites/srv/", {"ssh_password": ""}, format="json")
    assert cleared.status_code == 200 and "ssh_password" not in cleared.json()["credentials"]


def test_the_admin_site_page_never_renders_a_credential(planted):
    admin = Client()
    admin.force_login(User.objects.filter(is_superuser=True).first())
    for name in ("srv", "cloud", "k8s"):
        page = admin.get(f"/admin/nfvo/site/{Site.objects.get(name=name).pk}/change/")
        assert page.status_code == 200
        body = page.content.decode()
        _absent(body, f"the admin change page of {name}")
        assert 'type="password"' in body
    _absent(admin.get("/admin/nfvo/site/").content.decode(), "the admin site list")
    srv = Site.objects.get(name="srv")
    url = f"/admin/nfvo/site/{srv.pk}/change/"
    form = {
        "name": "srv",
        "kind": "linux",
        "tenant": "",
        "labels": "{}",
        "last_check": "{}",
        "connection": json.dumps({"ansible_host": "127.0.0.9", "ansible_become_pass": "in-the-clear"}),
    }
    refused = admin.post(url, form)
    assert refused.status_code == 200 and "ansible_become_pass" in refused.content.decode()  # the form, with the error
    assert Site.objects.get(name="srv").connection == srv.connection
    changed = admin.post(
        url,
        {**form, "connection": json.dumps({"ansible_host": "127.0.0.9"}), "become_password": "canary-new-become-4410"},
    )
    assert changed.status_code == 302
    srv.refresh_from_db()
    assert srv.credential("become_password") == "canary-new-become-4410"
    assert srv.credential("ssh_password") == SSH_PW  # a blank input keeps the stored value
    _absent(admin.get(url).content.decode(), "the admin change page", CANARIES + ("canary-new-become-4410",))


def test_only_superusers_create_change_delete_and_check_global_sites(planted):
    for role in ("operator", "admin", "user"):
        client = api_client(member(f"m-{role}", "red", role))
        assert client.post("/api/sites/", {"name": "mine", "kind": "linux"}, format="json").status_code == 403
        assert (
            client.patch("/api/sites/srv/", {"connection": {"ansible_host": "10.6.6.6"}}, format="json").status_code
            == 403
        )
        assert client.put("/api/sites/srv/", {"name": "srv", "kind": "linux"}, format="json").status_code == 403
        assert client.delete("/api/sites/srv/").status_code == 403
        assert client.post("/api/sites/srv/check/").status_code == 403
    assert not Site.objects.filter(name="mine").exists()
    assert Site.objects.get(name="srv").connection["ansible_host"] == "127.0.0.9"
    assert planted.delete("/api/sites/k8s/").status_code == 204 and not Site.objects.filter(name="k8s").exists()


def test_a_tenants_site_is_its_own(planted):
    Tenant.objects.create(name="blue")
    made = planted.post(
        "/api/sites/",
        {
            "name": "blue-ocp",
            "kind": "openshift",
            "tenant": "blue",
            "k8s_api_key": K8S_TOKEN,
            "connection": {"k8s_host": "https://api.blue.example:6443"},
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    red = api_client(member("rita", "red", "operator"))
    assert "blue-ocp" not in [s["name"] for s in _rows(red.get("/api/sites/"))]
    assert red.get("/api/sites/blue-ocp/").status_code == 404
    blue_user = api_client(member("bob", "blue", "user")).get("/api/sites/blue-ocp/").json()
    assert blue_user["tenant"] == "blue" and "connection" not in blue_user
    blue_operator = api_client(member("bea", "blue", "operator")).get("/api/sites/blue-ocp/").json()
    assert blue_operator["connection"] == {"k8s_host": "https://api.blue.example:6443"}
    _absent(json.dumps(blue_operator), "the owner operator's view")


def test_state_is_private_from_the_first_start(tmp_path):
    """An install whose var/ was made world-readable: the next process start takes it back."""
    var = tmp_path / "var"
    (var / "jobs" / "7").mkdir(parents=True)
    (var / "db.sqlite3").write_text("")
    (var / "fernet.key").write_text("")
    for path, mode in ((var, 0o755), (var / "jobs", 0o755), (var / "db.sqlite3", 0o644), (var / "fernet.key", 0o644)):
        path.chmod(mode)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RDCL_JOBS_DIR", "RDCL_TEST_DB")}
    code = "import django; django.setup(); open(__import__('sys').argv[1], 'w').write('x')"
    subprocess.run(
        [sys.executable, "-c", code, str(var / "new-file")],
        cwd=REPO,
        check=True,
        env={**env, "RDCL_VAR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    modes = {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in (var, var / "jobs", var / "db.sqlite3", var / "fernet.key", var / "new-file")
    }
    assert modes == {"var": 0o700, "jobs": 0o700, "db.sqlite3": 0o600, "fernet.key": 0o600, "new-file": 0o600}


# -- jobs: a real worker, real sshd, real ansible-runner ---------------------------------

LEAK = """\
- name: Try to leak the site's credentials
  hosts: all
  gather_facts: false
  tasks:
    - name: Print them
      ansible.builtin.debug:
        msg: "pw={{ ansible_password }} become={{ ansible_become_password }}"
    - name: Dump the host's variables
      ansible.builtin.debug:
        var: hostvars[inventory_hostname]
    - name: Fail with them
      ansible.builtin.fail:
        msg: "leak {{ ansible_password }} {{ ansible_become_password }}"
"""
GATE = """\
- name: Wait on the local site
  hosts: all
  gather_facts: false
  tasks:
    - name: Wait for the gate
      ansible.builtin.wait_for:
        path: "{{ gate }}"
        timeout: 120
"""


def _item(tmp_path, name: str, playbook: str, sites: list[str], queue: str = "", dialog: dict | None = None):
    """A catalogue item from a bare git repository holding one playbook."""
    remote = init_remote(tmp_path / f"{name}.git")
    repo = working_clone(remote, tmp_path / f"{name}-work")
    (tmp_path / f"{name}-work" / "books").mkdir()
    (tmp_path / f"{name}-work" / "books" / "main.yml").write_text(playbook)
    repo.git.add("-A")
    repo.index.commit("playbook", author=AUTHOR, committer=AUTHOR)
    repo.remote("origin").push("HEAD:refs/heads/main").raise_if_error()
    return services.publish_repository(
        name,
        remote,
        "main",
        "books",
        {"create": "main.yml"},
        sites,
        dialog or {"type": "object", "properties": {}},
        timeout=180,
        queue=queue,
    )


@pytest.mark.integration
def test_a_playbook_printing_its_sites_passwords_leaks_nothing(sshd_sites, worker, tmp_path):
    s = sshd_sites[0]
    admin = _admin()
    key = s.private_key.read_text()
    resp = admin.post(
        "/api/sites/",
        {
            "name": s.name,
            "kind": "linux",
            "ssh_private_key": key,
            "ssh_password": SSH_PW,
            "become_password": BECOME_PW,
            "connection": {
                "ansible_host": s.address,
                "ansible_port": s.port,
                "ansible_user": s.user,
                "rdcl_root": str(s.root),
            },
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    _item(tmp_path, "leak", LEAK, [s.name])
    user = api_client(member("uma", "red", "user"))
    placed = user.post("/api/orders/", {"item": "leak"}, format="json")
    assert placed.status_code == 201, placed.content
    job = wait_for_job(placed.json()["job"]["id"], 180, worker)
    assert job.status == Job.FAILED and "leak ******** ********" in job.message, job.message
    stdout = "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True))
    assert "pw=******** become=********" in stdout  # the run had them; what was stored is masked
    hv = job.inventory["all"]["children"][s.name]["hosts"][f"{s.name}-host"]
    assert hv["ansible_password"] == hv["ansible_become_password"] == "********"
    canaries = (SSH_PW, BECOME_PW, key.splitlines()[1])
    texts = {
        "inventory": json.dumps(job.inventory),
        "result": json.dumps(job.result),
        "message": job.message,
        "events": json.dumps(list(JobEvent.objects.filter(job=job).values()), default=str),
        "order": json.dumps(user.get(f"/api/orders/{placed.json()['id']}/").json()),
        "job API": user.get(f"/api/jobs/{job.pk}/").content.decode(),
        "events API": user.get(f"/api/jobs/{job.pk}/events/").content.decode(),
        "worker log": worker.log_file.read_text(errors="replace"),
    }
    for where, text in texts.items():
        _absent(text, where, canaries)
    assert not (Path(settings.RDCL_JOBS_DIR) / str(job.pk)).exists()  # the private data directory is gone


@pytest.mark.integration
def test_a_killed_workers_job_folder_is_private_while_it_runs_and_reaped(tmp_path):
    Site.objects.create(name="local", kind="linux", connection={"rdcl_root": str(tmp_path / "site")})
    queue = f"security-kill-{os.getpid()}"
    item = _item(
        tmp_path, "gated", GATE, ["local"], queue, {"type": "object", "properties": {"gate": {"type": "string"}}}
    )
    gate = tmp_path / "gate"
    job = services.order(item, {"gate": str(gate)})
    env = {
        "DATABASE_URL": database.to_url(settings.DATABASES["default"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RDCL_HEARTBEAT_STALE": "20",
        "RDCL_REAP_INTERVAL": "1",
    }
    folder = Path(settings.RDCL_JOBS_DIR) / str(job.pk)
    try:
        with celery_worker(env=env, log_file=tmp_path / "a.log", name="kill-a", queues=queue) as a:
            _wait(lambda: JobEvent.objects.filter(job=job, task="Wait for the gate").exists())
            if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # PostgreSQL keeps no file here
                db = Path(settings.DATABASES["default"]["NAME"])
                assert stat.S_IMODE(db.stat().st_mode) == 0o600
            assert stat.S_IMODE(settings.VAR_DIR.stat().st_mode) == 0o700
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
            opened = [p for p in folder.rglob("*") if stat.S_IMODE(p.lstat().st_mode) & 0o077 and not p.is_symlink()]
            assert not opened, f"readable by others: {opened[:5]}"
            assert (folder / "inventory").exists() and (folder / "env").exists()
            os.kill(a.pid, signal.SIGKILL)
            a.wait()
        assert folder.exists()  # a SIGKILL cleans nothing up
        with celery_worker(env=env, log_file=tmp_path / "b.log", name="kill-b", queues=queue):
            _wait(lambda: Job.objects.get(pk=job.pk).status == Job.ERROR)
            _wait(lambda: not folder.exists(), 10)
        assert "died mid-job" in Job.objects.get(pk=job.pk).message
    finally:
        gate.touch()  # lets an orphaned ansible-playbook end


def _wait(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.1)


# -- class 7: job values do not re-point shared sites ------------------------------------


def test_register_site_cannot_re_point_a_global_or_another_tenants_site(tmp_path):
    from nfvo import runner
    from nfvo.openshift import catalogue

    Site.objects.create(
        name="osp",
        kind="openstack",
        connection={
            "os_auth_url": f"http://127.0.0.1:{free_port()}/v3",
            "os_cloud": "osp",
            "openshift_state_dir": str(tmp_path),
        },
    )
    catalogue.publish_item(init_remote(tmp_path / "services.git"), tmp_path / "work", queue="security-idle")
    admin = _admin()
    assert (
        admin.post(
            "/api/sites/",
            {
                "name": "shared",
                "kind": "openshift",
                "k8s_api_key": K8S_TOKEN,
                "connection": {"k8s_host": "https://api.shared.example.com:6443"},
            },
            format="json",
        ).status_code
        == 201
    )
    Site.objects.create(
        name="blue-ocp",
        kind="openshift",
        tenant=Tenant.objects.create(name="blue"),
        labels={"managed_by": "openshift-on-openstack"},
        connection={"k8s_host": "https://api.blue-ocp.blue.example:6443"},
    )
    before = {s.name: (s.tenant_id, s.kind, s.labels, s.connection) for s in Site.objects.all()}
    user = api_client(member("uma", "red", "user"))
    values = {
        "cluster_name": "red1",
        "base_domain": "red.example",
        "openstack_site": "osp",
        "pull_secret": json.dumps({"auths": {"r.example.com": {"auth": "eA=="}}}),
        "ssh_public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz8nPn6Yk2c0q8s0m1w2b4u6y8A0c2e4g6i8k0m2o4 r@x",
    }

    def register(cluster_name: str) -> Job:
        """Order a cluster named ``cluster_name`` (plan), then register its site: the job ends
        as the worker ends a successful run (no OpenShift API answers here)."""
        placed = user.post(
            "/api/orders/",
            {
                "item": "openshift-on-openstack",
                "mode": "plan",
                "parameters": {**values, "cluster_name": cluster_name, "base_domain": "evil.example"},
            },
            format="json",
        )
        assert placed.status_code == 201, placed.content
        instance = placed.json()["instance"]
        # the job's values cannot name another cluster: operations take no cluster fields (class 1)
        resp = user.post(
            f"/api/instances/{instance}/operate/",
            {"operation": "register_site", "parameters": {"cluster_name": "shared"}},
            format="json",
        )
        assert resp.status_code == 400 and "cluster_name" in resp.json()["errors"]["parameters"], resp.content
        resp = user.post(f"/api/instances/{instance}/operate/", {"operation": "register_site"}, format="json")
        assert resp.status_code == 201, resp.content
        job = Job.objects.get(pk=resp.json()["id"])
        runner.finish(job, Job.SUCCESSFUL, "ansible-runner successful (rc 0)", {})
        job.refresh_from_db()
        return job

    for name, whose in (("shared", "a global site"), ("blue-ocp", "tenant blue's site")):
        job = register(name)
        assert f"site {name} is {whose}" in job.message and "left unchanged" in job.message, job.message
    after = {s.name: (s.tenant_id, s.kind, s.labels, s.connection) for s in Site.objects.all()}
    assert after == before  # nothing re-pointed, nothing added
    assert Site.objects.get(name="shared").credential("k8s_api_key") == K8S_TOKEN
    own = register("red1")  # the tenant's own cluster is registered, owned by the tenant
    site = Site.objects.get(name="red1")
    assert own.status == Job.SUCCESSFUL and site.tenant.name == "red"
    assert site.connection["k8s_host"] == "https://api.red1.evil.example:6443"
    assert "red1" not in [s["name"] for s in _rows(api_client(member("bob", "blue", "user")).get("/api/sites/"))]


def test_passwords_kept_in_connection_before_0005_move_to_the_encrypted_store(planted):
    """Sites registered the old way (secrets among the host variables): the data migration
    moves them out, and neither a tenant user nor a superuser reads them back."""
    from importlib import import_module

    from django.apps import apps

    Site.objects.create(
        name="old",
        kind="linux",
        connection={
            "ansible_host": "127.0.0.8",
            "ansible_ssh_pass": SSH_PW,
            "ansible_become_pass": BECOME_PW,
            "app_api_token": VAR_TOKEN,
        },
    )
    import_module("nfvo.migrations.0005_site_credentials").move_secrets(apps, None)
    site = Site.objects.get(name="old")
    assert site.connection == {"ansible_host": "127.0.0.8"}
    assert (site.credential("ssh_password"), site.credential("become_password")) == (SSH_PW, BECOME_PW)
    assert site.credential("secret_vars") == {"app_api_token": VAR_TOKEN}
    for client in (api_client(member("uma", "red", "user")), planted):
        _absent(client.get("/api/sites/").content.decode(), "GET /api/sites/")
        _absent(client.get("/api/sites/old/").content.decode(), "GET /api/sites/old/")


def test_cloud_credentials_reach_a_run_as_private_files_and_are_masked_in_its_inventory(planted, tmp_path):
    from nfvo import credentials, inventory

    run = credentials.RunSecrets(tmp_path / "run" / "credentials")
    inv = inventory.build(["cloud", "k8s", "srv"], tmp_path / "run" / "keys", None, run)
    hosts = {g: d["hosts"] for g, d in inv["all"]["children"].items()}
    kubeconfig = Path(hosts["k8s"]["k8s-host"]["k8s_kubeconfig"])
    assert kubeconfig.read_text() == KUBECONFIG and stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600
    assert stat.S_IMODE(kubeconfig.parent.stat().st_mode) == 0o700
    clouds = Path(run.env["OS_CLIENT_CONFIG_FILE"])
    assert run.env["OS_CLIENT_SECURE_FILE"] == str(clouds) and clouds.parent == kubeconfig.parent
    assert stat.S_IMODE(clouds.stat().st_mode) == 0o600
    assert "canary-os-pw-2c7e44" in clouds.read_text() and hosts["cloud"]["cloud-host"]["os_cloud"] == "c"
    assert list(yaml.safe_load(clouds.read_text())["clouds"]) == ["c"]  # the run's site's cloud only
    assert hosts["srv"]["srv-host"]["app_db_token"] == VAR_TOKEN  # secret_vars are host variables of the run
    public = inventory.public_view(inv, run)
    _absent(json.dumps(public), "the stored inventory")
    assert public["all"]["children"]["k8s"]["hosts"]["k8s-host"]["k8s_api_key"] == "********"
    assert run.scrub(f"token {K8S_TOKEN} and apiVersion: v1") == "token ******** and apiVersion: v1"


HELLO = """\
- name: Say hello
  hosts: all
  gather_facts: false
  tasks:
    - name: Hello
      ansible.builtin.debug:
        msg: "hello from {{ rdcl_site }}"
"""


@pytest.mark.integration
def test_a_job_reaches_no_site_of_another_tenant(worker, tmp_path):
    blue = Tenant.objects.create(name="blue")
    Site.objects.create(name="shared_box", kind="linux", connection={"rdcl_root": str(tmp_path / "g")})
    Site.objects.create(name="blue_box", kind="linux", tenant=blue, connection={"rdcl_root": str(tmp_path / "b")})
    _item(tmp_path, "everywhere", HELLO, [{"kind": "linux"}])
    _item(tmp_path, "named", HELLO, ["blue_box"])
    red_user, blue_user = api_client(member("uma", "red", "user")), api_client(member("bob", "blue", "user"))

    def run(client, item) -> Job:
        placed = client.post("/api/orders/", {"item": item}, format="json")
        assert placed.status_code == 201, placed.content
        return wait_for_job(placed.json()["job"]["id"], 120, worker)

    mine = run(red_user, "everywhere")  # a selector matches global sites and the tenant's own only
    assert mine.status == Job.SUCCESSFUL, mine.message
    assert set(mine.inventory["all"]["children"]) == {"shared_box", "kind_linux"} and list(mine.result["sites"]) == [
        "shared_box"
    ]
    named = run(red_user, "named")
    assert named.status == Job.ERROR and "blue_box" in named.message and "not registered" in named.message
    assert not JobEvent.objects.filter(job=named).exists()
    theirs = run(blue_user, "everywhere")  # the owner's jobs do reach it
    assert theirs.status == Job.SUCCESSFUL and set(theirs.result["sites"]) == {"blue_box", "shared_box"}
