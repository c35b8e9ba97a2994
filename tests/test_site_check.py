"""The "check site" action against real peers: two sshd sites, a wrong key, closed ports."""

from __future__ import annotations

import subprocess

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from nfvo import site_check
from nfvo.models import AuditEntry, Site
from tests.fixtures.redis_server import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _ssh_site(s, key_text: str) -> Site:
    site = Site(
        name=s.name,
        kind="linux",
        connection={
            "ansible_host": s.address,
            "ansible_port": s.port,
            "ansible_user": s.user,
            "rdcl_root": str(s.root),
        },
    )
    site.set_ssh_private_key(key_text)
    site.save()
    return site


def test_ssh_sites_are_reachable_and_the_result_is_recorded(sshd_sites):
    for s in sshd_sites:
        result = site_check.check(_ssh_site(s, s.private_key.read_text()))
        assert result["status"] == "ok", result
        assert Site.objects.get(name=s.name).last_check["status"] == "ok"


def test_a_wrong_key_fails_the_check_without_showing_it(sshd_sites, tmp_path):
    wrong = tmp_path / "wrong"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(wrong)], check=True)
    site = _ssh_site(sshd_sites[0], wrong.read_text())
    result = site_check.check(site)
    assert result["status"] == "failed"
    assert "permission denied" in result["message"].lower()
    assert wrong.read_text().splitlines()[1] not in result["message"]


@pytest.mark.parametrize(
    "kind,connection,what",
    [
        ("openstack", {"os_auth_url": "http://127.0.0.1:{port}/v3"}, "OpenStack endpoint"),
        ("kubernetes", {"k8s_host": "https://127.0.0.1:{port}"}, "Kubernetes API"),
    ],
)
def test_unreachable_cloud_is_named(kind, connection, what):
    port = free_port()
    conn = {k: v.format(port=port) for k, v in connection.items()}
    site = Site.objects.create(name="cloud", kind=kind, connection=conn)
    admin = APIClient()
    admin.force_authenticate(User.objects.create_superuser("root"))
    result = admin.post("/api/sites/cloud/check/").json()
    assert result["status"] == "failed"
    assert what in result["message"] and f"127.0.0.1:{port}" in result["message"]
    site.refresh_from_db()
    assert site.last_check == result
    assert AuditEntry.objects.filter(action="check_site", target="site:cloud").exists()


def test_check_playbook_passes_syntax_check_and_ansible_lint(tmp_path):
    import sys
    from pathlib import Path

    from .conftest import REPO

    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ANSIBLE_ROLES_PATH": str(REPO / "playbooks" / "roles"),
    }
    for cmd in (
        [bin_dir / "ansible-playbook", "--syntax-check", "-i", "localhost,", "check_site.yml"],
        [bin_dir / "ansible-lint", "--offline", "--profile", "production", "check_site.yml"],
    ):
        run = subprocess.run(cmd, cwd=REPO / "playbooks", env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
