"""Designer REST API (/api/rdcl/): projects, imports, revisions, conflicts, the validation
gate, access, downloads, graphs, link checks and the OpenAPI document."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zipfile

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from rdcl import services
from rdcl.models import DescriptorFile, GraphLayout, Project, Revision
from rdcl.types.registry import get_type

pytestmark = pytest.mark.django_db

API = "/api/rdcl"


def _wired() -> bool:
    try:
        resolve(f"{API}/types/")
        return True
    except Resolver404:
        return False


if not _wired():  # config/urls.py without the designer's routes: use a test urlconf that has them
    pytestmark = [pytestmark, pytest.mark.urls("tests.rdcl_test_urls")]


def _client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def ana():
    return User.objects.create_user("ana")


@pytest.fixture
def api(ana):
    return _client(ana)


def _new(api, type_name="nested-vdu", name="edge", example="all") -> dict:
    resp = api.post(f"{API}/projects/", {"name": name, "type": type_name, "example": example}, format="json")
    assert resp.status_code == 201, resp.content
    return resp.json()


def _file(project: dict, path: str) -> dict:
    return next(f for f in project["files"] if f["path"] == path)


def _upload(api, filename: str, data: bytes, **extra):
    return api.post(f"{API}/projects/import/", {"file": _named(filename, data), **extra}, format="multipart")


def _named(name: str, data: bytes) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def _unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode() for n in archive.namelist()}


# -- project types and creation ------------------------------------------------------------


def test_type_list_has_description_models_examples_and_link_checks(api):
    listed = {t["name"]: t for t in api.get(f"{API}/types/").json()}
    assert set(listed) == {"tosca", "tosca-nfv", "etsi", "nested-vdu"}
    nested = listed["nested-vdu"]
    assert nested["extends"] == ["etsi"] and not nested["csar"] and listed["tosca-nfv"]["csar"]
    assert {"ns", "vnf", "nested"} <= set(nested["description_model"]["views"])
    assert "vnf_k8s_vdu" in nested["description_model"]["node_types"]
    assert {e["name"] for e in nested["examples"]} == {"edge_nsd.json", "edge_vnfd.json"}
    assert json.loads(next(e["text"] for e in nested["examples"] if e["name"] == "edge_vnfd.json"))["vnfdId"] == "edge"
    assert api.get(f"{API}/types/etsi/").json()["label"].startswith("ETSI")
    assert api.get(f"{API}/types/osm/").status_code == 404

    refused = api.post(f"{API}/types/etsi/check-link/", {"source": "vnf", "target": "vnf_vdu"}, format="json").json()
    assert refused["allowed"] is False and "no link may join VNF to VDU" in refused["reason"]
    allowed = api.post(f"{API}/types/etsi/check-link/", {"source": "ns_cp", "target": "ns_vl"}, format="json").json()
    assert allowed == {"allowed": True, "link_type": "sap_vl", "reason": ""}


def test_create_from_example_stores_revision_one_of_each_file(api, ana):
    project = _new(api)
    assert project["type"] == "nested-vdu" and project["owner"] == "ana" and project["access"] == "owner"
    assert sorted(f["path"] for f in project["files"]) == ["edge_nsd.json", "edge_vnfd.json"]
    vnfd = _file(project, "edge_vnfd.json")
    text = (get_type("nested-vdu").folder() / "examples" / "edge_vnfd.json").read_text()
    assert vnfd["revision"] == 1 and vnfd["author"] == "ana"
    assert vnfd["digest"] == hashlib.sha256(text.encode()).hexdigest()
    got = api.get(f"{API}/projects/{project['id']}/files/{vnfd['id']}/").json()
    assert got["text"] == text
    assert api.get(f"{API}/projects/{project['id']}/validate/").json() == {"valid": True, "problems": []}

    one = _new(api, "tosca", "single", "nested_container.yaml")
    assert [f["path"] for f in one["files"]] == ["nested_container.yaml"]
    assert [p["name"] for p in api.get(f"{API}/projects/").json()["results"]] == ["edge", "single"]


def test_create_refusals(api):
    assert api.post(f"{API}/projects/", {"name": "x", "type": "osm"}, format="json").status_code == 400
    missing = api.post(f"{API}/projects/", {"name": "x", "type": "etsi", "example": "nope.json"}, format="json")
    assert missing.status_code == 400 and "firewall_nsd.json" in missing.json()["detail"]
    vnfd = '{\n  "vnfdId": "v",\n  "vdu": "x"\n}\n'
    invalid = api.post(f"{API}/projects/", {"name": "x", "type": "etsi", "files": {"v.json": vnfd}}, format="json")
    assert invalid.status_code == 400
    problems = {(p["file"], p["path"], p["line"], p["rule"]) for p in invalid.json()["problems"]}
    assert ("v.json", "vnfd.vdu", 3, "schema.type") in problems
    assert ("v.json", "vnfd.vnfProvider", 1, "schema.required") in problems and len(problems) == 8
    _new(api, "etsi", "fw")
    taken = api.post(f"{API}/projects/", {"name": "fw", "type": "etsi"}, format="json")
    assert taken.status_code == 400 and "already" in taken.json()["detail"]
    bad_path = api.post(f"{API}/projects/", {"name": "y", "type": "etsi", "files": {"../x.json": "{}"}}, format="json")
    assert bad_path.status_code == 400 and bad_path.json()["problems"][0]["rule"] == "file.path"
    clash = api.post(
        f"{API}/projects/", {"name": "y", "type": "etsi", "files": {"a": "{}", "a/b.json": "{}"}}, format="json"
    )
    assert clash.json()["problems"] == [
        {
            "file": "a",
            "path": "",
            "line": None,
            "rule": "file.path",
            "message": "a is a file, and a/b.json uses it as a folder",
        }
    ]
    assert Project.objects.count() == 1


# -- imports ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, files",
    [
        ("test_project.json", ["nsd/nsd_mec.json", "vnfd/vnf_tof.json"]),
        ("test_project_2.json", ["nsd/nsd_osm.json", "vnfd/vnf1.json"]),
        ("test_tof.json", ["nsd/nsd_tof.json", "resource/config_tof", "vnfd/vnf1.json"]),
    ],
)
def test_import_rdcl3d_project_json(api, corpus, name, files):
    resp = _upload(api, name, (corpus / "sf2heat" / name).read_bytes())
    assert resp.status_code == 201, resp.content
    project = resp.json()
    assert project["imported_from"] == "project" and project["type"] == "nested-vdu"
    assert project["name"] == name.removesuffix(".json")
    assert sorted(f["path"] for f in project["files"]) == files
    assert all(f["revision"] == 1 for f in project["files"])
    original = json.loads((corpus / "sf2heat" / name).read_text())
    vnfd_path = next(p for p in files if p.startswith("vnfd/"))
    vnfd = api.get(f"{API}/projects/{project['id']}/files/{_file(project, vnfd_path)['id']}/").json()
    assert json.loads(vnfd["text"]) == original["vnfd"][vnfd_path[5:-5]]
    graph = api.get(f"{API}/projects/{project['id']}/graph/vnf/").json()
    assert graph["view"] == "vnf" and graph["nodes"] and graph["links"]
    assert api.get(f"{API}/projects/{project['id']}/validate/").json()["valid"] is True


def test_import_csar_and_download_it_again(api, corpus):
    source = corpus / "tosca-parser" / "CSAR" / "csar_wordpress.zip"
    resp = _upload(api, source.name, source.read_bytes(), name="wordpress")
    assert resp.status_code == 201, resp.content
    project = resp.json()
    assert project["imported_from"] == "csar" and project["type"] == "tosca"
    assert project["entry"] == "Definitions/tosca_single_instance_wordpress.yaml"
    paths = {f["path"] for f in project["files"]}
    assert "Scripts/WordPress/install.sh" in paths and "TOSCA-Metadata/TOSCA.meta" not in paths

    csar = api.get(f"{API}/projects/{project['id']}/csar/")
    assert csar.status_code == 200 and csar["Content-Disposition"] == 'attachment; filename="wordpress.csar"'
    members = _unzip(csar.content)
    meta = dict(line.split(": ", 1) for line in members["TOSCA-Metadata/TOSCA.meta"].splitlines())
    assert meta["Entry-Definitions"] == "Definitions/tosca_single_instance_wordpress.yaml"
    assert meta["TOSCA-Meta-File-Version"] == "1.0" and meta["CSAR-Version"] == "1.1"
    assert meta["Created-By"] == "rdcl-nfvo (ana)"
    assert set(members) == paths | {"TOSCA-Metadata/TOSCA.meta"}
    assert next(iter(members)) == "TOSCA-Metadata/TOSCA.meta"
    with zipfile.ZipFile(io.BytesIO(csar.content)) as archive:
        assert archive.testzip() is None


def test_csars_are_accepted_by_tosca_parser(api, corpus, tmp_path):
    project = _new(api, "tosca", "nested", "nested_container.yaml")
    csar = api.get(f"{API}/projects/{project['id']}/csar/")
    assert csar.status_code == 200
    assert "Entry-Definitions: nested_container.yaml" in _unzip(csar.content)["TOSCA-Metadata/TOSCA.meta"]
    for source in ("csar_wordpress.zip", "csar_elk.zip"):  # artifacts and imports resolve inside the package
        imported = _upload(api, source, (corpus / "tosca-parser" / "CSAR" / source).read_bytes()).json()
        path = tmp_path / f"{source}.csar"
        path.write_bytes(api.get(f"{API}/projects/{imported['id']}/csar/").content)
        assert get_type("tosca").validate(path) == []
    etsi = _new(api, "etsi", "fw")
    refused = api.get(f"{API}/projects/{etsi['id']}/csar/")
    assert refused.status_code == 400 and "TOSCA" in refused.json()["detail"]


def test_refused_imports_store_nothing(api, corpus):
    # a CSAR whose scripts are missing: its template is fine alone, the package is not
    source = corpus / "tosca-parser" / "CSAR" / "csar_wordpress.zip"
    with zipfile.ZipFile(source) as archive:
        kept = {n: archive.read(n) for n in archive.namelist() if "WordPress/install.sh" not in n}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
    resp = _upload(api, "wordpress.csar", buffer.getvalue())
    assert resp.status_code == 400
    (problem,) = resp.json()["problems"]
    template = kept["Definitions/tosca_single_instance_wordpress.yaml"].decode()
    assert problem["file"] == "Definitions/tosca_single_instance_wordpress.yaml"
    assert problem["rule"] == "package.file-missing" and "Scripts/WordPress/install.sh" in problem["message"]
    assert problem["path"] == "topology_template.node_templates.wordpress.interfaces.Standard.create"
    assert template.splitlines()[problem["line"] - 1].strip().startswith("create: ../Scripts/WordPress/install.sh")

    invalid = corpus / "tosca-parser" / "test_multiple_validation_errors.yaml"
    resp = _upload(api, invalid.name, invalid.read_bytes())
    assert resp.status_code == 400
    problems = resp.json()["problems"]
    assert len(problems) > 1 and all(p["file"] == invalid.name for p in problems)
    assert any(p["line"] and p["path"].startswith("topology_template") and p["rule"] for p in problems)

    unknown = _upload(api, "notes.yaml", b"shopping: [milk]\n")
    assert unknown.status_code == 400 and "cannot tell the project type" in unknown.json()["detail"]
    binary = _upload(api, "image.yaml", b"\xff\xfe\x00bad")
    assert binary.status_code == 400 and binary.json()["problems"][0]["rule"] == "file.encoding"
    assert not Project.objects.exists() and not Revision.objects.exists()


def test_import_single_file_and_plain_zip(api):
    vnfd = (get_type("etsi").folder() / "examples" / "firewall_vnfd.yaml").read_bytes()
    single = _upload(api, "firewall_vnfd.yaml", vnfd).json()
    assert single["imported_from"] == "file" and single["type"] == "etsi"
    assert [f["path"] for f in single["files"]] == ["firewall_vnfd.yaml"]
    zipped = api.get(f"{API}/projects/{_new(api, 'etsi', 'fw')['id']}/download/").content
    again = _upload(api, "fw.zip", zipped, name="fw-again", type="etsi").json()
    assert again["imported_from"] == "zip" and {f["path"] for f in again["files"]} == set(_unzip(zipped))


# -- revisions: save, history, diff, restore, conflicts ---------------------------------------


def test_save_history_diff_and_restore(api, ana):
    project = _new(api)
    vnfd = _file(project, "edge_vnfd.json")
    url = f"{API}/projects/{project['id']}/files/{vnfd['id']}/"
    first = api.get(url).json()["text"]
    second = first.replace('"vnfSoftwareVersion": "1.0"', '"vnfSoftwareVersion": "1.1"')
    saved = api.put(url, {"text": second, "base_revision": 1, "message": "1.1"}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["revision"] == 2 and saved.json()["text"] == second
    assert saved.json()["digest"] == hashlib.sha256(second.encode()).hexdigest()

    history = api.get(url + "revisions/").json()["results"]
    assert [(r["number"], r["author"], r["message"]) for r in history] == [
        (2, "ana", "1.1"),
        (1, "ana", "from the nested-vdu example"),
    ]
    assert api.get(url + "revisions/1/").json()["text"] == first

    diff = api.get(url + "diff/?from=1&to=2").json()
    assert diff["old"] == 1 and diff["new"] == 2
    assert diff["diff"].startswith("--- edge_vnfd.json@1\n+++ edge_vnfd.json@2\n")
    assert '-  "vnfSoftwareVersion": "1.0",\n+  "vnfSoftwareVersion": "1.1",\n' in diff["diff"]
    assert api.get(url + "diff/").json()["diff"] == diff["diff"]  # default: the current one and the one before

    stale_restore = api.post(url + "revisions/1/restore/", {"base_revision": 1}, format="json")
    assert stale_restore.status_code == 409
    restored = api.post(url + "revisions/1/restore/", {"base_revision": 2}, format="json")
    assert restored.status_code == 201 and restored.json()["revision"] == 3 and restored.json()["text"] == first
    assert api.get(url + "revisions/3/").json()["message"] == "restored revision 1"
    assert api.get(url + "diff/?from=1&to=3").json()["diff"] == ""
    assert api.get(url + "revisions/9/").status_code == 404


def test_new_file_delete_file_and_entry(api):
    project = _new(api, "etsi", "fw")
    files = f"{API}/projects/{project['id']}/files/"
    vnfd = _file(project, "firewall_vnfd.yaml")
    text = api.get(f"{files}{vnfd['id']}/").json()["text"].replace("vnfdId: firewall_vnfd", "vnfdId: fw2")
    created = api.post(files, {"path": "more/fw2.yaml", "text": text}, format="json")
    assert created.status_code == 201 and created.json()["revision"] == 1
    again = api.post(files, {"path": "more/fw2.yaml", "text": text}, format="json")
    assert again.status_code == 409 and again.json()["current"]["number"] == 1
    bad = api.post(files, {"path": "/etc/passwd", "text": text}, format="json")
    assert bad.status_code == 400 and bad.json()["problems"][0]["rule"] == "file.path"
    assert [f["path"] for f in api.get(files + "?path=more/fw2.yaml").json()["results"]] == ["more/fw2.yaml"]

    # the NSD needs the firewall VNFD: deleting it is refused; the new one may go
    refused = api.delete(f"{files}{vnfd['id']}/?base_revision=1")
    assert refused.status_code == 400 and refused.json()["problems"][0]["file"] == "firewall_nsd.json"
    assert api.delete(f"{files}{created.json()['id']}/?base_revision=2").status_code == 409
    assert api.delete(f"{files}{created.json()['id']}/").status_code == 400
    assert api.delete(f"{files}{created.json()['id']}/?base_revision=1").status_code == 204
    assert not DescriptorFile.objects.filter(path="more/fw2.yaml").exists()

    tosca = _new(api, "tosca", "t", "nested_container.yaml")
    entry = api.patch(f"{API}/projects/{tosca['id']}/", {"entry": "nope.yaml"}, format="json")
    assert entry.status_code == 400
    ok = api.patch(f"{API}/projects/{tosca['id']}/", {"entry": "nested_container.yaml", "name": "t2"}, format="json")
    assert ok.status_code == 200 and ok.json()["entry"] == "nested_container.yaml" and ok.json()["name"] == "t2"
    taken = api.patch(f"{API}/projects/{tosca['id']}/", {"name": "fw", "entry": ""}, format="json")
    assert taken.status_code == 400 and "already" in taken.json()["errors"]["name"][0]
    assert Project.objects.get(pk=tosca["id"]).entry == "nested_container.yaml"  # all or nothing
    not_tosca = api.patch(f"{API}/projects/{project['id']}/", {"entry": "firewall_vnfd.yaml"}, format="json")
    assert not_tosca.status_code == 400 and "only TOSCA projects" in not_tosca.json()["detail"]


def test_two_saves_from_one_base_the_second_gets_409(api):
    project = _new(api)
    vnfd = _file(project, "edge_vnfd.json")
    url = f"{API}/projects/{project['id']}/files/{vnfd['id']}/"
    text = api.get(url).json()["text"]
    mine = text.replace('"vnfdVersion": "1.0"', '"vnfdVersion": "1.1"')
    theirs = text.replace('"vnfdVersion": "1.0"', '"vnfdVersion": "2.0"')
    assert api.put(url, {"text": mine, "base_revision": 1}, format="json").status_code == 200
    late = api.put(url, {"text": theirs, "base_revision": 1}, format="json")
    assert late.status_code == 409
    body = late.json()
    assert body["current"]["number"] == 2 and body["current"]["text"] == mine and body["current"]["author"] == "ana"
    assert "revision 2, not 1" in body["detail"]
    assert list(Revision.objects.filter(file_id=vnfd["id"]).values_list("number", flat=True)) == [1, 2]
    assert api.get(url).json()["text"] == mine


def test_a_save_stored_while_another_validates_makes_that_one_a_conflict(api, ana, monkeypatch):
    """The interleaving the generation check is for: B is stored while A is being validated."""
    project = Project.objects.get(pk=_new(api)["id"])
    text = services.current_files(project)["edge_vnfd.json"]
    validate = services._gate
    calls = []

    def racing(*args):
        calls.append(args)
        if len(calls) == 1:  # during A's validation, B (same base) is validated and stored
            services.save_file(project, "edge_vnfd.json", text.replace("Edge MEC", "B"), 1, ana, "B")
        return validate(*args)

    monkeypatch.setattr(services, "_gate", racing)
    with pytest.raises(services.Conflict) as raised:
        services.save_file(project, "edge_vnfd.json", text.replace("Edge MEC", "A"), 1, ana, "A")
    assert raised.value.current.number == 2 and raised.value.current.message == "B"
    assert len(calls) == 2  # A was not stored from its stale validation; it was looked at again
    assert [r.message for r in Revision.objects.filter(file__path="edge_vnfd.json").order_by("number")] == [
        "from the nested-vdu example",
        "B",
    ]

    # a change to another file meanwhile: validated again with it, then stored
    calls.clear()

    def other_file(*args):
        calls.append(args)
        if len(calls) == 1:
            nsd = services.current_files(project)["edge_nsd.json"]
            services.save_file(project, "edge_nsd.json", nsd + "\n", 1, ana, "nsd")
        return validate(*args)

    monkeypatch.setattr(services, "_gate", other_file)
    stored = services.save_file(project, "edge_vnfd.json", text, 2, ana, "A again")
    assert stored.number == 3 and len(calls) == 3  # A, the NSD save, A again with the new NSD
    assert calls[-1][1]["edge_nsd.json"].endswith("\n\n")


def test_revision_numbers_are_unique_per_file(api):
    project = _new(api)
    file = DescriptorFile.objects.get(project_id=project["id"], path="edge_nsd.json")
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(file=file, number=1, text="{}")


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_one_base_one_wins(ana):
    api = _client(ana)
    project = _new(api)
    vnfd = _file(project, "edge_vnfd.json")
    url = f"{API}/projects/{project['id']}/files/{vnfd['id']}/"
    text = api.get(url).json()["text"]
    start, results = threading.Barrier(2), {}

    def save(version):
        try:
            start.wait()
            resp = _client(ana).put(
                url,
                {"text": text.replace('"vnfdVersion": "1.0"', f'"vnfdVersion": "{version}"'), "base_revision": 1},
                format="json",
            )
            results[version] = resp.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(v,)) for v in ("2.0", "3.0")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results.values()) == [200, 409]
    assert list(Revision.objects.filter(file_id=vnfd["id"]).values_list("number", flat=True)) == [1, 2]
    winner = next(v for v, code in results.items() if code == 200)
    assert f'"vnfdVersion": "{winner}"' in Revision.objects.get(file_id=vnfd["id"], number=2).text


# -- the validation gate -------------------------------------------------------------------------


def test_invalid_save_is_refused_with_every_problem_and_nothing_stored(api):
    project = _new(api)
    vnfd = _file(project, "edge_vnfd.json")
    url = f"{API}/projects/{project['id']}/files/{vnfd['id']}/"
    text = api.get(url).json()["text"]
    bad = text.replace(
        '"vduParent": "edge_vm",\n      "vduParentMandatory": true',
        '"vduParent": "nowhere",\n      "vduParentMandatory": true',
    ).replace('  "vnfProvider": "rdcl-nfvo",\n', "")
    assert bad.count("nowhere") == 1 and "vnfProvider" not in bad
    generation = Project.objects.get(pk=project["id"]).generation

    # a dry run shows the same problems and stores nothing either
    dry = api.post(
        f"{API}/projects/{project['id']}/validate/", {"files": {"edge_vnfd.json": bad}}, format="json"
    ).json()
    resp = api.put(url, {"text": bad, "base_revision": 1}, format="json")
    assert resp.status_code == 400
    body = resp.json()
    assert "nothing stored" in body["detail"] and dry == {"valid": False, "problems": body["problems"]}
    found = {(p["file"], p["path"], p["rule"]): p for p in body["problems"]}
    parent = found["edge_vnfd.json", "vnfd.vdu[1].vduParent", "nested-vdu.parent-unknown"]
    assert parent["line"] == bad.splitlines().index('      "vduParent": "nowhere",') + 1
    assert "nowhere" in parent["message"]
    assert ("edge_vnfd.json", "vnfd.vnfProvider", "schema.required") in found

    assert list(Revision.objects.filter(file_id=vnfd["id"]).values_list("number", flat=True)) == [1]
    assert api.get(url).json()["text"] == text
    assert Project.objects.get(pk=project["id"]).generation == generation

    syntax = api.put(url, {"text": text[:-10], "base_revision": 1}, format="json").json()["problems"]
    assert syntax[0]["rule"] == "json.syntax" and syntax[0]["line"]


# -- access ---------------------------------------------------------------------------------------


def test_strangers_get_404_readers_403_on_write_writers_may_save(api, ana):
    project = _new(api)
    pid = project["id"]
    vnfd = _file(project, "edge_vnfd.json")
    url = f"{API}/projects/{pid}/files/{vnfd['id']}/"
    text = api.get(url).json()["text"]

    stranger = _client(User.objects.create_user("bob"))
    assert stranger.get(f"{API}/projects/").json()["results"] == []
    for path in (
        "",
        "files/",
        f"files/{vnfd['id']}/",
        f"files/{vnfd['id']}/revisions/",
        "graph/vnf/",
        "download/",
        "validate/",
        "shares/",
    ):
        assert stranger.get(f"{API}/projects/{pid}/{path}").status_code == 404, path
    assert stranger.put(url, {"text": text, "base_revision": 1}, format="json").status_code == 404
    assert stranger.delete(f"{API}/projects/{pid}/").status_code == 404
    assert (
        stranger.post(
            f"{API}/projects/{pid}/check-link/", {"source": "vnf", "target": "ns_vl"}, format="json"
        ).status_code
        == 404
    )

    shared = api.post(f"{API}/projects/{pid}/shares/", {"user": "bob", "mode": "read"}, format="json")
    assert shared.status_code == 200 and shared.json() == {"user": "bob", "mode": "read"}
    assert stranger.get(f"{API}/projects/{pid}/").json()["access"] == "read"
    assert stranger.get(url).json()["text"] == text
    assert stranger.get(f"{API}/projects/{pid}/download/").status_code == 200
    assert stranger.put(url, {"text": text, "base_revision": 1}, format="json").status_code == 403
    assert (
        stranger.put(f"{API}/projects/{pid}/graph/vnf/positions/", {"positions": {}}, format="json").status_code == 403
    )
    assert (
        stranger.post(f"{API}/projects/{pid}/files/", {"path": "x.json", "text": "{}"}, format="json").status_code
        == 403
    )
    assert Revision.objects.filter(file_id=vnfd["id"]).count() == 1

    api.post(f"{API}/projects/{pid}/shares/", {"user": "bob", "mode": "write"}, format="json")
    assert stranger.put(url, {"text": text, "base_revision": 1}, format="json").status_code == 200
    assert Revision.objects.get(file_id=vnfd["id"], number=2).author.username == "bob"
    assert (
        stranger.post(f"{API}/projects/{pid}/shares/", {"user": "bob", "mode": "write"}, format="json").status_code
        == 403
    )  # sharing is the owner's
    assert stranger.delete(f"{API}/projects/{pid}/").status_code == 403
    assert api.post(f"{API}/projects/{pid}/shares/", {"user": "ana", "mode": "read"}, format="json").status_code == 400

    assert api.delete(f"{API}/projects/{pid}/shares/bob/").status_code == 204
    assert stranger.get(f"{API}/projects/{pid}/").status_code == 404
    root = _client(User.objects.create_superuser("root"))
    assert root.get(f"{API}/projects/{pid}/").json()["access"] == "owner"
    assert APIClient().get(f"{API}/projects/").status_code in (401, 403)
    assert api.delete(f"{API}/projects/{pid}/").status_code == 204
    assert not Revision.objects.exists()


# -- downloads, graphs, link checks -------------------------------------------------------------


def test_downloads_of_a_file_and_of_the_project(api):
    project = _new(api)
    files = services.current_files(Project.objects.get(pk=project["id"]))
    vnfd = _file(project, "edge_vnfd.json")
    one = api.get(f"{API}/projects/{project['id']}/files/{vnfd['id']}/download/")
    assert one.status_code == 200 and one.content.decode() == files["edge_vnfd.json"]
    assert one["Content-Disposition"] == 'attachment; filename="edge_vnfd.json"'
    assert one["Content-Type"].startswith("application/json")
    zipped = api.get(f"{API}/projects/{project['id']}/download/")
    assert zipped["Content-Type"] == "application/zip"
    assert _unzip(zipped.content) == files

    url = f"{API}/projects/{project['id']}/files/{vnfd['id']}/"
    api.put(url, {"text": files["edge_vnfd.json"].replace("Edge MEC", "Edge"), "base_revision": 1}, format="json")
    old = api.get(url + "download/?revision=1")
    assert old.content.decode() == files["edge_vnfd.json"]


def test_graph_views_and_positions_persist(api, ana):
    project = _new(api)
    pid = project["id"]
    model = get_type("nested-vdu").description_model()
    for view in ("ns", "vnf", "nested"):
        graph = api.get(f"{API}/projects/{pid}/graph/{view}/").json()
        assert graph["view"] == view and graph["nodes"]
        assert all(model.shows(view, n["type"]) for n in graph["nodes"])
        assert all(link["type"] in model.views[view]["links"] for link in graph["links"])
    nested = api.get(f"{API}/projects/{pid}/graph/nested/").json()["nodes"]
    assert {n["id"]: (n["type"], n["parent"]) for n in nested} == {
        "edge_vnfd/edge_vm": ("vnf_vdu", None),
        "edge_vnfd/mec_pod": ("vnf_k8s_vdu", "edge_vnfd/edge_vm"),
        "edge_vnfd/cache_pod": ("vnf_k8s_vdu", "edge_vnfd/edge_vm"),
        "edge_vnfd/fronthaul_click": ("vnf_click_vdu", "edge_vnfd/bare-metal"),
        "edge_vnfd/bare-metal": ("bare_metal", None),
    }
    unknown = api.get(f"{API}/projects/{pid}/graph/nope/")
    assert unknown.status_code == 404 and "views: ns, vnf, nested" in unknown.json()["detail"]

    node = nested[0]["id"]
    assert nested[0]["position"] is None
    put = api.put(
        f"{API}/projects/{pid}/graph/nested/positions/", {"positions": {node: {"x": 10, "y": -2.5}}}, format="json"
    )
    assert put.status_code == 200 and put.json()["updated_by"] == "ana"
    again = api.get(f"{API}/projects/{pid}/graph/nested/").json()["nodes"]
    assert next(n for n in again if n["id"] == node)["position"] == {"x": 10.0, "y": -2.5}
    stored = api.get(f"{API}/projects/{pid}/graph/nested/positions/").json()
    assert stored["positions"] == {node: {"x": 10.0, "y": -2.5}} and stored["updated_by"] == "ana"
    assert api.get(f"{API}/projects/{pid}/graph/ns/").json()["nodes"][0]["position"] is None  # per view
    assert GraphLayout.objects.get(project_id=pid, view="nested").positions == {node: {"x": 10.0, "y": -2.5}}
    bad = api.put(f"{API}/projects/{pid}/graph/nested/positions/", {"positions": {node: {"x": "left"}}}, format="json")
    assert bad.status_code == 400
    assert api.put(f"{API}/projects/{pid}/graph/nope/positions/", {"positions": {}}, format="json").status_code == 404
    assert api.get(f"{API}/projects/{pid}/graph/nope/positions/").status_code == 404

    # files stored behind the gate's back (a plugin that changed): 409 naming them, not a crash
    vnfd = DescriptorFile.objects.get(project_id=pid, path="edge_vnfd.json")
    Revision.objects.create(file=vnfd, number=2, text="{not json")
    broken = api.get(f"{API}/projects/{pid}/graph/vnf/")
    assert broken.status_code == 409 and broken.json()["problems"][0]["rule"] == "json.syntax"
    assert api.get(f"{API}/projects/{pid}/validate/").json()["valid"] is False


def test_link_check_in_a_project_refuses_with_the_reason(api):
    pid = _new(api)["id"]
    refused = api.post(
        f"{API}/projects/{pid}/check-link/", {"source": "vnf_vdu_cp", "target": "vnf_vl", "view": "ns"}, format="json"
    ).json()
    assert refused == {
        "allowed": False,
        "link_type": None,
        "reason": "the Network service view does not show VduCp nodes",
    }
    wrong = api.post(
        f"{API}/projects/{pid}/check-link/",
        {"source": "vnf_vdu_cp", "target": "vnf_vl", "link_type": "sap_vl"},
        format="json",
    ).json()
    assert not wrong["allowed"] and "a “SAP on NS VL” link cannot join" in wrong["reason"]
    ok = api.post(
        f"{API}/projects/{pid}/check-link/", {"source": "vnf_vdu_cp", "target": "vnf_k8s_vdu"}, format="json"
    ).json()
    assert ok == {"allowed": True, "link_type": "vdu_cp", "reason": ""}
    assert api.post(f"{API}/projects/{pid}/check-link/", {"source": "vnf"}, format="json").status_code == 400


# -- OpenAPI --------------------------------------------------------------------------------------


def test_openapi_document_has_the_designer_paths(api):
    schema = api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        f"{API}/types/",
        f"{API}/projects/",
        f"{API}/projects/import/",
        f"{API}/projects/{{id}}/graph/{{view}}/positions/",
        f"{API}/projects/{{id}}/check-link/",
        f"{API}/projects/{{id}}/csar/",
        f"{API}/projects/{{project_pk}}/files/{{id}}/",
        f"{API}/projects/{{project_pk}}/files/{{id}}/revisions/{{number}}/restore/",
        f"{API}/projects/{{project_pk}}/files/{{id}}/diff/",
    } <= set(paths)
    save = paths[f"{API}/projects/{{project_pk}}/files/{{id}}/"]["put"]
    assert {"200", "400", "403", "409"} <= set(save["responses"])


def test_graph_is_cached_by_the_files_digests_and_follows_saves(api, ana):
    """Opening the graph twice parses once (the whole graph is cached under the revisions'
    digests); a save changes a digest, so the next graph is the new one, never a stale one."""
    from django.core.cache import cache

    project = _new(api, "tosca", "cached")
    pid = project["id"]
    stored = Project.objects.get(pk=pid)
    cache.clear()
    first = api.get(f"{API}/projects/{pid}/graph/topology/").json()
    assert len(cache._cache) == 1  # LocMemCache (the default): the one full graph
    again = api.get(f"{API}/projects/{pid}/graph/topology/").json()
    assert again == first and len(cache._cache) == 1
    entry = next(f for f in project["files"] if f["path"].endswith(".yaml"))
    text = services.current_files(stored)[entry["path"]]
    assert "  node_templates:\n" in text
    added = text.replace("  node_templates:\n", "  node_templates:\n    extra_node:\n      type: tosca.nodes.Root\n", 1)
    saved = api.put(
        f"{API}/projects/{pid}/files/{entry['id']}/", {"text": added, "base_revision": entry["revision"]}, format="json"
    )
    assert saved.status_code == 200, saved.content
    after = api.get(f"{API}/projects/{pid}/graph/topology/").json()
    assert {n["id"] for n in after["nodes"]} == {n["id"] for n in first["nodes"]} | {"extra_node"}
    assert len(cache._cache) == 2


def _counting(monkeypatch, cls, name: str) -> list:
    """Wrap ``cls.name`` (one of our plugin methods) so that each call is recorded; the
    wrapped method still runs."""
    calls, real = [], getattr(cls, name)

    def spy(self, *args, **kwargs):
        calls.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, spy)
    return calls


def _without_positions(graph: dict) -> dict:
    return {**graph, "nodes": [{k: v for k, v in n.items() if k != "position"} for n in graph["nodes"]]}


def test_first_graph_after_a_save_or_an_import_does_not_parse_again(api, monkeypatch):
    """A save's validation reads each file with tosca-parser once, and the graph it stores
    in the cache under the new revisions' digests is the one the next open gets: no
    reading of the files then, and the same graph as parsing them afresh."""
    from django.core.cache import cache

    from rdcl import checks
    from rdcl.types.tosca import ToscaType

    project = _new(api, "tosca", "warm")
    pid = project["id"]
    read = _counting(monkeypatch, ToscaType, "_check")  # the one place tosca-parser reads a file
    parsed = _counting(monkeypatch, ToscaType, "parse")
    api.get(f"{API}/projects/{pid}/graph/topology/")  # created: its graph was kept too
    assert read == [] and parsed == []

    cache.clear()
    entry = next(f for f in project["files"] if f["path"].endswith(".yaml"))
    text = services.current_files(Project.objects.get(pk=pid))[entry["path"]]
    added = text.replace(
        "  node_templates:\n",
        "  node_templates:\n    extra_node:\n      type: tosca.nodes.Root\n"
        "      requirements:\n        - dependency: vm\n",
        1,
    )
    saved = api.put(
        f"{API}/projects/{pid}/files/{entry['id']}/", {"text": added, "base_revision": entry["revision"]}, format="json"
    )
    assert saved.status_code == 200, saved.content
    yaml_files = [f for f in project["files"] if f["path"].endswith((".yaml", ".yml"))]
    assert len(read) == len(yaml_files) and parsed == []  # the gate: one reading of each template
    del read[:]
    graph = api.get(f"{API}/projects/{pid}/graph/topology/").json()
    assert read == [] and parsed == []  # the first open after the save: from the cache
    assert {"source": "extra_node", "target": "vm"} in [
        {k: link[k] for k in ("source", "target")} for link in graph["links"]
    ]
    files = services.current_files(Project.objects.get(pk=pid))
    fresh = checks.view_graph("tosca", checks.full_graph("tosca", files), "topology")
    assert _without_positions(graph) == fresh
    assert len(parsed) == 1  # that fresh graph was parsed: the spy sees parses

    del read[:], parsed[:]
    imported = _upload(api, "added.yaml", added.encode(), name="imported")
    assert imported.status_code == 201, imported.content
    assert len(read) == 1
    again = api.get(f"{API}/projects/{imported.json()['id']}/graph/topology/").json()
    assert len(read) == 1 and parsed == []
    fresh = checks.view_graph("tosca", checks.full_graph("tosca", {"added.yaml": added}), "topology")
    assert _without_positions(again) == fresh and {n["info"]["file"] for n in again["nodes"]} == {"added.yaml"}


def test_etsi_graph_after_a_save_is_the_one_validation_read(api, monkeypatch):
    """ETSI types keep the model their validation read too: the graph after a save does
    not read the descriptors again, and is the graph of the saved files."""
    from django.core.cache import cache

    from rdcl import checks
    from rdcl.types.etsi import EtsiType

    project = _new(api, "etsi", "fw")
    pid = project["id"]
    vnfd = next(f for f in project["files"] if f["path"] == "firewall_vnfd.yaml")
    text = services.current_files(Project.objects.get(pk=pid))[vnfd["path"]]
    cache.clear()
    parsed = _counting(monkeypatch, EtsiType, "parse")
    changed = text.replace("description: packet filter", "description: stateful packet filter", 1)
    assert changed != text
    saved = api.put(
        f"{API}/projects/{pid}/files/{vnfd['id']}/", {"text": changed, "base_revision": vnfd["revision"]}, format="json"
    )
    assert saved.status_code == 200, saved.content
    graph = api.get(f"{API}/projects/{pid}/graph/vnf/").json()
    assert parsed == [] and graph["nodes"] and len(cache._cache) == 1
    files = services.current_files(Project.objects.get(pk=pid))
    assert _without_positions(graph) == checks.view_graph("etsi", checks.full_graph("etsi", files), "vnf")
