"""Lifecycle of ordered services on the real OpenStack control plane (fixture ``openstack_cloud``):
scale to instantiation levels (the product's ``scale`` operation through the API: ``scale.yml`` ->
role ``heat_stack`` -> a Heat stack update), an ETSI service and a nested-VDU service created,
checked and deleted, and the faults of a create: cancel, and the worker killed (SIGKILL) mid-create.

Every test leaves no stack behind (the control plane is shared with the other ``test_openstack*.py``
modules, which run in the same process).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.fixtures.openstack import IMAGE, NETWORK

from .conftest import EXAMPLE
from .helpers import api_client, member
from .test_openstack import DEMO_IMAGE, DEMO_VDUS, _demo_cloud_site

pytestmark = [pytest.mark.integration, pytest.mark.openstack]

#: A TOSCA service of two VMs (heat-translator's flavor and image for their host and os
#: properties); ``lb`` has SOL 001 instantiation levels (1 server at ``small``, 2 at ``large``),
#: so its count is a HOT parameter of an OS::Heat::ResourceGroup.
LEVELS = """\
tosca_definitions_version: tosca_simple_yaml_1_2
description: VMs whose count follows SOL 001 instantiation levels.
metadata:
  template_name: os-levels
imports:
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
    worker:
      type: tosca.nodes.Compute
      capabilities:
        host:
          properties: {num_cpus: 1, mem_size: 2 GB, disk_size: 10 GB}
        os:
          properties: {type: linux, distribution: rhel, version: "6.5"}
    lb:
      type: tosca.nodes.Compute
      capabilities:
        host:
          properties: {num_cpus: 1, mem_size: 2 GB, disk_size: 10 GB}
        os:
          properties: {type: linux, distribution: rhel, version: "6.5"}
  policies:
    - instantiation_levels:
        type: tosca.policies.nfv.InstantiationLevels
        properties:
          levels:
            small: {description: one load balancer}
            large: {description: two load balancers}
          default_level: small
    - lb_levels:
        type: tosca.policies.nfv.VduInstantiationLevels
        properties:
          levels:
            small: {number_of_instances: 1}
            large: {number_of_instances: 2}
        targets: [lb]
"""


def _vnfd() -> dict:
    """An IFA 011 VNFD: one VM on two internal virtual links, its connection points listed
    ``eth1`` first (``internalIfRef``: the server's ports must come ``eth0``, ``eth1``)."""
    return {
        "vnfdId": "os_vnf",
        "vnfProductName": "os-vnf",
        "vdu": [
            {
                "vduId": "vm",
                "name": "vm",
                "virtualComputeDesc": "small",
                "swImageDesc": {"id": "img", "name": IMAGE},
                "intCpd": [
                    {"cpdId": "data", "intVirtualLinkDesc": "data_vl", "internalIfRef": "eth1"},
                    {"cpdId": "mgmt", "intVirtualLinkDesc": "mgmt_vl", "internalIfRef": "eth0"},
                ],
            }
        ],
        "virtualComputeDesc": [
            {
                "virtualComputeDescId": "small",
                "virtualCpu": {"numVirtualCpu": 1},
                "virtualMemory": {"virtualMemSize": 2},
            }
        ],
        "intVirtualLinkDesc": [
            {
                "virtualLinkDescId": link,
                "virtualLinkProtocolData": [{"l3ProtocolData": {"cidr": cidr, "ipVersion": "IPV4"}}],
            }
            for link, cidr in (("mgmt_vl", "10.60.0.0/24"), ("data_vl", "10.60.1.0/24"))
        ],
    }


def _order(user, item, parameters=None, limit="core") -> int:
    placed = api_client(user).post(
        "/api/orders/",
        {"item": item.name, "mode": "apply", "limit": limit, "parameters": parameters or {}},
        format="json",
    )
    assert placed.status_code == 201, placed.content
    return placed.json()["job"]["id"]


def _operate(user, instance_id: int, operation: str, parameters=None, limit="core") -> int:
    resp = api_client(user).post(
        f"/api/instances/{instance_id}/operate/",
        {"operation": operation, "limit": limit, "parameters": parameters or {}},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    return resp.json()["id"]


def _servers(conn, stack) -> dict[str, list]:
    """``{resource name: [server, ...]}`` of every OS::Nova::Server of ``stack`` and its nested
    stacks (a ResourceGroup's members are servers named as the VDU in nested stacks)."""
    out: dict[str, list] = {}
    found = conn.orchestration.get(f"/stacks/{stack.name}/{stack.id}/resources?nested_depth=5").json()["resources"]
    for r in sorted(found, key=lambda r: r["resource_name"]):
        if r["resource_type"] == "OS::Nova::Server":
            out.setdefault(r["resource_name"], []).append(conn.compute.get_server(r["physical_resource_id"]))
    return out


def _counts(conn, name: str) -> dict[str, int]:
    stack = conn.orchestration.find_stack(name)
    return {vdu: len(servers) for vdu, servers in _servers(conn, stack).items()}


def _stacks_named(conn, name: str) -> list:
    """Every stack of the member's project called ``name`` (not only the first, as find_stack)."""
    return [s for s in conn.orchestration.stacks() if s.name == name]


def _delete(user, instance_id: int, worker, conn, name: str, limit="core") -> None:
    """Delete the instance (``limit``) twice: both jobs succeed, the stack is gone after each."""
    from nfvo.models import Job
    from nfvo.worker import wait_for_job

    for attempt in ("delete", "delete again"):
        done = wait_for_job(_operate(user, instance_id, "delete", limit=limit), 900, worker)
        assert done.status == Job.SUCCESSFUL, (attempt, done.message)
        assert conn.orchestration.find_stack(name) is None, attempt


def _stack_name(job_id: int, service: str) -> str:
    """The Heat stack of the core site of the instance job ``job_id`` runs for:
    ``<service>-core-<instance id>``."""
    from nfvo.models import Job

    return f"{service}-core-{Job.objects.get(pk=job_id).instance_id}"


def _publish(tmp_path, sol001, text: str, filename: str):
    """The catalogue item of the TOSCA descriptor ``text`` (written as ``filename``),
    translated for the registered sites."""
    from nfvo import pipeline, sites
    from translators.translate import translate_file

    descriptor = tmp_path / filename
    descriptor.write_text(text)
    _, item = pipeline.publish_translation(translate_file(descriptor, sites.site_map(), sol001))
    return item


@contextmanager
def _cleanup(conn, service: str):
    """Delete what a failing test left of the stacks of ``service`` on the core site (the
    control plane is shared)."""
    try:
        yield
    finally:
        for stack in [s for s in conn.orchestration.stacks() if s.name.startswith(f"{service}-core-")]:
            conn.orchestration.delete_stack(stack)
            conn.orchestration.wait_for_delete(stack, wait=600)


@pytest.mark.django_db(transaction=True)
def test_scale_to_instantiation_levels_updates_the_stack(openstack_cloud, worker, tmp_path, sol001):
    """A service whose ``lb`` VDU has SOL 001 instantiation levels, ordered and then scaled
    through the API (``scale_level``): each scale job updates the Heat stack
    (UPDATE_COMPLETE) to the level's server count, the other VDU untouched and every server
    ACTIVE on the site's network; an unknown level is refused at its field (the item offers
    small and large only), nothing queued, the stack unchanged."""
    from nfvo.models import Job
    from nfvo.worker import wait_for_job

    _demo_cloud_site(openstack_cloud, tmp_path)
    item = _publish(tmp_path, sol001, LEVELS, "os_levels.yaml")
    user = member("ana", "red")
    conn = openstack_cloud.connect()
    with _cleanup(conn, "os-levels"):
        job = wait_for_job(_order(user, item), 900, worker)
        assert job.status == Job.SUCCESSFUL, job.message
        name = _stack_name(job.pk, "os-levels")
        assert conn.orchestration.find_stack(name).status == "CREATE_COMPLETE"
        assert _counts(conn, name) == {"worker": 1, "lb": 1}
        for level, lbs in (("large", 2), ("small", 1), ("large", 2)):
            done = wait_for_job(_operate(user, job.instance_id, "scale", {"scale_level": level}), 900, worker)
            assert done.status == Job.SUCCESSFUL, (level, done.message)
            stack = conn.orchestration.find_stack(name)
            assert stack.status == "UPDATE_COMPLETE", (level, stack.status, stack.status_reason)
            assert stack.parameters["lb_count"] == str(lbs), stack.parameters
            servers = _servers(conn, stack)
            assert {k: len(v) for k, v in servers.items()} == {"worker": 1, "lb": lbs}, level
            for server in (s for group in servers.values() for s in group):
                assert server.status == "ACTIVE", (server.name, server.status)
                assert list(server.addresses) == [NETWORK], server.addresses
                assert conn.image.get_image(server.image.id).name == DEMO_IMAGE
        refused = api_client(user).post(
            f"/api/instances/{job.instance_id}/operate/",
            {"operation": "scale", "limit": "core", "parameters": {"scale_level": "huge"}},
            format="json",
        )  # the item offers its levels only (nfvo.scaling); scale.yml refuses others too (test_translators_hot_scaling)
        assert refused.status_code == 400 and "scale_level" in refused.json()["errors"]["parameters"], refused.content
        assert Job.objects.filter(operation="scale").count() == 3  # the three above, no fourth
        assert _counts(conn, name) == {"worker": 1, "lb": 2}
        _delete(user, job.instance_id, worker, conn, name)


@pytest.mark.timeout(1800)  # seven jobs on the control plane
@pytest.mark.django_db(transaction=True)
def test_sol001_vnfd_scaled_by_aspect_steps_and_levels(openstack_cloud, worker, tmp_path, sol001):
    """A volume-free SOL 001 VNFD (``Vdu.Compute`` VDUs with a ``VduCp`` each, a scaling
    aspect ``workers`` of 1 instance per step up to scale level 3, two instantiation levels):
    ordered, each VDU's server ACTIVE with a flavor of the size its ``virtual_compute`` asks
    for (the cloud's smallest that fits: a member may not create heat-translator's
    ``OS::Nova::Flavor``) and the site's image and network (null image and network-less port
    fitted to the site). ``scale`` with ``scale_aspect``/``scale_steps``
    updates the stack to initial delta + steps workers (2 steps: 3, then 0 steps: 1), a level
    sets both VDUs' counts; an aspect step beyond ``max_scale_level`` is refused by the API (400, no job),
    the stack unchanged. Deleted twice."""
    from nfvo.models import Job, Site
    from nfvo.worker import wait_for_job

    from .test_translators_hot_scaling import VNFD

    _demo_cloud_site(openstack_cloud, tmp_path)
    core = Site.objects.get(name="core")
    core.connection = {**core.connection, "os_image": IMAGE}  # the VDUs name no software image
    core.save()
    item = _publish(tmp_path, sol001, VNFD, "vm_levels.yaml")
    user = member("ana", "red")
    conn = openstack_cloud.connect()
    with _cleanup(conn, "vm-levels"):
        job = wait_for_job(_order(user, item), 900, worker)
        assert job.status == Job.SUCCESSFUL, job.message
        name = _stack_name(job.pk, "vm-levels")
        stack = conn.orchestration.find_stack(name)
        assert stack.status == "CREATE_COMPLETE", (stack.status, stack.status_reason)
        assert _counts(conn, name) == {"worker": 1, "lb": 1}
        for server in (s for group in _servers(conn, stack).values() for s in group):
            assert server.status == "ACTIVE", (server.name, server.status)
            assert list(server.addresses) == [NETWORK], server.addresses
            assert conn.image.get_image(server.image.id).name == IMAGE
            # the smallest flavor of the cloud of at least the VDU's virtual_compute (1 vCPU, 512 MiB, 1 GiB)
            fits = sorted(
                (f.vcpus, f.ram, f.disk, f.name)
                for f in conn.compute.flavors()
                if f.vcpus >= 1 and f.ram >= 512 and f.disk >= 1 and not f.is_disabled
            )
            assert server.flavor.name == fits[0][3], (server.flavor, fits)
        steps = (
            ({"scale_aspect": "workers", "scale_steps": 2}, {"worker": 3, "lb": 1}),
            ({"scale_aspect": "workers", "scale_steps": 0}, {"worker": 1, "lb": 1}),
            ({"scale_level": "large"}, {"worker": 3, "lb": 2}),
        )
        for parameters, want in steps:
            done = wait_for_job(_operate(user, job.instance_id, "scale", parameters), 900, worker)
            assert done.status == Job.SUCCESSFUL, (parameters, done.message)
            stack = conn.orchestration.find_stack(name)
            assert stack.status == "UPDATE_COMPLETE", (parameters, stack.status, stack.status_reason)
            servers = _servers(conn, stack)
            assert {k: len(v) for k, v in servers.items()} == want, parameters
            assert {s.status for group in servers.values() for s in group} == {"ACTIVE"}, parameters
        refused = api_client(user).post(
            f"/api/instances/{job.instance_id}/operate/",
            {"operation": "scale", "limit": "core", "parameters": {"scale_aspect": "workers", "scale_steps": 4}},
            format="json",
        )  # the item offers 0..3 steps of its aspect (nfvo.scaling); scale.yml refuses more too
        assert refused.status_code == 400 and "scale_steps" in refused.json()["errors"]["parameters"], refused.content
        assert Job.objects.filter(operation="scale").count() == 3  # the three above, no fourth
        assert _counts(conn, name) == {"worker": 3, "lb": 2}
        _delete(user, job.instance_id, worker, conn, name)


@pytest.mark.django_db(transaction=True)
def test_vdu_larger_than_every_flavor_stops_the_job_before_heat(openstack_cloud, worker, tmp_path, sol001):
    """The same SOL 001 VNFD with its ``worker`` VDU asking for 512 vCPU (no flavor of the
    control plane is that large): the order's job fails at the flavor pick of role
    ``heat_stack`` naming the site, the size and the HOT parameter, and no stack is created
    (the job stops before it calls Heat)."""
    from nfvo.models import Job, Site
    from nfvo.worker import wait_for_job

    from .test_translators_hot_scaling import VNFD

    huge = VNFD.replace("virtual_cpu: {num_virtual_cpu: 1}", "virtual_cpu: {num_virtual_cpu: 512}", 1)
    assert huge != VNFD
    _demo_cloud_site(openstack_cloud, tmp_path)
    core = Site.objects.get(name="core")
    core.connection = {**core.connection, "os_image": IMAGE}
    core.save()
    item = _publish(tmp_path, sol001, huge, "vm_huge.yaml")
    user = member("ana", "red")
    conn = openstack_cloud.connect()
    assert max(f.vcpus for f in conn.compute.flavors()) < 512
    with _cleanup(conn, "vm-levels"):
        job = wait_for_job(_order(user, item), 900, worker)
        assert job.status == Job.FAILED, job.message
        assert "Site core: no flavor of the site has at least 512 vCPU, 512 MiB RAM and 1 GiB disk" in job.message, (
            job.message
        )
        assert _stacks_named(conn, _stack_name(job.pk, "vm-levels")) == []


@pytest.mark.django_db(transaction=True)
def test_etsi_vnf_created_with_ports_in_internal_if_ref_order_then_deleted(openstack_cloud, worker, tmp_path):
    """An IFA 011 VNFD (the ``etsi`` project type's way: ETSI -> TOSCA -> HOT) ordered on the
    core: its server is ACTIVE with the flavor its virtualComputeDesc asks for (1 vCPU, 2 GB),
    the image its swImageDesc names, and one port on each internal virtual link, ``eth0``'s
    (mgmt) first although the descriptor lists ``eth1``'s first; the subnets carry the
    descriptor's CIDRs. Deleting removes the stack, its networks and its ports."""
    from nfvo import pipeline, sites
    from nfvo.models import Job
    from nfvo.worker import wait_for_job
    from translators.translate import translate_descriptors

    _demo_cloud_site(openstack_cloud, tmp_path)
    translation = translate_descriptors({"os_vnf": _vnfd()}, sites.site_map())
    _, item = pipeline.publish_translation(translation)
    user = member("ana", "red")
    conn = openstack_cloud.connect()
    with _cleanup(conn, translation.name):
        job = wait_for_job(_order(user, item), 900, worker)
        assert job.status == Job.SUCCESSFUL, job.message
        name = _stack_name(job.pk, translation.name)
        stack = conn.orchestration.find_stack(name)
        assert stack.status == "CREATE_COMPLETE", (stack.status, stack.status_reason)
        servers = _servers(conn, stack)
        assert list(servers) == ["vm"] and len(servers["vm"]) == 1
        server = servers["vm"][0]
        assert server.status == "ACTIVE"
        flavor = conn.compute.find_flavor(server.flavor.name)
        assert (flavor.vcpus, flavor.ram) == (1, 2048), flavor
        assert conn.image.get_image(server.image.id).name == IMAGE
        networks = {n.id: n.name for n in conn.network.networks()}
        ports = [conn.network.get_port(i.port_id) for i in conn.compute.server_interfaces(server)]
        assert sorted(networks[p.network_id] for p in ports) == ["data_vl", "mgmt_vl"], ports
        # the NICs in the order the server was booted with (Nova's addresses keep it; its
        # interface list does not): eth0 = mgmt, eth1 = data
        assert list(server.addresses) == ["mgmt_vl", "data_vl"], server.addresses
        subnets = {networks[s.network_id]: s.cidr for s in conn.network.subnets() if s.network_id in networks}
        assert subnets["mgmt_vl"] == "10.60.0.0/24" and subnets["data_vl"] == "10.60.1.0/24"
        port_ids = {p.id for p in ports}
        _delete(user, job.instance_id, worker, conn, name)
        assert not {p.id for p in conn.network.ports()} & port_ids
        assert not {"mgmt_vl", "data_vl"} & {n.name for n in conn.network.networks()}


class _KubernetesAPI(BaseHTTPRequestHandler):
    """A Kubernetes API server that knows its resources (``/api``, ``/api/v1``, ``/apis``:
    discovery) and forbids everything else (403 with a Kubernetes ``Status``), recording each
    request as ``(method, path, Authorization header)`` in ``server.requests``."""

    RESOURCES = [
        {"name": "nodes", "singularName": "node", "namespaced": False, "kind": "Node", "verbs": ["get", "patch"]},
        {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace", "verbs": ["get"]},
    ]

    def _answer(self):
        self.server.requests.append((self.command, self.path, self.headers.get("Authorization", "")))
        path = self.path.split("?")[0]
        documents = {
            "/version": {"major": "1", "minor": "29", "gitVersion": "v1.29.0"},
            "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
            "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": []},
            "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": self.RESOURCES},
        }
        code, body = (200, documents[path]) if path in documents and self.command == "GET" else (403, None)
        if body is None:
            body = {
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Failure",
                "message": f"{path} is forbidden: the test API server allows nothing",
                "reason": "Forbidden",
                "code": 403,
            }
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PATCH = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args):
        pass


@contextmanager
def _kubernetes_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KubernetesAPI)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db(transaction=True)
def test_nested_vdu_parent_vm_name_reaches_the_kubernetes_site(openstack_cloud, worker, tmp_path):
    """A nested-VDU VNFD (pods nested in a VM) ordered on both sites: the core's stack creates
    the parent VM (ACTIVE, flavor m1.large for its 4 vCPU / 8 GB, the image given in the dialog,
    its node labels as Nova metadata) and outputs its server name (``rdcl_node_edge_vm``); the
    edge site's play, which runs after it, asks the Kubernetes API for the node of that very
    name (the API here forbids everything, so the job then fails at the edge, naming it)."""
    from nfvo import pipeline, sites
    from nfvo.models import Job, Site
    from nfvo.worker import wait_for_job
    from translators.translate import translate_descriptors

    from .test_translators_etsi import NESTED, _load

    _demo_cloud_site(openstack_cloud, tmp_path)
    translation = translate_descriptors({"edge_vnfd": _load(NESTED)["edge_vnfd"]}, sites.site_map())
    _, item = pipeline.publish_translation(translation)
    user = member("ana", "red")
    conn = openstack_cloud.connect()
    with _cleanup(conn, translation.name), _kubernetes_api() as api:
        edge = Site.objects.get(name="edge")
        edge.connection = {**edge.connection, "k8s_host": f"http://127.0.0.1:{api.server_port}"}
        edge.set_credential("k8s_api_key", "edge-token-5e1f")
        edge.save()
        job = wait_for_job(_order(user, item, {"edge_vm_image": DEMO_IMAGE}, limit=""), 900, worker)
        assert job.result["sites"]["core"]["status"] == "ok", job.message
        name = _stack_name(job.pk, translation.name)
        stack = conn.orchestration.find_stack(name)
        assert stack.status == "CREATE_COMPLETE", (stack.status, stack.status_reason)
        server = _servers(conn, stack)["edge_vm"][0]
        assert server.status == "ACTIVE" and server.flavor.name == "m1.large"
        assert conn.image.get_image(server.image.id).name == DEMO_IMAGE
        assert server.metadata["nfvo.rdcl.io:vdu"] == "edge-edge-vm"
        outputs = {o["output_key"]: o["output_value"] for o in stack.outputs}
        assert outputs["rdcl_node_edge_vm"] == server.name
        asked = {(path.split("?")[0], auth) for _, path, auth in api.requests if path.startswith("/api/v1/nodes/")}
        assert asked == {(f"/api/v1/nodes/{server.name}", "Bearer edge-token-5e1f")}, (api.requests, job.message)
        assert job.status == Job.FAILED and job.result["sites"]["edge"]["status"] == "failed"
        assert job.message.startswith("edge: Apply | label the parent VMs' nodes: ") and "Forbidden" in job.message, (
            job.message
        )
        _delete(user, job.instance_id, worker, conn, name)


def _wait(predicate, timeout=300.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"{what} not met in {timeout} s")


def _demo_servers_active(conn, stack) -> None:
    """``stack`` holds the demo core's four servers, one each, ACTIVE."""
    servers = _servers(conn, stack)
    assert {k: len(v) for k, v in servers.items()} == {vdu: 1 for vdu in DEMO_VDUS}, servers
    assert {s[0].status for s in servers.values()} == {"ACTIVE"}
    mine = [s for s in conn.compute.servers() if s.name.startswith(stack.name + "-")]
    assert len(mine) == len(DEMO_VDUS), [s.name for s in mine]  # no stray server of a second create


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_cancel_during_create_then_apply_again_and_delete(openstack_cloud, worker, tmp_path):
    """The demo's core site ordered, and the job canceled once Heat has the stack: the job ends
    canceled and the instance needs attention, while Heat still holds the stack. The next
    operations handle it: the create run again (retry) converges on that stack (one stack of the
    name, the four servers ACTIVE), and delete removes it, twice."""
    from nfvo import pipeline
    from nfvo.models import Job
    from nfvo.worker import wait_for_job

    _demo_cloud_site(openstack_cloud, tmp_path)
    _, _, item = pipeline.publish_descriptor(EXAMPLE)
    user = member("ana", "red")
    conn = openstack_cloud.connect()
    with _cleanup(conn, "epc-cran-mec"):
        job_id = _order(user, item)
        name = _stack_name(job_id, "epc-cran-mec")
        first = _wait(lambda: conn.orchestration.find_stack(name), what="Heat has the stack")
        canceled = api_client(user).post(f"/api/jobs/{job_id}/cancel/")
        assert canceled.status_code == 200, canceled.content
        job = wait_for_job(job_id, 300, worker)
        assert job.status == Job.CANCELED and "canceled" in job.message, (job.status, job.message)
        job.instance.refresh_from_db()
        assert job.instance.state == "needs_attention"
        assert [s.id for s in _stacks_named(conn, name)] == [first.id]
        retried = api_client(user).post(f"/api/jobs/{job_id}/retry/")
        assert retried.status_code == 201, retried.content
        again = wait_for_job(retried.json()["id"], 900, worker)
        assert again.status == Job.SUCCESSFUL, again.message
        assert [s.id for s in _stacks_named(conn, name)] == [first.id]  # the same stack, not a second one
        stack = conn.orchestration.get_stack(first.id)
        assert stack.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), (stack.status, stack.status_reason)
        _demo_servers_active(conn, stack)
        _delete(user, job.instance_id, worker, conn, name)


def _own_worker(tmp_path, queue: str, name: str):
    """A Celery worker of its own on ``queue``, reaping every second (the SIGKILL test kills it)."""
    from django.conf import settings

    from nfvo.worker import celery_worker

    env = {
        "DATABASE_URL": "sqlite:///" + settings.DATABASES["default"]["NAME"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RDCL_REAP_INTERVAL": "1",
    }
    return celery_worker(env=env, log_file=tmp_path / f"{name}.log", name=name, queues=queue)


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_create_ends_in_error_and_retry_adopts_the_stack(openstack_cloud, tmp_path):
    """The demo's core site ordered, and the worker running the job killed (SIGKILL) once Heat
    has the stack: the reaper of the next worker ends the job ``error`` (the worker died) and
    the instance needs attention; the retry converges on the stack Heat already holds (adopted,
    not created twice): one stack of that name, four ACTIVE servers, the instance active.
    Then deleted."""
    from nfvo import pipeline
    from nfvo.models import Job
    from nfvo.worker import wait_for_job

    _demo_cloud_site(openstack_cloud, tmp_path)
    _, _, item = pipeline.publish_descriptor(EXAMPLE)
    item.queue = f"os-kill-{os.getpid()}"
    item.save(update_fields=["queue"])
    user = member("ana", "red")
    conn = openstack_cloud.connect()
    with _cleanup(conn, "epc-cran-mec"):
        job_id = _order(user, item)
        name = _stack_name(job_id, "epc-cran-mec")
        with _own_worker(tmp_path, item.queue, "doomed") as doomed:
            first = _wait(lambda: conn.orchestration.find_stack(name), what="Heat has the stack")
            assert Job.objects.get(pk=job_id).status == Job.RUNNING
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait()
        assert Job.objects.get(pk=job_id).status == Job.RUNNING  # nobody knows yet
        with _own_worker(tmp_path, item.queue, "next") as nxt:
            _wait(lambda: Job.objects.get(pk=job_id).status == Job.ERROR, 120, "the reaper ends the job")
            job = Job.objects.get(pk=job_id)
            assert "died mid-job" in job.message, job.message
            job.instance.refresh_from_db()
            assert job.instance.state == "needs_attention"
            retried = api_client(user).post(f"/api/jobs/{job_id}/retry/")
            assert retried.status_code == 201, retried.content
            again = wait_for_job(retried.json()["id"], 900, nxt)
            assert again.status == Job.SUCCESSFUL, again.message
            assert [s.id for s in _stacks_named(conn, name)] == [first.id]  # adopted, not a second stack
            stack = conn.orchestration.get_stack(first.id)
            assert stack.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), (stack.status, stack.status_reason)
            _demo_servers_active(conn, stack)
            again.instance.refresh_from_db()
            assert again.instance.state == "active"
            _delete(user, job.instance_id, nxt, conn, name)
