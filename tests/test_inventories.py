"""The example multi-site inventories load as sites, and translation can use them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from nfvo import sites
from nfvo.models import Site

from .conftest import REPO

pytestmark = pytest.mark.django_db


def test_example_inventories_register_sites_of_every_kind(capsys):
    files = sorted((REPO / "inventories" / "examples").glob("*.yml"))
    assert len(files) == 3
    call_command("load_sites", *map(str, files))
    kinds = dict(Site.objects.values_list("name", "kind"))
    assert kinds == {
        "core_dc": "openstack",
        "core_mgmt": "linux",
        "edge_k8s": "kubernetes",
        "edge_server": "linux",
        "epc": "openstack",
    }
    assert Site.objects.get(name="edge_k8s").labels == {"role": "edge", "capability": "sriov"}
    assert "edge_k8s (kubernetes)" in capsys.readouterr().out
    smap = sites.site_map()
    assert smap.default_for("stack").name == "core_dc" and smap.default_for("container").name == "edge_k8s"


def test_an_ssh_key_file_is_stored_encrypted_and_not_kept(tmp_path):
    key = tmp_path / "id"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nplanted-key\n-----END OPENSSH PRIVATE KEY-----\n")
    spec = tmp_path / "s.yml"
    spec.write_text(
        f"sites:\n  - name: srv\n    kind: linux\n    connection: {{ansible_host: 127.0.0.5, "
        f"ssh_private_key_file: {key}}}\n"
    )
    (site,) = sites.load(spec)
    assert "planted-key" in site.ssh_private_key()
    assert "planted-key" not in site.ssh_private_key_encrypted and "ssh_private_key_file" not in site.connection


def test_site_selectors_pick_sites_by_kind_and_labels(tmp_path):
    call_command("load_sites", *map(str, sorted((REPO / "inventories" / "examples").glob("*.yml"))))
    assert sites.select(["epc", {"labels": {"role": "edge"}}]) == ["epc", "edge_k8s", "edge_server"]
    assert sites.select([{"kind": "linux"}, "core_mgmt"]) == ["core_mgmt", "edge_server"]  # each once
    assert sites.select([{"kind": "kubernetes", "labels": {"capability": "sriov"}}]) == ["edge_k8s"]
    with pytest.raises(LookupError, match=r"selector \{'labels': \{'role': 'moon'\}\} matches no registered site"):
        sites.select([{"labels": {"role": "moon"}}])
    with pytest.raises(LookupError, match="'nowhere' is not registered"):
        sites.select(["nowhere"])
    with pytest.raises(ValueError, match="neither a site name nor"):
        sites.select([{"region": "eu"}])


MARK = """\
- name: Mark every edge site
  hosts: role_edge
  gather_facts: false
  tasks:
    - name: Write the site's name under its root
      ansible.builtin.copy:
        dest: "{{ rdcl_root }}/mark"
        content: "{{ rdcl_site }}\\n"
        mode: "0644"
"""


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_item_with_a_selector_runs_on_the_matching_sites_as_a_label_group(tmp_path, worker):
    from nfvo import services
    from nfvo.worker import wait_for_job
    from translators.git_push import init_remote, push_files

    for name, role in (("edge_a", "edge"), ("edge_b", "edge"), ("core_a", "core")):
        (tmp_path / name).mkdir()
        Site.objects.create(
            name=name, kind="linux", labels={"role": role}, connection={"rdcl_root": str(tmp_path / name)}
        )
    remote = init_remote(tmp_path / "books.git")
    push_files({"mark.yml": MARK}, "books", "mark.yml", remote, tmp_path / "work")
    item = services.publish_repository(
        "mark-edge", remote, "main", "books", {"create": "mark.yml"}, [{"labels": {"role": "edge"}}]
    )
    job = wait_for_job(services.order(item, {}).pk, 120, worker)
    assert job.status == "successful", job.message
    assert (tmp_path / "edge_a" / "mark").read_text() == "edge_a\n"
    assert (tmp_path / "edge_b" / "mark").read_text() == "edge_b\n"
    assert not (tmp_path / "core_a" / "mark").exists()
    groups = job.inventory["all"]["children"]
    assert set(groups) == {"edge_a", "edge_b", "role_edge", "kind_linux"}
    assert set(groups["role_edge"]["hosts"]) == {"edge_a-host", "edge_b-host"}
