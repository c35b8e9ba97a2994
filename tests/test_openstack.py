"""Against a real OpenStack control plane (fixture ``openstack_cloud``, tests/fixtures/openstack.py).

Every test that uses the control plane lives in this module: ``--dist loadfile`` then gives them
to one process and a single control plane starts (tests/conftest.py refuses a second module).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from tests.fixtures.openstack import FLAVOR, IMAGE, NETWORK
from tests.fixtures.redis_server import free_port

from .conftest import EXAMPLE
from .helpers import api_client, member, register_local_sites, run_local_play

BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.integration, pytest.mark.openstack]

SERVER_STACK = {
    "heat_template_version": "2018-08-31",
    "parameters": {"count": {"type": "number", "default": 1}},
    "resources": {
        "vms": {
            "type": "OS::Heat::ResourceGroup",
            "properties": {
                "count": {"get_param": "count"},
                "resource_def": {
                    "type": "OS::Nova::Server",
                    "properties": {"flavor": FLAVOR, "image": IMAGE, "networks": [{"network": NETWORK}]},
                },
            },
        }
    },
    "outputs": {"names": {"value": {"get_attr": ["vms", "name"]}}},
}


#: heat-translator's flavors (name -> vcpus, RAM MiB, disk GiB) and image for the demo's core VMs,
#: which the test's cloud offers (admin-created, public).
FLAVORS = {"m1.small": (1, 2048, 20), "m1.medium": (2, 4096, 40), "m1.large": (4, 8192, 80)}
DEMO_IMAGE = "rhel-6.5-test-image"
#: The demo's core VDUs: host properties the descriptor asks for (vcpus, RAM MiB, disk GiB) and
#: the network each is on (a connection point on epc-s1; none: the site's network).
DEMO_VDUS = {
    "epc_hss": ((1, 2048, 10), NETWORK),
    "epc_mme": ((2, 4096, 10), "epc-s1"),
    "epc_spgw": ((2, 4096, 10), "epc-s1"),
    "mec_vm": ((4, 8192, 40), NETWORK),
}


def run_playbook(tmp_path: Path, cloud: dict, tasks: list[dict]) -> dict:
    """Run ``tasks`` on localhost with ``ansible-playbook`` (cloud ``test`` = ``cloud``);
    returns the json callback's document."""
    (tmp_path / "clouds.yaml").write_text(yaml.safe_dump({"clouds": {"test": cloud}}))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(
        OS_CLIENT_CONFIG_FILE=str(tmp_path / "clouds.yaml"),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_HOME=str(tmp_path / "ansible"),
        HOME=str(tmp_path),
    )
    return run_local_play(tmp_path, tasks, env, timeout=900)


def task_results(doc: dict) -> dict[str, dict]:
    """``{task name: localhost result}`` of a json-callback document."""
    return {t["task"]["name"]: t["hosts"]["localhost"] for t in doc["plays"][0]["tasks"]}


def test_every_openstack_cloud_module_works_against_the_control_plane(openstack_cloud, tmp_path):
    """Each ``openstack.cloud`` module the playbooks use (auth, image, stack, stack_info) runs as
    the member user: a stack of one server is created (CREATE_COMPLETE, its server ACTIVE with the
    fixture's flavor and image), read, scaled to two servers (UPDATE_COMPLETE), deleted, and a
    second delete succeeds."""
    stack = {
        "cloud": "test",
        "name": "rdcl-modules",
        "template": str(tmp_path / "stack.yaml"),
        "wait": True,
        "timeout": 600,
    }
    (tmp_path / "stack.yaml").write_text(yaml.safe_dump(SERVER_STACK))
    doc = run_playbook(
        tmp_path,
        openstack_cloud.cloud(),
        [
            {"name": "auth", "openstack.cloud.auth": {"cloud": "test"}},
            {
                "name": "no such image",
                "openstack.cloud.image": {"cloud": "test", "name": "rdcl-none", "state": "absent"},
            },
            {"name": "create", "openstack.cloud.stack": {**stack, "parameters": {"count": 1}}},
            {"name": "read", "openstack.cloud.stack_info": {"cloud": "test", "name": "rdcl-modules"}},
            {"name": "scale", "openstack.cloud.stack": {**stack, "parameters": {"count": 2}}},
        ],
    )
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
    doc = run_playbook(
        tmp_path,
        openstack_cloud.cloud(),
        [
            {
                "name": "delete",
                "openstack.cloud.stack": {"cloud": "test", "name": "rdcl-modules", "state": "absent", "wait": True},
            },
            {
                "name": "delete again",
                "openstack.cloud.stack": {"cloud": "test", "name": "rdcl-modules", "state": "absent", "wait": True},
            },
        ],
    )
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
        (p.name, p.popen.poll()) for p in openstack_cloud.processes
    ]


def _demo_cloud_site(openstack_cloud, tmp_path):
    """The demo's four sites, ``core`` pointing at the control plane as its member user: the
    Keystone URL, user, project and network in the connection, the password an encrypted
    credential. Creates heat-translator's flavors and image on the cloud (as admin)."""
    from nfvo.models import Site

    admin = openstack_cloud.connect("admin")
    for name, (vcpus, ram, disk) in FLAVORS.items():
        if admin.compute.find_flavor(name) is None:
            admin.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk, is_public=True)
    if admin.image.find_image(DEMO_IMAGE) is None:
        image = admin.image.post(
            "/images",
            json={"name": DEMO_IMAGE, "disk_format": "raw", "container_format": "bare", "visibility": "public"},
        ).json()
        admin.image.put(
            f"/images/{image['id']}/file", data=b"\0" * 4096, headers={"Content-Type": "application/octet-stream"}
        )
    register_local_sites(tmp_path, free_port(), free_port())
    auth = openstack_cloud.cloud()["auth"]
    core = Site.objects.get(name="core")
    core.connection = {
        "os_auth_url": auth["auth_url"],
        "os_cloud": "core",
        "os_username": auth["username"],
        "os_project_name": auth["project_name"],
        "os_user_domain_name": "Default",
        "os_project_domain_name": "Default",
        "os_region_name": "RegionOne",
        "os_network": NETWORK,
        "ansible_python_interpreter": sys.executable,
    }
    core.set_credential("os_password", auth["password"])
    core.save()
    return auth["password"]


def _stack_servers(conn, stack) -> dict:
    """``{resource name: server}`` of the OS::Nova::Server resources of ``stack``."""
    return {
        r.name: conn.compute.get_server(r.physical_resource_id)
        for r in conn.orchestration.resources(stack)
        if r.resource_type == "OS::Nova::Server"
    }


@pytest.mark.django_db(transaction=True)
def test_demo_core_site_applied_by_an_order_then_deleted(openstack_cloud, worker, tmp_path):
    """The demo service's core site, ordered through the API by a tenant user and run by a real
    worker: its stack reaches CREATE_COMPLETE, each VDU is an ACTIVE server with the flavor the
    descriptor's host properties ask for, heat-translator's image, and its network (its connection
    point's, or the site's ``os_network`` for a VDU without one); the password is in no event.
    Deleting the instance removes the stack and its servers; a second delete succeeds."""
    from nfvo import pipeline
    from nfvo.models import Job, JobEvent
    from nfvo.worker import wait_for_job

    password = _demo_cloud_site(openstack_cloud, tmp_path)
    _, _, item = pipeline.publish_descriptor(EXAMPLE)
    user = member("ana", "red")
    placed = api_client(user).post("/api/orders/", {"item": item.name, "mode": "apply", "limit": "core"}, format="json")
    assert placed.status_code == 201, placed.content
    job = wait_for_job(placed.json()["job"]["id"], 900, worker)
    assert job.status == Job.SUCCESSFUL, job.message
    assert job.result["sites"]["core"]["status"] == "ok"
    assert not JobEvent.objects.filter(stdout__contains=password).exists() and password not in str(job.inventory)

    conn = openstack_cloud.connect()
    name = f"epc-cran-mec-core-{job.instance_id}"  # <service>-<site>-<instance>
    stack = conn.orchestration.find_stack(name)
    assert stack is not None and stack.status == "CREATE_COMPLETE", (stack.status, stack.status_reason)
    servers = _stack_servers(conn, stack)
    assert set(servers) == set(DEMO_VDUS)
    for name, ((vcpus, ram, disk), network) in DEMO_VDUS.items():
        server = servers[name]
        assert server.status == "ACTIVE", (name, server.status, server.fault)
        flavor = conn.compute.find_flavor(server.flavor.name)
        assert (flavor.vcpus, flavor.ram) == (vcpus, ram) and flavor.disk >= disk, (name, flavor)
        assert conn.image.get_image(server.image.id).name == DEMO_IMAGE
        assert list(server.addresses) == [network], (name, server.addresses)

    client = api_client(user)
    for attempt in ("delete", "delete again"):
        resp = client.post(
            f"/api/instances/{job.instance_id}/operate/", {"operation": "delete", "limit": "core"}, format="json"
        )
        assert resp.status_code == 201, (attempt, resp.content)
        done = wait_for_job(resp.json()["id"], 900, worker)
        assert done.status == Job.SUCCESSFUL, (attempt, done.message)
        assert conn.orchestration.find_stack(name) is None
        assert not [s for s in conn.compute.servers() if s.id in {v.id for v in servers.values()}]


REFUSED = """\
tosca_definitions_version: tosca_simple_yaml_1_3
description: One VM whose image the cloud does not have.
metadata: {template_name: heat-refusal}
topology_template:
  node_templates:
    vm:
      type: tosca.nodes.Compute
      capabilities:
        host:
          properties: {num_cpus: 1, mem_size: 2 GB, disk_size: 10 GB}
        os:
          properties: {type: linux, distribution: fedora, version: "18.0"}
"""


@pytest.mark.django_db(transaction=True)
def test_stack_heat_refuses_fails_the_job_with_heats_reason(openstack_cloud, worker, tmp_path):
    """A service whose image (heat-translator's choice for Fedora 18) the cloud lacks: Heat
    refuses the stack; the job fails naming the site, the image and Heat's own words, and the
    instance is failed."""
    from nfvo import pipeline
    from nfvo.models import Job
    from nfvo.worker import wait_for_job

    _demo_cloud_site(openstack_cloud, tmp_path)
    descriptor = tmp_path / "heat_refusal.yaml"
    descriptor.write_text(REFUSED)
    translation, _, item = pipeline.publish_descriptor(descriptor)
    image = yaml.safe_load(translation.files["templates/core/stack.yaml"])["resources"]["vm"]["properties"]["image"]
    conn = openstack_cloud.connect()
    assert conn.image.find_image(image) is None
    placed = api_client(member("ana", "red")).post("/api/orders/", {"item": item.name, "mode": "apply"}, format="json")
    assert placed.status_code == 201, placed.content
    job = wait_for_job(placed.json()["job"]["id"], 900, worker)
    assert job.status == Job.FAILED
    assert job.result["sites"]["core"]["status"] == "failed"
    assert "core" in job.message and image in job.message, job.message
    assert "could not be found" in job.message or "No images matching" in job.message, job.message
    job.instance.refresh_from_db()
    assert job.instance.state == "failed"


@pytest.mark.django_db(transaction=True)
def test_plan_mode_contacts_no_openstack_endpoint(openstack_cloud, worker, tmp_path):
    """A plan of the demo's core site, with the site pointing at the real cloud, reports the
    stack's resources and sends no request to any OpenStack service: no log line of the
    control plane names the member's project while it runs (a request does: checked after).
    Keystone's own log is not asked about tokens: the services fetch theirs at any time."""
    from nfvo import pipeline
    from nfvo.models import Job
    from nfvo.worker import wait_for_job

    _demo_cloud_site(openstack_cloud, tmp_path)
    _, _, item = pipeline.publish_descriptor(EXAMPLE)
    project = openstack_cloud.connect().current_project_id
    logs = sorted((openstack_cloud.base / "log").glob("*.log"))
    before = {p: p.stat().st_size for p in logs}
    placed = api_client(member("ana", "red")).post(
        "/api/orders/", {"item": item.name, "mode": "plan", "limit": "core"}, format="json"
    )
    assert placed.status_code == 201, placed.content
    job = wait_for_job(placed.json()["job"]["id"], 600, worker)
    assert job.status == Job.SUCCESSFUL, job.message
    assert {c["name"] for c in job.result["sites"]["core"]["creates"] if c["type"] == "OS::Nova::Server"} == set(
        DEMO_VDUS
    )
    new = {p.name: p.read_bytes()[before[p] :].decode(errors="replace") for p in logs}
    assert not [name for name, text in new.items() if project in text], new
    heat = openstack_cloud.base / "log" / "heat.log"
    size = heat.stat().st_size
    list(openstack_cloud.connect().orchestration.stacks())  # the probe sees a request when there is one
    assert project in heat.read_bytes()[size:].decode(errors="replace")
