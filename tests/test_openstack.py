"""Against a real OpenStack control plane (fixture ``openstack_cloud``, tests/fixtures/openstack.py).

Every test that uses the control plane lives in this module: ``--dist loadfile`` then gives them
to one process and a single control plane starts (tests/conftest.py refuses a second module).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fixtures.openstack import FLAVOR, IMAGE, NETWORK

BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.integration, pytest.mark.openstack]

SERVER_STACK = {
    "heat_template_version": "2018-08-31",
    "parameters": {"count": {"type": "number", "default": 1}},
    "resources": {"vms": {"type": "OS::Heat::ResourceGroup", "properties": {
        "count": {"get_param": "count"},
        "resource_def": {"type": "OS::Nova::Server", "properties": {
            "flavor": FLAVOR, "image": IMAGE, "networks": [{"network": NETWORK}]}}}}},
    "outputs": {"names": {"value": {"get_attr": ["vms", "name"]}}},
}


def run_playbook(tmp_path: Path, cloud: dict, tasks: list[dict]) -> dict:
    """Run ``tasks`` on localhost with ``ansible-playbook`` (cloud ``test`` = ``cloud``);
    returns the json callback's document."""
    (tmp_path / "clouds.yaml").write_text(yaml.safe_dump({"clouds": {"test": cloud}}))
    (tmp_path / "play.yml").write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False,
                                                        "tasks": tasks}]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(OS_CLIENT_CONFIG_FILE=str(tmp_path / "clouds.yaml"), ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_HOME=str(tmp_path / "ansible"), HOME=str(tmp_path))
    run = subprocess.run([BIN / "ansible-playbook", "-c", "local", "-i", "localhost,", "play.yml"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=900, check=False)
    assert run.stdout, run.stderr
    return json.loads(run.stdout)


def task_results(doc: dict) -> dict[str, dict]:
    """``{task name: localhost result}`` of a json-callback document."""
    return {t["task"]["name"]: t["hosts"]["localhost"] for t in doc["plays"][0]["tasks"]}


def test_every_openstack_cloud_module_works_against_the_control_plane(openstack_cloud, tmp_path):
    """Each ``openstack.cloud`` module the playbooks use (auth, image, stack, stack_info) runs as
    the member user: a stack of one server is created (CREATE_COMPLETE, its server ACTIVE with the
    fixture's flavor and image), read, scaled to two servers (UPDATE_COMPLETE), deleted, and a
    second delete succeeds."""
    stack = {"cloud": "test", "name": "rdcl-modules", "template": str(tmp_path / "stack.yaml"), "wait": True,
             "timeout": 600}
    (tmp_path / "stack.yaml").write_text(yaml.safe_dump(SERVER_STACK))
    doc = run_playbook(tmp_path, openstack_cloud.cloud(), [
        {"name": "auth", "openstack.cloud.auth": {"cloud": "test"}},
        {"name": "no such image", "openstack.cloud.image": {"cloud": "test", "name": "rdcl-none", "state": "absent"}},
        {"name": "create", "openstack.cloud.stack": {**stack, "parameters": {"count": 1}}},
        {"name": "read", "openstack.cloud.stack_info": {"cloud": "test", "name": "rdcl-modules"}},
        {"name": "scale", "openstack.cloud.stack": {**stack, "parameters": {"count": 2}}},
    ])
    results = task_results(doc)
    assert not any(r.get("failed") for r in results.values()), json.dumps(results, indent=1)[:4000]
    assert results["auth"]["auth_token"]
    assert results["create"]["stack"]["status"] == "CREATE_COMPLETE"
    assert [s["name"] for s in results["read"]["stacks"]] == ["rdcl-modules"]
    assert results["scale"]["stack"]["status"] == "UPDATE_COMPLETE"
    outputs = {o["output_key"]: o["output_value"] for o in results["scale"]["stack"]["outputs"]}
    conn = openstack_cloud.connect()
    servers = [conn.compute.get_server(s.id) for s in conn.compute.servers() if s.name in outputs["names"]]
    assert len(servers) == 2 and {s.status for s in servers} == {"ACTIVE"}, servers
    assert {s.flavor.name for s in servers} == {FLAVOR}
    assert {conn.image.get_image(s.image.id).name for s in servers} == {IMAGE}
    assert all(list(s.addresses) == [NETWORK] for s in servers), [s.addresses for s in servers]
    doc = run_playbook(tmp_path, openstack_cloud.cloud(), [
        {"name": "delete", "openstack.cloud.stack": {"cloud": "test", "name": "rdcl-modules", "state": "absent",
                                                     "wait": True}},
        {"name": "delete again", "openstack.cloud.stack": {"cloud": "test", "name": "rdcl-modules",
                                                           "state": "absent", "wait": True}},
    ])
    results = task_results(doc)
    assert not any(r.get("failed") for r in results.values()), json.dumps(results, indent=1)[:4000]
    assert results["delete"]["changed"] and not results["delete again"]["changed"]
    assert conn.orchestration.find_stack("rdcl-modules") is None
    assert not [s for s in conn.compute.servers() if s.name in outputs["names"]]


def test_control_plane_figures(openstack_cloud):
    """The fixture measured its start (seconds) and memory (MiB); every process it started runs."""
    figures = openstack_cloud.figures
    assert 0 < figures["start_seconds"] < 600 and figures["rss_mib"] > 500, figures
    assert all(p.popen.poll() is None for p in openstack_cloud.processes), [
        (p.name, p.popen.poll()) for p in openstack_cloud.processes]
