"""OpenShift on OpenStack up to the installer, on the real control plane (fixture ``openstack_cloud``).

The catalogue item ``openshift-on-openstack`` is published to a bare git repository and its
orders run on a real Celery worker with ansible-runner, as the member user of the cloud (the
order's OpenStack site carries the cloud's Keystone URL and either the member's password or an
application credential the member created, each stored encrypted). What runs for real: the
``create`` order up to the installer (the endpoint check, ``install-config.yaml`` written into
the cluster's state folder, then it stops naming ``openshift-install``), ``provision`` (the
cluster's Heat stack: network, router, security groups, API/ingress ports and floating IPs,
server groups, control plane, infra, VM workers, bare-metal workers on their flavor, Kuryr
trunk ports), ``scale`` (a stack update of the pools' counts) and ``delete`` (the stack and
everything in it). Nova's ``fake.FakeDriver`` runs the machines: nothing boots, so no
bootstrap, certificate approval or API check can follow (no installer, no Kubernetes API).

The flavors, the RHCOS image name and the external network are the cloud's, created here as
admin; the orders run as the member.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.fixtures.openstack import IMAGE

pytestmark = [
    pytest.mark.integration,
    pytest.mark.openstack,
    pytest.mark.openshift,
    pytest.mark.django_db(transaction=True),
]

EXTERNAL = "rdcl-public"
RHCOS = IMAGE  # the fixture's image stands in for RHCOS (the machines never boot)
#: name -> (vcpus, RAM MiB, disk GiB). Small: the member's default quota is 50 GiB of RAM and
#: 20 cores. ``ocp.huge`` asks for more RAM than that quota allows.
FLAVORS = {
    "ocp.master": (2, 1024, 10),
    "ocp.worker": (1, 512, 10),
    "ocp.baremetal": (2, 2048, 20),
    "ocp.huge": (4, 60000, 20),
}
PULL_MARK = "cGxhbnRlZC1wdWxsLXNlY3JldC1vcy1zaGlmdA"  # planted: must never show up in what a job keeps
SSH_MARK = "AAAAC3NzaC1lZDI1NTE5AAAAIOsShiftPlantedKey"
PULL_SECRET = json.dumps({"auths": {"registry.example.com": {"auth": PULL_MARK, "email": "a@example.com"}}})
SSH_KEY = f"ssh-ed25519 {SSH_MARK}000000000000000000000000 planted@test"
TIMEOUT = 1500  # seconds for one job: stacks of a dozen resources take minutes on a loaded machine
#: Seconds for one test (pytest-timeout; pytest.ini's 900 counts the control plane's start too).
TEST_TIMEOUT = 3600


@pytest.fixture
def cloud(openstack_cloud):
    """The control plane with what the item needs, created as admin (idempotent): the
    external network (flat, ``router:external``), the flavors of :data:`FLAVORS`."""
    admin = openstack_cloud.connect("admin")
    if admin.network.find_network(EXTERNAL) is None:
        net = admin.network.create_network(
            name=EXTERNAL,
            is_router_external=True,
            provider_network_type="flat",
            provider_physical_network="physnet1",
        )
        admin.network.create_subnet(
            name=EXTERNAL, network_id=net.id, cidr="172.24.4.0/24", ip_version=4, is_dhcp_enabled=False
        )
    for name, (vcpus, ram, disk) in FLAVORS.items():
        if admin.compute.find_flavor(name) is None:
            admin.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk, is_public=True)
    return openstack_cloud


def _site(cloud, name: str, tmp_path: Path, app_credential: dict | None = None):
    """OpenStack site ``name`` on the control plane as the member user: the password, or
    ``app_credential`` (``{"id", "secret"}``), stored as an encrypted credential."""
    from nfvo.models import Site

    auth = cloud.cloud()["auth"]
    connection = {
        "os_auth_url": auth["auth_url"],
        "os_cloud": name,
        "os_region_name": "RegionOne",
        "openshift_state_dir": str(tmp_path / "state"),
        "ansible_python_interpreter": sys.executable,
    }
    if app_credential:
        connection["os_application_credential_id"] = app_credential["id"]
    else:
        connection.update(
            os_username=auth["username"],
            os_project_name=auth["project_name"],
            os_user_domain_name="Default",
            os_project_domain_name="Default",
        )
    site = Site(name=name, kind="openstack", connection=connection)
    if app_credential:
        site.set_credential("os_application_credential_secret", app_credential["secret"])
    else:
        site.set_credential("os_password", auth["password"])
    site.save()
    return site


def _item(tmp_path: Path):
    from nfvo.openshift import catalogue
    from translators.git_push import init_remote

    return catalogue.publish_item(init_remote(tmp_path / "services.git"), tmp_path / "work")


def _values(name: str, site: str, **overrides) -> dict:
    return {
        "cluster_name": name,
        "base_domain": "example.com",
        "openstack_site": site,
        "external_network": EXTERNAL,
        "rhcos_image": RHCOS,
        "master_flavor": "ocp.master",
        "infra_flavor": "ocp.worker",
        "worker_flavor": "ocp.worker",
        "baremetal_flavor": "ocp.baremetal",
        "master_count": 1,
        "infra_count": 1,
        "worker_count": 1,
        "pull_secret": PULL_SECRET,
        "ssh_public_key": SSH_KEY,
        **overrides,
    }


def _wait(job, worker):
    from nfvo.worker import wait_for_job

    return wait_for_job(job.pk, TIMEOUT, worker)


def _ok(job):
    from nfvo.models import Job

    assert job.status == Job.SUCCESSFUL, (job.operation, job.status, job.message)
    return job


def _servers(conn, cluster: str) -> dict:
    """``{name: server}`` of the cluster's machines (names ``<cluster>-<role>-<index>``)."""
    return {s.name: conn.compute.get_server(s.id) for s in conn.compute.servers() if s.name.startswith(f"{cluster}-")}


def _leftovers(conn, cluster: str) -> dict:
    """What of the cluster is still on the cloud, by kind (empty lists when it is all gone)."""
    prefix = f"{cluster}-"
    return {
        "servers": [s.name for s in conn.compute.servers() if s.name.startswith(prefix)],
        "ports": [p.name for p in conn.network.ports() if p.name.startswith(prefix)],
        "networks": [n.name for n in conn.network.networks() if n.name.startswith(prefix)],
        "routers": [r.name for r in conn.network.routers() if r.name.startswith(prefix)],
        "server groups": [g.name for g in conn.compute.server_groups() if g.name.startswith(prefix)],
        "trunks": [t.name for t in conn.network.trunks() if t.name.startswith(prefix)],
        "security groups": [g.name for g in conn.network.security_groups() if g.name.startswith(prefix)],
    }


def _fips(conn) -> set[str]:
    """The project's floating IPs (Heat gives them no name: compared before and after)."""
    return {f.id for f in conn.network.ips(project_id=conn.current_project_id)}


def _assert_no_secret(job, worker, secrets: tuple[str, ...]) -> None:
    """None of ``secrets`` in the job's events, message, result, inventory, private data folder
    (while it exists) or the worker's log."""
    from django.conf import settings

    from nfvo.models import JobEvent

    texts = {
        "events": "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True)),
        "message": job.message,
        "result": json.dumps(job.result),
        "inventory": json.dumps(job.inventory),
        "worker log": Path(worker.log_file).read_text(errors="replace"),
    }
    for path in (Path(settings.RDCL_JOBS_DIR) / str(job.pk)).rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            texts[str(path)] = path.read_text(errors="replace")
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"job {job.pk} ({job.operation}): a secret is in the {where}"


@pytest.mark.timeout(TEST_TIMEOUT)
def test_cluster_with_baremetal_workers_up_to_the_installer_then_provisioned_scaled_destroyed(cloud, worker, tmp_path):
    """1 control plane, 1 infra, 1 VM worker, 1 bare-metal worker, as the member user with its
    password: the create order stops naming openshift-install (its install-config is in the
    state folder, no stack yet); ``provision`` creates the stack (CREATE_COMPLETE: each machine
    ACTIVE with its pool's flavor, on the cluster's network through its own port, the pools in
    their soft-anti-affinity server groups, API and ingress VIPs behind floating IPs); ``scale``
    to 2 VM workers and no bare-metal worker updates it (UPDATE_COMPLETE, counts right);
    ``delete`` removes every resource and empties the state folder. No secret in what the jobs keep."""
    from nfvo import services
    from nfvo.models import Job, JobEvent

    _site(cloud, "osp", tmp_path)
    item = _item(tmp_path)
    conn = cloud.connect()
    name = "ocpbm"
    ordered = _wait(services.order(item, _values(name, "osp", baremetal_worker_count=1)), worker)
    assert ordered.status == Job.FAILED, ordered.message
    assets = tmp_path / "state" / f"{name}.example.com"
    assert "openshift-install was not found on the worker" in ordered.message, ordered.message
    assert f"install-config.yaml for {name}.example.com is in {assets}" in " ".join(ordered.message.split())
    assert (assets / "install-config.yaml").is_file()
    assert conn.orchestration.find_stack(name) is None
    secrets = (cloud.password, PULL_MARK, SSH_MARK)
    _assert_no_secret(ordered, worker, secrets)
    instance = ordered.instance
    fips_before = _fips(conn)

    provisioned = _ok(_wait(services.operate(instance, "provision"), worker))
    stack = conn.orchestration.find_stack(name)
    assert stack is not None and stack.status == "CREATE_COMPLETE", (stack.status, stack.status_reason)
    servers = _servers(conn, name)
    expected = {
        f"{name}-master-0": "ocp.master",
        f"{name}-infra-0": "ocp.worker",
        f"{name}-worker-0": "ocp.worker",
        f"{name}-baremetal-worker-0": "ocp.baremetal",
    }
    assert {n: s.flavor.name for n, s in servers.items()} == expected
    assert {s.status for s in servers.values()} == {"ACTIVE"}, {n: (s.status, s.fault) for n, s in servers.items()}
    for server_name, server in servers.items():
        ports = list(conn.network.ports(device_id=server.id))
        assert [p.name for p in ports] == [f"{server_name}-port"], ports
        assert list(server.addresses) == [f"{name}-network"], server.addresses
        assert server.metadata["openshiftClusterID"] == name
    groups = {g.name: g for g in conn.compute.server_groups() if g.name.startswith(f"{name}-")}
    assert set(groups) == {f"{name}-masters", f"{name}-infra", f"{name}-workers"}
    assert {tuple(g.policies or [g.policy]) for g in groups.values()} == {("soft-anti-affinity",)}
    assert groups[f"{name}-masters"].member_ids == [servers[f"{name}-master-0"].id]
    assert groups[f"{name}-workers"].member_ids == [servers[f"{name}-worker-0"].id]
    vips = {p.name: p for p in conn.network.ports() if p.name in (f"{name}-api-port", f"{name}-ingress-port")}
    assert {n: p.fixed_ips[0]["ip_address"] for n, p in vips.items()} == {
        f"{name}-api-port": "10.0.0.5",
        f"{name}-ingress-port": "10.0.0.7",
    }
    fips = {f.port_id: f.floating_ip_address for f in conn.network.ips() if f.port_id in {p.id for p in vips.values()}}
    assert len(fips) == 2, fips
    events = "\n".join(JobEvent.objects.filter(job=provisioned).values_list("stdout", flat=True))
    api_fip = fips[vips[f"{name}-api-port"].id]
    assert f"api.{name}.example.com -> {api_fip}" in events, events[-3000:]
    _assert_no_secret(provisioned, worker, secrets)

    scaled = _ok(
        _wait(services.operate(instance, "scale", extra={"worker_count": 2, "baremetal_worker_count": 0}), worker)
    )
    stack = conn.orchestration.find_stack(name)
    assert stack.status == "UPDATE_COMPLETE", (stack.status, stack.status_reason)
    after = _servers(conn, name)
    assert sorted(after) == sorted([f"{name}-master-0", f"{name}-infra-0", f"{name}-worker-0", f"{name}-worker-1"])
    assert after[f"{name}-worker-0"].id == servers[f"{name}-worker-0"].id  # kept, not replaced
    assert {s.status for s in after.values()} == {"ACTIVE"}
    parameters = conn.orchestration.get_stack(stack.id).parameters
    assert (parameters["worker_count"], parameters["baremetal_worker_count"]) == ("2", "0"), parameters
    _assert_no_secret(scaled, worker, secrets)

    deleted = _ok(_wait(services.operate(instance, "delete"), worker))
    assert conn.orchestration.find_stack(name) is None
    assert not any(_leftovers(conn, name).values()), _leftovers(conn, name)
    assert not any(assets.iterdir()) and _fips(conn) == fips_before
    _assert_no_secret(deleted, worker, secrets)


@pytest.mark.timeout(TEST_TIMEOUT)
def test_kuryr_cluster_on_trunk_ports(cloud, worker, tmp_path):
    """A Kuryr cluster (OpenShift 4.14, 1 control plane, 1 VM worker): ``provision`` creates
    each machine on a trunk (its port the trunk's parent: Neutron's trunk plugin), ``delete``
    removes the trunks with the rest."""
    from nfvo import services

    _site(cloud, "osp", tmp_path)
    item = _item(tmp_path)
    conn = cloud.connect()
    name = "ocpk"
    values = _values(
        name, "osp", network_type="Kuryr", openshift_version="4.14", infra_count=0, machine_cidr="10.1.0.0/16"
    )
    planned = _ok(_wait(services.order(item, values, mode="plan"), worker))
    fips_before = _fips(conn)
    _ok(_wait(services.operate(planned.instance, "provision"), worker))
    stack = conn.orchestration.find_stack(name)
    assert stack is not None and stack.status == "CREATE_COMPLETE", (stack.status, stack.status_reason)
    servers = _servers(conn, name)
    assert set(servers) == {f"{name}-master-0", f"{name}-worker-0"}
    trunks = {t.name: t for t in conn.network.trunks() if t.name.startswith(f"{name}-")}
    assert set(trunks) == {f"{name}-master-0-trunk", f"{name}-worker-0-trunk"}
    for server_name, server in servers.items():
        (port,) = conn.network.ports(device_id=server.id)
        assert trunks[f"{server_name}-trunk"].port_id == port.id
    _ok(_wait(services.operate(planned.instance, "delete"), worker))
    assert conn.orchestration.find_stack(name) is None
    assert not any(_leftovers(conn, name).values()), _leftovers(conn, name)
    assert _fips(conn) == fips_before


@pytest.mark.timeout(TEST_TIMEOUT)
def test_a_site_with_an_application_credential(cloud, worker, tmp_path):
    """A site whose only secret is an application credential the member created in Keystone:
    its run's own clouds.yaml authenticates the ``delete`` of a cluster (Heat and Glance
    answer the member's project: the job succeeds), while the same site with a wrong secret
    fails with Keystone's 401. Heat cannot create a stack with it: Keystone refuses the trust
    Heat makes for every stack to an application credential's token ("Delegated tokens cannot
    manage trusts", Heat answers 500); the job says so. The secret is in nothing a job keeps."""
    from nfvo import services
    from nfvo.models import Job, Site

    member = cloud.connect()
    created = member.identity.create_application_credential(
        user=member.current_user_id, name=f"rdcl-ocp-{tmp_path.name}"[:64]
    )
    try:
        _site(cloud, "ospapp", tmp_path, {"id": created.id, "secret": created.secret})
        item = _item(tmp_path)
        planned = _ok(_wait(services.order(item, _values("ocpapp", "ospapp"), mode="plan"), worker))
        secrets = (created.secret, PULL_MARK, SSH_MARK)
        deleted = _ok(_wait(services.operate(planned.instance, "delete"), worker))
        _assert_no_secret(deleted, worker, secrets)

        refused = _wait(services.operate(planned.instance, "provision"), worker)
        assert refused.status == Job.FAILED
        message = " ".join(refused.message.split())
        assert "Site ospapp: stack ocpapp failed" in message and "application credential" in message, message
        assert member.orchestration.find_stack("ocpapp") is None
        _assert_no_secret(refused, worker, secrets)

        site = Site.objects.get(name="ospapp")
        site.set_credential("os_application_credential_secret", "not-the-secret-" + created.secret[:8])
        site.save()
        wrong = _wait(services.operate(planned.instance, "delete"), worker)
        assert wrong.status == Job.FAILED
        assert "401" in wrong.message or "authenticate" in wrong.message.lower(), wrong.message
    finally:
        member.identity.delete_application_credential(member.current_user_id, created.id)


@pytest.mark.timeout(TEST_TIMEOUT)
def test_a_stack_heat_fails_fails_the_provision_with_heats_reason(cloud, worker, tmp_path):
    """A control plane on a flavor bigger than the member's RAM quota: Heat leaves the stack
    CREATE_FAILED (``openstack.cloud.stack`` itself reports ok); the provision job fails naming
    the site, the stack's status and Heat's reason. ``delete`` then removes what was created."""
    from nfvo import services
    from nfvo.models import Job

    _site(cloud, "osp", tmp_path)
    item = _item(tmp_path)
    conn = cloud.connect()
    name = "ocpquota"
    values = _values(name, "osp", master_flavor="ocp.huge", infra_count=0, worker_count=0, machine_cidr="10.2.0.0/16")
    planned = _ok(_wait(services.order(item, values, mode="plan"), worker))
    failed = _wait(services.operate(planned.instance, "provision"), worker)
    assert failed.status == Job.FAILED
    message = " ".join(failed.message.split())
    assert f"Site osp: stack {name} is CREATE_FAILED" in message, failed.message
    assert "Quota exceeded for ram" in message, failed.message
    _ok(_wait(services.operate(planned.instance, "delete"), worker))
    assert conn.orchestration.find_stack(name) is None
    assert not any(_leftovers(conn, name).values()), _leftovers(conn, name)
