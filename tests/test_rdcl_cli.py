"""``manage.py rdcl_validate`` and ``manage.py rdcl_new_type`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

from rdcl.types.registry import get_type

from .conftest import REPO


def manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "RDCL_TYPES_PATH"}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **(env or {}))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=environment,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_validate_reports_one_line_per_file_and_exit_status(corpus, tmp_path):
    project = json.loads((corpus / "sf2heat" / "test_tof.json").read_text())
    project["vnfd"]["vnf1"]["vdu"][1]["vduParent"] = "ghost_vm"
    project["vnfd"]["vnf1"]["vdu"][0]["vduParentMandatory"] = True
    broken = tmp_path / "broken_tof.json"
    broken.write_text(json.dumps(project, indent=1))
    archive = tmp_path / "firewall.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for example in get_type("etsi").examples():
            out.write(example, f"descriptors/{example.name}")
    csar = corpus / "tosca-parser" / "CSAR" / "csar_hello_world.zip"
    sf2heat = corpus / "sf2heat"

    result = manage("rdcl_validate", str(sf2heat), str(archive), str(csar), str(broken))
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr
    assert lines[:3] == [
        f"{sf2heat}/test_project.json: valid (nested-vdu)",
        f"{sf2heat}/test_project_2.json: valid (nested-vdu)",
        f"{sf2heat}/test_tof.json: valid (nested-vdu)",
    ]
    assert f"{archive}/descriptors/firewall_nsd.json: valid (etsi)" in lines
    assert f"{archive}/descriptors/firewall_vnfd.yaml: valid (etsi)" in lines
    assert f"{csar}: valid (tosca)" in lines
    errors = [line for line in lines if line.startswith(str(broken))]
    assert len(errors) == 2 and len(lines) == 8
    mandatory_line = broken.read_text().splitlines().index('     "vduParentMandatory": true,') + 1
    assert errors[0] == (
        f"{broken}:{mandatory_line}: vnfd.vnf1.vdu[0].vduParentMandatory: "
        "[nested-vdu.mandatory-without-parent] vduParentMandatory is true but the VDU has no "
        "vduParent (Superfluidity nested-VDU extension)"
    )
    assert ": vnfd.vnf1.vdu[1].vduParent: [nested-vdu.parent-unknown] vduParent 'ghost_vm'" in errors[1]
    assert "1 of 7 file(s) invalid" in result.stderr

    sol001 = corpus / "heat-translator" / "etsi_nfv"
    forge = tmp_path / "forge_vnf.yaml"  # the SOL 001 types imported by URL: found in --sol001-path
    forge.write_text(
        (sol001 / "tosca_nfv_vl.yaml")
        .read_text()
        .replace("  - etsi_nfv_sol001", "  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001")
    )
    assert forge.read_text().count("https://forge.etsi.org/") == 2
    valid = manage("rdcl_validate", "--type", "tosca-nfv", "--sol001-path", str(sol001), str(forge))
    assert (valid.returncode, valid.stdout.strip()) == (0, f"{forge}: valid (tosca-nfv)")


def test_validate_refuses_unknown_types_and_unknown_files(corpus, tmp_path):
    unknown_type = manage("rdcl_validate", "--type", "osm", str(tmp_path))
    assert unknown_type.returncode == 2 and "unknown project type 'osm'" in unknown_type.stderr
    empty = tmp_path / "empty.yaml"
    empty.write_text("\n")
    hot = corpus / "heat-translator" / "hot_output" / "hot_hello_world.yaml"
    result = manage("rdcl_validate", str(empty), str(hot), str(tmp_path / "missing.json"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{empty}: <document>: [type.unknown] empty file",
        (
            f"{hot}: <document>: [type.unknown] no project type recognises this file (types: etsi, nested-vdu, "
            "tosca, tosca-nfv); give one with --type"
        ),
        f"{tmp_path / 'missing.json'}: <document>: [file.missing] no such file or folder",
    ]


def test_scaffolded_type_is_used_by_validate(tmp_path):
    plugins = tmp_path / "plugins"
    created = manage("rdcl_new_type", "lab-net", "--dest", str(plugins), "--label", "Lab networks")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith(f"created {plugins / 'lab_net'}/")
    example = plugins / "lab_net" / "examples" / "example.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text(example.read_text().replace("source: server, target: lan", "source: server, target: app"))

    by_option = manage("rdcl_validate", "--types-path", str(plugins), str(example), str(bad))
    assert by_option.returncode == 1
    assert by_option.stdout.splitlines()[0] == f"{example}: valid (lab-net)"
    assert by_option.stdout.splitlines()[1].startswith(f"{bad}:9: links[0]: [graph.link-refused] ")
    by_env = manage("rdcl_validate", str(example), env={"RDCL_TYPES_PATH": str(plugins)})
    assert (by_env.returncode, by_env.stdout.strip()) == (0, f"{example}: valid (lab-net)")


def test_validate_root_lets_imports_reach_the_project_and_no_further(corpus, tmp_path):
    """``--root DIR`` is the folder imports may use (as ``translate --root``): a sample importing
    ``../custom_types/...`` is refused without it and valid with its repository as the root;
    a PATH outside the root is a command-line error."""
    repo = corpus / "tosca-parser"
    sample = repo / "functions" / "test_container_cap_child.yaml"
    alone = manage("rdcl_validate", str(sample))
    assert alone.returncode == 1 and "[import.outside-project]" in alone.stdout, alone.stdout
    rooted = manage("rdcl_validate", "--root", str(repo), str(sample))
    assert (rooted.returncode, rooted.stdout.strip()) == (0, f"{sample}: valid (tosca)"), rooted.stdout
    outside = manage("rdcl_validate", "--root", str(repo / "functions"), str(repo / "tosca_elk.yaml"))
    assert outside.returncode == 2 and "is not inside the root" in outside.stderr, outside.stderr
