"""VM instance counts of ETSI GS NFV-SOL 001 §6.10 instantiation levels and scaling aspects
as HOT parameters (:func:`translators.hot.scale_parameters`), their per-level and
per-aspect values in the site's group_vars (:func:`translators.levels.heat_scale_vars`),
and ``scale.yml`` to a level or an aspect's scale level (role ``heat_stack``): checked with
ansible-playbook and ansible-lint, run in plan mode and against a closed port (no
OpenStack here: the stack update itself does not run)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from translators import validate
from translators.sites import DEMO_SITES
from translators.translate import translate_file

from .helpers import assert_playbooks_pass

BIN = Path(sys.executable).parent

VNFD = textwrap.dedent("""\
    tosca_definitions_version: tosca_simple_yaml_1_2
    description: SOL 001 VNFD with VM VDUs, two instantiation levels and a scaling aspect.
    metadata:
      template_name: vm-levels
    imports:
      - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
      - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
    topology_template:
      node_templates:
        worker:
          type: tosca.nodes.nfv.Vdu.Compute
          properties:
            name: worker
            description: scaled by its aspect
            vdu_profile: {min_number_of_instances: 1, max_number_of_instances: 5}
          capabilities:
            virtual_compute:
              properties:
                virtual_memory: {virtual_mem_size: 512 MiB}
                virtual_cpu: {num_virtual_cpu: 1}
                virtual_local_storage:
                  - size_of_storage: 1 GiB
        worker_cp:
          type: tosca.nodes.nfv.VduCp
          properties: {layer_protocols: [ipv4], order: 0}
          requirements:
            - virtual_binding: worker
        lb:
          type: tosca.nodes.nfv.Vdu.Compute
          properties:
            name: lb
            description: levels only, no aspect
            vdu_profile: {min_number_of_instances: 1, max_number_of_instances: 2}
          capabilities:
            virtual_compute:
              properties:
                virtual_memory: {virtual_mem_size: 512 MiB}
                virtual_cpu: {num_virtual_cpu: 1}
                virtual_local_storage:
                  - size_of_storage: 1 GiB
        lb_cp:
          type: tosca.nodes.nfv.VduCp
          properties: {layer_protocols: [ipv4], order: 0}
          requirements:
            - virtual_binding: lb
      policies:
        - scaling_aspects:
            type: tosca.policies.nfv.ScalingAspects
            properties:
              aspects:
                workers:
                  name: workers
                  description: worker VMs
                  max_scale_level: 3
                  step_deltas: [delta_1]
        - worker_initial_delta:
            type: tosca.policies.nfv.VduInitialDelta
            properties:
              initial_delta: {number_of_instances: 1}
            targets: [worker]
        - worker_deltas:
            type: tosca.policies.nfv.VduScalingAspectDeltas
            properties:
              aspect: workers
              deltas:
                delta_1: {number_of_instances: 1}
            targets: [worker]
        - instantiation_levels:
            type: tosca.policies.nfv.InstantiationLevels
            properties:
              levels:
                small:
                  description: one worker
                  scale_info:
                    workers: {scale_level: 0}
                large:
                  description: three workers
                  scale_info:
                    workers: {scale_level: 2}
              default_level: small
        - lb_levels:
            type: tosca.policies.nfv.VduInstantiationLevels
            properties:
              levels:
                small: {number_of_instances: 1}
                large: {number_of_instances: 2}
            targets: [lb]
    """)


@pytest.fixture(scope="module")
def vnfd(tmp_path_factory):
    path = tmp_path_factory.mktemp("vm-levels") / "vm_levels.yaml"
    path.write_text(VNFD)
    return path


@pytest.fixture(scope="module")
def small(vnfd, sol001):
    return translate_file(vnfd, DEMO_SITES, sol001)


def _hot(translation, name="stack.yaml"):
    return yaml.safe_load(translation.files[f"templates/core/{name}"])


def test_aspect_group_and_level_group_get_count_parameters(small):
    hot = _hot(small)
    assert hot["parameters"]["worker_desired_capacity"] == {
        "type": "number",
        "description": "instances of VDU worker (scaling aspect workers, scale levels 0..3)",
        "default": 1,
        "constraints": [{"range": {"min": 1, "max": 4}}],
    }  # initial 1 + 3 steps of 1
    assert hot["parameters"]["lb_count"] == {
        "type": "number",
        "description": "instances of VDU lb (instantiation levels)",
        "default": 1,
        "constraints": [{"range": {"min": 1, "max": 2}}],
    }  # its vdu_profile
    workers = hot["resources"]["workers"]
    assert workers["type"] == "OS::Heat::AutoScalingGroup"
    assert workers["properties"]["desired_capacity"] == {"get_param": "worker_desired_capacity"}
    assert (workers["properties"]["min_size"], workers["properties"]["max_size"]) == (1, 4)
    lb = hot["resources"]["lb"]
    assert lb["type"] == "OS::Heat::ResourceGroup" and lb["properties"]["count"] == {"get_param": "lb_count"}
    assert lb["properties"]["resource_def"] == {  # flavor by size, the site's image and network (heat_fit)
        "type": "lb.hot.yaml",
        "properties": {p: {"get_param": p} for p in ("lb_flavor", "rdcl_image", "rdcl_network")},
    }
    assert hot["parameters"]["lb_flavor"]["constraints"] == [{"custom_constraint": "nova.flavor"}]
    assert "lb_cp" not in hot["resources"]  # the port goes with the server: one per instance
    nested = _hot(small, "lb.hot.yaml")
    assert {k: v["type"] for k, v in nested["resources"].items()} == {
        "lb": "OS::Nova::Server",
        "lb_cp": "OS::Neutron::Port",
    }
    assert nested["resources"]["lb"]["properties"]["flavor"] == {"get_param": "lb_flavor"}
    for rel, text in small.files.items():
        if rel.startswith("templates/core/"):
            assert validate.hot_problems(text, nested=not rel.endswith("/stack.yaml")) == [], rel
    assert any(r.startswith("worker: VM count is HOT parameter worker_desired_capacity") for r in small.report)
    assert any(r.startswith("lb: VM count is HOT parameter lb_count (count of ResourceGroup lb") for r in small.report)
    assert not any("not applied" in r for r in small.report)


def test_chosen_level_is_the_default_and_output_is_deterministic(vnfd, sol001, small):
    large = translate_file(vnfd, DEMO_SITES, sol001, level="large")
    params = _hot(large)["parameters"]
    assert (params["worker_desired_capacity"]["default"], params["lb_count"]["default"]) == (3, 2)
    assert translate_file(vnfd, DEMO_SITES, sol001, level="large").files == large.files
    assert translate_file(vnfd, DEMO_SITES, sol001).files == small.files


def test_group_vars_carry_counts_per_level_and_per_scale_level(small):
    core = json.loads(small.files["group_vars/core.json"])
    assert core["heat_stack_scale_levels"] == {
        "small": {"worker_desired_capacity": 1, "lb_count": 1},
        "large": {"worker_desired_capacity": 3, "lb_count": 2},
    }
    assert core["heat_stack_scale_aspects"] == {
        "workers": {"max_scale_level": 3, "steps": {str(k): {"worker_desired_capacity": 1 + k} for k in range(4)}}
    }
    assert core["heat_stack_scale_params"]["lb_count"] == {"vdu": "lb", "min": 1, "max": 2, "default": 1}
    assert core["heat_stack_scale_level_ids"] == ["small", "large"]


def test_the_index_offers_the_levels_and_the_aspects_steps(small):
    """``service.json`` ``scaling``: what the catalogue offers to scale to (:func:`translators.levels.offer`)."""
    assert json.loads(small.files["service.json"])["scaling"] == {
        "levels": ["small", "large"],
        "default": "small",
        "aspects": {"workers": {"max_scale_level": 3}},
        "unreachable": {},
    }


def test_services_without_levels_or_aspects_keep_their_group_vars(small):
    from .conftest import EXAMPLE

    # the scale variables as a service with levels has them (not a prefix: it was renamed once)
    scale_keys = {k for k in json.loads(small.files["group_vars/core.json"]) if "scale" in k}
    assert "heat_stack_scale_params" in scale_keys
    core = json.loads(translate_file(EXAMPLE, DEMO_SITES).files["group_vars/core.json"])
    assert "heat_stack_template" in core  # the example has an OpenStack site, with its group_vars
    assert not scale_keys & set(core), sorted(scale_keys & set(core))


def test_a_level_beyond_the_aspect_is_unreachable(corpus):
    src = corpus / "heat-translator" / "etsi_nfv" / "tosca_nfv_vdu_cp_with_scaling_multi_aspects.yaml"
    t = translate_file(src, DEMO_SITES)
    core = json.loads(t.files["group_vars/core.json"])
    assert core["heat_stack_scale_unreachable"] == {
        "instantiation_level_3": "scale level 4 of aspect worker_instance1 is beyond its max_scale_level 2"
    }
    assert set(core["heat_stack_scale_levels"]) == {"instantiation_level_1", "instantiation_level_2"}
    assert any("level instantiation_level_3 cannot be reached" in r for r in t.report)
    offer = json.loads(t.files["service.json"])["scaling"]
    assert offer["levels"] == ["instantiation_level_1", "instantiation_level_2"]  # not the unreachable one
    assert set(offer["unreachable"]) == {"instantiation_level_3"}


def test_a_vdu_with_a_volume_stays_one_server(sol001, tmp_path):
    text = VNFD.replace(
        """    lb_cp:
""",
        """      requirements:
        - virtual_storage: lb_disk
    lb_disk:
      type: tosca.nodes.nfv.Vdu.VirtualBlockStorage
      properties:
        virtual_block_storage_data: {size_of_storage: 1 GiB}
    lb_cp:
""",
        1,
    )
    path = tmp_path / "vm_levels_volume.yaml"
    path.write_text(text)
    t = translate_file(path, DEMO_SITES, sol001)
    hot = _hot(t)
    assert hot["resources"]["lb"]["type"] == "OS::Nova::Server" and "lb_count" not in hot["parameters"]
    assert "lb_count" not in json.loads(t.files["group_vars/core.json"])["heat_stack_scale_params"]
    assert (
        "lb: VM count not made a parameter, it stays one server: it requires other nodes (volumes or "
        "storage: one volume cannot serve several servers)"
    ) in t.report


def test_scale_playbook_passes_syntax_check_and_lint(small, tmp_path):
    assert_playbooks_pass(small, tmp_path)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def folder(small, tmp_path_factory):
    return small.write(tmp_path_factory.mktemp("vm-levels-out"))


def _scale(folder: Path, tmp_path: Path, *extra: str, os_auth_url: str = "http://127.0.0.1:9/v3"):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "children": {
                        "core": {
                            "hosts": {
                                "core": {
                                    "ansible_connection": "local",
                                    "ansible_python_interpreter": sys.executable,
                                    "os_auth_url": os_auth_url,
                                    "os_cloud": "core",
                                }
                            }
                        }
                    }
                }
            }
        )
    )
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "ANSIBLE_ROLES_PATH": str(folder / "roles")}
    run = subprocess.run(
        [BIN / "ansible-playbook", "-i", inventory, "scale.yml", *extra],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return run.returncode, " ".join(run.stdout.split())


def test_plan_prints_the_counts_of_a_level_and_of_an_aspect_step(folder, tmp_path):
    rc, out = _scale(folder, tmp_path, "-e", "rdcl_mode=plan", "-e", "scale_level=large")
    assert rc == 0, out
    assert "stack vm-levels-core: worker_desired_capacity = 3 (worker)" in out
    assert "stack vm-levels-core: lb_count = 2 (lb)" in out
    # os_auth_url is port 9 (closed): had the run contacted it, it would have failed
    rc, out = _scale(folder, tmp_path, "-e", "rdcl_mode=plan", "-e", "scale_aspect=workers", "-e", "scale_steps=3")
    assert rc == 0, out
    assert "stack vm-levels-core: worker_desired_capacity = 4 (worker)" in out and "lb_count" not in out


def test_apply_against_a_closed_port_fails_naming_the_endpoint(folder, tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/v3"
    rc, out = _scale(folder, tmp_path, "-e", "scale_level=large", os_auth_url=url)
    assert rc != 0
    assert f"Site core: OpenStack endpoint {url} cannot be reached" in out


def test_unknown_level_and_aspect_steps_fail_naming_them(folder, tmp_path):
    rc, out = _scale(folder, tmp_path, "-e", "scale_level=huge")
    assert rc != 0 and "Site core: instantiation level huge is not one of small, large" in out
    assert "reach the Keystone endpoint" not in out  # refused before contacting anything
    rc, out = _scale(folder, tmp_path, "-e", "scale_aspect=workers", "-e", "scale_steps=4")
    assert rc != 0 and "Site core: scaling aspect workers: scale_steps 4 is not a scale level 0..3" in out
    rc, out = _scale(folder, tmp_path, "-e", "scale_aspect=dbs", "-e", "scale_steps=1")
    assert rc != 0 and "Site core: scaling aspect dbs is not one of workers" in out
