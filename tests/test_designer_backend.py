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


def test_a_save_whose_second_file_was_saved_meanwhile_writes_nothing(api, sam, monkeypatch):
    """Two files, both valid and from their current revisions when the request starts; while
    it is validated someone else saves the second one (a real save, through the service).
    The request is answered 409 with that file's current revision and the first file is not
    stored either: the batch is one transaction, checked against every file's revision."""
    project = services.create_from_starter(sam, "race", "etsi")
    files = services.current_files(project)
    new_vnfd = files["vnfd.yaml"] + "# the designer's change\n"
    new_nsd = files["nsd.yaml"] + "# the designer's change\n"
    gate, raced = services._gate, []

    def gate_then_someone_saves(type_name, texts, artifacts=()):
        out = gate(type_name, texts, artifacts)
        if not raced:  # once: the other save goes through this gate too
            raced.append(None)
            raced[0] = services.save_file(project, "nsd.yaml", files["nsd.yaml"] + "# olga\n", 1, sam, "olga")
        return out

    monkeypatch.setattr(services, "_gate", gate_then_someone_saves)
    resp = api.post(
        f"{API}/projects/{project.pk}/save/",
        {
            "files": [
                {"path": "vnfd.yaml", "text": new_vnfd, "base_revision": 1},
                {"path": "nsd.yaml", "text": new_nsd, "base_revision": 1},
            ]
        },
        format="json",
    )
    assert raced and raced[0].number == 2
    assert resp.status_code == 409, resp.content
    body = resp.json()
    assert "nsd.yaml is at revision 2, not 1" in body["detail"]
    assert body["current"]["path"] == "nsd.yaml" and body["current"]["number"] == 2
    assert _revisions(project) == {"nsd.yaml": 2, "vnfd.yaml": 1}
    stored = services.current_files(project)
    assert stored["vnfd.yaml"] == files["vnfd.yaml"] and stored["nsd.yaml"].endswith("# olga\n")


def test_a_save_that_fails_while_storing_its_second_file_stores_neither(sam, monkeypatch):
    """The files are stored in one database transaction: when storing the second fails
    (here the database refuses its row), the first one's new revision is rolled back."""
    from django.db import DatabaseError

    from rdcl.models import Revision

    project = services.create_from_starter(sam, "half", "etsi")
    files = services.current_files(project)
    create = Revision.objects.create

    def refuse_the_nsd(**fields):
        if fields["file"].path == "nsd.yaml":
            raise DatabaseError("disk full")
        return create(**fields)

    monkeypatch.setattr(Revision.objects, "create", refuse_the_nsd)
    with pytest.raises(DatabaseError, match="disk full"):
        services.save_files(
            project,
            [
                {"path": "vnfd.yaml", "text": files["vnfd.yaml"] + "# a\n", "base_revision": 1},
                {"path": "nsd.yaml", "text": files["nsd.yaml"] + "# b\n", "base_revision": 1},
            ],
            sam,
        )
    assert _revisions(project) == {"nsd.yaml": 1, "vnfd.yaml": 1}
    assert services.current_files(project) == files


def test_the_description_model_serves_the_designer_edit_rules(api):
    """What the palette adds and what a drawn link writes come from each type's model, as
    the API serves it, and a link drawn with no type chosen takes the most specific one."""
    etsi = api.get(f"{API}/types/etsi/").json()["description_model"]
    assert etsi["node_types"]["vnf_vdu"]["add"] == {
        "into": "vdu",
        "prefix": "vm",
        "id_fields": ["vduId", "name"],
        "element": {"description": "", "intCpd": []},
    }
    assert etsi["node_types"]["vnf_vdu_cp"]["add"]["in_selected"] == ["vnf_vdu"]
    assert etsi["link_types"]["cp_vl"]["edit"] == {"set": "intVirtualLinkDesc", "end": "vnf_vdu_cp"}
    nested = api.get(f"{API}/types/nested-vdu/").json()["description_model"]
    pod = nested["node_types"]["vnf_k8s_vdu"]
    assert pod["parent_field"] == "vduParent" and pod["add"]["element"]["vduNestedDescType"] == "kubernetes"
    assert nested["node_types"]["vnf_vdu"]["add"]["element"]["vduParent"] is None  # this type's VMs nest
    assert nested["node_types"]["bare_metal"]["reference"] == "None"
    assert nested["link_types"]["cp_vl"]["edit"] == etsi["link_types"]["cp_vl"]["edit"]  # extended, kept
    tosca = api.get(f"{API}/types/tosca-nfv/").json()["description_model"]
    assert tosca["node_types"]["tosca.nodes.Root"]["add"]["into"] == "topology_template.node_templates"
    assert tosca["link_types"]["tosca.relationships.nfv.VirtualBindsTo"]["edit"] == {"requirement": "virtual_binding"}
    assert tosca["preferred_links"][0] == "tosca.relationships.network.BindsTo"
    model = get_type("tosca").description_model()
    # DependsOn joins any two nodes and comes first in the model; the specific types win
    assert model.check_link("tosca.nodes.network.Port", "tosca.nodes.Compute").link_type == (
        "tosca.relationships.network.BindsTo"
    )
    assert model.check_link("tosca.nodes.LoadBalancer", "tosca.nodes.Compute").link_type == (
        "tosca.relationships.RoutesTo"
    )
    assert model.check_link("tosca.nodes.Database", "tosca.nodes.Compute").link_type == ("tosca.relationships.HostedOn")
    assert model.check_link("tosca.nodes.Compute", "tosca.nodes.Database").link_type == (
        "tosca.relationships.DependsOn"
    )


#: node types a palette shows that are written in the text: an NSD's VNF is a VNFD of the
#: project named in its vnfdId (IFA 014 §6.2.2), not an element the palette could make
TEXT_ONLY = {"vnf"}


@pytest.mark.parametrize("type_name", ["etsi", "nested-vdu", "tosca", "tosca-nfv"])
def test_every_shipped_view_is_edited_from_the_graph(type_name):
    """Each node type a view shows is added from the palette (its own or an ancestor's
    ``add``) unless it stands for no element (a ``reference``); each link type a view shows
    is written by its ``edit``; in a nesting view (no links) each nested type names its
    ``parent_field``."""
    model = get_type(type_name).description_model()

    def rule(node_type: str, key: str):
        return next((model.node_types[t][key] for t in model.ancestors(node_type) if key in model.node_types[t]), None)

    for name, view in model.views.items():
        for node_type in set(view["nodes"]) - TEXT_ONLY:
            assert rule(node_type, "add") or rule(node_type, "reference"), (name, node_type)
        for link_type in view.get("links", []):
            assert model.link_types[link_type].get("edit"), (name, link_type)
        if not view.get("links"):
            nested = [t for t in view["nodes"] if t in model.nesting]
            assert nested and all(rule(t, "parent_field") for t in nested), (name, nested)


def test_the_edit_rules_are_checked_against_the_schema():
    """An edit rule the designer could not follow is refused when the model is loaded: a
    misspelt key, YAML 1.1's ``on`` (read as true), a procedure it does not know, a node
    type nobody declared."""
    from rdcl.types.description import DescriptionError, DescriptionModel

    def model(edit, add=None, preferred=None):
        raw = {
            "name": "t",
            "node_types": {"a": {"label": "A", **({"add": add} if add else {})}, "b": {"label": "B"}},
            "link_types": {"ab": {"label": "a-b", "joins": [["a", "b"]], "edit": edit}},
            "views": {"v": {"label": "V", "nodes": ["a", "b"], "links": ["ab"]}},
        }
        if preferred is not None:
            raw["preferred_links"] = preferred
        return DescriptionModel.from_dict(raw)

    assert model({"set": "bRef", "end": "a"}).link_types["ab"]["edit"] == {"set": "bRef", "end": "a"}
    for bad in ({"set": "bRef"}, {"set": "bRef", "end": "a", "requirement": "x"}, {True: "a", "set": "bRef"}):
        with pytest.raises(DescriptionError, match="link_types/ab/edit"):
            model(bad)
    with pytest.raises(DescriptionError, match="procedure"):
        model({"procedure": "rm -rf"})
    with pytest.raises(DescriptionError, match="edit.end: c"):
        model({"set": "bRef", "end": "c"})
    with pytest.raises(DescriptionError, match="edit.end: a2 is not a type it joins"):
        DescriptionModel.from_dict(
            {
                "name": "t",
                "node_types": {"a": {"label": "A"}, "a2": {"label": "A2"}, "b": {"label": "B"}},
                "link_types": {"ab": {"label": "a-b", "joins": [["a", "b"]], "edit": {"set": "x", "end": "a2"}}},
                "views": {"v": {"label": "V", "nodes": ["a", "b"]}},
            }
        )
    with pytest.raises(DescriptionError, match="add.in_selected: z"):
        model({"set": "bRef", "end": "a"}, add={"into": "as", "in_selected": ["z"]})
    with pytest.raises(DescriptionError, match="node_types/a/add"):
        model({"set": "bRef", "end": "a"}, add={"into": "as", "prefix": "has space"})
    with pytest.raises(DescriptionError, match="preferred_links: nope"):
        model({"set": "bRef", "end": "a"}, preferred=["nope"])


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
