"""Issue 10, classes 1 and 2: user values and descriptor text are data, never templates.

Each test performs the attack through the public API as the least-privileged role that
could try it (a tenant ``user`` orders and operates; an ``operator`` publishes), runs the
job on a real Celery worker with ansible-runner against an sshd site, and checks what must
hold: no marker file, the 400 naming the field and the rule, the literal text where the
playbook put it, the secret nowhere.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import ansible_runner
import pytest
import yaml

from nfvo import extravars, pipeline
from nfvo.models import CatalogueItem, Job, JobEvent, Order, ServiceInstance, Site
from nfvo.worker import wait_for_job
from translators import kubernetes
from translators.git_push import AUTHOR, init_remote, working_clone

from .helpers import api_client, member

pytestmark = [pytest.mark.security, pytest.mark.django_db(transaction=True)]

GREET = """\
---
- name: Greet
  hosts: all
  gather_facts: false
  tasks:
    - name: Say the greeting
      ansible.builtin.debug:
        msg: "greeting=[{{ greeting }}]"
    - name: Keep the greeting
      ansible.builtin.copy:
        content: "{{ greeting }}"
        dest: "{{ rdcl_root }}/greeting-{{ rdcl_mode }}.txt"
        mode: "0600"
"""
#: The item's dialog as its operator publishes it: no additionalProperties (stored closed).
DIALOG = {
    "type": "object",
    "properties": {
        "greeting": {"type": "string"},
        "db_password": {"type": "string", "writeOnly": True, "default": ""},
        "steps": {"type": "integer", "default": 1},
    },
}


def lookup(marker: Path) -> str:
    """A dialog value that, templated, would run ``touch marker`` on the controller."""
    return "{{ lookup('pipe', 'touch %s') }}" % marker


def _site(sshd_site, name: str | None = None) -> Site:
    site = Site(
        name=name or sshd_site.name,
        kind="linux",
        connection={
            "ansible_host": sshd_site.address,
            "ansible_port": sshd_site.port,
            "ansible_user": sshd_site.user,
            "rdcl_root": str(sshd_site.root),
            "ansible_python_interpreter": sys.executable,
        },
    )
    site.set_ssh_private_key(sshd_site.private_key.read_text())
    site.save()
    return site


@pytest.fixture
def core(sshd_sites):
    """The sshd site ``core_server``, registered (its key encrypted)."""
    found = next(s for s in sshd_sites if s.name == "core_server")
    _site(found)
    return found


@pytest.fixture
def greet_item(core, tmp_path):
    """A repository of one playbook (``greet.yml``), published through the API by an operator
    of tenant red on ``core_server`` with :data:`DIALOG` and a ``scale`` schema of its own."""
    remote = init_remote(tmp_path / "books.git")
    repo = working_clone(remote, tmp_path / "work")
    (tmp_path / "work" / "books").mkdir()
    (tmp_path / "work" / "books" / "greet.yml").write_text(GREET)
    repo.git.add("-A")
    repo.index.commit("greet.yml", author=AUTHOR, committer=AUTHOR)
    repo.remote("origin").push("HEAD:refs/heads/main").raise_if_error()
    ops = api_client(member("oli", "red", "operator"))
    resp = ops.post(
        "/api/catalogue/",
        {
            "name": "greet",
            "repository": remote,
            "ref": "main",
            "folder": "books",
            "playbooks": {"create": "greet.yml", "delete": "greet.yml", "scale": "greet.yml"},
            "sites": ["core_server"],
            "dialog": DIALOG,
            "operation_dialogs": {
                "scale": {"type": "object", "properties": {"steps": {"type": "integer", "minimum": 0}}}
            },
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    return CatalogueItem.objects.get(name="greet")


def _order(user, parameters: dict, mode: str, **extra):
    return api_client(user).post(
        "/api/orders/", {"item": "greet", "mode": mode, "parameters": parameters, **extra}, format="json"
    )


def _events(job: Job) -> str:
    return "\n".join(JobEvent.objects.filter(job=job).values_list("stdout", flat=True))


@pytest.mark.integration
def test_a_dialog_value_is_never_templated_in_plan_or_apply(greet_item, core, worker, tmp_path):
    uma = member("uma", "red", "user")
    for mode in ("plan", "apply"):
        marker = tmp_path / f"marker-{mode}"
        value = lookup(marker)
        resp = _order(uma, {"greeting": value}, mode)
        assert resp.status_code == 201, resp.content
        job = wait_for_job(resp.json()["job"]["id"], 300, worker)
        assert job.status == Job.SUCCESSFUL, job.message
        assert not marker.exists(), f"{mode}: the dialog value ran on the controller"
        assert f"greeting=[{value}]" in _events(job)  # the task got the text itself
        written = core.root / f"greeting-{mode}.txt"
        if mode == "apply":
            assert written.read_text() == value
        else:
            assert not written.exists()  # check mode changes nothing


def test_the_extra_vars_file_is_private_and_every_user_string_unsafe(tmp_path):
    path = extravars.write(
        tmp_path,
        {"greeting": "{{ x }}", "nested": {"k{{": ["{% y %}", 3]}, "empty": ""},
        {"rdcl_mode": "plan", "rdcl_operation": "create"},
    )
    assert path == tmp_path / "env" / "extravars"
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    text = path.read_text()
    assert "!unsafe '{{ x }}'" in text and "!unsafe 'k{{'" in text and "!unsafe '{% y %}'" in text
    assert "rdcl_mode: plan" in text and "rdcl_operation: create" in text
    assert "!unsafe 'empty': ''" in text  # Ansible reads !unsafe '' as None; '' has nothing to template
    with pytest.raises(ValueError):
        extravars.dumps({}, {"ansible_host": "evil"})


@pytest.mark.integration
def test_a_retried_job_with_a_reserved_name_stored_before_the_rules_does_not_run(greet_item, core, worker, tmp_path):
    uma = member("uma", "red", "user")
    resp = _order(uma, {"greeting": "hello"}, "plan")
    old = wait_for_job(resp.json()["job"]["id"], 300, worker)
    marker = tmp_path / "marker-retry"
    Job.objects.filter(pk=old.pk).update(
        extra_vars={**old.extra_vars, "ansible_ssh_common_args": f"-o ProxyCommand=touch {marker}"}
    )  # as stored before the fix
    again = api_client(uma).post(f"/api/jobs/{old.pk}/retry/", format="json")
    assert again.status_code == 201, again.content
    job = wait_for_job(again.json()["id"], 300, worker)
    assert job.status == Job.ERROR and "ansible_ssh_common_args: name.ansible-prefix" in job.message
    assert not marker.exists() and not JobEvent.objects.filter(job=job).exists()


@pytest.mark.integration
def test_operate_parameters_are_checked_against_the_dialog(greet_item, core, worker, tmp_path):
    uma = member("uma", "red", "user")
    created = _order(uma, {"greeting": "hello"}, "plan")
    assert created.status_code == 201, created.content
    first = wait_for_job(created.json()["job"]["id"], 300, worker)
    assert first.status == Job.SUCCESSFUL, first.message
    url = f"/api/instances/{created.json()['instance']}/operate/"
    api = api_client(uma)
    marker = tmp_path / "marker-proxy"
    attacks = {"ansible_ssh_common_args": f"-o ProxyCommand=touch {marker}"}
    for operation in ("delete", "scale"):
        jobs = Job.objects.count()
        resp = api.post(url, {"operation": operation, "parameters": attacks}, format="json")
        assert resp.status_code == 400, resp.content
        assert resp.json()["errors"] == {
            "parameters": {
                "ansible_ssh_common_args": [
                    "name.ansible-prefix: names starting with 'ansible_' are "
                    "reserved for Ansible's connection and magic variables"
                ]
            }
        }
        unknown = api.post(url, {"operation": operation, "parameters": {"nonsense": 1}}, format="json")
        assert unknown.status_code == 400 and unknown.json()["errors"]["parameters"]["nonsense"][0].startswith(
            "additionalProperties: "
        )
        assert Job.objects.count() == jobs
    # scale takes its own schema (closed): dialog fields are not among them; delete takes the dialog's
    scaled = api.post(url, {"operation": "scale", "parameters": {"greeting": "x"}}, format="json")
    assert "greeting" in scaled.json()["errors"]["parameters"]
    assert api.post(url, {"operation": "scale", "parameters": {"steps": -1}}, format="json").status_code == 400
    ok = api.post(url, {"operation": "scale", "mode": "plan", "parameters": {"steps": 2}}, format="json")
    assert ok.status_code == 201, ok.content
    changed = api.post(
        url, {"operation": "delete", "mode": "plan", "parameters": {"greeting": lookup(marker)}}, format="json"
    )
    assert changed.status_code == 201, changed.content
    for body in (ok.json(), changed.json()):
        assert wait_for_job(body["id"], 300, worker).status == Job.SUCCESSFUL
    assert not marker.exists()
    # ordering: the same rules at order time
    for bad in ({"greeting": "x", "rdcl_mode": "apply"}, {"greeting": "x", "hostvars": {}}, {"greeting": "x", "z": 1}):
        resp = _order(uma, bad, "plan")
        assert resp.status_code == 400, resp.content
        assert set(resp.json()["errors"]["parameters"]) == set(bad) - {"greeting"}
    assert Order.objects.count() == 1


@pytest.mark.integration  # its `core` site is an sshd the suite starts
def test_a_dialog_with_a_reserved_field_name_is_not_published(core, tmp_path):
    ops = api_client(member("oli", "red", "operator"))
    remote = init_remote(tmp_path / "empty.git")
    for name, rule in (
        ("ansible_host", "name.ansible-prefix"),
        ("rdcl_x", "name.rdcl-prefix"),
        ("inventory_hostname", "name.magic"),
        ("lookup", "name.template-global"),
    ):
        resp = ops.post(
            "/api/catalogue/",
            {
                "name": "bad",
                "repository": remote,
                "ref": "main",
                "playbooks": {"create": "x.yml"},
                "sites": ["core_server"],
                "dialog": {"type": "object", "properties": {name: {"type": "string"}}},
            },
            format="json",
        )
        assert resp.status_code == 400, resp.content
        assert resp.json()["errors"]["dialog"][0].startswith(f"properties.{name}: {rule}: ")
        per_op = ops.post(
            "/api/catalogue/",
            {
                "name": "bad",
                "repository": remote,
                "ref": "main",
                "playbooks": {"create": "x.yml", "scale": "x.yml"},
                "sites": ["core_server"],
                "operation_dialogs": {"scale": {"type": "object", "properties": {name: {"type": "string"}}}},
            },
            format="json",
        )
        assert per_op.status_code == 400 and f"properties.{name}: {rule}: " in str(
            per_op.json()["errors"]["operation_dialogs"]
        )
    assert not CatalogueItem.objects.exists()


@pytest.mark.integration
def test_a_sealed_secret_cannot_be_printed_by_referencing_it(greet_item, core, worker):
    secret = "s3cret-" + os.urandom(6).hex()
    uma = member("uma", "red", "user")
    resp = _order(uma, {"greeting": "{{ db_password }}", "db_password": secret}, "apply")
    assert resp.status_code == 201, resp.content
    job = wait_for_job(resp.json()["job"]["id"], 300, worker)
    assert job.status == Job.SUCCESSFUL, job.message
    assert (core.root / "greeting-apply.txt").read_text() == "{{ db_password }}"
    assert "greeting=[{{ db_password }}]" in _events(job)
    api = api_client(uma)
    seen = [
        _events(job),
        json.dumps(job.result),
        job.message,
        json.dumps(job.extra_vars),
        json.dumps(list(Order.objects.values_list("parameters", flat=True))),
        json.dumps(list(ServiceInstance.objects.values_list("parameters", flat=True))),
        *(
            api.get(u).content.decode()
            for u in (
                f"/api/jobs/{job.pk}/",
                f"/api/jobs/{job.pk}/events/",
                f"/api/orders/{resp.json()['id']}/",
                f"/api/instances/{job.instance_id}/",
            )
        ),
    ]
    assert all(secret not in text for text in seen)
    assert job.extra_vars["db_password"].startswith("fernet:")


DESCRIPTOR = """\
tosca_definitions_version: tosca_simple_yaml_1_3
metadata: {{template_name: inert-text}}
imports:
  - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
topology_template:
  inputs:
    word: {{type: string, default: plain}}
  node_templates:
    core_app:
      type: rdcl.nodes.Container.Application
      properties:
        command: [/usr/bin/env, "RDCL_WORD={cmd}", /bin/sleep, "600"]
        environment: {{GREETING: "{env}", WORD: {{get_input: word}}}}
        files: {{note.txt: "{file} and {{{{ word }}}}"}}
    edge_pod:
      type: rdcl.nodes.Container.Application
      properties:
        image: "nginx:1.27"
        environment: {{GREETING: "{pod}"}}
  policies:
    - core: {{type: rdcl.policies.Placement, properties: {{site: core_server}}, targets: [core_app]}}
    - edge: {{type: rdcl.policies.Placement, properties: {{site: edge}}, targets: [edge_pod]}}
"""


@pytest.mark.integration
def test_descriptor_text_is_never_templated(core, worker, tmp_path):
    from tests.fixtures.redis_server import free_port

    Site.objects.create(name="edge", kind="kubernetes", connection={"k8s_host": f"https://127.0.0.1:{free_port()}"})
    markers = {k: tmp_path / f"marker-{k}" for k in ("cmd", "env", "file", "pod")}
    texts = {k: lookup(m) for k, m in markers.items()}
    path = tmp_path / "inert_text.yaml"
    path.write_text(DESCRIPTOR.format(**texts))
    translation, _, item = pipeline.publish_descriptor(path)
    uma = member("uma", "red", "user")
    api = api_client(uma)
    for mode, limit in (("apply", "core_server"), ("plan", "")):
        resp = api.post("/api/orders/", {"item": item.name, "mode": mode, "limit": limit}, format="json")
        assert resp.status_code == 201, resp.content
        job = wait_for_job(resp.json()["job"]["id"], 300, worker)
        assert not [k for k, m in markers.items() if m.exists()], f"{mode}: descriptor text ran"
        assert job.status == Job.SUCCESSFUL, job.message
    folder = core.root / "inert-text" / "core_app"
    assert (folder / "note.txt").read_text() == f"{texts['file']} and plain"
    spec = json.loads((folder / ".run" / "rdcl-inert-text-core-app.json").read_text())
    assert spec["command"] == ["/usr/bin/env", f"RDCL_WORD={texts['cmd']}", "/bin/sleep", "600"]
    assert spec["environment"] == {"GREETING": texts["env"], "WORD": "plain"}
    deleted = wait_for_job(
        api.post(
            f"/api/instances/{job.instance_id}/operate/", {"operation": "delete", "limit": "core_server"}, format="json"
        ).json()["id"],
        300,
        worker,
    )
    assert deleted.status == Job.SUCCESSFUL, deleted.message
    assert not [k for k, m in markers.items() if m.exists()]

    # the plan job's renderer (jinja2 sandbox) gives the literal text back
    manifest = translation.files["templates/edge/edge_pod.yaml.j2"]
    assert {"name": "GREETING", "value": texts["pod"]} in _pod_env(kubernetes.render(manifest, {"word": "plain"}))
    # ... and so does Ansible's templating of the same file (what kubernetes.core.k8s `template` uses)
    rendered = yaml.safe_load_all(_ansible_template(tmp_path, manifest))
    assert {"name": "GREETING", "value": texts["pod"]} in _pod_env(rendered) and not markers["pod"].exists()


def _pod_env(docs) -> list[dict]:
    deployment = next(d for d in docs if d and d["kind"] == "Deployment")
    return deployment["spec"]["template"]["spec"]["containers"][0]["env"]


def _ansible_template(tmp_path: Path, template: str) -> str:
    """``template`` rendered by Ansible's own templating (the ``template`` lookup, as
    kubernetes.core.k8s renders its ``template`` option), through ansible-runner."""
    data = tmp_path / "render"
    (data / "project").mkdir(parents=True)
    (data / "project" / "m.yaml.j2").write_text(template)
    (data / "project" / "render.yml").write_text(
        textwrap.dedent("""\
        - hosts: localhost
          gather_facts: false
          tasks:
            - ansible.builtin.copy:
                content: "{{ lookup('ansible.builtin.template', 'm.yaml.j2') }}"
                dest: "{{ out }}"
                mode: "0600"
        """)
    )
    extravars.write(data, {"word": "plain", "out": str(tmp_path / "rendered.yaml")})
    (data / "inventory").mkdir()
    (data / "inventory" / "hosts.yml").write_text(
        yaml.safe_dump(
            {
                "all": {
                    "hosts": {
                        "localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
                    }
                }
            }
        )
    )
    run = ansible_runner.run(
        private_data_dir=str(data),
        playbook="render.yml",
        quiet=True,
        envvars={"PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"},
    )
    assert run.status == "successful", run.stdout.read()
    return (tmp_path / "rendered.yaml").read_text()


def test_plan_rendering_runs_in_a_sandbox():
    """Even a template that reaches for Python internals (say, text a future translator
    forgot to escape) cannot run code through the plan job's renderer."""
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        kubernetes.render_text("{{ x.__class__.__mro__[1].__subclasses__() }}", {"x": ""})
    assert kubernetes.render_text("n: {{ n | int }}", {"n": "3"}) == "n: 3"
