"""Helpers shared by the tests that register sites."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import yaml


def register_local_sites(tmp_path, os_port: int, k8s_port: int):
    """Register the demo's four sites; the clouds on ``os_port``/``k8s_port`` (closed ports)."""
    from nfvo import sites

    path = tmp_path / "sites.yml"
    path.write_text(textwrap.dedent(f"""\
        sites:
          - {{name: core, kind: openstack, default: true,
             connection: {{os_auth_url: "http://127.0.0.1:{os_port}/v3", os_cloud: core}}}}
          - {{name: edge, kind: kubernetes, default: true, connection: {{k8s_host: "https://127.0.0.1:{k8s_port}"}}}}
          - {{name: core_server, kind: linux, connection: {{rdcl_root: {tmp_path}/core_server}}}}
          - {{name: edge_server, kind: linux, connection: {{rdcl_root: {tmp_path}/edge_server}}}}
        """))
    return sites.load(path)


def assert_playbooks_pass(translation, tmp_path) -> None:
    """Write a translated service and check its playbooks: ``ansible-playbook
    --syntax-check`` on each, then ``ansible-lint`` (production profile) on the folder."""
    bin_dir = Path(sys.executable).parent
    folder = translation.write(tmp_path)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": {
        p.site: {"hosts": {p.site: {"ansible_connection": "local"}}} for p in translation.parts}}}))
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "ANSIBLE_ROLES_PATH": str(folder / "roles"), "HOME": str(tmp_path)}
    for book in ("site.yml", "create.yml", "delete.yml", "scale.yml"):
        run = subprocess.run([bin_dir / "ansible-playbook", "--syntax-check", "-i", inventory, book],
                             cwd=folder, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
    (folder / ".ansible-lint").write_text("profile: production\noffline: true\n")
    lint = subprocess.run([bin_dir / "ansible-lint", "--offline", "-p", "."], cwd=folder, env=env,
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def member(name: str, tenant: str, role: str = "user"):
    """A new user (password ``pw-<name>``) with ``role`` in ``tenant`` (created if needed)."""
    from django.contrib.auth.models import User

    from nfvo.models import Membership, Tenant

    user = User.objects.create_user(name, password="pw-" + name)
    Membership.objects.create(user=user, tenant=Tenant.objects.get_or_create(name=tenant)[0], role=role)
    return user


def api_client(user):
    """A REST framework test client logged in as ``user``."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    return api


#: A valid TOSCA service whose node is placed on a site nobody registers: the translators
#: refuse it with ``placement.unknown-site`` (the designer, which knows no sites, accepts it).
UNPLACEABLE = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
topology_template:
  node_templates:
    app:
      type: rdcl.nodes.Container.Application
      properties: {image: "nginx:1.27"}
  policies:
    - on_the_moon:
        type: rdcl.policies.Placement
        properties: {site: moon}
        targets: [app]
"""
