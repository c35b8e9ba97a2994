"""Publishing any git repository of playbooks through the API, changing an item's settings,
and a service instance's history of operations (API and page)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from nfvo import services
from nfvo.models import AuditEntry, CatalogueItem, Site, Tenant
from translators.git_push import init_remote, push_files

from .helpers import api_client, member

pytestmark = pytest.mark.django_db(transaction=True)

BOOK = """\
- name: Nothing
  hosts: all
  gather_facts: false
  tasks:
    - name: Say so
      ansible.builtin.debug:
        msg: nothing
"""


def _api(name: str, tenant: str, role: str) -> APIClient:
    return api_client(member(name, tenant, role))


@pytest.fixture
def remote(tmp_path):
    """A bare repository whose ``main`` holds ``books/nothing.yml``; sites to run it on."""
    url = init_remote(tmp_path / "books.git")
    push_files({"nothing.yml": BOOK}, "books", "nothing.yml", url, tmp_path / "work")
    for name, role in (("edge_a", "edge"), ("core_a", "core")):
        Site.objects.create(name=name, kind="linux", labels={"role": role})
    return url


def _item(remote: str, **over) -> dict:
    return {
        "name": "nothing",
        "repository": remote,
        "ref": "main",
        "folder": "books",
        "playbooks": {"create": "nothing.yml", "delete": "nothing.yml"},
        "sites": [{"labels": {"role": "edge"}}],
        "dialog": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 1, "default": 1}}},
        **over,
    }


def test_an_operator_publishes_a_repository_with_errors_per_field(remote):
    ops = _api("oli", "red", "operator")
    _api("uma", "red", "user")
    Tenant.objects.create(name="blue")
    bad = ops.post(
        "/api/catalogue/",
        _item(
            remote,
            playbooks={"delete": "../x.yml"},
            sites=["nowhere"],
            dialog={"type": "object", "properties": {"n": {"type": "int"}}},
        ),
        format="json",
    )
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert "'create' playbook is required" in errors["playbooks"][0]
    assert errors["sites"] == ["site 'nowhere' is not registered"]
    assert errors["dialog"][0].startswith("not a JSON Schema at properties/n/type")
    missing_ref = ops.post("/api/catalogue/", _item(remote, ref="release-9"), format="json")
    assert missing_ref.status_code == 400 and "release-9" in missing_ref.json()["errors"]["ref"][0]
    assert not CatalogueItem.objects.exists()
    made = ops.post("/api/catalogue/", _item(remote, requires_approval=True, tenants=["red"]), format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert len(body["published_commit"]) == 40 and body["requires_approval"] is True
    item = CatalogueItem.objects.get(name="nothing")
    assert [t.name for t in item.tenants.all()] == ["red"]
    user = APIClient()
    user.force_authenticate(User.objects.get(username="uma"))
    assert user.post("/api/catalogue/", _item(remote, name="other"), format="json").status_code == 403
    assert user.patch("/api/catalogue/nothing/", {"timeout": 5}, format="json").status_code == 403
    changed = ops.patch(
        "/api/catalogue/nothing/",
        {"requires_approval": False, "timeout": 600, "tenants": ["red", "blue"]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    item.refresh_from_db()
    assert (item.requires_approval, item.timeout) == (False, 600)
    assert sorted(t.name for t in item.tenants.all()) == ["blue", "red"]
    assert ops.patch("/api/catalogue/nothing/", {"timeout": 0}, format="json").status_code == 400
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["publish", "change_item"]


def test_an_instance_shows_its_state_and_history_of_operations(remote, client):
    item = services.publish_repository(
        "nothing",
        remote,
        "main",
        "books",
        {"create": "nothing.yml", "delete": "nothing.yml"},
        ["edge_a"],
        queue="catalogue-tests-no-worker",
    )
    red = Tenant.objects.create(name="red")
    created = services.order(item, {}, mode="plan", tenant=red)
    deleted = services.operate(created.instance, "delete", mode="plan")
    api = _api("uma", "red", "user")
    body = api.get(f"/api/instances/{created.instance_id}/").json()
    assert (body["item"], body["tenant"], body["state"]) == ("nothing", "red", "new")
    assert body["orders"] == [created.order_id]
    assert [(o["id"], o["operation"], o["status"]) for o in body["operations"]] == [
        (created.pk, "create", "pending"),
        (deleted.pk, "delete", "pending"),
    ]
    assert "operations" not in api.get("/api/instances/").json()["results"][0]  # lists stay small
    assert client.login(username="uma", password="pw-uma")
    page = client.get(f"/instances/{created.instance_id}/").content.decode()
    rows = re.findall(r'<tr class="pf-v6-c-table__tr" data-job="(\d+)">.*?data-label="Operation">(\w+)<', page)
    assert rows == [(str(created.pk), "create"), (str(deleted.pk), "delete")]  # in order
    assert re.search(r'class="[^"]*status new"\s+id="instance-state"', page)
    _api("bob", "blue", "operator")
    client.logout()
    assert client.login(username="bob", password="pw-bob")
    assert client.get(f"/instances/{created.instance_id}/").status_code == 404


def test_secret_dialog_fields_are_sealed_at_rest_and_never_echoed(remote, client):
    from nfvo import dialog

    schema = {
        "type": "object",
        "properties": {
            "db_password": {"type": "string"},
            "pull": {"type": "string", "writeOnly": True},
            "admin_pw": {"type": "string", "format": "password"},
            "api_token": {"type": "string"},
            "size": {"type": "integer", "default": 1},
        },
    }
    assert dialog.secret_fields(schema) == {"db_password", "pull", "admin_pw", "api_token"}
    sealed = dialog.seal(schema, {"db_password": "s3cret-a", "pull": "s3cret-b", "size": 2})
    assert sealed["size"] == 2 and all(sealed[k].startswith("fernet:") for k in ("db_password", "pull"))
    assert dialog.unseal(sealed) == {"db_password": "s3cret-a", "pull": "s3cret-b", "size": 2}
    services.publish_repository(
        "secretive",
        remote,
        "main",
        "books",
        {"create": "nothing.yml"},
        ["edge_a"],
        dialog_schema={
            **schema,
            "properties": {**schema["properties"], "db_password": {"type": "string", "default": "d3fault"}},
        },
        queue="catalogue-tests-no-worker",
    )
    User.objects.create_superuser("root", password="pw-root")
    assert client.login(username="root", password="pw-root")
    page = client.get("/catalogue/secretive/").content.decode()
    spec = json.loads(page.split('<script id="order-spec" type="application/json">')[1].split("</script>")[0])
    assert spec["secret"] == ["admin_pw", "api_token", "db_password", "pull"]  # drawn as password fields
    assert "d3fault" not in page  # a secret's default is not sent to the browser
    resp = client.post(
        "/api/orders/",
        {"item": "secretive", "parameters": {"db_password": "typed-s3cret", "size": "x"}, "mode": "plan"},
        content_type="application/json",
    )
    assert resp.status_code == 400 and "typed-s3cret" not in resp.content.decode()  # errors, value not echoed
