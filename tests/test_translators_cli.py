"""``python -m translators translate SRC --to hot|k8s|openshift|playbooks --k8s-version V``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from translators import validate
from translators.sites import DEMO_SITES
from translators.translate import translate_file

from .conftest import EXAMPLE, REPO


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "translators", "translate", *map(str, args)], capture_output=True, text=True, cwd=REPO
    )


def written(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_default_target_writes_everything(tmp_path):
    run = cli(EXAMPLE, "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    assert written(tmp_path / "epc-cran-mec") == set(translate_file(EXAMPLE, DEMO_SITES).files)
    assert "report: mec_runtime: container runtime" in run.stdout


def test_hot_target_writes_only_the_openstack_templates(tmp_path):
    run = cli(EXAMPLE, "--to", "hot", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    assert written(tmp_path / "epc-cran-mec") == {"templates/core/stack.yaml"}
    text = (tmp_path / "epc-cran-mec" / "templates" / "core" / "stack.yaml").read_text()
    assert validate.hot_problems(text) == []


@pytest.mark.parametrize(
    "target, kinds", [("k8s", {"Deployment", "Service"}), ("openshift", {"Project", "Deployment", "Service", "Route"})]
)
def test_manifest_targets_write_rendered_valid_manifests(tmp_path, target, kinds):
    run = cli(EXAMPLE, "--to", target, "--k8s-version", "1.30", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    folder = tmp_path / "epc-cran-mec"
    expected = {"manifests/edge/mec_app.yaml", "manifests/edge/cran_du.yaml"}
    if target == "openshift":
        expected.add("manifests/edge/_project.yaml")
    assert written(folder) == expected
    seen = set()
    for rel in expected:
        text = (folder / rel).read_text()
        assert "{{" not in text  # rendered, not a template
        docs = [d for d in yaml.safe_load_all(text) if d]
        assert validate.manifest_problems(docs, "1.30") == []
        seen |= {d["kind"] for d in docs}
    assert seen == kinds


def test_unknown_kubernetes_version_is_a_usage_error(tmp_path):
    run = cli(EXAMPLE, "--k8s-version", "1.99", "--out", tmp_path)
    assert run.returncode == 2
    assert "no schema for Kubernetes 1.99" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_inputs_without_default_need_a_param(tmp_path):
    src = tmp_path / "svc.yaml"
    src.write_text(
        textwrap.dedent("""\
        tosca_definitions_version: tosca_simple_yaml_1_3
        metadata: {template_name: needs-param}
        imports:
          - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
        topology_template:
          inputs:
            web_port: {type: integer}
          node_templates:
            web:
              type: rdcl.nodes.Container.Application
              properties: {image: web:1, ports: [{get_input: web_port}]}
        """)
    )
    out = tmp_path / "out"
    run = cli(src, "--to", "k8s", "--out", out)
    assert run.returncode == 1
    assert "web_port" in run.stderr and "--param" in run.stderr and "Traceback" not in run.stderr
    run = cli(src, "--to", "k8s", "--param", "web_port=8081", "--out", out)
    assert run.returncode == 0, run.stderr
    docs = list(yaml.safe_load_all((out / "needs-param" / "manifests" / "edge" / "web.yaml").read_text()))
    assert docs[1]["spec"]["ports"][0]["port"] == 8081
    run = cli(src, "--to", "hot", "--out", out)  # no VM at all
    assert run.returncode == 1 and "no part on an OpenStack site" in run.stderr


def test_bad_command_line(tmp_path):
    assert cli(EXAMPLE, "--to", "heat", "--out", tmp_path).returncode == 2
    assert cli(EXAMPLE, "--param", "novalue", "--out", tmp_path).returncode == 2
