"""ETSI NFV-IFA 011/014 and nested-VDU descriptors translated through TOSCA (translators.etsi)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from translators import etsi, kubernetes, validate
from translators.errors import TranslationError
from translators.sites import DEMO_SITES
from translators.translate import translate_descriptors

from .helpers import assert_playbooks_pass

REPO = Path(__file__).resolve().parent.parent
NESTED = REPO / "rdcl" / "types" / "nested_vdu" / "examples"
ETSI = REPO / "rdcl" / "types" / "etsi" / "examples"

#: Corpus outcomes: source -> ("translated", servers, pods) or ("refused", rule of the first problem, its path).
CORPUS_OUTCOMES = {
    "sf2heat/test_project.json": ("translated", 1, 0),
    "sf2heat/test_project_2.json": ("translated", 1, 0),
    "sf2heat/test_tof.json": ("refused", "etsi.no-flavor", "vnfd.vnf1.vdu[0].virtualComputeDesc"),
    "rdcl3d/etsi/descriptor_template": ("refused", "etsi.nothing-to-deploy", "nsd.nsd.nsDf"),
    "rdcl3d/superfluidity/descriptor_template": ("refused", "etsi.nothing-to-deploy", "nsd.nsd.nsDf"),
}


def _load(folder: Path) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted(folder.iterdir()) if p.suffix in (".json", ".yaml")}


def _hot(translation) -> dict:
    return yaml.safe_load(translation.files["templates/core/stack.yaml"])


def _res(value) -> str:
    """The resource a ``get_resource`` names (parsed, or heat-translator's flow text)."""
    return value["get_resource"] if isinstance(value, dict) else str(value).strip("{} ").split()[-1]


def _docs(translation, node: str) -> list[dict]:
    values = json.loads(translation.files["group_vars/all.json"])
    return kubernetes.render(translation.files[f"templates/edge/{node}.yaml.j2"], values)


@pytest.fixture(scope="module")
def edge_vnf():
    return translate_descriptors({"edge_vnfd": _load(NESTED)["edge_vnfd"]}, DEMO_SITES)


@pytest.fixture(scope="module")
def edge_ns():
    return translate_descriptors(_load(NESTED), DEMO_SITES)


@pytest.fixture(scope="module")
def firewall():
    return translate_descriptors(_load(ETSI), DEMO_SITES)


def test_vm_vdu_is_a_server_with_the_flavor_of_its_compute_descriptor(edge_vnf):
    hot = _hot(edge_vnf)
    server = hot["resources"]["edge_vm"]
    assert server["type"] == "OS::Nova::Server"
    assert server["properties"]["flavor"] == "m1.large"  # 4 vCPU, 8 GB: edge_compute
    assert server["properties"]["image"] == {"get_param": "edge_vm_image"}  # no swImageDesc: a dialog field
    assert (
        server["properties"]["metadata"]["nfvo.rdcl.io:vdu"] == "edge-edge-vm"
    )  # its pods' node label (Nova: ":" for "/")
    assert hot["resources"]["mgmt_vl"]["type"] == "OS::Neutron::Net"
    assert hot["resources"]["mgmt_vl_subnet"]["properties"]["cidr"] == {"get_param": "mgmt_vl_cidr"}
    assert [_res(n["port"]) for n in server["properties"]["networks"]] == ["edge_vm_mgmt"]
    tosca = yaml.safe_load(edge_vnf.files["tosca/service.yaml"])
    assert tosca["topology_template"]["node_templates"]["edge_vm"]["capabilities"]["host"]["properties"] == {
        "num_cpus": 4,
        "mem_size": "8 GB",
    }


def test_nested_pods_are_pinned_preferred_and_click_is_reported(edge_vnf):
    mec = _docs(edge_vnf, "mec_pod")
    assert validate.manifest_problems(mec) == []
    spec = mec[0]["spec"]["template"]["spec"]
    assert spec["nodeSelector"] == {kubernetes.PARENT_LABEL: "edge-edge-vm"}
    assert mec[0]["kind"] == "Deployment" and mec[0]["spec"]["replicas"] == 1
    hpa = next(d for d in mec if d["kind"] == "HorizontalPodAutoscaler")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (1, 3)  # vduProfile 1..3
    cache = _docs(edge_vnf, "cache_pod")
    assert validate.manifest_problems(cache) == []
    affinity = cache[0]["spec"]["template"]["spec"]["affinity"]["nodeAffinity"]
    assert affinity["preferredDuringSchedulingIgnoredDuringExecution"][0]["preference"]["matchExpressions"] == [
        {"key": kubernetes.PARENT_LABEL, "operator": "In", "values": ["edge-edge-vm"]}
    ]
    assert "nodeSelector" not in cache[0]["spec"]["template"]["spec"]
    assert any(
        r.startswith("vnfd.edge_vnfd.vdu[3].vduNestedDescType: click VNFs are not translated") for r in edge_vnf.report
    )
    assert not any("fronthaul" in f for f in edge_vnf.files if f.startswith("templates/"))
    assert "vnfd.edge_vnfd.intVirtualLinkDesc[1]: no connection point is on it: no network made" in edge_vnf.report


def test_bare_metal_pod_and_port_order_follow_internal_if_ref():
    vnfd = {
        "vnfdId": "bm",
        "vdu": [
            {
                "vduId": "vm",
                "virtualComputeDesc": "c",
                "swImageDesc": {"name": "debian-12"},
                "intCpd": [
                    {"cpdId": "b", "intVirtualLinkDesc": "vl2", "internalIfRef": "eth1"},
                    {"cpdId": "a", "intVirtualLinkDesc": "vl1", "internalIfRef": "eth0"},
                ],
            },
            {
                "vduId": "pod",
                "vduParent": "None",
                "vduNestedDesc": "app",
                "vduNestedDescType": "kubernetes",
                "virtualComputeDesc": "small",
            },
        ],
        "virtualComputeDesc": [
            {"virtualComputeDescId": "c", "virtualCpu": {"numVirtualCpu": 2}, "virtualMemory": {"virtualMemSize": 4}},
            {
                "virtualComputeDescId": "small",
                "virtualCpu": {"numVirtualCpu": 0.5},
                "virtualMemory": {"virtualMemSize": 1},
            },
        ],
        "intVirtualLinkDesc": [
            {
                "virtualLinkDescId": "vl1",
                "virtualLinkProtocolData": [
                    {"l3ProtocolData": {"cidr": "10.1.0.0/24", "ipVersion": "IPV4", "gatewayIp": "10.1.0.1"}}
                ],
            },
            {"virtualLinkDescId": "vl2"},
        ],
    }
    t = translate_descriptors(
        {"bm": vnfd},
        DEMO_SITES,
        nested={"app": {"kind": "Pod", "spec": {"containers": [{"name": "app", "image": "registry.local/app:2"}]}}},
    )
    hot = _hot(t)
    ports = hot["resources"]["vm"]["properties"]["networks"]
    assert [_res(p["port"]) for p in ports] == ["a", "b"]  # eth0, eth1: not intCpd order
    assert hot["resources"]["vm"]["properties"]["image"] == "debian-12"
    assert hot["resources"]["vm"]["properties"]["flavor"] == "m1.medium"
    assert hot["resources"]["vl1_subnet"]["properties"]["cidr"] == "10.1.0.0/24"
    assert hot["resources"]["vl1_subnet"]["properties"]["gateway_ip"] == "10.1.0.1"
    pod = _docs(t, "pod")[0]
    assert pod["spec"]["template"]["spec"]["nodeSelector"] == {kubernetes.BAREMETAL_LABEL: ""}
    container = pod["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.local/app:2"  # from the nested descriptor
    assert container["resources"]["requests"]["cpu"] == "500m"


def test_ns_merges_the_vnfs_and_connects_external_cps(edge_ns, firewall):
    hot = _hot(edge_ns)
    assert hot["resources"]["edge_edge_vm"]["type"] == "OS::Nova::Server"
    assert _res(hot["resources"]["edge_edge_vm_mgmt"]["properties"]["network"]) == "mgmt_net"
    assert "edge_mgmt_vl" not in hot["resources"]  # exposed through edge_mgmt: merged into mgmt_net
    assert "templates/edge/edge_mec_pod.yaml.j2" in edge_ns.files
    fw = _hot(firewall)
    server = fw["resources"]["fw_fw_vm"]["properties"]
    assert server["image"] == "firewall" and server["flavor"] == "m1.medium"  # 2 vCPU, 2 GB
    nets = {r: _res(fw["resources"][r]["properties"]["network"]) for r in ("fw_fw_inside", "fw_fw_outside")}
    assert nets == {"fw_fw_inside": "access_vl", "fw_fw_outside": "internet_vl"}
    assert any(
        r.startswith("nsd.firewall_nsd.sapd[0] users: service access point not translated") for r in firewall.report
    )


@pytest.mark.parametrize("name", ["edge_vnf", "edge_ns", "firewall"])
def test_gates_hot_manifests_playbooks(name, request, tmp_path):
    t = request.getfixturevalue(name)
    checked = []
    for path, text in t.files.items():
        if path.startswith("templates/") and path.endswith(".yaml"):
            assert validate.hot_problems(text) == [], path
            checked.append(path)
        if path.endswith(".yaml.j2"):
            assert validate.manifest_problems(_docs(t, Path(path).name[: -len(".yaml.j2")])) == []
            checked.append(path)
    assert "templates/core/stack.yaml" in checked, checked
    assert json.loads(t.files["service.json"])["report"] == t.report
    assert_playbooks_pass(t, tmp_path)


def test_deterministic():
    first = translate_descriptors(_load(NESTED), DEMO_SITES)
    second = translate_descriptors(_load(NESTED), DEMO_SITES)
    assert first.files == second.files
    assert first.files["tosca/service.yaml"] == etsi.to_tosca(_load(NESTED)).text


def test_a_nested_type_that_is_not_a_string_is_a_located_problem():
    """Found by mypy: a list where IFA 011 has a nested type name raised TypeError (unhashable)."""
    vnfd = {"vnfdId": "x", "vdu": [{"vduId": "p", "vduNestedDesc": "a", "vduNestedDescType": ["kubernetes"]}]}
    with pytest.raises(TranslationError) as err:
        translate_descriptors({"x": vnfd}, DEMO_SITES)
    assert {(p.path, p.rule) for p in err.value.problems} == {("vnfd.x.vdu[0].vduNestedDescType", "etsi.nested-type")}


def test_required_parts_are_errors_at_their_path():
    vnfd = {
        "vnfdId": "x",
        "vdu": [
            {"vduId": "vm"},
            {"vduId": "p", "vduParent": "q", "vduNestedDesc": "a", "vduNestedDescType": "kubernetes"},
            {"vduId": "q", "vduNestedDesc": "b", "vduNestedDescType": "unikernel"},
        ],
    }
    with pytest.raises(TranslationError) as err:
        translate_descriptors({"x": vnfd}, DEMO_SITES)
    found = {(p.path, p.rule) for p in err.value.problems}
    assert found == {
        ("vnfd.x.vdu[1].vduParent", "etsi.vdu-parent"),
        ("vnfd.x.vdu[2].vduNestedDescType", "etsi.nested-type"),
    }
    assert err.value.file == "x"


def test_cli_translates_an_etsi_folder(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "translators", "translate", str(NESTED), "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "edge-site" / "tosca" / "service.yaml").is_file()
    assert "click VNFs are not translated" in run.stdout


@pytest.mark.parametrize("source", sorted(CORPUS_OUTCOMES))
def test_corpus_projects_translate_or_are_refused_with_located_problems(corpus, source):
    found = etsi.read_descriptors(corpus / source)
    assert found is not None
    expected = CORPUS_OUTCOMES[source]
    if expected[0] == "refused":
        with pytest.raises(TranslationError) as err:
            translate_descriptors(found[0], DEMO_SITES, found[1])
        first = err.value.problems[0]
        assert (first.rule, first.path) == expected[1:]
        return
    t = translate_descriptors(found[0], DEMO_SITES, found[1])
    hot = _hot(t)
    assert validate.hot_problems(t.files["templates/core/stack.yaml"]) == []
    servers = [r for r in hot["resources"].values() if r["type"] == "OS::Nova::Server"]
    pods = [f for f in t.files if f.endswith(".yaml.j2")]
    assert (len(servers), len(pods)) == expected[1:]
    assert all(r.split(":")[0].startswith(("nsd.", "vnfd.")) or ":" not in r for r in t.report[:5])
