"""The main job end to end: descriptor -> git -> catalogue -> order -> Redis -> Celery
worker -> ansible-runner -> two SSH sites (sshd on 127.0.0.2 and 127.0.0.3), and back."""

from __future__ import annotations

import socket
import urllib.request

import git
import pytest

from nfvo import pipeline, services
from nfvo.models import CatalogueItem, Job, JobEvent, Site
from nfvo.worker import wait_for_job
from tests.fixtures.redis_server import free_port

from .helpers import register_local_sites

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DESCRIPTOR = """\
tosca_definitions_version: tosca_simple_yaml_1_3
description: Core status on one server, an edge controller that needs it on another.
metadata: {{template_name: two-servers}}
imports:
  - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
topology_template:
  inputs:
    core_port: {{type: integer, default: {core_port}}}
    edge_port: {{type: integer, default: {edge_port}}}
  node_templates:
    core_app:
      type: rdcl.nodes.Container.Application
      properties:
        command: [/usr/bin/python3, -m, http.server, {{get_input: core_port}}, --bind, "{{{{ rdcl_bind_address }}}}"]
        ports: [{{get_input: core_port}}]
        files: {{index.html: "core up\\n"}}
    edge_app:
      type: rdcl.nodes.Container.Application
      properties:
        command: [/usr/bin/python3, -m, http.server, {{get_input: edge_port}}, --bind, "{{{{ rdcl_bind_address }}}}"]
        ports: [{{get_input: edge_port}}]
        files: {{index.html: "edge up\\n"}}
      requirements:
        - dependency: core_app
  policies:
    - core: {{type: rdcl.policies.Placement, properties: {{site: core_server}}, targets: [core_app]}}
    - edge: {{type: rdcl.policies.Placement, properties: {{site: edge_server}}, targets: [edge_app]}}
"""


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read().decode()


def _closed(address: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((address, port)) != 0


def _register(sshd_sites):
    for s in sshd_sites:
        site = Site(
            name=s.name,
            kind="linux",
            labels={"role": s.name.split("_")[0]},
            connection={
                "ansible_host": s.address,
                "ansible_port": s.port,
                "ansible_user": s.user,
                "rdcl_root": str(s.root),
            },
        )
        site.set_ssh_private_key(s.private_key.read_text())
        site.save()
    return {s.name: s for s in sshd_sites}


def test_two_ssh_sites_apply_in_order_then_delete(sshd_sites, worker, tmp_path):
    sites = _register(sshd_sites)
    core, edge = sites["core_server"], sites["edge_server"]
    ports = {"core_port": free_port(core.address), "edge_port": free_port(edge.address)}
    descriptor = tmp_path / "two_servers.yaml"
    descriptor.write_text(DESCRIPTOR.format(**ports))

    translation, published, item = pipeline.publish_descriptor(descriptor)
    assert [p.site for p in translation.parts] == ["core_server", "edge_server"]

    # The remote is a real bare repository: clone it back and read what was pushed.
    clone = git.Repo.clone_from(published.remote, tmp_path / "clone")
    head = clone.head.commit
    assert head.hexsha == published.commit
    assert "two_servers.yaml" in head.message and translation.model.digest in head.message
    assert (tmp_path / "clone" / "two-servers" / "create.yml").read_text() == translation.files["create.yml"]
    assert item.sites == ["core_server", "edge_server"] and item.published_commit == published.commit

    job = wait_for_job(services.order(item, {}).pk, 300, worker)
    assert job.status == Job.SUCCESSFUL, job.message
    assert job.commit == published.commit
    for name in ("core_server", "edge_server"):
        assert job.result["sites"][name]["status"] == "ok"
        assert job.result["sites"][name]["changed"] > 0
    # Applied in order: every core_server task ran before the first edge_server task.
    events = JobEvent.objects.filter(job=job, event="runner_on_ok")
    last_core = max(e.counter for e in events if e.host == "core_server")
    first_edge = min(e.counter for e in events if e.host == "edge_server")
    assert last_core < first_edge
    assert _get(f"http://{core.address}:{ports['core_port']}/") == "core up\n"
    assert _get(f"http://{edge.address}:{ports['edge_port']}/") == "edge up\n"
    core_dir = core.root / "two-servers" / "core_app"
    edge_dir = edge.root / "two-servers" / "edge_app"
    assert (core_dir / "index.html").is_file() and (edge_dir / "index.html").is_file()
    assert job.instance.state == "active"

    # No secret in events, the stored inventory or the repository.
    key = core.private_key.read_text().strip().splitlines()[1]
    assert not JobEvent.objects.filter(stdout__contains=key).exists()
    assert key not in str(job.inventory)
    assert all(key not in (tmp_path / "clone" / p).read_text() for p in clone.git.ls_files().splitlines())

    deleted = wait_for_job(services.operate(job.instance, "delete").pk, 300, worker)
    assert deleted.status == Job.SUCCESSFUL, deleted.message
    assert _closed(core.address, ports["core_port"]) and _closed(edge.address, ports["edge_port"])
    assert not core_dir.parent.exists() and not edge_dir.parent.exists()
    deleted.instance.refresh_from_db()
    assert deleted.instance.state == "deleted"
    # delete is idempotent
    again = wait_for_job(services.operate(job.instance, "delete").pk, 300, worker)
    assert again.status == Job.SUCCESSFUL, again.message


def test_plan_mode_reports_per_site_and_contacts_nothing(worker, tmp_path):
    from .conftest import EXAMPLE

    register_local_sites(tmp_path, free_port(), free_port())
    _, _, item = pipeline.publish_descriptor(EXAMPLE)
    job = wait_for_job(services.order(item, {}, mode="plan").pk, 300, worker)
    assert job.status == Job.SUCCESSFUL, job.message
    sites = job.result["sites"]
    assert [c["name"] for c in sites["core"]["creates"] if c["type"] == "OS::Nova::Server"] == [
        "epc_hss",
        "epc_mme",
        "epc_spgw",
        "mec_vm",
    ]
    assert {(c["type"], c["name"]) for c in sites["edge"]["creates"]} == {
        ("Deployment", "mec-app"),
        ("Service", "mec-app"),
        ("Deployment", "cran-du"),
        ("Service", "cran-du"),
    }
    assert sites["core_server"]["status"] == "ok"
    # check mode: nothing was deployed on the linux sites
    assert not (tmp_path / "core_server").exists() and not (tmp_path / "edge_server").exists()
    assert JobEvent.objects.filter(job=job, task__startswith="Plan |").count() >= 2


@pytest.mark.parametrize("site,what", [("core", "OpenStack endpoint"), ("edge", "Kubernetes API")])
def test_unreachable_cloud_fails_the_job_naming_the_endpoint(worker, tmp_path, site, what):
    os_port, k8s_port = free_port(), free_port()
    register_local_sites(tmp_path, os_port, k8s_port)
    from .conftest import EXAMPLE

    _, _, item = pipeline.publish_descriptor(EXAMPLE)
    job = wait_for_job(services.order(item, {}, mode="apply", limit=site).pk, 300, worker)
    assert job.status == Job.FAILED
    endpoint = f"http://127.0.0.1:{os_port}/v3" if site == "core" else f"https://127.0.0.1:{k8s_port}"
    assert job.result["sites"][site]["status"] == "failed"
    assert what in job.message and endpoint in job.message and "refused" in job.message.lower()
    job.instance.refresh_from_db()
    assert job.instance.state == "failed"


def test_bad_descriptor_commits_nothing_and_starts_no_job(corpus, tmp_path):
    from django.conf import settings

    from translators.errors import DescriptorError

    register_local_sites(tmp_path, free_port(), free_port())
    remote = git.Repo(pipeline.init_remote(settings.RDCL_GIT_REMOTE))
    before = remote.head.commit.hexsha if remote.head.is_valid() else None
    with pytest.raises(DescriptorError) as err:
        pipeline.publish_descriptor(corpus / "tosca-parser" / "test_multiple_validation_errors.yaml")
    assert len(err.value.problems) >= 8
    after = remote.head.commit.hexsha if remote.head.is_valid() else None
    assert before == after
    assert not CatalogueItem.objects.exists() and not Job.objects.exists()


def test_dialog_errors_are_per_field(tmp_path):
    from nfvo.dialog import DialogError

    from .conftest import EXAMPLE

    register_local_sites(tmp_path, free_port(), free_port())
    _, _, item = pipeline.publish_descriptor(EXAMPLE)
    assert item.dialog["properties"]["core_status_port"] == {
        "type": "integer",
        "description": "TCP port of the core status service.",
        "default": 18081,
        "minimum": 1024,
        "maximum": 65535,
    }
    with pytest.raises(DialogError) as err:
        services.order(item, {"core_status_port": 80, "edge_status_port": "x", "nope": 1})
    assert set(err.value.errors) == {"core_status_port", "edge_status_port", "nope"}  # the unknown field is named
    assert err.value.errors["nope"].startswith("additionalProperties: not a field of this dialog")
    assert not Job.objects.exists()


PARALLEL = """\
tosca_definitions_version: tosca_simple_yaml_1_3
metadata: {{template_name: two-independent}}
imports:
  - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
topology_template:
  node_templates:
    a_app:
      type: rdcl.nodes.Container.Application
      properties:
        command: [/bin/sh, -c, "sleep 3; exec /usr/bin/python3 -m http.server {a} --bind 127.0.0.1"]
        ports: [{a}]
    b_app:
      type: rdcl.nodes.Container.Application
      properties:
        command: [/bin/sh, -c, "sleep 3; exec /usr/bin/python3 -m http.server {b} --bind 127.0.0.1"]
        ports: [{b}]
  policies:
    - a: {{type: rdcl.policies.Placement, properties: {{site: core_server}}, targets: [a_app]}}
    - b: {{type: rdcl.policies.Placement, properties: {{site: edge_server}}, targets: [b_app]}}
"""


def test_independent_sites_are_deployed_at_the_same_time(worker, tmp_path):
    register_local_sites(tmp_path, free_port(), free_port())
    descriptor = tmp_path / "two_independent.yaml"
    ports = {"a": free_port(), "b": free_port()}
    descriptor.write_text(PARALLEL.format(**ports))
    _, _, item = pipeline.publish_descriptor(descriptor)
    job = wait_for_job(services.order(item, {}).pk, 300, worker)
    assert job.status == Job.SUCCESSFUL, job.message
    waits = {}
    for e in JobEvent.objects.filter(job=job, task="Wait until the service answers on its port"):
        waits.setdefault(e.host, {})[e.event] = e.created
    a, b = waits["core_server"], waits["edge_server"]
    # each site waited about 3 s for its process; the two waits overlap in time
    assert a["runner_on_start"] < b["runner_on_ok"] and b["runner_on_start"] < a["runner_on_ok"]
    deleted = wait_for_job(services.operate(job.instance, "delete").pk, 300, worker)
    assert deleted.status == Job.SUCCESSFUL, deleted.message
    # the processes exec'd from a shell wrapper are gone too (stopped by their pidfiles)
    assert _closed("127.0.0.1", ports["a"]) and _closed("127.0.0.1", ports["b"])
