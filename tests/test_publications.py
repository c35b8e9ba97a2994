"""A designer project goes to the catalogue through a worker: translated from the revisions
it was asked at, committed and pushed to the bare repository, published as an item; a
project the translators refuse ends ``failed`` with every problem located. Real Celery
worker, real git."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from django.conf import settings

from nfvo import services
from nfvo.models import AuditEntry, CatalogueItem, Publication
from rdcl import services as designer
from tests.fixtures.redis_server import free_port

from .helpers import UNPLACEABLE, api_client, member, register_local_sites, wait_for_publication

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operator(tmp_path):
    register_local_sites(tmp_path, free_port(), free_port())
    return member("oli", "red", "operator")


def test_a_tosca_project_is_published_by_a_worker_from_its_revisions(operator, worker):
    project = designer.create_from_example(operator, "nested", "tosca")
    api = api_client(operator)
    resp = api.post("/api/publications/", {"project": project.pk}, format="json")
    assert resp.status_code == 202, resp.content
    body = resp.json()
    assert body["status"] == "pending" and body["revisions"] == {"nested_container.yaml": 1}
    pub = wait_for_publication(body["id"])
    assert pub.status == Publication.PUBLISHED, (pub.message, pub.problems)
    item = CatalogueItem.objects.get(pk=pub.item_id)
    assert item.published_commit == pub.commit and item.kind == "service"
    heads = git.cmd.Git().ls_remote(settings.RDCL_GIT_REMOTE, "refs/heads/main")
    assert heads.split()[0] == pub.commit  # pushed to the bare repository
    tree = git.Repo(settings.RDCL_GIT_REMOTE).commit(pub.commit).tree
    assert f"{item.folder}/create.yml" in [b.path for b in tree.traverse()]
    assert "app_port" in item.dialog["properties"]
    job = services.order(item, {}, mode="plan")  # the published item can be ordered
    assert job.commit == pub.commit
    assert api.get(f"/api/publications/{pub.pk}/").json()["item"] == item.name
    assert AuditEntry.objects.filter(action="publish_project", target=f"project:{project.pk}").exists()


@pytest.mark.parametrize(
    ("placement", "rule", "named"),
    [
        ("{site: moon}", "placement.unknown-site", ["moon"]),
        # a selector's kind is any registered kind (plug-ins too), so a typo is the placement's to refuse
        ("{site_selector: {kind: kubernets}}", "placement.unknown-kind", ["'kubernets'", "kubernetes, openshift"]),
    ],
)
def test_a_project_the_translators_refuse_fails_with_located_problems(operator, worker, placement, rule, named):
    text = UNPLACEABLE.replace("{site: moon}", placement)
    project = designer.create_project(operator, "moon", "tosca", {"moon.yaml": text})
    pub = wait_for_publication(
        api_client(operator).post("/api/publications/", {"project": project.pk}, format="json").json()["id"]
    )
    assert pub.status == Publication.FAILED and pub.item_id is None and not pub.commit
    assert [(p["file"], p["rule"]) for p in pub.problems] == [("moon.yaml", rule)]
    assert all(word in pub.problems[0]["message"] for word in named) and pub.problems[0]["path"]


def test_who_may_publish(operator):
    project = designer.create_from_example(operator, "nested", "tosca")
    designer_user = member("dee", "red", "designer")
    designer.share(project, designer_user, "read")
    assert (
        api_client(designer_user).post("/api/publications/", {"project": project.pk}, format="json").status_code == 403
    )  # not an operator
    stranger = member("sam", "blue", "operator")
    resp = api_client(stranger).post("/api/publications/", {"project": project.pk}, format="json")
    assert resp.status_code == 400 and resp.json()["errors"] == {"project": ["no such project"]}  # not visible to them
    assert not Publication.objects.exists()


def test_a_nested_vdu_project_is_published_through_its_equivalent_tosca(operator, worker):
    project = designer.create_from_example(operator, "edge", "nested-vdu")
    pub = wait_for_publication(
        api_client(operator).post("/api/publications/", {"project": project.pk}, format="json").json()["id"]
    )
    assert pub.status == Publication.PUBLISHED, (pub.message, pub.problems)
    tree = git.Repo(settings.RDCL_GIT_REMOTE).commit(pub.commit).tree
    paths = [b.path for b in tree.traverse()]
    folder = CatalogueItem.objects.get(pk=pub.item_id).folder
    assert f"{folder}/tosca/service.yaml" in paths and f"{folder}/create.yml" in paths
    assert any("vduNestedDescType" in line and "click" in line.lower() for line in pub.report)  # reported, not dropped


def test_an_etsi_problem_names_the_descriptor_file_and_path(operator, worker):
    import json

    from django.conf import settings as conf

    example = Path(conf.BASE_DIR, "rdcl", "types", "nested_vdu", "examples")
    vnfd = json.loads((example / "edge_vnfd.json").read_text())
    vnfd["virtualComputeDesc"][0]["virtualMemory"]["virtualMemSize"] = 4096  # GB: no flavor has it
    files = {"edge_vnfd.json": json.dumps(vnfd, indent=1), "edge_nsd.json": (example / "edge_nsd.json").read_text()}
    project = designer.create_project(operator, "huge", "nested-vdu", files)  # valid for the designer
    pub = wait_for_publication(
        api_client(operator).post("/api/publications/", {"project": project.pk}, format="json").json()["id"]
    )
    assert pub.status == Publication.FAILED and pub.item_id is None
    assert [(p["file"], p["rule"]) for p in pub.problems] == [("edge_vnfd.json", "etsi.no-flavor")]
    assert "virtualComputeDesc" in pub.problems[0]["path"] and "4096" in pub.problems[0]["message"]
