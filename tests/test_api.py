"""REST API: ordering with per-field errors, job events with a cursor, cancel, retry, refresh."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from nfvo import pipeline
from nfvo.models import CatalogueItem, Job
from tests.fixtures.redis_server import free_port

from .conftest import EXAMPLE
from .helpers import register_local_sites

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(tmp_path):
    register_local_sites(tmp_path, free_port(), free_port())
    pipeline.publish_descriptor(EXAMPLE)
    CatalogueItem.objects.update(queue="api-tests-no-worker")  # jobs stay pending: states are exact
    api = APIClient()
    api.force_authenticate(User.objects.create_user("ana"))
    return api


def test_order_errors_per_field_and_nothing_stored(client):
    resp = client.post("/api/orders/", {"item": "epc-cran-mec", "parameters": {"core_status_port": 80}},
                       format="json")
    assert resp.status_code == 400
    assert "minimum" in resp.json()["parameters"]["core_status_port"]
    assert not Job.objects.exists()
    assert client.post("/api/orders/", {"item": "nope"}, format="json").status_code == 400


def test_order_then_events_cursor_cancel_and_retry(client):
    resp = client.post("/api/orders/", {"item": "epc-cran-mec", "mode": "plan"}, format="json")
    assert resp.status_code == 201, resp.content
    job = resp.json()
    assert job["status"] == "pending" and len(job["commit"]) == 40
    events = client.get(f"/api/jobs/{job['id']}/events/?after=0").json()
    assert events == {"status": "pending", "done": False, "events": []}
    assert client.get(f"/api/jobs/{job['id']}/events/?after=x").status_code == 400
    assert client.post(f"/api/jobs/{job['id']}/retry/").status_code == 409  # not finished
    canceled = client.post(f"/api/jobs/{job['id']}/cancel/").json()
    assert canceled["status"] == "canceled"
    retried = client.post(f"/api/jobs/{job['id']}/retry/")
    assert retried.status_code == 201 and retried.json()["retry_of"] == job["id"]


def test_sites_never_show_credentials(client):
    from nfvo.models import Site

    site = Site.objects.get(name="core_server")
    site.set_ssh_private_key("-----BEGIN OPENSSH PRIVATE KEY-----\nplanted\n")
    site.save()
    body = client.get("/api/sites/core_server/").content.decode()
    assert "planted" not in body and '"has_ssh_key":true' in body
    assert "planted" not in site.ssh_private_key_encrypted


def test_refresh_picks_up_a_new_commit(client):
    item = client.get("/api/catalogue/epc-cran-mec/").json()
    resp = client.post("/api/catalogue/epc-cran-mec/refresh/")
    assert resp.status_code == 200 and resp.json()["published_commit"] == item["published_commit"]


def test_operate_unknown_operation(client):
    from nfvo import services

    job = services.order(CatalogueItem.objects.get(), {}, mode="plan")
    resp = client.post(f"/api/instances/{job.instance_id}/operate/", {"operation": "fly"}, format="json")
    assert resp.status_code == 400 and "fly" in resp.json()["operation"]
    ok = client.post(f"/api/instances/{job.instance_id}/operate/", {"operation": "delete", "mode": "plan"},
                     format="json")
    assert ok.status_code == 201 and ok.json()["playbook"] == "delete.yml"
