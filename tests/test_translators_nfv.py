"""ETSI NFV depth of the translators: SOL 001 instantiation levels for pods, scaling to a
level (Deployment replicas, or the autoscaler's bounds), VNFFG forwarding paths as
NetworkPolicies, and the parent VMs' Kubernetes nodes labelled and tainted by the
generated playbooks (checked with ansible-playbook and ansible-lint, and run against a
closed port and a server that is not Kubernetes: no cluster here)."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import yaml

from translators import kubernetes, validate
from translators.errors import DescriptorError, TranslationError
from translators.sites import DEMO_SITES
from translators.translate import translate_file

from .conftest import EXAMPLE
from .helpers import assert_playbooks_pass

BIN = Path(sys.executable).parent

CNF = textwrap.dedent("""\
    tosca_definitions_version: tosca_simple_yaml_1_2
    description: SOL 001 VNFD whose VDUs are pods, with instantiation levels.
    metadata:
      template_name: cnf-levels
    imports:
      - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
      - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
      - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
    topology_template:
      node_templates:
        upf:
          type: rdcl.nodes.Container.Application
          properties: {image: "registry.example/upf:1.0", ports: [8805]}
        smf:
          type: rdcl.nodes.Container.Application
          properties:
            image: "registry.example/smf:1.0"
            ports: [8080]
            milli_cpus: 500
            min_replicas: 2
            max_replicas: 3
      policies:
        - instantiation_levels:
            type: tosca.policies.nfv.InstantiationLevels
            properties:
              levels:
                small: {description: Smallest size}
                large: {description: Largest size}
              default_level: small
        - pod_levels:
            type: tosca.policies.nfv.VduInstantiationLevels
            properties:
              levels:
                small: {number_of_instances: 1}
                large: {number_of_instances: 5}
            targets: [upf, smf]
    """)

SFC = textwrap.dedent("""\
    tosca_definitions_version: tosca_simple_profile_for_nfv_1_0_0
    description: A chain of a firewall VM, a DPI pod and a NAT pod.
    metadata:
      template_name: sfc-chain
    imports:
      - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
    topology_template:
      node_templates:
        chain_net:
          type: tosca.nodes.network.Network
          properties: {network_name: chain, cidr: 10.30.0.0/24, ip_version: 4}
        fw:
          type: tosca.nodes.Compute
          capabilities:
            host: {properties: {num_cpus: 2, mem_size: 4 GB, disk_size: 10 GB}}
            os: {properties: {type: linux, distribution: debian, version: "12"}}
        fw_port:
          type: tosca.nodes.network.Port
          requirements:
            - binding: fw
            - link: chain_net
        dpi:
          type: rdcl.nodes.Container.Application
          properties: {image: "registry.example/dpi:1", ports: [9000]}
        nat:
          type: rdcl.nodes.Container.Application
          properties: {image: "registry.example/nat:1", ports: [9100]}
        fp1:
          type: rdcl.nodes.nfv.ForwardingPath
          properties: {policy: web-traffic}
          requirements:
            - forwarder: fw_port
            - forwarder: dpi
            - forwarder: nat
      groups:
        vnffg1:
          type: tosca.groups.nfv.VNFFG
          properties:
            vendor: rdcl
            version: "1.0"
            number_of_endpoints: 1
            dependent_virtual_link: [chain_net]
            connection_point: [fw_port]
            constituent_vnfs: [fw, dpi, nat]
          members: [fp1]
    """)


def _write(tmp_path, text, name):
    path = tmp_path / name
    path.write_text(text)
    return path


def _docs(translation, node, site="edge"):
    values = json.loads(translation.files["group_vars/all.json"])
    return {d["kind"]: d for d in kubernetes.render(translation.files[f"templates/{site}/{node}.yaml.j2"], values)}


@pytest.fixture(scope="module")
def cnf(sol001, tmp_path_factory):
    path = _write(tmp_path_factory.mktemp("cnf"), CNF, "cnf.yaml")
    return path, translate_file(path, DEMO_SITES, sol001)


def test_default_instantiation_level_sets_replicas(cnf):
    _, t = cnf
    assert _docs(t, "upf")["Deployment"]["spec"]["replicas"] == 1
    smf = _docs(t, "smf")
    assert smf["Deployment"]["spec"]["replicas"] == 1
    # the autoscaler owns smf's replicas: the level's count is its floor (at least 1)
    assert (
        smf["HorizontalPodAutoscaler"]["spec"]["minReplicas"],
        smf["HorizontalPodAutoscaler"]["spec"]["maxReplicas"],
    ) == (1, 3)
    edge = json.loads(t.files["group_vars/edge.json"])
    assert edge["k8s_apply_levels"] == {"small": {"upf": 1, "smf": 1}, "large": {"upf": 5, "smf": 5}}
    assert edge["k8s_apply_workloads"] == {
        "upf": {"deployment": "upf", "hpa": False},
        "smf": {"deployment": "smf", "hpa": True, "max": 3},
    }
    assert json.loads(t.files["group_vars/all.json"])["rdcl_levels"] == ["small", "large"]
    assert any(r.startswith("instantiation level small:") for r in t.report)
    assert not any("instantiation_levels" in r or "pod_levels" in r for r in t.report)


def test_chosen_level_and_unknown_level(cnf, sol001):
    path, _ = cnf
    large = translate_file(path, DEMO_SITES, sol001, level="large")
    assert _docs(large, "upf")["Deployment"]["spec"]["replicas"] == 5
    hpa = _docs(large, "smf")["HorizontalPodAutoscaler"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (5, 5)  # max grows to the level
    assert translate_file(path, DEMO_SITES, sol001, level="large").files == large.files  # deterministic
    with pytest.raises(TranslationError) as err:
        translate_file(path, DEMO_SITES, sol001, level="huge")
    (problem,) = err.value.problems
    assert problem.rule == "instantiation-level.unknown" and "small, large" in problem.message


def test_level_from_the_instantiation_level_input(sol001, tmp_path):
    text = CNF.replace(
        "topology_template:\n",
        "topology_template:\n  inputs:\n    instantiation_level: {type: string, default: large}\n",
        1,
    )
    t = translate_file(_write(tmp_path, text, "cnf_input.yaml"), DEMO_SITES, sol001)
    assert _docs(t, "upf")["Deployment"]["spec"]["replicas"] == 5


def test_several_levels_without_default_is_an_error(sol001, tmp_path):
    text = CNF.replace("          default_level: small\n", "")
    with pytest.raises(TranslationError) as err:
        translate_file(_write(tmp_path, text, "cnf_nodefault.yaml"), DEMO_SITES, sol001)
    assert [p.rule for p in err.value.problems] == ["instantiation-level.default"]


def test_scale_playbook_moves_replicas_or_autoscaler_bounds(cnf, tmp_path):
    _, t = cnf
    scale = yaml.safe_load(t.files["roles/k8s_apply/tasks/scale.yml"])
    by_name = {task["name"]: task for task in scale}
    replicas = by_name["Scale | set the replicas of Deployments without an autoscaler"]
    assert "kubernetes.core.k8s_scale" in replicas and "not (k8s_apply_workloads[item.key].hpa" in replicas["when"]
    bounds = by_name["Scale | move the bounds of the autoscalers that own the replicas"]["kubernetes.core.k8s"]
    assert bounds["kind"] == "HorizontalPodAutoscaler" and bounds["state"] == "patched"
    assert set(bounds["definition"]["spec"]) == {"minReplicas", "maxReplicas"}
    assert_playbooks_pass(t, tmp_path)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(folder: Path, tmp_path: Path, book: str, k8s_host: str, *extra: str) -> subprocess.CompletedProcess:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "children": {
                        "core": {"hosts": {"core": {"ansible_connection": "local"}}},
                        "edge": {
                            "hosts": {
                                "edge": {
                                    "ansible_connection": "local",
                                    "k8s_host": k8s_host,
                                    "ansible_python_interpreter": sys.executable,
                                }
                            }
                        },
                    }
                }
            }
        )
    )
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "ANSIBLE_ROLES_PATH": str(folder / "roles")}
    return subprocess.run(
        [BIN / "ansible-playbook", "-i", inventory, book, "--limit", "edge", *extra],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_scale_to_a_level_against_a_closed_port_and_an_unknown_level(cnf, tmp_path):
    _, t = cnf
    folder = t.write(tmp_path)
    port = _closed_port()
    run = _run(folder, tmp_path, "scale.yml", f"https://127.0.0.1:{port}", "-e", "scale_level=large")
    assert run.returncode != 0
    assert f"Kubernetes API https://127.0.0.1:{port} cannot be reached" in run.stdout
    run = _run(folder, tmp_path, "scale.yml", f"https://127.0.0.1:{port}", "-e", "scale_level=huge")
    assert run.returncode != 0 and "Instantiation level huge is not one of small, large" in run.stdout


class _NotKubernetes(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_parent_vm_nodes_are_labelled_and_tainted_by_create(tmp_path):
    t = translate_file(EXAMPLE, DEMO_SITES)
    nodes = yaml.safe_load(t.files["roles/k8s_apply/tasks/nodes.yml"])
    label = next(task for task in nodes if "kubernetes.core.k8s" in task)["kubernetes.core.k8s"]
    assert (label["kind"], label["state"]) == ("Node", "patched")
    assert label["definition"] == {"metadata": {"labels": "{{ item.labels }}"}}
    taint = next(task for task in nodes if "kubernetes.core.k8s_taint" in task)
    assert taint["kubernetes.core.k8s_taint"]["taints"] == "{{ item.node_taints }}"
    assert "rdcl_node_mec_vm" in yaml.safe_load(t.files["templates/core/stack.yaml"])["outputs"]
    heat = yaml.safe_load(t.files["roles/heat_stack/tasks/main.yml"])
    assert any("heat_stack_outputs" in (task.get("ansible.builtin.set_fact") or {}) for task in heat)
    folder = t.write(tmp_path)
    # the endpoint answers (not Kubernetes), the VM's node name is known from neither the site nor a stack
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotKubernetes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        run = _run(folder, tmp_path, "create.yml", f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
    assert run.returncode != 0
    assert "the Kubernetes node of VM mec_vm is unknown: set k8s_node_names.mec_vm on the site" in " ".join(
        run.stdout.split()
    )
    assert "Apply | namespace" not in run.stdout  # stopped before applying anything


def test_forwarding_path_becomes_network_policies(tmp_path):
    t = translate_file(_write(tmp_path, SFC, "sfc.yaml"), DEMO_SITES)
    nat = _docs(t, "nat")["NetworkPolicy"]
    assert nat["metadata"]["name"] == "fp1-nat"
    assert nat["spec"]["ingress"] == [
        {
            "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "dpi"}}}],
            "ports": [{"port": 9100, "protocol": "TCP"}],
        }
    ]
    dpi = _docs(t, "dpi")["NetworkPolicy"]
    assert dpi["spec"]["ingress"][0]["from"] == [{"ipBlock": {"cidr": "10.30.0.0/24"}}]  # the VM before it
    for node in ("dpi", "nat"):
        assert validate.manifest_problems(list(_docs(t, node).values())) == []
    report = "\n".join(t.report)
    assert "path fp1: hops fw -> dpi -> nat" in report
    assert "VM hops fw are not chained: networking-sfc resources" in report
    assert "group vnffg1: forwarding graph" in report
    hot = yaml.safe_load(t.files["templates/core/stack.yaml"])
    assert not [
        r
        for r in hot["resources"].values()
        if r["type"].startswith("OS::Neutron::Port") and r["type"] != "OS::Neutron::Port"
    ]
    assert "fp1" not in hot["resources"]
    assert translate_file(tmp_path / "sfc.yaml", DEMO_SITES).files == t.files


def test_nfv_profile_fp_with_forwarders_is_refused_with_a_located_problem(tmp_path):
    """tosca-parser 2.12 cannot load tosca.nodes.nfv.FP with forwarder requirements (its
    type names no target node): a problem, never a traceback."""
    text = SFC.replace("type: rdcl.nodes.nfv.ForwardingPath", "type: tosca.nodes.nfv.FP")
    with pytest.raises(DescriptorError) as err:
        translate_file(_write(tmp_path, text, "sfc_fp.yaml"), DEMO_SITES)
    assert err.value.problems and "Traceback" not in err.value.report()
