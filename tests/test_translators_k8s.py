"""Kubernetes and OpenShift depth: every manifest of the example and of a variant with
nested and bare-metal pods, files, resources, autoscaling, virtual links and an
OpenShift site validates (kubernetes-validate for Kubernetes kinds, the structural check
for OpenShift kinds) and has the expected fields; output is byte-identical run to run."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import kubernetes_validate
import pytest

from translators import kubernetes, validate
from translators.k8s import quantity
from translators.k8s.common import sample
from translators.sites import DEMO_SITES, SiteMap, SiteRef
from translators.translate import translate_file

from .conftest import EXAMPLE, REPO
from .helpers import assert_playbooks_pass

SITES = SiteMap([SiteRef("core", "openstack", True), SiteRef("edge", "kubernetes", True), SiteRef("apps", "openshift")])

EDGE_DEPTH = textwrap.dedent("""\
    tosca_definitions_version: tosca_simple_yaml_1_3
    description: >
      Edge service exercising the Kubernetes depth: nested pods, bare metal, files,
      resources, autoscaling, virtual links and an OpenShift site.
    metadata:
      template_name: edge-depth
    imports:
      - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
    topology_template:
      inputs:
        cache_replicas: {type: integer, default: 2}
        api_port: {type: integer, default: 8443}
      node_templates:
        fronthaul:
          type: tosca.nodes.network.Network
          properties: {network_name: fronthaul, cidr: 10.20.0.0/24, ip_version: 4}
        mec_vm:
          type: tosca.nodes.Compute
          capabilities:
            host: {properties: {num_cpus: 4, mem_size: 8 GB, disk_size: 40 GB}}
            os: {properties: {type: linux, distribution: debian, version: "12"}}
        mec_port:
          type: tosca.nodes.network.Port
          requirements:
            - binding: mec_vm
            - link: fronthaul
        bm_node:
          type: rdcl.nodes.Compute.BareMetal
          properties: {flavor: bm.large}
          capabilities:
            host: {properties: {num_cpus: 32, mem_size: 128 GB, disk_size: 500 GB}}
            os: {properties: {type: linux, distribution: debian, version: "12"}}
        mec_runtime:
          type: tosca.nodes.Container.Runtime
          capabilities:
            host: {properties: {num_cpus: 2, mem_size: 2 GiB}}
          requirements:
            - host: mec_vm
        cache:
          type: rdcl.nodes.Container.Application
          properties:
            image: registry.local/mec/cache:1.0
            command: [/usr/bin/cache, --config, cache.conf]
            ports: [8080, {get_input: api_port}]
            replicas: {get_input: cache_replicas}
            max_replicas: 6
            target_cpu_utilization: 70
            files:
              cache.conf: "size=1g\\n"
              conf.d/extra.conf: "ttl=60\\n"
          requirements:
            - host: mec_runtime
            - virtual_link: fronthaul
        dpi:
          type: rdcl.nodes.Container.Application
          properties:
            image: registry.local/mec/dpi:3.2
            vdu_parent: mec_vm
            vdu_parent_mandatory: false
            milli_cpus: 500
            mem_size: 512 MB
          requirements:
            - virtual_link: fronthaul
            - dependency: cache
        upf:
          type: rdcl.nodes.Container.Application
          properties:
            image: registry.local/core/upf:5.0
            vdu_parent_bare_metal: true
            num_cpus: 8
            mem_size: 16 GiB
            ports: [2152]
            service_type: LoadBalancer
        portal:
          type: rdcl.nodes.Container.Application
          properties:
            image: registry.local/portal:1.1
            ports: [8000]
          requirements:
            - dependency: upf
      policies:
        - core:
            type: rdcl.policies.Placement
            properties: {site: core}
            targets: [fronthaul, mec_vm, mec_port, bm_node]
        - edge:
            type: rdcl.policies.Placement
            properties: {site: edge}
            targets: [cache, dpi, upf]
        - apps:
            type: rdcl.policies.Placement
            properties: {site: apps}
            targets: [portal]
        - portal_scaling:
            type: rdcl.policies.Scaling
            properties: {min_instances: 2, max_instances: 5, default_instances: 3}
            targets: [portal]
    """)


def write_variant(tmp_path: Path, text: str = EDGE_DEPTH, name: str = "edge_depth.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    return translate_file(write_variant(tmp_path_factory.mktemp("variant")), SITES)


@pytest.fixture(scope="module")
def example():
    return translate_file(EXAMPLE, DEMO_SITES)


def rendered(translation, site: str) -> dict[str, list[dict]]:
    """node -> its manifests rendered with the descriptor's defaults, in apply order."""
    values = json.loads(translation.files["group_vars/all.json"])
    entries = json.loads(translation.files[f"group_vars/{site}.json"])["k8s_apply_manifests"]
    return {e["node"]: kubernetes.render(translation.files[e["template"]], values) for e in entries}


def by_kind(docs: list[dict]) -> dict[str, dict]:
    return {d["kind"]: d for d in docs}


def pod_spec(docs: list[dict]) -> dict:
    return by_kind(docs)["Deployment"]["spec"]["template"]["spec"]


def test_every_manifest_validates_for_kubernetes_validate_itself(example, variant):
    """Our cached validator agrees with kubernetes_validate.validate on every Kubernetes
    kind we emit, and the OpenShift kinds pass the structural check."""
    seen = set()
    for translation, sites in ((example, ["edge"]), (variant, ["edge", "apps"])):
        for site in sites:
            for node, docs in rendered(translation, site).items():
                assert validate.manifest_problems(docs) == [], node
                for doc in docs:
                    seen.add(doc["kind"])
                    if doc["apiVersion"].split("/")[0] in validate.OPENSHIFT_GROUPS:
                        assert validate.openshift_problems(doc) == []
                    else:
                        kubernetes_validate.validate(doc, validate.DEFAULT_K8S_VERSION, strict=True)
    assert seen == {
        "ConfigMap",
        "Deployment",
        "Service",
        "NetworkPolicy",
        "HorizontalPodAutoscaler",
        "Route",
        "Project",
    }


@pytest.mark.parametrize("version", ["1.25.0", "1.37.0"])
def test_manifests_validate_for_oldest_and_newest_schema(tmp_path, version):
    translation = translate_file(write_variant(tmp_path), SITES, k8s_version=version)
    assert translation.k8s_version == version
    assert json.loads(translation.files["service.json"])["kubernetes_version"] == version
    checked = 0
    for site in ("edge", "apps"):
        for docs in rendered(translation, site).values():
            assert validate.manifest_problems(docs, version) == []
            checked += len(docs)
    assert checked >= 7  # every kind of test_every_manifest_validates_for_kubernetes_validate_itself


def test_example_pods_keep_their_shape(example):
    docs = rendered(example, "edge")
    assert [d["kind"] for d in docs["mec_app"]] == ["Deployment", "Service"]
    assert [d["kind"] for d in docs["cran_du"]] == ["Deployment", "Service"]
    mec = pod_spec(docs["mec_app"])
    assert mec["nodeSelector"] == {kubernetes.PARENT_LABEL: "epc-cran-mec-mec-vm"}
    # mec_vm is reserved for the pod that requires it: tainted, and the pod tolerates it
    assert mec["tolerations"] == [
        {"key": kubernetes.PARENT_LABEL, "operator": "Equal", "value": "epc-cran-mec-mec-vm", "effect": "NoSchedule"}
    ]
    assert "tolerations" not in pod_spec(docs["cran_du"])
    edge = json.loads(example.files["group_vars/edge.json"])
    assert edge["k8s_apply_node_labels"] == [
        {
            "vdu": "mec_vm",
            "site": "core",
            "output": "rdcl_node_mec_vm",
            "labels": {kubernetes.PARENT_LABEL: "epc-cran-mec-mec-vm"},
            "taints": ["nfvo.rdcl.io/vdu=epc-cran-mec-mec-vm:NoSchedule"],
            "node_taints": [{"key": "nfvo.rdcl.io/vdu", "value": "epc-cran-mec-mec-vm", "effect": "NoSchedule"}],
        }
    ]


def test_configmap_from_files_is_mounted(variant):
    docs = by_kind(rendered(variant, "edge")["cache"])
    config = docs["ConfigMap"]
    assert config["metadata"]["name"] == "cache-files"
    assert config["data"] == {"cache.conf": "size=1g\n", "conf.d_extra.conf": "ttl=60\n"}
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    assert pod["volumes"] == [
        {
            "name": "rdcl-files",
            "configMap": {
                "name": "cache-files",
                "items": [
                    {"key": "cache.conf", "path": "cache.conf"},
                    {"key": "conf.d_extra.conf", "path": "conf.d/extra.conf"},
                ],
            },
        }
    ]
    container = pod["containers"][0]
    assert container["volumeMounts"] == [{"name": "rdcl-files", "mountPath": "/etc/rdcl/files", "readOnly": True}]
    assert container["workingDir"] == "/etc/rdcl/files"  # a command runs among its files, as on linux
    annotations = docs["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert len(annotations["nfvo.rdcl.io/files-sha256"]) == 64


def test_resources_from_the_node_or_its_runtime(variant):
    docs = rendered(variant, "edge")
    cache = pod_spec(docs["cache"])["containers"][0]["resources"]
    assert cache == {"requests": {"cpu": "2", "memory": "2Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}}
    assert pod_spec(docs["dpi"])["containers"][0]["resources"]["limits"] == {"cpu": "500m", "memory": "512M"}
    assert pod_spec(docs["upf"])["containers"][0]["resources"]["requests"] == {"cpu": "8", "memory": "16Gi"}
    assert "resources" not in pod_spec(rendered(variant, "apps")["portal"])["containers"][0]


def test_replicas_and_autoscalers(variant):
    cache = by_kind(rendered(variant, "edge")["cache"])
    assert cache["Deployment"]["spec"]["replicas"] == 2  # the input's default
    assert cache["HorizontalPodAutoscaler"]["spec"] == {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "cache"},
        "minReplicas": 2,
        "maxReplicas": 6,
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
            }
        ],
    }
    portal = by_kind(rendered(variant, "apps")["portal"])  # from the rdcl.policies.Scaling policy
    assert portal["Deployment"]["spec"]["replicas"] == 3
    assert (
        portal["HorizontalPodAutoscaler"]["spec"]["minReplicas"],
        portal["HorizontalPodAutoscaler"]["spec"]["maxReplicas"],
    ) == (2, 5)
    assert any(line.startswith("portal: its autoscaler") for line in variant.report)
    template = variant.files["templates/edge/cache.yaml.j2"]
    assert "replicas: {{ cache_replicas | int }}" in template and "minReplicas: {{ cache_replicas | int }}" in template


def test_network_policy_admits_links_and_clients_only(variant):
    docs = rendered(variant, "edge")
    policy = by_kind(docs["cache"])["NetworkPolicy"]["spec"]
    assert policy["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "cache"}}
    assert policy["policyTypes"] == ["Ingress"]
    assert policy["ingress"] == [
        {
            "from": [
                {"podSelector": {"matchLabels": {"vl.nfvo.rdcl.io/fronthaul": "member"}}},
                {"ipBlock": {"cidr": "10.20.0.0/24"}},  # VMs on the link (mec_port)
                {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "dpi"}}},
            ],  # dpi requires cache
            "ports": [{"port": 8080, "protocol": "TCP"}, {"port": 8443, "protocol": "TCP"}],
        }
    ]
    labels = by_kind(docs["dpi"])["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert labels["vl.nfvo.rdcl.io/fronthaul"] == "member"
    assert "ports" not in by_kind(docs["dpi"])["NetworkPolicy"]["spec"]["ingress"][0]
    assert "NetworkPolicy" not in by_kind(docs["upf"])  # not on a virtual link: not restricted


def test_nested_preferred_and_bare_metal_scheduling(variant):
    docs = rendered(variant, "edge")
    dpi = pod_spec(docs["dpi"])
    assert "nodeSelector" not in dpi
    assert dpi["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] == [
        {
            "weight": 100,
            "preference": {
                "matchExpressions": [
                    {"key": kubernetes.PARENT_LABEL, "operator": "In", "values": ["edge-depth-mec-vm"]}
                ]
            },
        }
    ]
    assert dpi["tolerations"][0]["value"] == "edge-depth-mec-vm"  # its parent is reserved by cache
    upf = pod_spec(docs["upf"])
    assert upf["nodeSelector"] == {kubernetes.BAREMETAL_LABEL: ""} and "tolerations" not in upf
    labels = json.loads(variant.files["group_vars/edge.json"])["k8s_apply_node_labels"]
    assert [{k: e[k] for k in ("vdu", "labels", "taints")} for e in labels] == [
        {"vdu": "bm_node", "labels": {kubernetes.BAREMETAL_LABEL: ""}, "taints": []},
        {
            "vdu": "mec_vm",
            "labels": {kubernetes.PARENT_LABEL: "edge-depth-mec-vm"},
            "taints": ["nfvo.rdcl.io/vdu=edge-depth-mec-vm:NoSchedule"],
        },
    ]
    assert [e["output"] for e in labels] == ["rdcl_node_bm_node", "rdcl_node_mec_vm"]
    assert by_kind(docs["upf"])["Service"]["spec"]["type"] == "LoadBalancer"


def test_optional_bare_metal_is_a_preferred_affinity(tmp_path):
    text = EDGE_DEPTH.replace(
        "vdu_parent_bare_metal: true", "vdu_parent_bare_metal: true\n        vdu_parent_mandatory: false"
    )
    pod = pod_spec(rendered(translate_file(write_variant(tmp_path, text), SITES), "edge")["upf"])
    assert pod["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]["preference"] == {
        "matchExpressions": [{"key": kubernetes.BAREMETAL_LABEL, "operator": "Exists"}]
    }


def test_openshift_flavour_adds_routes_and_the_project(variant):
    docs = rendered(variant, "apps")
    assert list(docs) == ["_project", "portal"]
    project = docs["_project"][0]
    assert project["apiVersion"] == "project.openshift.io/v1" and project["kind"] == "Project"
    assert project["metadata"]["name"] == "edge-depth"
    assert project["metadata"]["annotations"]["openshift.io/display-name"] == "edge-depth"
    route = by_kind(docs["portal"])["Route"]
    assert route["apiVersion"] == "route.openshift.io/v1"
    assert route["metadata"]["name"] == "portal-tcp-0"
    assert route["spec"] == {
        "to": {"kind": "Service", "name": "portal", "weight": 100},
        "port": {"targetPort": "tcp-0"},
    }
    assert "Route" not in by_kind(rendered(variant, "edge")["cache"])  # kubernetes site: no Routes
    index = json.loads(variant.files["service.json"])
    apps = next(p for p in index["parts"] if p["site"] == "apps")
    assert apps["templates"][0] == "templates/apps/_project.yaml.j2"
    assert {"name": "portal-tcp-0", "type": "Route"} in apps["creates"]


def test_openshift_check_catches_a_broken_route():
    good = {
        "apiVersion": "route.openshift.io/v1",
        "kind": "Route",
        "metadata": {"name": "a"},
        "spec": {"to": {"kind": "Service", "name": "a"}},
    }
    assert validate.manifest_problems([good]) == []
    bad = {
        **good,
        "metadata": {"name": "A_b"},
        "spec": {"to": {"kind": "Pod", "name": "a"}, "hostname": "x", "tls": {"termination": "sometimes"}},
    }
    problems = validate.manifest_problems([bad])
    assert any("metadata.name" in p for p in problems)
    assert any("spec.hostname: unknown field" in p for p in problems)
    assert any("spec.to" in p for p in problems) and any("termination" in p for p in problems)
    project = {"apiVersion": "project.openshift.io/v1", "kind": "Project", "metadata": {"name": "x" * 64}}
    assert validate.manifest_problems([project]) == [
        "Project/" + "x" * 64 + f": metadata.name: {'x' * 64!r} is not a valid name"
    ]


def test_the_shape_cache_never_hides_an_error():
    doc = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "replicas": 1,
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c"}]}},
        },
    }
    assert validate.manifest_problems([doc]) == []
    again = json.loads(json.dumps(doc))
    again["spec"]["replicas"] = "1"  # same keys, another type
    assert validate.manifest_problems([again]) and validate.manifest_problems([doc]) == []
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(again, validate.DEFAULT_K8S_VERSION, strict=True)
    assert validate.manifest_problems([doc], "1.99") == [
        "kubernetes-validate has no schema for Kubernetes 1.99 (it has 1.25.0 to 1.37.0)"
    ]


def test_quantities():
    assert [quantity.memory(v) for v in ("2 GB", "256 MiB", "1.5 GB", "512 MB", "4 GiB", "1000 B")] == [
        "2G",
        "256Mi",
        "1500M",
        "512M",
        "4Gi",
        "1k",
    ]
    assert [quantity.cpu(v) for v in (1, 2, 0.25)] == ["1", "2", "250m"]
    assert [quantity.millicpu(v) for v in (500, 2000, "{{ m }}")] == ["500m", "2", "{{ m }}m"]
    with pytest.raises(ValueError):
        quantity.memory("{{ size }}")


def test_manifests_checked_with_placeholder_values_at_translation(variant):
    """Integer fields from inputs are checked as integers before their value is known."""
    docs = kubernetes.documents(variant.model, variant.model.nodes["cache"])
    assert validate.manifest_problems(sample(docs)) == []


def _digest(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def test_same_input_same_bytes_across_processes(tmp_path):
    """Byte-identical output for the same input, in fresh interpreters with different
    hash seeds (set and dict order cannot leak into the files)."""
    src = write_variant(tmp_path)
    script = (
        "import hashlib, json, sys; from translators.translate import translate_file; "
        "from tests.test_translators_k8s import SITES; "
        "from translators.sites import DEMO_SITES; "
        "files = {**translate_file(sys.argv[1], SITES).files, "
        "**{'example/' + k: v for k, v in translate_file(sys.argv[2], DEMO_SITES).files.items()}}; "
        "print(hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest())"
    )
    digests = set()
    for seed in ("0", "1", "12345"):
        run = subprocess.run(
            [sys.executable, "-c", script, str(src), str(EXAMPLE)],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        digests.add(run.stdout.strip())
    here = {
        **translate_file(src, SITES).files,
        **{"example/" + k: v for k, v in translate_file(EXAMPLE, DEMO_SITES).files.items()},
    }
    assert digests == {_digest(here)}


def test_variant_playbooks_pass_syntax_check_and_ansible_lint(variant, tmp_path):
    assert {p.site for p in variant.parts} == {"core", "edge", "apps"}
    assert_playbooks_pass(variant, tmp_path)
