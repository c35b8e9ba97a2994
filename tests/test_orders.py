"""Orders as a state machine (parse_dialog -> approve -> run_job -> done/failed) with each
step stored with its time and actor; approval rules; tenant and membership management
through the API. The run to ``done`` uses a real Celery worker and ansible-runner."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from nfvo import pipeline, services
from nfvo.models import AuditEntry, CatalogueItem, Job, Order, ServiceInstance, Tenant
from nfvo.worker import wait_for_job
from tests.fixtures.redis_server import free_port

from .conftest import EXAMPLE
from .helpers import api_client, member, register_local_sites

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def item(tmp_path):
    """The example service, requiring approval, on a queue no worker serves (states stay exact)."""
    register_local_sites(tmp_path, free_port(), free_port())
    _, _, made = pipeline.publish_descriptor(EXAMPLE)
    CatalogueItem.objects.filter(pk=made.pk).update(requires_approval=True, queue="orders-tests-no-worker")
    made.refresh_from_db()
    return made


def _place(user, item) -> dict:
    resp = api_client(user).post("/api/orders/", {"item": item.name, "mode": "plan"}, format="json")
    assert resp.status_code == 201, resp.content
    return resp.json()


def test_an_order_waits_for_approval_then_runs(item):
    ana = member("ana", "red")
    placed = _place(ana, item)
    assert placed["status"] == "approve" and placed["job"] is None
    assert not Job.objects.exists()
    ops = api_client(member("oli", "red", "operator"))
    resp = ops.post(f"/api/orders/{placed['id']}/approve/", {"note": "capacity is there"}, format="json")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["status"] == "run_job" and body["job"]["status"] == "pending"
    assert Job.objects.get().order_id == placed["id"]
    steps = [(t["source"], t["target"], t["actor"], t["note"]) for t in body["transitions"]]
    assert steps[0][:3] == ("", "parse_dialog", "ana") and steps[0][3].startswith("dialog valid; commit ")
    assert steps[1:] == [
        ("parse_dialog", "approve", "ana", "waiting for an operator of the tenant"),
        ("approve", "run_job", "oli", "capacity is there"),
    ]
    times = [t["time"] for t in body["transitions"]]
    assert times == sorted(times)
    again = ops.post(f"/api/orders/{placed['id']}/approve/", format="json")
    assert again.status_code == 409 and "'run_job'" in again.json()["errors"]["status"][0]
    assert Job.objects.count() == 1
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["order", "approve"]


def test_a_denied_order_never_runs(item):
    placed = _place(member("ana", "red"), item)
    ops = api_client(member("oli", "red", "admin"))
    resp = ops.post(f"/api/orders/{placed['id']}/deny/", {"note": "no budget"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "denied"
    assert ServiceInstance.objects.get(pk=placed["instance"]).state == "denied"
    assert ops.post(f"/api/orders/{placed['id']}/approve/").status_code == 409
    assert not Job.objects.exists()
    assert Order.objects.get().transitions.last().note == "no budget"


def test_who_may_approve(item):
    ana = member("ana", "red", "operator")
    placed = _place(ana, item)
    url = f"/api/orders/{placed['id']}/approve/"
    assert api_client(ana).post(url).status_code == 403  # four eyes: not your own order
    assert api_client(member("dee", "red", "designer")).post(url).status_code == 403
    assert api_client(member("uma", "red", "user")).post(url).status_code == 403
    assert api_client(member("bob", "blue", "operator")).post(url).status_code == 404  # another tenant's order
    assert APIClient().post(url).status_code in (401, 403)
    assert Order.objects.get().status == Order.APPROVE
    assert api_client(User.objects.create_superuser("root")).post(url).status_code == 200


def test_two_approvers_at_once_start_one_job(item):
    placed = _place(member("ana", "red"), item)
    approvers = [member("oli", "red", "operator"), member("ona", "red", "operator")]
    start, codes = threading.Barrier(2), []

    def approve(user):
        try:
            start.wait()
            codes.append(api_client(user).post(f"/api/orders/{placed['id']}/approve/").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in approvers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(codes) == [200, 409]
    assert Job.objects.count() == 1
    assert Order.objects.get().transitions.filter(target=Order.RUN_JOB).count() == 1


def test_the_order_page_shows_steps_and_lets_an_approver_decide(item, client):
    placed = _place(member("ana", "red"), item)
    member("oli", "red", "operator")
    assert client.login(username="oli", password="pw-oli")
    page = client.get(f"/orders/{placed['id']}/").content.decode()
    approve = f'data-api="/api/orders/{placed["id"]}/approve/"'
    assert approve in page and "waiting for an operator of the tenant" in page
    resp = client.post(f"/api/orders/{placed['id']}/approve/", {"note": "ok"})  # what the page's button sends
    assert resp.status_code == 200
    page = client.get(f"/orders/{placed['id']}/").content.decode()
    assert approve not in page and ">run_job<" in page
    assert Order.objects.get().status == Order.RUN_JOB
    client.logout()
    member("bob", "blue", "operator")
    assert client.login(username="bob", password="pw-bob")
    assert client.get(f"/orders/{placed['id']}/").status_code == 404


def test_an_unknown_order_is_404_and_a_bad_dialog_stores_nothing(item):
    ana = api_client(member("ana", "red"))
    assert ana.get("/api/orders/999/").status_code == 404
    bad = ana.post("/api/orders/", {"item": item.name, "parameters": {"core_status_port": 80}}, format="json")
    assert bad.status_code == 400 and "core_status_port" in bad.json()["errors"]["parameters"]
    assert not Order.objects.exists() and not ServiceInstance.objects.exists()


@pytest.mark.integration
def test_an_approved_order_runs_to_done(item, worker):
    CatalogueItem.objects.filter(pk=item.pk).update(queue="")  # the shared worker's queue
    item.refresh_from_db()
    placed = services.place_order(
        item, {}, mode="plan", user=member("ana", "red"), tenant=Tenant.objects.get(name="red")
    )
    job = services.approve(placed, member("oli", "red", "operator"), "go")
    job = wait_for_job(job.pk, 300, worker)
    assert job.status == Job.SUCCESSFUL, job.message
    placed.refresh_from_db()
    assert placed.status == Order.DONE
    last = placed.transitions.last()
    assert (last.source, last.target) == ("run_job", "done")
    assert last.note == f"job {job.pk} successful: ansible-runner successful (rc 0)"
    assert last.actor.startswith("worker ") and last.user is None


def test_tenants_and_members_through_the_api(item):
    root = api_client(User.objects.create_superuser("root"))
    resp = root.post("/api/tenants/", {"name": "green", "description": "edge team"}, format="json")
    assert resp.status_code == 201
    ana = member("ana", "red")
    User.objects.create_user("gus")
    assert api_client(ana).post("/api/tenants/", {"name": "mine"}, format="json").status_code == 403
    assert root.post("/api/tenants/green/members/", {"user": "gus", "role": "admin"}, format="json").status_code == 201
    gus = api_client(User.objects.get(username="gus"))
    assert gus.post("/api/tenants/green/members/", {"user": "ana", "role": "user"}, format="json").status_code == 201
    assert (
        gus.post("/api/tenants/green/members/", {"user": "ana", "role": "operator"}, format="json").status_code == 200
    )  # a new role, not a second membership
    bad = gus.post("/api/tenants/green/members/", {"user": "ana", "role": "king"}, format="json")
    assert bad.status_code == 400 and "role" in bad.json()["errors"]
    assert gus.post("/api/tenants/green/members/", {"user": "nobody", "role": "user"}, format="json").status_code == 400
    assert gus.get("/api/tenants/green/members/").json() == [
        {"user": "ana", "role": "operator"},
        {"user": "gus", "role": "admin"},
    ]
    assert (
        api_client(ana).post("/api/tenants/green/members/", {"user": "ana", "role": "admin"}, format="json").status_code
        == 403
    )  # an operator does not manage members
    assert api_client(ana).get("/api/tenants/blue/").status_code == 404
    assert gus.delete("/api/tenants/green/members/ana/").status_code == 204
    assert gus.delete("/api/tenants/green/members/ana/").status_code == 404
    assert [t["name"] for t in api_client(ana).get("/api/tenants/").json()["results"]] == ["red"]
    _place(ana, item)  # red now owns an instance
    assert root.delete("/api/tenants/red/").status_code == 409
    assert root.delete("/api/tenants/green/").status_code == 204
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "create_tenant",
        "add_member",
        "add_member",
        "change_member",
        "remove_member",
        "order",
        "delete_tenant",
    ]
