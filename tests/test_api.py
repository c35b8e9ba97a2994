"""REST API: ordering with per-field errors, job events with a cursor, cancel, retry, refresh."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from nfvo import pipeline
from nfvo.models import AuditEntry, CatalogueItem, Job, Tenant
from tests.fixtures.redis_server import free_port
from translators.git_push import push_files

from .conftest import EXAMPLE
from .helpers import api_client, member, register_local_sites

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(tmp_path):
    register_local_sites(tmp_path, free_port(), free_port())
    pipeline.publish_descriptor(EXAMPLE, owner=Tenant.objects.create(name="red"))  # red's operators manage it
    CatalogueItem.objects.update(queue="api-tests-no-worker")  # jobs stay pending: states are exact
    return api_client(member("ana", "red", "operator"))


def test_order_errors_per_field_and_nothing_stored(client):
    resp = client.post("/api/orders/", {"item": "epc-cran-mec", "parameters": {"core_status_port": 80}}, format="json")
    assert resp.status_code == 400
    assert "minimum" in resp.json()["errors"]["parameters"]["core_status_port"][0]
    assert not Job.objects.exists()
    assert client.post("/api/orders/", {"item": "nope"}, format="json").status_code == 400


def test_order_then_events_cursor_cancel_and_retry(client):
    resp = client.post("/api/orders/", {"item": "epc-cran-mec", "mode": "plan"}, format="json")
    assert resp.status_code == 201, resp.content
    placed = resp.json()
    job = placed["job"]
    assert job["status"] == "pending" and len(job["commit"]) == 40 == len(placed["commit"])
    assert placed["status"] == "run_job" and placed["tenant"] == "red" and placed["user"] == "ana"
    events = client.get(f"/api/jobs/{job['id']}/events/?after=0").json()
    assert events == {"status": "pending", "done": False, "events": []}
    assert client.get(f"/api/jobs/{job['id']}/events/?after=x").status_code == 400
    assert client.post(f"/api/jobs/{job['id']}/retry/").status_code == 409  # not finished
    canceled = client.post(f"/api/jobs/{job['id']}/cancel/").json()
    assert canceled["status"] == "canceled"
    retried = client.post(f"/api/jobs/{job['id']}/retry/")
    assert retried.status_code == 201 and retried.json()["retry_of"] == job["id"]
    steps = client.get(f"/api/orders/{placed['id']}/").json()
    assert [(t["source"], t["target"], t["actor"]) for t in steps["transitions"]] == [
        ("", "parse_dialog", "ana"),
        ("parse_dialog", "run_job", "ana"),
        ("run_job", "failed", "ana"),
        ("failed", "run_job", "ana"),
    ]
    assert steps["status"] == "run_job" and steps["job"]["id"] == retried.json()["id"]


def test_sites_never_show_credentials(client):
    from nfvo.models import Site

    site = Site.objects.get(name="core_server")
    site.set_ssh_private_key("-----BEGIN OPENSSH PRIVATE KEY-----\nplanted\n")
    site.save()
    body = client.get("/api/sites/core_server/").content.decode()
    assert "planted" not in body and '"has_ssh_key":true' in body
    assert "planted" not in site.ssh_private_key_encrypted


def test_refresh_picks_up_a_new_commit(client, tmp_path):
    item = client.get("/api/catalogue/epc-cran-mec/").json()
    resp = client.post("/api/catalogue/epc-cran-mec/refresh/")  # nothing pushed: the same commit
    assert resp.status_code == 200 and resp.json()["published_commit"] == item["published_commit"]
    pushed = push_files(
        {"notes.txt": "a new commit\n"},
        "elsewhere",
        "another publisher",
        CatalogueItem.objects.get().repository,
        tmp_path / "other",
    )
    assert pushed.changed and pushed.commit != item["published_commit"]
    assert CatalogueItem.objects.get().published_commit == item["published_commit"]  # not before a refresh
    resp = client.post("/api/catalogue/epc-cran-mec/refresh/")
    assert resp.status_code == 200 and resp.json()["published_commit"] == pushed.commit
    assert CatalogueItem.objects.get().published_commit == pushed.commit


def test_operate_unknown_operation(client):
    from nfvo import services

    job = services.order(CatalogueItem.objects.get(), {}, mode="plan", tenant=Tenant.objects.get(name="red"))
    resp = client.post(f"/api/instances/{job.instance_id}/operate/", {"operation": "fly"}, format="json")
    assert resp.status_code == 400 and "fly" in resp.json()["errors"]["operation"][0]
    ok = client.post(
        f"/api/instances/{job.instance_id}/operate/", {"operation": "delete", "mode": "plan"}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["playbook"] == "delete.yml"


def test_tenants_see_only_their_own_and_admins_see_all(client):
    job = client.post("/api/orders/", {"item": "epc-cran-mec", "mode": "plan"}, format="json").json()["job"]
    assert Job.objects.get(pk=job["id"]).instance.tenant.name == "red"
    blue = api_client(member("bob", "blue"))
    assert blue.get(f"/api/jobs/{job['id']}/").status_code == 404  # not 403: existence is not leaked
    assert blue.get("/api/jobs/").json()["results"] == []
    assert blue.post(f"/api/jobs/{job['id']}/cancel/").status_code == 404
    assert blue.get("/api/orders/").json()["results"] == []
    admin = api_client(User.objects.create_superuser("root"))
    assert admin.get(f"/api/jobs/{job['id']}/").status_code == 200
    assert APIClient().get("/api/jobs/").status_code in (401, 403)  # anonymous


def test_items_shared_with_a_tenant_and_roles(client):
    item = CatalogueItem.objects.get()
    item.tenants.add(Tenant.objects.get(name="red"))
    blue = api_client(member("bob", "blue"))
    assert blue.get("/api/catalogue/").json()["results"] == []
    assert blue.post("/api/orders/", {"item": item.name}, format="json").status_code == 400  # unseen item
    viewer = api_client(member("dee", "red", "designer"))  # designers design; they do not order
    assert viewer.post("/api/orders/", {"item": item.name, "mode": "plan"}, format="json").status_code == 403
    assert viewer.post(f"/api/catalogue/{item.name}/refresh/").status_code == 403
    assert client.post(f"/api/catalogue/{item.name}/refresh/").status_code == 200  # an operator


def test_every_action_is_audited_with_who_and_where(client):
    job = client.post(
        "/api/orders/", {"item": "epc-cran-mec", "mode": "plan"}, format="json", REMOTE_ADDR="127.0.0.9"
    ).json()["job"]
    client.post(f"/api/jobs/{job['id']}/cancel/", REMOTE_ADDR="127.0.0.9")
    entries = list(AuditEntry.objects.order_by("id").values_list("user__username", "action", "target", "remote_addr"))
    assert entries == [
        ("ana", "order", "item:epc-cran-mec", "127.0.0.9"),
        ("ana", "cancel", f"job:{job['id']}", "127.0.0.9"),
    ]
    assert client.get("/api/audit/").status_code == 403
    admin = api_client(User.objects.create_superuser("root"))
    assert [e["action"] for e in admin.get("/api/audit/").json()["results"]] == ["cancel", "order"]


def test_openapi_document_and_docs_are_served(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/orders/", "/api/jobs/{id}/events/", "/api/jobs/{id}/cancel/"} <= set(paths)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower() and b"cdn" not in docs.content.lower()
