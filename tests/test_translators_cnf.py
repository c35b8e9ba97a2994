"""VNF packages (issue 12, second half): SOL 001 container VDUs and Kubernetes manifests become
the service's Kubernetes part (checked against the Kubernetes schema; a chart carried and
installed only where the worker has helm), Vnflcm operations become hooks of the catalogue
item's operations (scripts run as data), nothing to deploy is a located error for every
output, and NSDs whose VNFs require an NS virtual link translate.

The packages are in SOL 004 layout under ``tests/data/packages``; each test copies one with
the SOL 001 v2.6.1 type files of the corpus and the test subset of the v4.3.1 types beside its
descriptors, as a vendor's package carries them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from translators import cnf, kubernetes, validate
from translators.__main__ import main as translate_cli
from translators.errors import DescriptorError, TranslationError
from translators.manifests import read_manifests
from translators.sites import DEMO_SITES
from translators.translate import translate_file
from translators.validate import manifest_problems

from .helpers import assert_playbooks_pass

PACKAGES = Path(__file__).parent / "data" / "packages"
BIN = Path(sys.executable).parent


def package(name: str, corpus: Path, tmp_path: Path) -> Path:
    """A copy of ``tests/data/packages/<name>`` with the type files in ``Definitions/`` and
    its Helm charts packed (``Files/charts/<chart>/`` -> ``<chart>-<version>.tgz``)."""
    root = tmp_path / name
    shutil.copytree(PACKAGES / name, root)
    defs = root / "Definitions"
    defs.mkdir(exist_ok=True)
    for type_file in (corpus / "heat-translator" / "etsi_nfv").glob("etsi_nfv_sol001_*_types.yaml"):
        shutil.copy(type_file, defs)
    shutil.copy(PACKAGES / "common" / "rdcl_test_sol001_v4_subset.yaml", defs)
    charts = root / "Files" / "charts"
    for chart in [p for p in charts.iterdir() if p.is_dir()] if charts.is_dir() else []:
        version = yaml.safe_load((chart / "Chart.yaml").read_text())["version"]
        with tarfile.open(charts / f"{chart.name}-{version}.tgz", "w:gz") as tgz:
            tgz.add(chart, arcname=chart.name)
    return root


@pytest.fixture
def cnf_pkg(corpus, tmp_path):
    return package("cnf", corpus, tmp_path)


def _docs(text: str, values: dict | None = None) -> list[dict]:
    return kubernetes.render(text, values or {})


# -- CNFs -----------------------------------------------------------------------------


def test_container_vdus_are_pods_not_servers(cnf_pkg):
    result = translate_file(cnf_pkg / "Definitions" / "cnf_vnfd.yaml", DEMO_SITES, root=cnf_pkg)
    assert [(p.site, p.kind, p.nodes) for p in result.parts] == [("edge", "kubernetes", ["web", "db", "cache"])]
    assert not any(k.startswith("templates/core/") for k in result.files), "no Nova server for a container VDU"
    (web,) = _docs(result.files["templates/edge/web.yaml.j2"])
    assert web["kind"] == "Deployment" and web["spec"]["replicas"] == 1
    containers = web["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [
        ("nginx", "registry.example/nginx:1.27"),
        ("shipper", "registry.example/shipper:2.1"),
    ]
    assert containers[0]["resources"] == {
        "requests": {"cpu": "250m", "memory": "128Mi"},
        "limits": {"cpu": "500m", "memory": "256Mi"},
    }
    assert manifest_problems([web]) == []
    report = "\n".join(result.report)
    for node in ("nginx", "shipper", "cache_mciop"):
        assert f"{node}: part of the pod of" in report
    assert "web_cnf: the VNF (tosca.nodes.nfv.VNF) its VDUs make up" in report


def test_manifest_artifacts_are_applied_as_data_and_scaled_by_the_levels(cnf_pkg):
    result = translate_file(cnf_pkg / "Definitions" / "cnf_vnfd.yaml", DEMO_SITES, root=cnf_pkg, level="large")
    docs = _docs(result.files["templates/edge/db.yaml.j2"])
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("ConfigMap", "db-config"),
        ("Deployment", "db"),
        ("Service", "db"),
    ]
    written = list(yaml.safe_load_all((cnf_pkg / "Files" / "kubernetes" / "db.yaml").read_text()))
    # the manifest's text renders to itself: nothing of it ran as Jinja
    assert docs[0]["data"] == written[0]["data"]
    assert docs[1]["spec"]["replicas"] == 2, "the level's count, not the manifest's 7"
    (web,) = _docs(result.files["templates/edge/web.yaml.j2"])
    assert web["spec"]["replicas"] == 3
    edge = json.loads(result.files["group_vars/edge.json"])
    assert edge["k8s_apply_levels"] == {"small": {"web": 1, "db": 1}, "large": {"web": 3, "db": 2}}
    assert edge["k8s_apply_workloads"] == {
        "web": {"deployment": "web", "hpa": False},
        "db": {"deployment": "db", "hpa": False},
    }


def test_a_manifest_that_breaks_the_schema_is_refused_naming_the_vdu(cnf_pkg):
    manifest = cnf_pkg / "Files" / "kubernetes" / "db.yaml"
    manifest.write_text(
        manifest.read_text().replace("containerPort: 5432", "containerPort: 5432\n              bogus: 1")
    )
    with pytest.raises(TranslationError) as err:
        translate_file(cnf_pkg / "Definitions" / "cnf_vnfd.yaml", DEMO_SITES, root=cnf_pkg)
    (problem,) = err.value.problems
    assert (problem.path, problem.rule) == ("topology_template.node_templates.db", "kubernetes.schema")
    assert "Deployment/db" in problem.message and problem.line


def test_a_bad_or_escaping_manifest_is_located(cnf_pkg):
    vnfd = cnf_pkg / "Definitions" / "cnf_vnfd.yaml"
    (cnf_pkg / "Files" / "kubernetes" / "db.yaml").write_text("kind: Deployment\n---\n[1, 2\n")
    with pytest.raises(DescriptorError) as err:
        translate_file(vnfd, DEMO_SITES, root=cnf_pkg)
    (problem,) = err.value.problems
    assert problem.rule == "manifest.yaml" and problem.path.endswith("db.artifacts.db_manifests")
    assert (
        "db.yaml:4: while parsing" in problem.message
        and problem.line == vnfd.read_text().splitlines().index("        db_manifests:") + 1
    )
    # the package folder is the limit: the same artifact from a root below it is refused
    with pytest.raises(DescriptorError) as err:
        translate_file(vnfd, DEMO_SITES, root=cnf_pkg / "Definitions")
    assert {p.rule for p in err.value.problems} == {"manifest.outside", "chart.outside"}


def test_a_chart_over_the_size_limit_is_refused(cnf_pkg, monkeypatch):
    monkeypatch.setattr(cnf, "CHART_MAX_BYTES", 64)
    with pytest.raises(DescriptorError) as err:
        translate_file(cnf_pkg / "Definitions" / "cnf_vnfd.yaml", DEMO_SITES, root=cnf_pkg)
    (problem,) = err.value.problems
    assert problem.rule == "chart.size" and problem.path.endswith("cache_mciop.artifacts.cache_chart")


def test_helm_charts_are_carried_and_refused_where_the_worker_has_no_helm(cnf_pkg, monkeypatch):
    result = translate_file(cnf_pkg / "Definitions" / "cnf_vnfd.yaml", DEMO_SITES, root=cnf_pkg)
    chart = "charts/cache-cache-chart.tgz"
    assert result.blobs[chart] == (cnf_pkg / "Files" / "charts" / "cache-0.1.0.tgz").read_bytes()
    edge = json.loads(result.files["group_vars/edge.json"])
    assert edge["k8s_apply_charts"] == [{"node": "cache", "release": "cache-cache-chart", "chart": chart}]
    index = json.loads(result.files["service.json"])
    assert index["parts"][0]["charts"] == edge["k8s_apply_charts"]
    has_helm = shutil.which("helm") is not None
    assert any(("not deployable here" in line) != has_helm for line in result.report if "Helm chart" in line)
    # the plan check of the catalogue (nfvo.kinds) refuses it without helm, passes it with helm
    from nfvo.kinds import ServiceKind

    folder = result.write(cnf_pkg.parent / "out")
    assert (folder / chart).read_bytes() == result.blobs[chart]
    monkeypatch.setattr(shutil, "which", lambda name: None)
    plan, problems = ServiceKind().plan(folder, {})
    assert plan["edge"]["charts"] == ["cache-cache-chart"]
    assert [p for p in problems if "no helm binary" in p] and "cache" in problems[0]
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/local/bin/helm")
    assert ServiceKind().plan(folder, {})[1] == []


def test_cnf_playbooks_pass_and_k8s_target_writes_every_vdu(cnf_pkg, tmp_path, capsys):
    result = translate_file(cnf_pkg / "Definitions" / "cnf_vnfd.yaml", DEMO_SITES, root=cnf_pkg)
    assert_playbooks_pass(result, tmp_path / "lint")
    code = translate_cli(
        [
            "translate",
            str(cnf_pkg / "Definitions" / "cnf_vnfd.yaml"),
            "--root",
            str(cnf_pkg),
            "--to",
            "k8s",
            "--out",
            str(tmp_path / "k8s"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    written = sorted(p.name for p in (tmp_path / "k8s" / "web-cnf" / "manifests" / "edge").iterdir())
    assert written == ["db.yaml", "web.yaml"]


def test_package_manifests_make_a_tacker_style_vdu_a_pod(corpus, tmp_path):
    """Tacker's CNF packages: a ``Vdu.Compute`` with no image whose Deployment comes from
    the package's ``Files/kubernetes``; the package's other manifests are the service's own."""
    root = package("lcm", corpus, tmp_path)
    vnfd = root / "Definitions" / "tacker_cnf.yaml"
    vnfd.write_text(
        "tosca_definitions_version: tosca_simple_yaml_1_2\n"
        "metadata: {template_name: tacker-cnf}\n"
        "imports: [etsi_nfv_sol001_common_types.yaml, etsi_nfv_sol001_vnfd_types.yaml]\n"
        "topology_template:\n"
        "  node_templates:\n"
        "    VDU1:\n"
        "      type: tosca.nodes.nfv.Vdu.Compute\n"
        "      properties:\n"
        "        name: vdu1\n"
        "        description: a Deployment of the package's manifests\n"
        "        vdu_profile: {min_number_of_instances: 1, max_number_of_instances: 3}\n"
    )
    files = root / "Files" / "kubernetes"
    files.mkdir(parents=True)
    (files / "vdu1.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: vdu1}\nspec:\n  selector: {matchLabels: {app: v}}\n"
        "  template:\n    metadata: {labels: {app: v}}\n    spec: {containers: [{name: v, image: 'v:1'}]}\n"
    )
    (files / "shared.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {a: '{{ b }}'}\n"
    )
    from translators.tosca_loader import load
    from translators.translate import translate_model

    model = load(vnfd, root=root)
    found, problems = read_manifests([(f"Files/kubernetes/{n}", files / n) for n in ("vdu1.yaml", "shared.yaml")], root)
    assert problems == []
    cnf.package_manifests(model, found)
    assert model.nodes["VDU1"].role == "cnf"
    result = translate_model(model, DEMO_SITES)
    assert [p.kind for p in result.parts] == ["kubernetes"]
    (deployment,) = _docs(result.files["templates/edge/VDU1.yaml.j2"])
    assert deployment["spec"]["replicas"] == 1
    (shared,) = _docs(result.files["templates/edge/_manifests.yaml.j2"])
    assert shared["data"] == {"a": "{{ b }}"}


# -- Vnflcm ---------------------------------------------------------------------------


@pytest.fixture
def lcm(corpus, tmp_path):
    root = package("lcm", corpus, tmp_path)
    return root, translate_file(root / "Definitions" / "lcm_vnfd.yaml", DEMO_SITES, root=root)


def _plays(result, book: str) -> list[dict]:
    return yaml.safe_load(result.files[book])


def test_vnflcm_operations_are_hooks_of_the_item_operations(lcm, tmp_path):
    root, result = lcm
    create, delete, scale, heal = (_plays(result, b) for b in ("create.yml", "delete.yml", "scale.yml", "heal.yml"))
    assert create[-1]["name"].startswith("Vnflcm instantiate_end") and create[0]["hosts"] == "core"
    assert scale[0]["name"].startswith("Vnflcm scale_start") and scale[-1]["name"].startswith("Vnflcm scale_end")
    assert delete[0]["name"].startswith("Vnflcm terminate_start")
    assert heal[0]["ansible.builtin.import_playbook"] == "hooks/heal_start-1.yml"
    assert heal[-1]["ansible.builtin.import_playbook"] == "hooks/heal_end-1.yml"
    assert heal[1:-1] == create[:-1], "heal re-converges with the create plays, without instantiate hooks"
    index = json.loads(result.files["service.json"])
    assert index["playbooks"]["heal"] == "heal.yml"
    assert [h["operation"] for h in index["lifecycle"]] == [
        "instantiate_end",
        "scale_start",
        "scale_end",
        "heal_start",
        "heal_end",
        "terminate_start",
    ]
    assert result.blobs["hooks/instantiate_end-1.sh"] == (root / "Scripts" / "configure.sh").read_bytes()
    report = "\n".join(result.report)
    for op in ("modify_information", "change_flavour", "terminate_end"):
        assert f"topology_template.node_templates.lcm_vnf.interfaces.Vnflcm.{op}: not run" in report
    assert "Tacker management driver" in report
    assert_playbooks_pass(result, tmp_path / "lint")


def test_a_hook_script_runs_with_its_inputs_as_data(lcm, tmp_path):
    """The instantiate_end play alone, run on a local host: the script gets its inputs as
    environment variables, the Jinja-looking one as text (nothing in it ran)."""
    _, result = lcm
    folder = result.write(tmp_path)
    hook = _plays(result, "create.yml")[-1]
    (folder / "hook.yml").write_text(yaml.safe_dump([hook]))
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": {"core": {"hosts": {"core-api": local}}}}}))
    out = tmp_path / "hook.out"
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "RDCL_HOOK_OUT": str(out),
    }
    run = subprocess.run(
        [BIN / "ansible-playbook", "-i", tmp_path / "hosts.yml", "hook.yml"],
        cwd=folder,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert out.read_text() == "configured: {{ lookup('pipe', 'id') }} (3 retries)\n"


def test_a_missing_hook_file_is_located(corpus, tmp_path):
    root = package("lcm", corpus, tmp_path)
    (root / "Scripts" / "rebalance.sh").unlink()
    vnfd = root / "Definitions" / "lcm_vnfd.yaml"
    with pytest.raises(DescriptorError) as err:
        translate_file(vnfd, DEMO_SITES, root=root)
    (problem,) = err.value.problems
    assert problem.rule == "lcm.missing"
    assert problem.path == "topology_template.node_templates.lcm_vnf.interfaces.Vnflcm.scale_end"
    assert problem.line == vnfd.read_text().splitlines().index("          scale_end: ../Scripts/rebalance.sh") + 1


# -- NSDs, forwarding graphs, nothing to deploy ---------------------------------------------


def test_nsd_vnfs_on_an_ns_virtual_link_translate(corpus, tmp_path):
    root = package("nsd", corpus, tmp_path)
    result = translate_file(root / "Definitions" / "nsd.yaml", DEMO_SITES)
    assert [(p.site, p.nodes) for p in result.parts] == [("core", ["probe"])]
    stack = validate.load_yaml(result.files["templates/core/stack.yaml"])
    assert stack["resources"]["probe"]["type"] == "OS::Nova::Server"
    report = "\n".join(result.report)
    for vnf in ("vnf_a", "vnf_b"):
        assert f"{vnf}: skipped, a VNF of the network service" in report
        assert f"(topology_template.node_templates.{vnf})" in report


@pytest.mark.parametrize("target", ["playbooks", "hot", "k8s"])
@pytest.mark.parametrize("sample", ["vnffg/vnffg_only.yaml", "nsd/Definitions/nsd_vnfs_only.yaml"])
def test_nothing_to_deploy_is_a_located_error_for_every_output(corpus, tmp_path, capsys, target, sample):
    folder = sample.split("/")[0]
    root = package(folder, corpus, tmp_path) if folder == "nsd" else PACKAGES / folder
    src = root / sample.split("/", 1)[1]
    code = translate_cli(["translate", str(src), "--to", target, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and not (tmp_path / "out").exists()
    line = src.read_text().splitlines().index("  node_templates:") + 1
    assert f"{src}:{line}: topology_template.node_templates: [nothing-to-deploy]" in err


# -- one locator ----------------------------------------------------------------------


def test_translate_locates_tosca_parser_problems_as_the_validator_does(corpus, tmp_path):
    from rdcl.types.registry import get_type
    from rdcl.types.sources import as_sources

    root = package("nsd", corpus, tmp_path)
    nsd = root / "Definitions" / "nsd.yaml"
    nsd.write_text(nsd.read_text().replace('vnfm_info: ["etsivnfm:v2.6.1"]', "vnfm_info: [etsivnfm]", 1))
    with pytest.raises(DescriptorError) as err:
        translate_file(nsd, DEMO_SITES)
    (mine,) = err.value.problems
    (theirs,) = get_type("tosca-nfv").validate(as_sources(nsd))
    assert (mine.path, mine.line, mine.rule) == (theirs.path, theirs.line, theirs.rule)
    assert mine.path == "topology_template.node_templates.vnf_a.properties.vnfm_info[0]"
    assert mine.line == nsd.read_text().splitlines().index("        vnfm_info: [etsivnfm]") + 1


def test_translate_names_the_csar_member_and_its_line(corpus, tmp_path):
    root = package("nsd", corpus, tmp_path)
    (root / "TOSCA-Metadata").mkdir()
    (root / "TOSCA-Metadata" / "TOSCA.meta").write_text(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: tests\n"
        "Entry-Definitions: Definitions/nsd_vnfs_only.yaml\n"
    )
    (root / "Definitions" / "nsd.yaml").unlink()  # its image file is not in the package
    nsd = root / "Definitions" / "nsd_vnfs_only.yaml"
    nsd.write_text(nsd.read_text().replace('vnfm_info: ["etsivnfm:v2.6.1"]', "vnfm_info: [etsivnfm]", 1))
    csar = shutil.make_archive(str(tmp_path / "ns"), "zip", root)
    with pytest.raises(DescriptorError) as err:
        translate_file(csar, DEMO_SITES)
    (problem,) = err.value.problems
    assert problem.member == "Definitions/nsd_vnfs_only.yaml"
    assert problem.line == nsd.read_text().splitlines().index("        vnfm_info: [etsivnfm]") + 1
    where = f"{csar}: Definitions/nsd_vnfs_only.yaml:{problem.line}: topology_template.node_templates.vnf_a"
    assert where in err.value.report()
