"""Issue 14, errors: every error the API answers is one shape, RFC 9457 problem details.

Each kind is reached through the public API (DRF's own errors, the orchestrator's and the
designer's, the designer's JSON helpers) and its body checked member by member: ``type``
(stable), ``title``, ``status`` (the response's), ``detail``, ``instance`` (the request's
path) and the kind's own members (``errors`` per field, located ``problems``, ``current``),
served as ``application/problem+json``. A bug (a ``KeyError`` nobody turned into a 4xx) is a
500 problem whose body carries neither the traceback nor the exception's text, which the
server log has.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from config.problems import FAULT_DETAIL, MEDIA_TYPE
from nfvo import services
from nfvo.models import Site
from rdcl import services as designer

from .helpers import api_client, member, nothing_remote

pytestmark = pytest.mark.django_db

TAG = "tag:rdcl-nfvo,2026:problem/"
STANDARD = {"type", "title", "status", "detail", "instance"}


def problem(resp, status: int, type_: str, title: str | None = None) -> dict:
    """The problem body of ``resp``, checked: the media type, the five standard members (the
    status the response's, the instance the request's path) and ``type``/``title``."""
    assert resp.status_code == status, resp.content
    assert resp["Content-Type"] == MEDIA_TYPE, resp["Content-Type"]
    body = resp.json()
    assert set(body) >= STANDARD, body
    assert body["status"] == status and body["type"] == type_, body
    assert body["instance"] == resp.wsgi_request.get_full_path()
    assert isinstance(body["detail"], str) and body["detail"], body
    if title is not None:
        assert body["title"] == title, body
    assert "Traceback" not in resp.content.decode()
    return body


@pytest.fixture
def item(tmp_path):
    """A published item (a local git repository, a site) and a placed order on a queue no
    worker serves; ``ana`` orders for tenant red, ``oli`` operates it."""
    url = nothing_remote(tmp_path, "w")
    Site.objects.create(name="edge_a", kind="linux", connection={"rdcl_root": str(tmp_path / "edge_a")})
    ana, oli = member("ana", "red"), member("oli", "red", "operator")
    made = services.publish_repository(
        "nothing",
        url,
        "main",
        "books",
        {"create": "nothing.yml"},
        ["edge_a"],
        dialog_schema={"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}},
        queue="problems-no-worker",
        requires_approval=True,
        owner=ana.memberships.get().tenant,
    )
    placed = services.place_order(made, {"size": 2}, "plan", "", user=ana, tenant=ana.memberships.get().tenant)
    return {"item": made, "url": url, "order": placed, "ana": api_client(ana), "oli": api_client(oli)}


# -- DRF's own errors ---------------------------------------------------------------------


def test_not_authenticated_is_401_with_its_challenge():
    from rest_framework.test import APIClient

    resp = APIClient().get("/api/sites/")
    body = problem(resp, 401, "about:blank", "Unauthorized")
    assert body["detail"] == "Authentication credentials were not provided."
    assert resp["WWW-Authenticate"] == "Token"


def test_validation_errors_keep_each_field():
    root = api_client(User.objects.create_superuser("root", password="a-long-admin-passphrase"))
    resp = root.post("/api/sites/", {"kind": "linux"}, format="json")
    body = problem(resp, 400, TAG + "invalid-request", "Invalid request")
    assert body["errors"] == {"name": ["This field is required."]}
    assert body["detail"] == "name: This field is required."


def test_not_found_and_method_not_allowed_are_about_blank():
    ana = api_client(member("ana", "red"))
    body = problem(ana.get("/api/orders/999/"), 404, "about:blank", "Not Found")
    assert body["detail"] == "No Order matches the given query."
    problem(ana.delete("/api/orders/"), 405, "about:blank", "Method Not Allowed")


def test_a_bad_json_body_is_a_400_problem():
    ana = api_client(member("ana", "red"))
    resp = ana.post("/api/orders/", data=b'{"item": ', content_type="application/json")
    assert "JSON parse error" in problem(resp, 400, "about:blank", "Bad Request")["detail"]


# -- permission classes (nfvo.permissions over nfvo.access) -------------------------------


def test_a_role_that_does_not_allow_it_is_403(item):
    resp = item["ana"].post("/api/catalogue/", {"name": "x"}, format="json")  # not an operator
    assert problem(resp, 403, "about:blank", "Forbidden")["detail"] == "your role does not allow this"
    mine = item["ana"].post(f"/api/orders/{item['order'].pk}/approve/", format="json")  # four eyes
    problem(mine, 403, "about:blank", "Forbidden")
    stranger = api_client(member("bob", "blue", "operator"))
    assert stranger.post(f"/api/orders/{item['order'].pk}/approve/").status_code == 404  # not theirs to see
    assert stranger.patch("/api/catalogue/nothing/", {"description": "x"}, format="json").status_code == 404


def test_a_forbidden_kind_of_ours_is_403_with_its_type(item):
    resp = item["oli"].post(
        "/api/catalogue/",
        {
            "name": "y",
            "repository": item["url"],
            "ref": "main",
            "folder": "books",
            "playbooks": {"create": "nothing.yml"},
            "sites": ["edge_a"],
            "tenant": "blue",
        },
        format="json",
    )
    body = problem(resp, 403, TAG + "forbidden", "Your role does not allow this")
    assert body["detail"].endswith("may not publish for tenant blue")


# -- the orchestrator's kinds ---------------------------------------------------------------


def test_order_kinds(item):
    bad = item["ana"].post("/api/orders/", {"item": "nothing", "parameters": {"size": 0}}, format="json")
    body = problem(bad, 400, TAG + "invalid-parameters", "The values break the dialog")
    assert list(body["errors"]) == ["parameters"] and "minimum" in body["errors"]["parameters"]["size"][0]
    limit = item["ana"].post("/api/orders/", {"item": "nothing", "limit": "moon"}, format="json")
    assert problem(limit, 400, TAG + "invalid-parameters")["errors"] == {"limit": ["unknown sites: moon"]}
    approved = item["oli"].post(f"/api/orders/{item['order'].pk}/approve/", format="json")
    assert approved.status_code == 200, approved.content
    again = item["oli"].post(f"/api/orders/{item['order'].pk}/deny/", format="json")
    body = problem(again, 409, TAG + "order-transition", "The order is not at a step that allows this")
    assert "'run_job'" in body["errors"]["status"][0]


def test_job_and_instance_kinds(item):
    item["oli"].post(f"/api/orders/{item['order'].pk}/approve/", format="json")
    job = item["order"].jobs.get()
    retry = item["ana"].post(f"/api/jobs/{job.pk}/retry/")
    body = problem(retry, 409, TAG + "job-not-finished", "The job has not finished")
    assert body["errors"] == {"status": [f"job {job.pk} is pending; only a finished job can be retried"]}
    events = item["ana"].get(f"/api/jobs/{job.pk}/events/?after=x")
    assert problem(events, 400, TAG + "invalid-request")["errors"] == {"after": ["must be an integer"]}
    fly = item["ana"].post(f"/api/instances/{job.instance_id}/operate/", {"operation": "fly"}, format="json")
    body = problem(fly, 400, TAG + "unknown-operation", "The item has no such operation")
    assert body["errors"] == {"operation": ["nothing has no 'fly' playbook"]}


def test_catalogue_kinds(item):
    base = {"repository": item["url"], "ref": "main", "folder": "books", "playbooks": {"create": "nothing.yml"}}
    outsider = api_client(member("bob", "blue", "operator"))
    taken = outsider.post("/api/catalogue/", {**base, "name": "nothing", "sites": ["edge_a"]}, format="json")
    body = problem(taken, 409, TAG + "name-taken", "The name belongs to another owner")
    assert "belongs to another tenant" in body["errors"]["name"][0]
    remote = outsider.post(
        "/api/catalogue/", {**base, "name": "z", "sites": ["edge_a"], "repository": "ext::sh"}, format="json"
    )  # the request's own field: refused by the serializer, naming the rule
    body = problem(remote, 400, TAG + "invalid-request")
    assert body["errors"]["repository"][0].endswith("(rule git.remote.transport)")
    ref = outsider.post("/api/catalogue/", {**base, "name": "z", "sites": ["edge_a"], "ref": "gone"}, format="json")
    assert "has no ref 'gone'" in problem(ref, 400, TAG + "ref-not-found")["errors"]["ref"][0]
    services.CatalogueItem.objects.filter(name="nothing").update(ref="gone")
    stale = item["oli"].post("/api/catalogue/nothing/refresh/")
    assert problem(stale, 409, TAG + "item-outdated")["errors"] == {"ref": [f"{item['url']} has no ref 'gone'"]}
    services.CatalogueItem.objects.filter(name="nothing").update(repository="ext::sh -c id")
    moved = item["oli"].post("/api/catalogue/nothing/refresh/")
    body = problem(moved, 409, TAG + "item-outdated", "The item's repository or ref no longer resolves")
    assert body["errors"]["repository"][0].endswith("(rule git.remote.transport)")
    assert body["rule"] == "git.remote.transport" and "rule" not in problem(stale, 409, TAG + "item-outdated")


def test_a_tenant_in_use_is_409(item):
    root = api_client(User.objects.create_superuser("root", password="a-long-admin-passphrase"))
    body = problem(root.delete("/api/tenants/red/"), 409, TAG + "in-use", "Still in use")
    assert body["detail"] == "tenant red still owns service instances or catalogue items"


# -- the designer's kinds -------------------------------------------------------------------


@pytest.fixture
def designer_api():
    ana = member("ana", "red")
    return ana, api_client(ana)


def test_a_refused_change_lists_located_problems(designer_api):
    _, api = designer_api
    vnfd = '{\n  "vnfdId": "v",\n  "vdu": "x"\n}\n'
    resp = api.post("/api/rdcl/projects/", {"name": "x", "type": "etsi", "files": {"v.json": vnfd}}, format="json")
    body = problem(resp, 400, TAG + "descriptor-refused", "Refused: the project would not be valid")
    assert body["detail"] == f"refused, nothing stored: {len(body['problems'])} problem(s)"
    assert {"file": "v.json", "path": "vnfd.vdu", "line": 3, "rule": "schema.type"}.items() <= next(
        p for p in body["problems"] if p["path"] == "vnfd.vdu"
    ).items()
    assert all(set(p) >= {"file", "path", "line", "rule", "message"} for p in body["problems"])


def test_stale_revision_access_view_and_type_kinds(designer_api):
    ana, api = designer_api
    project = designer.create_from_example(ana, "fw", "etsi")
    file = project.files.order_by("path").first()
    url = f"/api/rdcl/projects/{project.pk}/files/{file.pk}/"
    text = api.get(url).json()["text"]
    stale = api.put(url, {"text": text + "\n", "base_revision": 7}, format="json")
    body = problem(stale, 409, TAG + "stale-revision", "Not saved from the current revision")
    assert body["current"]["number"] == 1 and body["current"]["text"] == text
    reader = User.objects.create_user("rita")
    designer.share(project, reader, "read")
    denied = api_client(reader).put(url, {"text": text, "base_revision": 1}, format="json")
    body = problem(denied, 403, TAG + "project-access", "Your access to the project does not allow this")
    assert body["detail"] == "only write access may do this; you have read access"
    view = api.get(f"/api/rdcl/projects/{project.pk}/graph/nowhere/")
    assert "views: " in problem(view, 404, TAG + "unknown-view", "The project type has no such view")["detail"]
    kind = api.get("/api/rdcl/types/nope/")
    assert "unknown project type 'nope'" in problem(kind, 404, TAG + "unknown-type")["detail"]
    csar = api.get(f"/api/rdcl/projects/{project.pk}/csar/")
    assert "CSARs are for TOSCA projects" in problem(csar, 400, TAG + "not-a-csar")["detail"]
    owner = api.post(f"/api/rdcl/projects/{project.pk}/shares/", {"user": "ana", "mode": "read"}, format="json")
    assert problem(owner, 400, TAG + "share-refused")["errors"] == {"user": ["the owner has every right already"]}


def test_the_designer_json_helpers_answer_problems_too(designer_api, client):
    ana, _ = designer_api
    project = designer.create_from_example(ana, "fw", "etsi")
    client.force_login(ana)
    url = reverse("rdcl:preview", args=[project.pk, "ns"])
    resp = client.post(url, {"files": ["not", "an", "object"]}, content_type="application/json")
    body = problem(resp, 400, TAG + "bad-body", "The request body cannot be used")
    assert body["errors"] == {"files": ["files is an object of path: text"]}
    other = reverse("rdcl:preview", args=[project.pk + 1000, "ns"])
    problem(client.post(other, {}, content_type="application/json"), 404, "about:blank", "Not Found")


# -- a bug ---------------------------------------------------------------------------------


def test_a_bug_is_a_500_problem_without_the_traceback(designer_api, monkeypatch, caplog):
    ana, api = designer_api
    project = designer.create_from_example(ana, "fw", "etsi")

    def broken(*args, **kwargs):
        return {}["secret-internal-key"]  # the kind of bug the views once turned into a 4xx by hand

    monkeypatch.setattr(designer, "validation", broken)
    with caplog.at_level(logging.ERROR, logger="config.problems"):
        resp = api.get(f"/api/rdcl/projects/{project.pk}/validate/")
    body = problem(resp, 500, "about:blank", "Internal Server Error")
    assert body["detail"] == FAULT_DETAIL
    assert "secret-internal-key" not in resp.content.decode() and "KeyError" not in resp.content.decode()
    (record,) = [r for r in caplog.records if r.name == "config.problems"]
    assert record.exc_info and record.exc_info[0] is KeyError  # the log has it, with its traceback


def test_the_schema_documents_every_error_as_a_problem():
    root = api_client(User.objects.create_superuser("root", password="a-long-admin-passphrase"))
    schema = root.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    answers = [
        (path, code, answer)
        for path, methods in schema["paths"].items()
        for op in methods.values()
        for code, answer in op.get("responses", {}).items()
        if code[0] in "45"
    ]
    assert len(answers) > 100
    assert all(list(answer.get("content", {})) == [MEDIA_TYPE] for _, _, answer in answers), [
        (p, c) for p, c, a in answers if list(a.get("content", {})) != [MEDIA_TYPE]
    ]
    assert set(schema["components"]["schemas"]["ProblemDetails"]["required"]) == {"type", "title", "status", "detail"}
