"""Project-type plugins: registry, description models, link checks, detection, scaffolding,
RDCL 3D project import, translation."""

from __future__ import annotations

import json
import shutil

import pytest

from rdcl.project_import import ProjectImportError, import_project, write_files
from rdcl.scaffold import ScaffoldError, scaffold
from rdcl.types.base import ProjectType
from rdcl.types.description import DescriptionError, DescriptionModel
from rdcl.types.detect import detect
from rdcl.types.etsi import nested_of
from rdcl.types.registry import RegistryError, clear_cache, get_type, types
from translators.errors import TranslationError
from translators.sites import DEMO_SITES

BUILTIN = {"tosca", "tosca-nfv", "etsi", "nested-vdu"}


@pytest.fixture(autouse=True)
def _fresh_registry():
    clear_cache()
    yield
    clear_cache()


def test_registry_discovers_one_plugin_per_folder():
    found = types()
    assert set(found) == BUILTIN
    for name, plugin in found.items():
        assert isinstance(plugin, ProjectType)
        assert plugin.folder().name == name.replace("-", "_")
        assert (plugin.folder() / "description.yaml").is_file()
        assert plugin.description_model().name == name
    assert get_type("nested-vdu").extends == ("etsi",) and get_type("tosca-nfv").extends == ("tosca",)
    with pytest.raises(RegistryError, match="unknown project type 'osm'.*etsi"):
        get_type("osm")


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_examples_are_valid_detected_and_draw_within_their_model(name):
    plugin = get_type(name)
    examples = plugin.examples()
    assert examples, f"{name} has no examples"
    assert plugin.validate(examples) == []
    assert detect(plugin.folder() / "examples") == name
    model = plugin.parse(examples)
    desc = plugin.description_model()
    full = plugin.build_graph(model)
    assert full["nodes"] and full["links"]
    assert desc.check_graph(full) == []
    for view, spec in desc.views.items():
        graph = plugin.graph(model, view)
        ids = {n["id"] for n in graph["nodes"]}
        assert graph["view"] == view and graph["nodes"], view  # the all() below need something to check
        assert all(any(t in spec["nodes"] for t in desc.ancestors(n["type"])) for n in graph["nodes"])
        assert all(
            link["type"] in spec.get("links", []) and {link["source"], link["target"]} <= ids for link in graph["links"]
        )
        assert all(n["parent"] is None or n["parent"] in ids for n in graph["nodes"])
    with pytest.raises(KeyError, match="unknown view 'nope'"):
        plugin.graph(model, "nope")


def test_check_link_refuses_with_a_reason():
    etsi = get_type("etsi")
    refused = etsi.check_link("vnf", "vnf_vdu")
    assert not refused and refused.reason == "no link may join VNF to VDU; VNF links to: SAP, VL"
    allowed = etsi.check_link("ns_cp", "ns_vl")
    assert allowed and allowed.link_type == "sap_vl"
    assert etsi.check_link("ns_vl", "ns_cp").link_type == "sap_vl"  # undirected
    in_ns = etsi.check_link("vnf_vdu_cp", "vnf_vl", view="ns")
    assert not in_ns and in_ns.reason == "the Network service view does not show VduCp nodes"
    assert etsi.check_link("vnf_vdu_cp", "vnf_vl", view="vnf").link_type == "cp_vl"
    wrong_kind = etsi.check_link("vnf_vdu_cp", "vnf_vl", link_type="sap_vl")
    assert (
        not wrong_kind and wrong_kind.reason == "a “SAP on NS VL” link cannot join VduCp to intVL; it joins SAP to VL"
    )
    assert "unknown node type 'pod'" in etsi.check_link("pod", "vnf_vl").reason

    tosca = get_type("tosca")
    hosted = "tosca.relationships.HostedOn"
    assert tosca.check_link("tosca.nodes.WebServer", "tosca.nodes.Compute", hosted)  # via SoftwareComponent
    port_on_net = tosca.check_link("tosca.nodes.network.Port", "tosca.nodes.network.Network", hosted)
    assert (
        not port_on_net
        and port_on_net.reason
        == "a “hosted on” link cannot join Port to Network; it joins Root to Compute, Root to SoftwareComponent"
    )
    assert not tosca.check_link(
        "tosca.nodes.network.Network", "tosca.nodes.network.Port", "tosca.relationships.network.LinksTo"
    )  # directed

    nested = get_type("nested-vdu").description_model()
    assert nested.check_nesting("vnf_k8s_vdu", "vnf_vdu")
    assert nested.check_nesting("vnf_click_vdu", "bare_metal")
    pod_in_pod = nested.check_nesting("vnf_k8s_vdu", "vnf_k8s_vdu")
    assert (
        not pod_in_pod
        and pod_in_pod.reason == "K8s VDU (pod) cannot be nested in K8s VDU (pod); only in: VDU, Bare metal"
    )
    assert not nested.check_nesting("vnf_vdu", "vnf_vdu")
    assert nested.check_link("vnf_vdu_cp", "vnf_k8s_vdu").link_type == "vdu_cp"
    assert not get_type("etsi").check_link("vnf_vdu_cp", "vnf_k8s_vdu")  # not an etsi node type


def test_composition_constraints_are_checked_on_graphs():
    desc = get_type("etsi").description_model()
    graph = {
        "nodes": [
            {"id": "sap", "type": "ns_cp"},
            {"id": "a", "type": "ns_vl"},
            {"id": "b", "type": "ns_vl"},
            {"id": "cp", "type": "vnf_vdu_cp"},
        ],
        "links": [
            {"source": "sap", "target": "a", "type": "sap_vl"},
            {"source": "sap", "target": "b", "type": "sap_vl"},
        ],
    }
    problems = desc.check_graph(graph)
    assert any(
        p.startswith("sap: 2 “SAP on NS VL” link(s); a SAP attaches to at most one NS virtual link") for p in problems
    )
    assert any(p.startswith("cp: 0 “CP of a VDU” link(s); a VDU CP belongs to exactly one VDU") for p in problems)


def test_description_models_are_validated():
    base = {
        "name": "t",
        "node_types": {"a": {"label": "A"}},
        "link_types": {},
        "views": {"v": {"label": "V", "nodes": ["a"]}},
    }
    assert DescriptionModel.from_dict(base).node_types == {"a": {"label": "A"}}
    with pytest.raises(DescriptionError, match="undeclared types: views.v.nodes: b"):
        DescriptionModel.from_dict({**base, "views": {"v": {"label": "V", "nodes": ["a", "b"]}}})
    with pytest.raises(DescriptionError, match="link_types.l.joins: z"):
        DescriptionModel.from_dict({**base, "link_types": {"l": {"label": "L", "joins": [["a", "z"]]}}})
    with pytest.raises(DescriptionError, match="'views' is a required property"):
        DescriptionModel.from_dict({k: v for k, v in base.items() if k != "views"})
    with pytest.raises(DescriptionError, match="extends 'etsi', which was not given"):
        DescriptionModel.from_dict({**base, "extends": "etsi"})


def test_extended_description_model_keeps_the_base():
    etsi, nested = get_type("etsi").description_model(), get_type("nested-vdu").description_model()
    assert set(etsi.node_types) < set(nested.node_types)
    assert {"ns", "vnf"} <= set(nested.views) and "nested" in nested.views and "nested" not in etsi.views
    assert [c["id"] for c in etsi.constraints] == [c["id"] for c in nested.constraints]
    assert "tosca.nodes.Compute" in get_type("tosca-nfv").description_model().node_types


@pytest.mark.parametrize(
    "relative, expected",
    [
        ("tosca-parser/tosca_helloworld.yaml", "tosca"),
        ("heat-translator/etsi_nfv/tosca_nfv_vnf.yaml", "tosca-nfv"),
        ("heat-translator/etsi_nfv/etsi_nfv_sol001_common_types.yaml", "tosca-nfv"),
        ("tosca-parser/extensions/tosca_helloworld_nfv.yaml", "tosca-nfv"),
        ("tosca-parser/CSAR/csar_hello_world.zip", "tosca"),
        ("tosca-parser/CSAR/csar_multiple_deployment_flavour.zip", "tosca-nfv"),
        ("tosca-parser/CSAR/csar_elk.csar", "tosca"),
        ("heat-translator/tosca_helloworld_invalid.yaml", "tosca"),  # bad version key: still TOSCA
        ("rdcl3d/etsi/descriptor_template/vnfd.json", "etsi"),
        ("rdcl3d/etsi/descriptor_template/nsd.json", "etsi"),
        ("rdcl3d/superfluidity/descriptor_template/vnfd.json", "nested-vdu"),
        ("sf2heat/test_project_2.json", "nested-vdu"),
        ("heat-translator/etsi_nfv", "tosca-nfv"),
        ("rdcl3d/etsi/descriptor_template", "etsi"),
        ("heat-translator/hot_output/hot_hello_world.yaml", None),
        ("rdcl3d/superfluidity/descriptor_template/vdu_generic.json", None),
        ("tosca-parser/CSAR/csar_not_zip.zip", None),
    ],
)
def test_detection(corpus, relative, expected):
    assert detect(corpus / relative) == expected


def test_detection_of_mixed_folders(corpus, tmp_path):
    refined = tmp_path / "refined"
    refined.mkdir()
    shutil.copy(get_type("etsi").examples()[0], refined)
    shutil.copy(corpus / "sf2heat" / "test_tof.json", refined)
    assert detect(refined) == "nested-vdu"
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(get_type("etsi").examples()[0], mixed)
    shutil.copy(get_type("tosca").examples()[0], mixed)
    assert detect(mixed) is None


def test_scaffolded_type_is_discovered_and_validates(tmp_path):
    folder = scaffold("lab-net", tmp_path, label="Lab networks")
    assert folder == tmp_path / "lab_net"
    assert "lab-net" not in types()
    plugin = types([tmp_path])["lab-net"]
    assert plugin.label == "Lab networks" and plugin.folder() == folder.resolve()
    assert plugin.validate(plugin.examples()) == []
    assert detect(folder / "examples", [tmp_path]) == "lab-net"
    model = plugin.parse(plugin.examples())
    nested = plugin.graph(model, "main")
    assert {n["id"]: n["parent"] for n in nested["nodes"]}["example/app"] == "example/server"
    app = next(n for n in nested["nodes"] if n["id"] == "example/app")
    assert app["info"] == {"file": str(folder / "examples" / "example.yaml"), "path": "nodes[1]", "properties": {}}
    assert {(link["source"], link["target"]) for link in nested["links"]} == {
        ("example/server", "example/lan"),
        ("example/app", "example/lan"),
    }
    # the palette's rules are part of the model the designer is served, checked by its schema
    desc = plugin.description_model()
    assert desc.node_types["function"]["add"]["into"] == "nodes"
    assert desc.link_types["attachment"]["edit"] == {"procedure": "graph-link"}
    assert plugin.document_kind({"type": "lab-net", "nodes": []}) == "graph"
    assert plugin.document_kind({"type": "etsi"}) is None

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "type: lab-net\nnodes:\n  - {id: h, type: host}\n  - {id: f, type: function, parent: h}\n"
        "  - {id: g, type: function, parent: f}\nlinks:\n  - {source: h, target: f, type: attachment}\n"
    )
    problems = {(p.path, p.rule, p.line) for p in plugin.validate(bad)}
    assert ("nodes[2].parent", "graph.nesting-refused", 5) in problems
    assert ("links[0]", "graph.link-refused", 7) in problems

    with pytest.raises(ScaffoldError, match="already exists"):
        scaffold("lab-net", tmp_path)
    with pytest.raises(ScaffoldError, match="exists already"):
        scaffold("etsi", tmp_path)
    with pytest.raises(ScaffoldError, match="lower-case"):
        scaffold("Lab Net", tmp_path)


def test_a_type_extends_the_description_of_a_type_it_does_not_derive_from(tmp_path):
    """The base class finds the extended type through the registry's hook (rdcl.types.base
    does not import the registry): a scaffolded type whose class derives only from the
    generic one extends the ETSI description model and gets its node types."""
    folder = scaffold("lab-etsi", tmp_path)
    description = folder / "description.yaml"
    description.write_text(description.read_text().replace("version: 1\n", "version: 1\nextends: etsi\n", 1))
    plugin = types([tmp_path])["lab-etsi"]
    assert not any(getattr(c, "name", "") == "etsi" for c in type(plugin).__mro__)
    node_types = set(plugin.description_model().node_types)
    assert set(get_type("etsi").description_model().node_types) < node_types
    assert {"host", "function", "network"} <= node_types


def test_project_import_gives_files_per_descriptor(corpus, tmp_path):
    files = import_project(corpus / "sf2heat" / "test_tof.json")
    assert set(files) == {"nsd/nsd_tof.json", "vnfd/vnf1.json", "resource/config_tof"}
    assert files["vnfd/vnf1.json"]["vnfdId"] == "vnf_tof"
    assert files["resource/config_tof"].startswith("#!/bin/bash")
    nested = get_type("nested-vdu")
    assert nested.validate(files) == []

    written = write_files(files, tmp_path / "project")
    assert sorted(p.relative_to(tmp_path / "project").as_posix() for p in written) == sorted(files)
    assert json.loads((tmp_path / "project" / "vnfd" / "vnf1.json").read_text()) == files["vnfd/vnf1.json"]
    reports = nested.validate(tmp_path / "project")
    assert reports == []

    with pytest.raises(ProjectImportError, match="not an RDCL 3D project"):
        import_project(files["vnfd/vnf1.json"])
    with pytest.raises(ProjectImportError, match="not a readable JSON file"):
        import_project(corpus / "tosca-parser" / "tosca_helloworld.yaml")


def test_a_type_without_a_translation_refuses_at_the_project(tmp_path):
    """The base class's translate: one located problem, rule translate.type."""
    scaffold("lab-net", tmp_path)
    plugin = types([tmp_path])["lab-net"]
    with pytest.raises(TranslationError) as err:
        plugin.translate(plugin.parse(plugin.examples()), DEMO_SITES)
    assert err.value.file == "(project)"
    assert [(p.path, p.rule, p.message) for p in err.value.problems] == [
        ("", "translate.type", "lab-net projects have no translation")
    ]


POD_VNFD = {
    "vnfdId": "web",
    "vdu": [{"vduId": "web_pod", "vduNestedDesc": "web", "vduNestedDescType": "kubernetes", "intCpd": []}],
}
POD_MANIFEST = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - {name: web, image: nginx:1.27}\n"
)


@pytest.mark.parametrize(
    "files",
    [
        {"vnfd/web.json": json.dumps(POD_VNFD), "k8s/web.yaml": POD_MANIFEST},
        {"project.json": json.dumps({"vnfd": {"web": POD_VNFD}, "k8s": {"web": POD_MANIFEST}})},
    ],
    ids=["k8s-file", "project-json"],
)
def test_etsi_types_translate_with_the_nested_descriptors_of_the_project(files):
    """A pod's vduNestedDesc finds the project's k8s resource by its name, whether it is a
    file under k8s/ or an entry of an RDCL 3D project JSON."""
    plugin = get_type("nested-vdu")
    model = plugin.parse(files)
    assert nested_of(model) == {"web": POD_MANIFEST}
    descriptor_file = next(iter(files))  # vnfd/web.json, or the project JSON holding it
    assert plugin.file_of(model, "vnfd.web.vdu[0].vduNestedDesc") == descriptor_file
    assert plugin.file_of(model, "vnfd.web") == descriptor_file
    assert plugin.file_of(model, "vnfd.webserver.vdu") is None
    translation = plugin.translate(model, DEMO_SITES)
    assert "vnfd.web.vdu[0].vduNestedDesc: pod image 'nginx:1.27' from the nested descriptor" in translation.report
    assert "tosca/service.yaml" in translation.files


def test_tosca_types_translate_their_main_template():
    plugin = get_type("tosca")
    example = plugin.examples()[0]
    types_only = (
        "tosca_definitions_version: tosca_simple_yaml_1_3\nnode_types:\n  lab.Box: {derived_from: tosca.nodes.Root}\n"
    )
    files = {example.name: example.read_text(), "types.yaml": types_only}
    model = plugin.parse(files)
    assert sorted(model.services) == [example.name] and model.type_files == ["types.yaml"]
    with pytest.raises(TranslationError) as err:
        plugin.translate(model, DEMO_SITES)
    assert [p.rule for p in err.value.problems] == ["translate.no-entry"]
    assert plugin.file_of(model, "topology_template.node_templates") is None  # the error's file
    with pytest.raises(TranslationError) as err:
        plugin.translate(model, DEMO_SITES, "types.yaml")
    assert (err.value.file, [p.rule for p in err.value.problems]) == ("types.yaml", ["translate.no-topology"])
    translation = plugin.translate(model, DEMO_SITES, example.name)
    assert translation.model is model.services[example.name]
    assert "create.yml" in translation.files
