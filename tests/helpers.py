"""Helpers shared by the tests: sites, users and API clients, and the playbook gates
(``ansible-playbook --syntax-check`` and ``ansible-lint``)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import yaml


def register_local_sites(tmp_path, os_port: int, k8s_port: int):
    """Register the demo's four sites; the clouds on ``os_port``/``k8s_port`` (closed ports)."""
    from nfvo import sites

    path = tmp_path / "sites.yml"
    path.write_text(
        textwrap.dedent(f"""\
        sites:
          - {{name: core, kind: openstack, default: true,
             connection: {{os_auth_url: "http://127.0.0.1:{os_port}/v3", os_cloud: core}}}}
          - {{name: edge, kind: kubernetes, default: true, connection: {{k8s_host: "https://127.0.0.1:{k8s_port}"}}}}
          - {{name: core_server, kind: linux, connection: {{rdcl_root: {tmp_path}/core_server}}}}
          - {{name: edge_server, kind: linux, connection: {{rdcl_root: {tmp_path}/edge_server}}}}
        """)
    )
    return sites.load(path)


def assert_playbooks_pass(translation, tmp_path) -> None:
    """Write a translated service and check its playbooks: ``ansible-playbook
    --syntax-check`` on each, then ``ansible-lint`` (production profile) on the folder."""
    bin_dir = Path(sys.executable).parent
    folder = translation.write(tmp_path)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "children": {
                        p.site: {"hosts": {p.site: {"ansible_connection": "local"}}} for p in translation.parts
                    }
                }
            }
        )
    )
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "ANSIBLE_ROLES_PATH": str(folder / "roles"), "HOME": str(tmp_path)}
    books = ["site.yml", "create.yml", "delete.yml", "scale.yml"]  # one run checks them all
    books += [b for b in ("heal.yml",) if (folder / b).exists()]
    run = subprocess.run(
        [bin_dir / "ansible-playbook", "--syntax-check", "-i", inventory, *books],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0 and run.stdout.count("playbook: ") == len(books), run.stdout + run.stderr
    assert_lint_passes(folder, env)


#: Keys (content digest and lint configuration) of what ansible-lint passed in this test
#: process: whole folders, and roles (``roles/<name>/``, which translations copy byte for byte).
LINTED: set[str] = set()
LINT_CONFIG = {"profile": "production", "offline": True}


def _lint_key(paths: list[Path], base: Path, config: dict) -> str:
    h = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    for path in sorted(paths):
        h.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def assert_lint_passes(folder: Path, env: dict, config: dict = LINT_CONFIG) -> None:
    """``ansible-lint --offline`` with ``config`` (written as ``folder/.ansible-lint``)
    passes on ``folder``: a folder of playbooks (its roles in ``roles/``) or a role.

    Linted once per distinct content in a test process (:data:`LINTED`): a folder whose
    files all passed before is not linted again, and a role under ``roles/`` whose files
    passed before (in another folder, or alone) is left out of the run (``exclude_paths``),
    since its tasks are what most of a run costs. ansible-lint's syntax check still loads
    every role, so the playbooks are checked against the roles as they are.

    :raises AssertionError: ansible-lint failed; its output is the message.
    """
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != ".ansible-lint"]
    whole = _lint_key(files, folder, config)
    if whole in LINTED:
        return
    roles = {
        r: _lint_key([p for p in files if p.is_relative_to(r)], r, config)
        for r in sorted((folder / "roles").glob("*"))
        if r.is_dir()
    }
    skip = [f"{r.relative_to(folder)}/" for r, key in roles.items() if key in LINTED]
    (folder / ".ansible-lint").write_text(
        yaml.safe_dump(
            {**config, "exclude_paths": [*config.get("exclude_paths", []), *skip]} if skip else config,
            default_flow_style=None,
        )
    )  # lists in flow style: yamllint passes the file too
    lint = subprocess.run(
        [Path(sys.executable).parent / "ansible-lint", "--offline", "--nocolor", "."],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    LINTED.update([whole, *roles.values()])


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


def undo_site_network(text: str) -> str:
    """A HOT text with what :func:`translators.hot.add_site_network` writes taken out again
    (the site's network of servers without one, its parameter)."""
    text = text.replace("      networks:\n      - network: {get_param: rdcl_network}\n", "")
    text = re.sub(r"^parameters:\n  rdcl_network:\n(?:    .*\n)+\Z", "", text, flags=re.M)
    text = re.sub(r"        properties:\n          rdcl_network: \{get_param: rdcl_network\}\n(?!          )", "", text)
    text = text.replace("          rdcl_network: {get_param: rdcl_network}\n", "")
    text = re.sub(r"^  rdcl_network:\n(?:    .*\n)+", "", text, flags=re.M)
    return text.replace("\nparameters:\nresources:", "\nparameters: {}\nresources:")


def wait_for_publication(pub_id: int, timeout: float = 120):
    """Poll a :class:`~nfvo.models.Publication` until a worker has published or refused it; returns it.

    :raises TimeoutError: still pending or running after ``timeout`` seconds.
    """
    from nfvo.models import Publication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pub = Publication.objects.get(pk=pub_id)
        if pub.status in (Publication.PUBLISHED, Publication.FAILED):
            return pub
        time.sleep(0.2)
    raise TimeoutError(f"publication {pub_id} still {pub.status}")


def run_local_play(folder: Path, tasks: list[dict], env: dict, timeout: float = 600) -> dict:
    """Run ``tasks`` as one play on localhost (``ansible-playbook -c local``, this virtualenv's)
    in ``folder``, with exactly ``env`` plus the json stdout callback; the callback's document
    (``plays[0].tasks[].hosts.localhost`` holds each task's result).

    :raises AssertionError: ansible-playbook printed nothing (its stderr is the message).
    """
    (folder / "play.yml").write_text(
        yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False)
    )
    run = subprocess.run(
        [Path(sys.executable).parent / "ansible-playbook", "-c", "local", "-i", "localhost,", "play.yml"],
        cwd=folder,
        env={**env, "ANSIBLE_STDOUT_CALLBACK": "json"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert run.stdout, run.stderr
    return json.loads(run.stdout)


#: A playbook that does nothing, on every host: the smallest item a catalogue can publish.
NOTHING = {"nothing.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"}


def nothing_remote(tmp_path: Path, work: str = "work") -> str:
    """A bare git repository under ``tmp_path`` whose ``main`` holds ``books/nothing.yml``
    (:data:`NOTHING`); returns its URL."""
    from translators.git_push import init_remote, push_files

    url = init_remote(tmp_path / "books.git")
    push_files(NOTHING, "books", "nothing.yml", url, tmp_path / work)
    return url
