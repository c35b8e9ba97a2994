"""Issue 10, class 5 (catalogue takeover across tenants) and the git part of class 10
(server-side requests): each test performs the attack through the public API as the
least-privileged role that could try it, with real bare git repositories, and checks what
must hold (the 409/403/404/400, the item unchanged, no marker file, no connection, no job).

Tenant ``red`` (operator ``oli``) owns items; tenant ``blue`` (operator ``bob``) attacks.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import git
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import override_settings

from nfvo import services
from nfvo.models import AuditEntry, CatalogueItem, Job, Order, Publication, ServiceInstance, Site, Tenant
from rdcl import services as designer
from tests.fixtures.redis_server import free_port
from translators.git_push import init_remote, push_files

from .helpers import api_client, member, register_local_sites, wait_for_publication

pytestmark = [pytest.mark.security, pytest.mark.django_db(transaction=True)]

BOOK = """\
- name: {say}
  hosts: all
  gather_facts: false
  tasks:
    - name: Say so
      ansible.builtin.debug:
        msg: {say}
"""


def _repo(path: Path, say: str) -> str:
    """A bare repository at ``path`` whose ``main`` holds ``books/nothing.yml``."""
    url = init_remote(path)
    push_files({"nothing.yml": BOOK.format(say=say)}, "books", say, url, path.parent / f"{path.name}-work")
    return url


def _item(repository: str, **over) -> dict:
    return {
        "name": "nothing",
        "repository": repository,
        "ref": "main",
        "folder": "books",
        "playbooks": {"create": "nothing.yml"},
        "sites": ["edge_a"],
        **over,
    }


def _state(name: str = "nothing") -> tuple:
    """What a takeover would change: repository, commit, approval, sharing, owner, timeout, queue."""
    item = CatalogueItem.objects.get(name=name)
    return (
        item.repository,
        item.published_commit,
        item.requires_approval,
        sorted(t.name for t in item.tenants.all()),
        item.owner_id,
        item.timeout,
        item.queue,
    )


@pytest.fixture
def red(tmp_path):
    """Red's operator ``oli`` and user ``uma``; red's repository; blue's operator ``bob`` and his repository."""
    Site.objects.create(name="edge_a", kind="linux", labels={"role": "edge"})
    oli, uma, bob = member("oli", "red", "operator"), member("uma", "red"), member("bob", "blue", "operator")
    return {
        "oli": api_client(oli),
        "uma": api_client(uma),
        "bob": api_client(bob),
        "repo": _repo(tmp_path / "red.git", "red"),
        "evil": _repo(tmp_path / "blue.git", "blue"),
    }


def test_another_tenant_cannot_publish_over_an_item_through_the_api(red):
    made = red["oli"].post("/api/catalogue/", _item(red["repo"], requires_approval=True, timeout=600), format="json")
    assert made.status_code == 201, made.content
    assert made.json()["owner"] == "red"
    before = _state()
    assert before[3] == ["red"] and before[2] is True  # a new item of a tenant: its owner only
    for attempt in (
        _item(red["evil"]),
        _item(red["evil"], requires_approval=False, tenants=["blue"]),
        _item(red["repo"], ref="main"),
    ):  # even the same repository: the name is red's
        resp = red["bob"].post("/api/catalogue/", attempt, format="json")
        assert resp.status_code == 409, resp.content
        assert "belongs to another tenant" in resp.json()["errors"]["name"][0]
    # naming red as the owner does not help: bob is not red's operator
    resp = red["bob"].post("/api/catalogue/", _item(red["evil"], tenant="red"), format="json")
    assert resp.status_code == 403
    assert _state() == before
    assert AuditEntry.objects.filter(action="publish_refused", target="item:nothing", user__username="bob").count() == 3
    # a system item shared with every tenant (a superuser's) is not blue's to take either
    root = api_client(User.objects.create_superuser("root"))
    assert root.post("/api/catalogue/", _item(red["repo"], name="shared", tenants=[]), format="json").status_code == 201
    system = _state("shared")
    assert system[3] == [] and system[4] is None
    assert red["bob"].post("/api/catalogue/", _item(red["evil"], name="shared"), format="json").status_code == 409
    assert _state("shared") == system
    # and only superusers share with every tenant
    resp = red["oli"].post("/api/catalogue/", _item(red["repo"], name="everyone", tenants=[]), format="json")
    assert resp.status_code == 403 and not CatalogueItem.objects.filter(name="everyone").exists()


def test_a_republication_by_the_owner_keeps_approval_sharing_timeout_and_queue(red, tmp_path):
    Tenant.objects.create(name="green")
    assert (
        red["oli"]
        .post(
            "/api/catalogue/",
            _item(red["repo"], requires_approval=True, timeout=600, queue="q-red", tenants=["green"]),
            format="json",
        )
        .status_code
        == 201
    )
    first = _state()
    assert first[2:4] == (True, ["green", "red"])  # the owner is always among the tenants
    push_files({"nothing.yml": BOOK.format(say="again")}, "books", "again", red["repo"], tmp_path / "red.git-work")
    again = red["oli"].post("/api/catalogue/", _item(red["repo"]), format="json")  # the form a careless operator sends
    assert again.status_code == 201, again.content
    after = _state()
    assert after[1] != first[1]  # the new commit
    assert after[2:] == first[2:]  # approval, sharing, owner, timeout, queue kept
    changed = red["oli"].post("/api/catalogue/", _item(red["repo"], requires_approval=False), format="json")
    assert changed.status_code == 201 and changed.json()["requires_approval"] is False  # said otherwise: changed


def test_another_tenant_cannot_change_or_refresh_an_item(red, tmp_path):
    assert (
        red["oli"].post("/api/catalogue/", _item(red["repo"], requires_approval=True), format="json").status_code == 201
    )
    push_files({"nothing.yml": BOOK.format(say="later")}, "books", "later", red["repo"], tmp_path / "red.git-work")
    before = _state()  # a refresh would pick up the later commit
    # not shared with blue: bob cannot see it
    assert (
        red["bob"]
        .patch("/api/catalogue/nothing/", {"requires_approval": False, "tenants": ["blue"]}, format="json")
        .status_code
        == 404
    )
    assert red["bob"].post("/api/catalogue/nothing/refresh/").status_code == 404
    assert _state() == before
    # shared with every tenant (a superuser did it): bob sees it, still may not change it
    root = api_client(User.objects.create_superuser("root"))
    assert root.patch("/api/catalogue/nothing/", {"tenants": []}, format="json").status_code == 200
    before = _state()
    assert before[3] == []
    assert red["bob"].get("/api/catalogue/nothing/").status_code == 200
    for body in ({"requires_approval": False}, {"tenants": ["blue"]}, {"queue": "blue-workers", "timeout": 1}):
        assert red["bob"].patch("/api/catalogue/nothing/", body, format="json").status_code == 403
    assert (
        red["bob"]
        .put(
            "/api/catalogue/nothing/",
            {"requires_approval": False, "timeout": 1, "queue": "", "description": ""},
            format="json",
        )
        .status_code
        == 403
    )
    assert red["bob"].post("/api/catalogue/nothing/refresh/").status_code == 403
    assert red["uma"].patch("/api/catalogue/nothing/", {"requires_approval": False}, format="json").status_code == 403
    assert _state() == before
    # the owner's operator may; but only a superuser shares with every tenant
    assert red["oli"].patch("/api/catalogue/nothing/", {"tenants": ["red"]}, format="json").status_code == 200
    assert red["oli"].patch("/api/catalogue/nothing/", {"tenants": []}, format="json").status_code == 403
    assert _state()[3] == ["red"]
    refreshed = red["oli"].post("/api/catalogue/nothing/refresh/")
    assert refreshed.status_code == 200 and refreshed.json()["published_commit"] != before[1]
    assert [(e.user.username, e.action) for e in AuditEntry.objects.order_by("id")] == [
        ("oli", "publish"),
        ("root", "change_item"),
        ("oli", "change_item"),
        ("oli", "refresh"),
    ]


@pytest.mark.integration
def test_another_tenant_cannot_publish_over_an_item_from_the_designer(tmp_path, worker):
    register_local_sites(tmp_path, free_port(), free_port())
    oli, bob = member("oli", "red", "operator"), member("bob", "blue", "operator")
    mine = designer.create_from_example(oli, "nested", "tosca")
    pub = wait_for_publication(
        api_client(oli).post("/api/publications/", {"project": mine.pk}, format="json").json()["id"]
    )
    assert pub.status == Publication.PUBLISHED, (pub.message, pub.problems)
    name = pub.item.name
    CatalogueItem.objects.filter(name=name).update(requires_approval=True)
    before = _state(name)
    assert before[3] == ["red"] and before[4] == Tenant.objects.get(name="red").pk
    head = git.cmd.Git().ls_remote(settings.RDCL_GIT_REMOTE, "refs/heads/main")
    text = next(iter(designer.current_revisions(mine).values())).text
    theirs = designer.create_project(
        bob, "nested", "tosca", {"nested_container.yaml": text.replace("nginx:1.27", "nginx:1.26")}
    )  # the same service name, other content: a commit if it got that far
    resp = api_client(bob).post("/api/publications/", {"project": theirs.pk}, format="json")
    assert resp.status_code == 202, resp.content
    pub = wait_for_publication(resp.json()["id"])
    assert pub.status == Publication.FAILED and pub.item_id is None and not pub.commit
    assert "belongs to another tenant" in pub.message and "nothing was committed" in pub.message
    assert _state(name) == before
    assert git.cmd.Git().ls_remote(settings.RDCL_GIT_REMOTE, "refs/heads/main") == head  # nothing pushed
    assert (
        api_client(bob).post("/api/publications/", {"project": theirs.pk, "tenant": "red"}, format="json").status_code
        == 403
    )


class Listener:
    """A TCP socket on loopback that counts the connections it is sent."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def outside():
    """A real bare repository in a temporary folder the allowed list does not name."""
    folder = Path(tempfile.mkdtemp(prefix="rdcl-outside-"))
    try:
        yield _repo(folder / "outside.git", "outside")
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize(
    "attack,rule",
    [
        ("ext::sh -c touch% {marker}", "git.remote.transport"),
        ("fd::0", "git.remote.transport"),
        ("--upload-pack=touch {marker}", "git.remote.syntax"),
        ("-u touch {marker}", "git.remote.syntax"),
        ("file:///etc", "git.remote.local"),
        ("{outside}", "git.remote.local"),
        ("http://127.0.0.1:{port}/", "git.remote.host"),
        ("ssh://-oProxyCommand=touch% {marker}/x", "git.remote.syntax"),
        ("https://[::1/x", "git.remote.syntax"),
    ],
)
def test_publishing_from_a_remote_not_allowed_is_refused_before_git_runs(red, tmp_path, outside, attack, rule):
    marker = tmp_path / "marker"
    listener = Listener()
    try:
        url = attack.format(marker=marker, outside=outside, port=listener.port)
        resp = red["oli"].post("/api/catalogue/", _item(url), format="json")
        time.sleep(0.3)  # a connection git made would be counted by now
    finally:
        listener.close()
    assert resp.status_code == 400, resp.content
    assert rule in str(resp.json()["errors"]["repository"])
    assert not marker.exists() and listener.connections == 0
    assert not CatalogueItem.objects.exists()
    assert red["oli"].get("/api/catalogue/").status_code == 200  # the server still answers


def test_a_stored_item_whose_remote_is_no_longer_allowed_is_neither_refreshed_nor_ordered(red, outside, tmp_path):
    with override_settings(RDCL_GIT_ALLOWED_REMOTES=[str(Path(outside).parent)]):  # allowed then
        made = red["oli"].post("/api/catalogue/", _item(outside, queue="security-tests-no-worker"), format="json")
        assert made.status_code == 201, made.content
    before = _state()
    refreshed = red["oli"].post("/api/catalogue/nothing/refresh/")
    assert refreshed.status_code == 409 and "git.remote.local" in refreshed.json()["errors"]["repository"][0]
    ordered = red["uma"].post("/api/orders/", {"item": "nothing", "mode": "plan"}, format="json")
    assert ordered.status_code == 409 and "git.remote.local" in ordered.json()["errors"]["item"][0]
    # an item stored before the rules (or by hand) with a remote helper: refused, nothing runs
    marker = tmp_path / "marker"
    CatalogueItem.objects.filter(name="nothing").update(repository=f"ext::sh -c touch% {marker}")
    ordered = red["uma"].post("/api/orders/", {"item": "nothing", "mode": "plan"}, format="json")
    assert ordered.status_code == 409 and "git.remote.transport" in ordered.json()["errors"]["item"][0]
    assert red["oli"].post("/api/catalogue/nothing/refresh/").status_code == 409
    assert not marker.exists()
    assert not (Job.objects.exists() or Order.objects.exists() or ServiceInstance.objects.exists())
    assert CatalogueItem.objects.get(name="nothing").published_commit == before[1]


@pytest.mark.integration
def test_a_job_never_clones_a_remote_that_is_not_allowed(red, outside, worker):
    """Operations and retries do not pass the order's check: the worker's checkout refuses."""
    assert (
        red["oli"]
        .post("/api/catalogue/", _item(red["repo"], queue="security-tests-no-worker"), format="json")
        .status_code
        == 201
    )
    placed = red["uma"].post("/api/orders/", {"item": "nothing", "mode": "plan"}, format="json")
    assert placed.status_code == 201, placed.content
    CatalogueItem.objects.filter(name="nothing").update(repository=outside, queue="")  # re-pointed behind our back
    resp = red["uma"].post(
        f"/api/instances/{placed.json()['instance']}/operate/", {"operation": "create", "mode": "plan"}, format="json"
    )
    assert resp.status_code == 201, resp.content
    from nfvo.worker import wait_for_job

    job = wait_for_job(resp.json()["id"], 120, worker)
    assert job.status == Job.ERROR and "git.remote.local" in job.message, (job.status, job.message)
    assert not (Path(settings.RDCL_JOBS_DIR) / str(job.pk) / "project" / "books").exists()
    assert services.resolve_commit(red["repo"], "main")  # allowed remotes still work
