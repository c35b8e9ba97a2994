"""What the designer page asks the server for (issue 13/14): one atomic save of several
files, new projects from a type's starter files, each file's descriptor kind, the model's
problems of a previewed graph, and a publication that stops before replacing an item
another project published."""

from __future__ import annotations

import pytest
import yaml
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from rdcl import checks, services
from rdcl.types.registry import get_type, types

pytestmark = pytest.mark.django_db
API = "/api/rdcl"


@pytest.fixture
def sam():
    return User.objects.create_user("sam", password="a-test-password-1")


@pytest.fixture
def api(sam):
    client = APIClient()
    client.force_authenticate(sam)
    return client


def _revisions(project) -> dict[str, int]:
    return {path: r.number for path, r in services.current_revisions(project).items()}


@pytest.mark.parametrize("type_name", ["etsi", "nested-vdu", "tosca", "tosca-nfv"])
def test_every_type_has_a_valid_starter(sam, type_name):
    files = get_type(type_name).starter()
    assert files and checks.validate(type_name, files) == []
    project = services.create_from_starter(sam, f"new-{type_name}", type_name)
    assert services.current_files(project) == files


def test_file_kinds_come_from_the_type():
    etsi = get_type("etsi").starter()
    assert checks.file_kinds("etsi", etsi) == {"nsd.yaml": "nsd", "vnfd.yaml": "vnfd"}
    assert checks.file_kinds("tosca", {**get_type("tosca").starter(), "notes.txt": "x", "bad.yaml": ": ["}) == {
        "service.yaml": "tosca",
        "bad.yaml": None,
    }
    assert set(types()) >= {"etsi", "tosca"}


def test_save_of_several_files_is_all_or_nothing(api, sam):
    project = services.create_from_starter(sam, "atomic", "etsi")
    files = services.current_files(project)
    vnfd = yaml.safe_load(files["vnfd.yaml"])
    vnfd["vnfExtCpd"].append({"cpdId": "ext2", "layerProtocol": "Ethernet"})
    new_vnfd = yaml.safe_dump(vnfd, sort_keys=False)
    bad_nsd = files["nsd.yaml"].replace("nsdName: My network service\n", "")  # nsdName is required
    url = f"{API}/projects/{project.pk}/save/"

    refused = api.post(
        url,
        {
            "files": [
                {"path": "vnfd.yaml", "text": new_vnfd, "base_revision": 1},
                {"path": "nsd.yaml", "text": bad_nsd, "base_revision": 1},
            ]
        },
        format="json",
    )
    assert refused.status_code == 400 and any(p["file"] == "nsd.yaml" for p in refused.json()["problems"])
    assert _revisions(project) == {"nsd.yaml": 1, "vnfd.yaml": 1}  # the valid VNFD was not stored either

    stale = api.post(
        url,
        {
            "files": [
                {"path": "vnfd.yaml", "text": new_vnfd, "base_revision": 1},
                {"path": "nsd.yaml", "text": files["nsd.yaml"] + "# x\n", "base_revision": 7},
            ]
        },
        format="json",
    )
    assert stale.status_code == 409 and "nsd.yaml is at revision 1, not 7" in stale.json()["detail"]
    assert _revisions(project) == {"nsd.yaml": 1, "vnfd.yaml": 1}

    twice = api.post(
        url,
        {"files": [{"path": "nsd.yaml", "text": "a", "base_revision": 1}] * 2},
        format="json",
    )
    assert twice.status_code == 400 and "given twice: nsd.yaml" in twice.json()["detail"]

    saved = api.post(
        url,
        {
            "files": [
                {"path": "vnfd.yaml", "text": new_vnfd, "base_revision": 1},
                {"path": "nsd.yaml", "text": files["nsd.yaml"] + "# saved with the VNFD\n", "base_revision": 1},
            ],
            "message": "both",
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert [(r["path"], r["revision"]) for r in saved.json()] == [("nsd.yaml", 2), ("vnfd.yaml", 2)]
    assert services.current_files(project)["vnfd.yaml"] == new_vnfd


def test_save_needs_write_access(sam):
    project = services.create_from_starter(sam, "mine", "tosca")
    other = User.objects.create_user("olga")
    services.share(project, other, "read")
    client = APIClient()
    client.force_authenticate(other)
    text = services.current_files(project)["service.yaml"]
    resp = client.post(
        f"{API}/projects/{project.pk}/save/",
        {"files": [{"path": "service.yaml", "text": text + "# x\n", "base_revision": 1}]},
        format="json",
    )
    assert resp.status_code == 403
    assert _revisions(project) == {"service.yaml": 1}


def test_preview_reports_the_model_problems_and_kinds(sam):
    from django.test import Client

    project = services.create_from_starter(sam, "pv", "tosca")
    client = Client()
    client.force_login(sam)
    text = services.current_files(project)["service.yaml"] + (
        "    sw:\n      type: tosca.nodes.SoftwareComponent\n"
        "      requirements:\n        - host: server\n        - host: server\n"
    )
    resp = client.post(
        f"/designer/projects/{project.pk}/preview/topology/",
        {"files": {"service.yaml": text}},
        content_type="application/json",
    ).json()
    assert resp["kinds"] == {"service.yaml": "tosca"}
    assert any(
        p.startswith("sw: 2 “hosted on” link(s); a software component is hosted on one node")
        for p in resp["model_problems"]
    ), resp
