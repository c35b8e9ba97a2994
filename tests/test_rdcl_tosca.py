"""TOSCA and TOSCA NFV / SOL 001 project types: tosca-parser validation, no remote fetch,
SOL 001 type files found locally, graphs."""

from __future__ import annotations

import socket

import pytest

import translators.sol001
from rdcl.types.registry import get_type
from rdcl.types.tosca_nfv import ToscaNfvType
from rdcl.types.tosca_nfv.sol001 import ENV as SOL001_ENV

from .conftest import EXAMPLE

TOSCA = get_type("tosca")
NFV = get_type("tosca-nfv")
FORGE = "https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/"
SOL001_FILES = ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml")


@pytest.fixture
def offline(monkeypatch):
    """Host-name lookups and connections fail, and the test fails if any was tried."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield
    assert attempts == [], f"network used: {attempts!r}"


@pytest.mark.parametrize(
    "relative",
    [
        "tosca-parser/tosca_helloworld.yaml",
        "heat-translator/tosca_elk.yaml",  # imports custom types beside it
        "tosca-parser/CSAR/csar_hello_world.zip",
        "tosca-parser/custom_types/wordpress.yaml",  # type definitions only
    ],
)
def test_tosca_samples_are_valid(corpus, relative, offline):
    assert TOSCA.validate(corpus / relative) == []


def test_sol001_samples_are_valid(corpus, offline):
    folder = corpus / "heat-translator" / "etsi_nfv"
    assert NFV.validate(folder) == []  # 22 VNFDs and the two SOL 001 type files beside them
    assert NFV.validate(corpus / "tosca-parser" / "CSAR" / "csar_multiple_deployment_flavour.zip") == []
    assert NFV.validate(corpus / "heat-translator" / "nfv" / "test_tosca_nfv_sample.yaml") == []


def test_tosca_parser_errors_are_located(corpus):
    problems = TOSCA.validate(corpus / "tosca-parser" / "test_multiple_validation_errors.yaml")
    assert len(problems) >= 8
    assert {"InvalidTemplateVersion", "UnknownFieldError", "MissingRequiredFieldError"} <= {p.rule for p in problems}
    located = [p for p in problems if p.path == "topology_template.node_templates.mysql_dbms"]
    assert located and all(p.line == 79 for p in located)
    assert TOSCA.validate(corpus / "tosca-parser" / "CSAR" / "csar_not_zip.zip")[0].rule == "ValidationError"
    with pytest.raises(Exception) as err:
        TOSCA.parse(corpus / "heat-translator" / "tosca_helloworld_invalid.yaml")
    assert "tosca_helloworld_invalid.yaml" in str(err.value)


def test_remote_imports_are_refused_not_fetched(corpus, offline):
    (problem,) = TOSCA.validate(corpus / "tosca-parser" / "tosca_single_instance_wordpress_with_url_import.yaml")
    assert (problem.path, problem.rule, problem.line) == ("imports[0]", "import.remote", 7)
    assert "https://example.com/custom_types/wordpress.yaml" in problem.message
    (in_csar,) = TOSCA.validate(corpus / "tosca-parser" / "CSAR" / "csar_wordpress_with_url_import_and_script.zip")
    assert in_csar.rule == "import.remote" and in_csar.line is None
    assert in_csar.message.startswith("in Definitions/tosca_single_instance_wordpress.yaml: https://")


def _forge_vnfd(corpus, folder):
    """A SOL 001 VNFD of the corpus, importing the type files by their forge.etsi.org URLs."""
    text = (corpus / "heat-translator" / "etsi_nfv" / "tosca_nfv_vnf.yaml").read_text()
    for name in SOL001_FILES:
        text = text.replace(f"  - {name}", f"  - {FORGE}{name}")
    assert text.count(FORGE) == 2
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vnf.yaml"
    path.write_text(text)
    return path


def test_sol001_urls_without_local_files_are_reported(corpus, tmp_path, offline, monkeypatch):
    monkeypatch.delenv(SOL001_ENV, raising=False)
    monkeypatch.setattr(translators.sol001, "DEFAULT_FOLDER", tmp_path / "no-setup")  # as before scripts/setup
    problems = NFV.validate(_forge_vnfd(corpus, tmp_path / "d"))
    assert [(p.path, p.rule, p.line) for p in problems] == [
        ("imports[0]", "sol001.type-file-missing", 7),
        ("imports[1]", "sol001.type-file-missing", 8),
    ]
    assert "etsi_nfv_sol001_common_types.yaml (v2.6.1)" in problems[0].message
    assert "never downloaded" in problems[0].message


def test_sol001_urls_map_to_a_configured_folder(corpus, tmp_path, offline, monkeypatch):
    vnfd = _forge_vnfd(corpus, tmp_path / "d")
    types_folder = corpus / "heat-translator" / "etsi_nfv"
    assert ToscaNfvType([types_folder]).validate(vnfd) == []
    monkeypatch.setenv(SOL001_ENV, str(types_folder))
    model = NFV.parse(vnfd)
    assert list(model.services) == [str(vnfd)]
    assert [n["type"] for n in NFV.graph(model, "vnf")["nodes"]] == ["tosca.nodes.nfv.VNF"]


def test_sol001_urls_map_to_files_beside_the_descriptor(corpus, tmp_path, offline, monkeypatch):
    monkeypatch.delenv(SOL001_ENV, raising=False)
    vnfd = _forge_vnfd(corpus, tmp_path / "pkg")
    version = tmp_path / "pkg" / "v2.6.1"
    version.mkdir()
    for name in SOL001_FILES:
        (version / name).symlink_to(corpus / "heat-translator" / "etsi_nfv" / name)
    assert NFV.validate(vnfd) == []


def test_in_memory_files_import_each_other(corpus, offline):
    folder = corpus / "heat-translator" / "etsi_nfv"
    files = {f"defs/{name}": (folder / name).read_text() for name in SOL001_FILES}
    files["defs/vnf.yaml"] = (folder / "tosca_nfv_vdu.yaml").read_text()
    assert NFV.validate(files) == []
    files["defs/vnf.yaml"] = files["defs/vnf.yaml"].replace("nfv.Vdu.Compute", "nfv.Vdu.Kompute")
    (problem, *_) = NFV.validate(files)
    assert problem.file == "defs/vnf.yaml" and problem.rule == "InvalidTypeError"


def test_sol001_vnf_view(corpus):
    path = corpus / "heat-translator" / "etsi_nfv" / "tosca_nfv_vnf_vdu_cp_vl_blockstorage_with_scaling.yaml"
    model = NFV.parse(path)
    graph = NFV.graph(model, "vnf")
    assert {n["id"]: n["type"] for n in graph["nodes"]} == {
        "VNF": "tosca.nodes.nfv.VNF",
        "VDU1": "tosca.nodes.nfv.Vdu.Compute",
        "VirtualStorage": "tosca.nodes.nfv.Vdu.VirtualBlockStorage",
        "CP1": "tosca.nodes.nfv.VduCp",
        "VL1": "tosca.nodes.nfv.VnfVirtualLink",
    }
    assert {(link["source"], link["target"], link["type"]) for link in graph["links"]} == {
        ("VDU1", "VirtualStorage", "tosca.relationships.nfv.AttachesTo"),
        ("CP1", "VDU1", "tosca.relationships.nfv.VirtualBindsTo"),
        ("CP1", "VL1", "tosca.relationships.nfv.VirtualLinksTo"),
    }
    assert NFV.description_model().check_graph(NFV.build_graph(model)) == []


def test_topology_view_nests_the_pod_in_its_vm():
    model = TOSCA.parse(EXAMPLE)
    graph = TOSCA.graph(model, "topology")
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert nodes["mec_app"]["parent"] == "mec_vm"
    assert nodes["mec_app"]["type"] == "tosca.nodes.Container.Application"
    assert nodes["mec_app"]["info"]["tosca_type"] == "rdcl.nodes.Container.Application"
    assert nodes["cran_du"]["parent"] is None
    links = {(link["source"], link["target"], link["type"]) for link in graph["links"]}
    assert ("mec_runtime", "mec_vm", "tosca.relationships.HostedOn") in links
    assert ("mme_port", "epc_net", "tosca.relationships.network.LinksTo") in links
    assert ("epc_mme", "epc_hss", "tosca.relationships.DependsOn") in links
    network = TOSCA.graph(model, "network")
    assert {n["type"] for n in network["nodes"]} == {
        "tosca.nodes.Compute",
        "tosca.nodes.network.Port",
        "tosca.nodes.network.Network",
    }
    assert {link["type"] for link in network["links"]} == {
        "tosca.relationships.network.LinksTo",
        "tosca.relationships.network.BindsTo",
    }
