"""OpenShift on OpenStack as a catalogue item (pytest -m openshift).

Plan-mode orders run for real: the item is published to a bare git repository, each
order commits its cluster's definition, and a real Celery worker runs the playbooks
with ansible-runner in check mode. Apply runs against an OpenStack site on a closed
loopback port and must fail naming the endpoint. No OpenStack, no installer here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest
import yaml

from nfvo import dialog, runner, services
from nfvo.dialog import DialogError
from nfvo.models import Job, JobEvent, Order, ServiceInstance, Site
from nfvo.openshift import catalogue, cluster, files, plan, sites
from nfvo.worker import celery_worker, wait_for_job
from tests.fixtures.redis_server import free_port
from translators import git_push
from translators.git_push import init_remote
from translators.validate import hot_problems

from .helpers import LINT_CONFIG, assert_lint_passes

pytestmark = [pytest.mark.openshift, pytest.mark.django_db(transaction=True)]

BIN = Path(sys.executable).parent
QUEUE = f"openshift-{os.getpid()}"
IDLE = f"openshift-idle-{os.getpid()}"  # no worker listens: jobs ordered there stay pending
SITE = "osp"
FOLDER = catalogue.FOLDER
PULL_MARK = "cGxhbnRlZC1wdWxsLXNlY3JldC05ZjNh"  # planted: must never show up anywhere
SSH_MARK = "AAAAC3NzaC1lZDI1NTE5AAAAIPlantedSshKey"
PULL_SECRET = json.dumps({"auths": {"registry.example.com": {"auth": PULL_MARK, "email": "a@example.com"}}})
SSH_KEY = f"ssh-ed25519 {SSH_MARK}0000000000000000000000000000 planted@test"
SECRETS = (PULL_MARK, SSH_MARK)


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """A Celery worker on this module's queue; ``CELERY_WORKER_INCLUDE`` (the worker's
    ``--include``) imports nfvo.openshift, whatever nfvo/apps.py does."""
    from django.conf import settings

    from config import database

    log = tmp_path_factory.mktemp("openshift-worker") / "worker.log"
    env = {
        "DATABASE_URL": database.to_url(settings.DATABASES["default"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CELERY_WORKER_INCLUDE": "nfvo.openshift",
    }
    with celery_worker(env=env, log_file=log, name="openshift", queues=QUEUE) as proc:
        proc.log_file = log
        yield proc


@pytest.fixture
def closed_port():
    return free_port("127.0.0.1")


@pytest.fixture
def item(tmp_path, closed_port, request):
    """The published item and an OpenStack site nobody answers for; its jobs go to the
    module's worker when the test uses it, else to a queue nobody listens on."""
    Site.objects.create(
        name=SITE,
        kind="openstack",
        connection={
            "os_auth_url": f"http://127.0.0.1:{closed_port}/v3",
            "os_cloud": "osp-cloud",
            "openshift_state_dir": str(tmp_path / "state"),
        },
    )
    queue = QUEUE if "worker" in request.fixturenames else IDLE
    made = catalogue.publish_item(init_remote(tmp_path / "services.git"), tmp_path / "work", queue=queue)
    made.endpoint = f"http://127.0.0.1:{closed_port}/v3"
    return made


def _values(**overrides) -> dict:
    return {
        "cluster_name": "ocp1",
        "base_domain": "example.com",
        "openstack_site": SITE,
        "pull_secret": PULL_SECRET,
        "ssh_public_key": SSH_KEY,
        **overrides,
    }


def _eventually(predicate, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _run(job, worker, timeout=180):
    return wait_for_job(job.pk, timeout, worker)


def _site(job) -> dict:
    assert job.status == Job.SUCCESSFUL, job.message
    return job.result["sites"][SITE]


def _servers(report, role=None) -> list[dict]:
    return [r for r in report["creates"] if r["type"] == "OS::Nova::Server" and role in (None, r["role"])]


def _of_type(report, kind: str) -> list[dict]:
    return [r for r in report["creates"] if r["type"] == kind]


def _committed(job, path: str) -> str:
    """A file of the item's folder at the job's commit, from a fresh clone of the bare repository."""
    clone = Path(job.repository).parent / f"clone-{job.pk}"
    if not clone.exists():
        git.Repo.clone_from(job.repository, clone).git.checkout(job.commit)
    return (clone / FOLDER / path).read_text()


def _assert_no_secret(job, worker):
    """Neither planted secret in the job's events, result, message, inventory, private
    data folder, the worker's log, or anywhere in the repository's history."""
    from django.conf import settings

    texts = {
        "events": "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True)),
        "result": json.dumps(job.result),
        "message": job.message,
        "inventory": json.dumps(job.inventory),
        "worker log": worker.log_file.read_text(errors="replace"),
        "git": git.Repo(job.repository).git.log("-p", "--all"),
    }
    job_dir = Path(settings.RDCL_JOBS_DIR) / str(job.pk)
    for path in job_dir.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            texts[str(path)] = path.read_text(errors="replace")
    for where, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"a planted secret is in the {where}"


# -- plan-mode orders with a real worker ----------------------------------------------


@pytest.mark.integration
def test_plan_1_master_1_infra_5_workers_ovn(item, worker):
    job = _run(services.order(item, _values(), mode="plan"), worker)
    report = _site(job)
    assert report["kind"] == "openstack" and report["stack"] == "ocp1" and report["network_type"] == "OVNKubernetes"
    assert {k: report["counts"][k] for k in ("masters", "infra", "workers", "baremetal_workers")} == {
        "masters": 1,
        "infra": 1,
        "workers": 5,
        "baremetal_workers": 0,
    }
    assert [s["name"] for s in _servers(report, "master")] == ["ocp1-master-0"]
    assert [s["name"] for s in _servers(report, "infra")] == ["ocp1-infra-0"]
    assert [s["name"] for s in _servers(report, "worker")] == [f"ocp1-worker-{i}" for i in range(5)]
    assert [s["name"] for s in _servers(report, "bootstrap")] == ["ocp1-bootstrap"]
    assert {s["flavor"] for s in _servers(report, "master")} == {"m1.xlarge"}
    assert {s["flavor"] for s in _servers(report, "worker")} == {"m1.large"}
    assert {s["network"] for s in _servers(report)} == {"ocp1-network"}
    assert {s["group"] for s in _servers(report, "worker")} == {"ocp1-workers"}
    assert report["counts"]["servers"] == 8 and report["counts"]["ports"] == 8 + 2
    assert [f["name"] for f in _of_type(report, "OS::Neutron::FloatingIP")] == [
        "ocp1-api-fip",
        "ocp1-ingress-fip",
        "ocp1-bootstrap-fip",
    ]
    assert {p["fixed_ip"] for p in _of_type(report, "OS::Neutron::Port") if "fixed_ip" in p} == {"10.0.0.5", "10.0.0.7"}
    assert _of_type(report, "OS::Neutron::Router")[0]["external_network"] == "public"
    assert report["kuryr"] is None and not _of_type(report, "OS::Neutron::Trunk")
    assert report["registers_site"]["k8s_host"] == "https://api.ocp1.example.com:6443"
    stdout = "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True))
    assert "would create stack ocp1" in stdout and "ocp1-worker-4" in stdout

    install_config = yaml.safe_load(_committed(job, "clusters/ocp1/install-config.yaml"))
    assert install_config["pullSecret"].startswith("<pull_secret") and install_config["sshKey"].startswith("<ssh")
    assert install_config["controlPlane"]["replicas"] == 1 and install_config["compute"][0]["replicas"] == 0
    assert install_config["platform"]["openstack"]["cloud"] == "osp-cloud"
    assert install_config["platform"]["openstack"]["apiVIPs"] == ["10.0.0.5"]
    assert not hot_problems(_committed(job, "clusters/ocp1/stack.yaml"))
    params = yaml.safe_load(_committed(job, "clusters/ocp1/parameters.yaml"))["parameters"]
    assert params["worker_count"] == 5 and params["worker_flavor"] == "m1.large"
    inventory = yaml.safe_load(_committed(job, "clusters/ocp1/inventory.yml"))["all"]["children"]
    assert sorted(inventory["workers"]["hosts"]) == [f"ocp1-worker-{i}" for i in range(5)]
    assert "ocp1.example.com" in git.Repo(job.repository).commit(job.commit).message
    _assert_no_secret(job, worker)


@pytest.mark.integration
def test_plan_3_masters_2_vm_workers_2_baremetal(item, worker):
    values = _values(
        cluster_name="metal",
        master_count=3,
        infra_count=0,
        worker_count=2,
        baremetal_worker_count=2,
        baremetal_flavor="bm.large",
        baremetal_network="ironic-provisioning",
        worker_flavor="m1.2xlarge",
    )
    job = _run(services.order(item, values, mode="plan"), worker)
    report = _site(job)
    assert [s["name"] for s in _servers(report, "master")] == ["metal-master-0", "metal-master-1", "metal-master-2"]
    assert _servers(report, "infra") == []
    assert [s["name"] for s in _servers(report, "worker")] == ["metal-worker-0", "metal-worker-1"]
    metal = _servers(report, "baremetal-worker")
    assert [s["name"] for s in metal] == ["metal-baremetal-worker-0", "metal-baremetal-worker-1"]
    assert all(
        s["baremetal"] and s["flavor"] == "bm.large" and s["network"] == "ironic-provisioning" and s["group"] == ""
        for s in metal
    )
    assert {s["flavor"] for s in _servers(report, "worker")} == {"m1.2xlarge"}
    assert not any(s["baremetal"] for s in _servers(report) if s["role"] != "baremetal-worker")
    bm_ports = [p for p in _of_type(report, "OS::Neutron::Port") if p["name"].startswith("metal-baremetal")]
    assert {p["network"] for p in bm_ports} == {"ironic-provisioning"} and len(bm_ports) == 2
    assert report["counts"]["servers"] == 1 + 3 + 2 + 2
    stack = yaml.safe_load(_committed(job, "clusters/metal/stack.yaml"))
    assert (
        stack["resources"]["baremetal_workers"]["properties"]["resource_def"]["properties"]["network"]
        == "ironic-provisioning"
    )
    params = yaml.safe_load(_committed(job, "clusters/metal/parameters.yaml"))["parameters"]
    assert params["baremetal_worker_count"] == 2 and params["baremetal_flavor"] == "bm.large"
    _assert_no_secret(job, worker)


@pytest.mark.integration
def test_plan_kuryr_pools_and_trunks(item, worker):
    values = _values(
        cluster_name="kuryr",
        openshift_version="4.14",
        network_type="Kuryr",
        worker_count=2,
        kuryr_pool_min=2,
        kuryr_pool_max=20,
        kuryr_pool_batch=5,
        kuryr_prepopulate=True,
    )
    job = _run(services.order(item, values, mode="plan"), worker)
    report = _site(job)
    assert report["network_type"] == "Kuryr"
    assert report["kuryr"] == {
        "pool_driver": "nested",
        "pool_min": 2,
        "pool_max": 20,
        "pool_batch": 5,
        "prepopulate": True,
    }
    trunks = _of_type(report, "OS::Neutron::Trunk")
    assert [t["name"] for t in trunks] == [
        "kuryr-master-0-trunk",
        "kuryr-infra-0-trunk",
        "kuryr-worker-0-trunk",
        "kuryr-worker-1-trunk",
    ]
    assert {t["ports_pool_driver"] for t in trunks} == {"nested"}
    manifest = yaml.safe_load(_committed(job, "clusters/kuryr/manifests/cluster-network-03-config.yml"))
    assert manifest["spec"]["defaultNetwork"]["kuryrConfig"] == {
        "enablePortPoolsPrepopulation": True,
        "poolMinPorts": 2,
        "poolMaxPorts": 20,
        "poolBatchPorts": 5,
    }
    assert yaml.safe_load(_committed(job, "clusters/kuryr/install-config.yaml"))["networking"]["networkType"] == "Kuryr"
    assert "node_trunk.yaml" in _committed(job, "clusters/kuryr/stack.yaml")
    inventory = yaml.safe_load(_committed(job, "clusters/kuryr/inventory.yml"))["all"]["vars"]
    assert inventory["kuryr_openstack_pool_driver"] == "nested" and inventory["kuryr_openstack_pool_batch"] == 5
    stdout = "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True))
    assert "Kuryr ports pool nested, min 2, max 20, batch 5" in stdout
    _assert_no_secret(job, worker)


@pytest.mark.integration
def test_scale_from_5_to_7_workers_and_back(item, worker):
    created = _run(services.order(item, _values(), mode="plan"), worker)
    assert created.status == Job.SUCCESSFUL, created.message
    up = _run(services.operate(created.instance, "scale", mode="plan", extra={"worker_count": 7}), worker)
    report = _site(up)
    assert up.playbook == "scale.yml" and up.commit == created.commit
    assert [s["name"] for s in _servers(report, "worker")] == [f"ocp1-worker-{i}" for i in range(7)]
    assert report["changes"] == {
        "worker_count": {"ordered": 5, "now": 7, "add": ["ocp1-worker-5", "ocp1-worker-6"], "remove": []}
    }
    stdout = "\n".join(JobEvent.objects.filter(job=up).values_list("stdout", flat=True))
    assert "workers 5 ordered -> 7" in stdout and "ocp1-worker-6" in stdout
    back = _run(services.operate(created.instance, "scale", mode="plan", extra={"worker_count": 5}), worker)
    report = _site(back)
    assert [s["name"] for s in _servers(report, "worker")] == [f"ocp1-worker-{i}" for i in range(5)]
    assert report["changes"] == {}
    down = _run(services.operate(created.instance, "scale", mode="plan", extra={"worker_count": 3}), worker)
    assert _site(down)["changes"]["worker_count"]["remove"] == ["ocp1-worker-3", "ocp1-worker-4"]
    jobs = Job.objects.count()
    with pytest.raises(DialogError) as bad:  # the item's scale schema: counts only, within the dialog's limits
        services.operate(created.instance, "scale", mode="plan", extra={"worker_count": -1})
    assert set(bad.value.errors) == {"worker_count"}
    with pytest.raises(DialogError) as renamed:  # the cluster's name and domain are the instance's
        services.operate(created.instance, "scale", mode="plan", extra={"cluster_name": "other"})
    assert set(renamed.value.errors) == {"cluster_name"} and Job.objects.count() == jobs
    for job in (up, back, down):
        _assert_no_secret(job, worker)


@pytest.mark.integration
def test_destroy_in_plan_mode(item, worker):
    created = _run(services.order(item, _values(), mode="plan"), worker)
    job = _run(services.operate(created.instance, "delete", mode="plan"), worker)
    assert job.status == Job.SUCCESSFUL, job.message
    assert job.playbook == "destroy.yml" and job.result["sites"][SITE]["status"] == "ok"
    stdout = "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True))
    assert "would delete stack ocp1 with 7 machines" in stdout and "openshift site ocp1" in stdout
    assert not JobEvent.objects.filter(job=job, status="changed").exists()
    _assert_no_secret(job, worker)


@pytest.mark.integration
def test_register_site_in_plan_mode_and_when_an_apply_job_succeeds(item, worker, tmp_path):
    created = _run(services.order(item, _values(), mode="plan"), worker)
    assert _site(created)["registers_site"]["name"] == "ocp1"
    job = _run(services.operate(created.instance, "register_site", mode="plan"), worker)
    stdout = "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True))
    assert job.status == Job.SUCCESSFUL and "would register site ocp1 (openshift)" in stdout
    assert not Site.objects.filter(kind="openshift").exists()  # plan mode registers nothing

    site = sites.register_site(created.extra_vars, created.instance_id)  # what a successful apply does
    assert (site.name, site.kind) == ("ocp1", "openshift")
    assert site.connection == {
        "k8s_host": "https://api.ocp1.example.com:6443",
        "k8s_kubeconfig": str(tmp_path / "state" / "ocp1.example.com" / "auth" / "kubeconfig"),
    }
    assert site.labels["openstack_site"] == SITE
    assert sites.unregister_site(created.extra_vars) and not Site.objects.filter(name="ocp1").exists()

    # the kind's finish hook: an apply job of create that succeeds registers, one of delete unregisters
    item.queue = IDLE  # these jobs are not run: the test ends them as the runner does
    item.save(update_fields=["queue"])
    applied = services.order(item, _values(), mode="apply")
    runner.finish(applied, Job.SUCCESSFUL, "ansible-runner successful (rc 0)")
    assert Site.objects.get(name="ocp1").kind == "openshift"
    deleted = services.operate(applied.instance, "delete", mode="apply")
    runner.finish(deleted, Job.SUCCESSFUL, "ansible-runner successful (rc 0)")
    assert not Site.objects.filter(name="ocp1").exists()
    with pytest.raises(ValueError, match="openstack site"):
        sites.register_site(_values(cluster_name=SITE))


@pytest.mark.integration
def test_apply_against_an_unreachable_openstack_fails_naming_the_endpoint(item, worker):
    job = _run(services.order(item, _values(), mode="apply"), worker)
    assert job.status == Job.FAILED
    assert f"Site {SITE}: OpenStack endpoint {item.endpoint} cannot be reached" in job.message
    assert job.result["sites"][SITE]["status"] == "failed"
    assert _eventually(lambda: ServiceInstance.objects.get(pk=job.instance_id).state == "failed")  # saved after the job
    assert not Site.objects.filter(kind="openshift").exists()
    _assert_no_secret(job, worker)


# -- order-time checks (no worker) -----------------------------------------------------


@pytest.mark.parametrize(
    "values, field",
    [
        (_values(openstack_site="nowhere"), "openstack_site"),
        (_values(network_type="Kuryr", openshift_version="4.16"), "network_type"),
        (_values(network_type="Kuryr", openshift_version="4.14", baremetal_worker_count=1), "network_type"),
        (_values(network_type="Kuryr", openshift_version="4.14", kuryr_pool_min=9, kuryr_pool_max=3), "kuryr_pool_min"),
        (_values(machine_cidr="10.128.0.0/16"), "machine_cidr"),
        (_values(machine_cidr="10.0.0.0/28", worker_count=5), "machine_cidr"),
        (_values(pull_secret="not json " + PULL_MARK), "pull_secret"),
        (_values(ssh_public_key="ssh-ed25519 " + SSH_MARK + " x\nssh-rsa AAAA"), "ssh_public_key"),
        (_values(master_count=2), "master_count"),
        (_values(cluster_name=SITE), "cluster_name"),
    ],
)
def test_bad_orders_are_refused_before_anything_is_committed(item, values, field):
    head = git.Repo(item.repository).head.commit.hexsha
    with pytest.raises(DialogError) as err:
        services.order(item, values, mode="plan")
    assert field in err.value.errors
    assert all(secret not in str(err.value) for secret in SECRETS)
    assert git.Repo(item.repository).head.commit.hexsha == head and not Job.objects.exists()


def test_item_is_published_with_its_dialog_and_keeps_cluster_definitions(item, tmp_path):
    assert item.kind == "openshift" and item.folder == FOLDER and item.playbooks["create"] == "install.yml"
    secret = item.dialog["properties"]["pull_secret"]
    assert secret["writeOnly"] is True and secret["format"] == "password"
    services.order(item, _values(), mode="plan")  # commits clusters/ocp1 through another clone
    again = catalogue.publish_item(item.repository, tmp_path / "work", queue=QUEUE)
    tree = git.Repo(item.repository).commit(again.published_commit).tree
    assert (tree / FOLDER / "clusters" / "ocp1" / "stack.yaml") and (tree / FOLDER / "install.yml")
    assert tree / FOLDER / "roles" / "heat_stack" / "tasks" / "endpoint.yml"


# -- the definition and the playbooks, without Django ------------------------------------


def _definition(**overrides) -> cluster.Cluster:
    from nfvo.dialog import check

    return cluster.from_values(check(catalogue.dialog_schema(), _values(**overrides)), "cloud")


def test_rendered_files_validate_and_broken_ones_are_named():
    rendered = files.render(_definition(network_type="Kuryr", openshift_version="4.11"))
    assert files.problems(rendered) == []
    assert "apiVIP" in yaml.safe_load(rendered[files.INSTALL_CONFIG])["platform"]["openstack"]  # before 4.12
    broken = dict(rendered)
    config = yaml.safe_load(broken[files.INSTALL_CONFIG])
    config["controlPlane"]["replicas"] = 2
    config["platform"]["openstack"]["password"] = "x"
    broken[files.INSTALL_CONFIG] = yaml.safe_dump(config)
    broken[files.STACK] = broken[files.STACK].replace("get_resource: worker_sg", "get_resource: nowhere_sg")
    found = "\n".join(files.problems(broken))
    assert "install-config.yaml: controlPlane.replicas" in found
    assert "'password' was unexpected" in found
    assert "stack.yaml: " in found and "'nowhere_sg' is not defined" in found


def test_plan_report_follows_the_operation(tmp_path):
    """rdcl_operation (the runner's job operation) shapes the report; without it: create."""
    c = _definition(worker_count=2)
    (tmp_path / plan.DIALOG).write_text(json.dumps(catalogue.dialog_schema()))
    for rel, text in files.render(c).items():
        (tmp_path / files.folder("ocp1") / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / files.folder("ocp1") / rel).write_text(text)

    def run(operation, **values):
        values = {**_values(**{"worker_count": 2, **values}), "rdcl_operation": operation}
        report, problems = plan.plan(tmp_path, values)
        assert problems == []
        return report[SITE]

    deleted = run("delete")
    assert deleted["creates"] == [] and deleted["deletes"][0]["name"] == "ocp1-worker-1"
    assert deleted["deletes"][-1]["name"] == "ocp1-network" and deleted["unregisters_site"] == "ocp1"
    scaled = run("scale", worker_count=4)
    assert [s["name"] for s in _servers(scaled)][-1] == "ocp1-worker-3" and not _servers(scaled, "bootstrap")
    assert "registers_site" not in scaled and scaled["changes"]["worker_count"]["add"] == [
        "ocp1-worker-2",
        "ocp1-worker-3",
    ]
    registered = run("register_site")
    assert registered["creates"] == [] and registered["registers_site"]["name"] == "ocp1"
    created = run("create")
    assert _servers(created, "bootstrap") and created["counts"]["bootstrap"] == 1
    _, problems = plan.plan(tmp_path, _values(worker_count=2, network_type="Kuryr", openshift_version="4.14"))
    assert any("network_type: ordered 'OVNKubernetes'" in p for p in problems)


def test_playbooks_pass_syntax_check_and_ansible_lint(tmp_path):
    for rel, text in catalogue.item_files().items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        yaml.safe_dump({"all": {"children": {SITE: {"hosts": {f"{SITE}-host": {"ansible_connection": "local"}}}}}})
    )
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "ANSIBLE_ROLES_PATH": str(tmp_path / "roles"), "HOME": str(tmp_path)}
    for book in sorted(set(catalogue.PLAYBOOKS.values())):
        run = subprocess.run(
            [BIN / "ansible-playbook", "--syntax-check", "-i", inventory, "-e", f"openstack_site={SITE}", book],
            check=False,
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    assert_lint_passes(tmp_path, env, {**LINT_CONFIG, "exclude_paths": ["hosts.yml"]})


@pytest.mark.integration
def test_the_database_holds_the_secrets_encrypted(item, worker):
    job = _run(services.order(item, _values(), mode="plan"), worker)
    assert job.status == Job.SUCCESSFUL, job.message
    stored = [job.extra_vars, job.instance.parameters, *Order.objects.values_list("parameters", flat=True)]
    assert all(secret not in json.dumps(stored) for secret in SECRETS)
    assert job.extra_vars["pull_secret"].startswith(dialog.SEALED)
    scaled = _run(services.operate(job.instance, "scale", mode="plan", extra={"worker_count": 6}), worker)
    assert scaled.status == Job.SUCCESSFUL, scaled.message


def test_an_order_after_another_publisher_pushed(item, tmp_path):
    services.order(item, _values(), mode="plan")  # commits through the orders' clone
    git_push.push_files({"x.txt": "x\n"}, "elsewhere", "another publisher", item.repository, tmp_path / "other")
    job = services.order(item, _values(cluster_name="ocp2"), mode="plan")  # that clone is behind now
    tree = git.Repo(item.repository).commit(job.commit).tree
    assert tree / "elsewhere" / "x.txt" and tree / FOLDER / "clusters" / "ocp2" / "stack.yaml"
