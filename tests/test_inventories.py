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
    assert kinds == {"core_dc": "openstack", "core_mgmt": "linux", "edge_k8s": "kubernetes",
                     "edge_server": "linux", "epc": "openstack"}
    assert Site.objects.get(name="edge_k8s").labels == {"role": "edge", "capability": "sriov"}
    assert "edge_k8s (kubernetes)" in capsys.readouterr().out
    smap = sites.site_map()
    assert smap.default_for("heat").name == "core_dc" and smap.default_for("container").name == "edge_k8s"


def test_an_ssh_key_file_is_stored_encrypted_and_not_kept(tmp_path):
    key = tmp_path / "id"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nplanted-key\n-----END OPENSSH PRIVATE KEY-----\n")
    spec = tmp_path / "s.yml"
    spec.write_text(f"sites:\n  - name: srv\n    kind: linux\n    connection: {{ansible_host: 127.0.0.5, "
                    f"ssh_private_key_file: {key}}}\n")
    (site,) = sites.load(spec)
    assert "planted-key" in site.ssh_private_key()
    assert "planted-key" not in site.ssh_private_key_encrypted and "ssh_private_key_file" not in site.connection
