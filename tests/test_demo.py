"""The README's first command, as a user runs it: `manage.py demo` in a fresh state folder,
with the embedded broker (no REDIS_URL), a real worker and local linux sites."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.integration


def _demo(tmp_path, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DATABASE_URL", "RDCL_QUEUE", "DJANGO_SETTINGS_MODULE", "RDCL_TEST_DB")
    }
    env["RDCL_VAR"] = str(tmp_path / "var")
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True, timeout=300)
    return subprocess.run([*manage, "demo", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)


def test_demo_default_plans_everywhere_applies_on_linux_and_deletes(tmp_path):
    run = _demo(tmp_path, "--delete")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "broker embedded" in out
    assert "catalogue item: openshift-on-openstack" in out
    assert "job 1: successful" in out and "job 2: successful" in out and "job 3: successful" in out
    assert "would create: OS::Nova::Server epc_hss" in out
    assert "http://127.0.0.1:18081/ answers: core: EPC up" in out
    assert "http://127.0.0.1:18082/ answers: edge: fronthaul up" in out
    assert "GUI: " in out
    assert not (tmp_path / "var" / "sites" / "core_server" / "epc-cran-mec").exists()


def test_demo_runs_a_corpus_sample_through_the_same_path(corpus, tmp_path):
    sample = str(corpus / "heat-translator" / "csar_single_instance_wordpress.zip")  # carries its scripts
    missing = _demo(tmp_path, "--descriptor", sample)
    assert missing.returncode == 1
    assert "db_root_pwd" in missing.stderr and "--param" in missing.stderr and "Traceback" not in missing.stderr
    run = _demo(
        tmp_path,
        "--descriptor",
        sample,
        "--param",
        "db_root_pwd=planted-Secret-42",
        "--param",
        "db_pwd=x",
        "--param",
        "cpus=2",
        "--param",
        "db_name=wordpress",
        "--param",
        "db_user=wp",
        "--param",
        "db_port=3306",
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "job 1: successful" in out and "OS::Nova::Server server" in out
    repo = tmp_path / "var" / "git" / "work"
    files = [p for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert any(p.name == "create.yml" for p in files), files  # the published service is where we look
    assert [str(p) for p in files if "planted-Secret-42" in p.read_text()] == []
    assert (
        "planted-Secret-42"
        not in subprocess.run(
            ["git", "log", "-p", "--all"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout
    )


def test_demo_rejects_a_bad_descriptor_with_every_problem(corpus, tmp_path):
    run = _demo(tmp_path, "--descriptor", str(corpus / "tosca-parser" / "test_multiple_validation_errors.yaml"))
    assert run.returncode == 1
    assert "nothing committed" in run.stderr and "[UnknownFieldError]" in run.stderr
    assert "Traceback" not in run.stderr
