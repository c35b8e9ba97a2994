"""ETSI (IFA 011 / IFA 014) and nested-VDU project types: schema, rules, lines, graphs."""

from __future__ import annotations

import copy
import json

import pytest

from rdcl.project_import import import_project
from rdcl.types.registry import get_type

ETSI = get_type("etsi")
NESTED = get_type("nested-vdu")


def _line(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


def _where(problems) -> set[tuple]:
    return {(p.path, p.rule) for p in problems}


@pytest.fixture
def tof_vnfd(corpus) -> dict:
    """The VNFD of sf2heat's test_tof project: two VMs, four internal VLs."""
    return import_project(corpus / "sf2heat" / "test_tof.json")["vnfd/vnf1.json"]


@pytest.mark.parametrize(
    "relative",
    [
        "sf2heat/test_project.json",
        "sf2heat/test_project_2.json",
        "sf2heat/test_tof.json",
        "rdcl3d/superfluidity/descriptor_template/vnfd.json",
        "rdcl3d/superfluidity/descriptor_template/nsd.json",
        "rdcl3d/etsi/descriptor_template/vnfd.json",
        "rdcl3d/etsi/descriptor_template/nsd.json",
    ],
)
def test_rdcl3d_projects_and_templates_are_valid(corpus, relative):
    assert NESTED.validate(corpus / relative) == []
    assert ETSI.validate(corpus / relative) == []


def test_rdcl3d_vdu_fragments_are_not_descriptors(corpus):
    folder = corpus / "rdcl3d" / "superfluidity" / "descriptor_template"
    problems = NESTED.validate(folder)
    assert {p.file.rsplit("/", 1)[1] for p in problems} == {
        "k8sservicecpd.json",
        "vdu_docker_image.json",
        "vdu_generic.json",
        "vdu_with_nested_desc.json",
        "vdunesteddesc.json",
    }
    assert {p.rule for p in problems} == {"etsi.not-a-descriptor"}


def test_schema_and_rule_problems_name_path_rule_and_line(tmp_path):
    text = ETSI.examples()[1].read_text()  # firewall_vnfd.yaml
    assert "numVirtualCpu: 2" in text
    broken = (
        text.replace("virtualCpu: {numVirtualCpu: 2}", "virtualCpu: {numVirtualCpu: two}")
        .replace("vnfProvider: rdcl-nfvo\n", "")
        .replace("intVirtualLinkDesc: outside_vl", "intVirtualLinkDesc: nowhere", 1)
        .replace("maxNumberOfInstances: 1}", "maxNumberOfInstances: 0}")
    )
    path = tmp_path / "firewall_vnfd.yaml"
    path.write_text(broken)
    problems = ETSI.validate(path)
    found = {(p.path, p.rule): p for p in problems}
    assert set(found) == {
        ("vnfd.vnfProvider", "schema.required"),
        ("vnfd.virtualComputeDesc[0].virtualCpu.numVirtualCpu", "schema.type"),
        ("vnfd.vdu[0].intCpd[1].intVirtualLinkDesc", "etsi.unknown-reference"),
        ("vnfd.deploymentFlavour[0].vduProfile[0].maxNumberOfInstances", "etsi.instances-range"),
    }
    assert all(p.file == str(path) for p in problems)
    assert found[("vnfd.virtualComputeDesc[0].virtualCpu.numVirtualCpu", "schema.type")].line == _line(
        broken, "numVirtualCpu: two"
    )
    assert found[("vnfd.vdu[0].intCpd[1].intVirtualLinkDesc", "etsi.unknown-reference")].line == _line(
        broken, "intVirtualLinkDesc: nowhere"
    )
    assert found[("vnfd.vnfProvider", "schema.required")].line == _line(broken, "vnfdId: firewall")
    message = found[("vnfd.vdu[0].intCpd[1].intVirtualLinkDesc", "etsi.unknown-reference")].message
    assert "'nowhere'" in message and "inside_vl, outside_vl" in message
    assert found[("vnfd.vnfProvider", "schema.required")].message.endswith("(ETSI GS NFV-IFA 011 §7.1.2 (Vnfd))")
    assert (
        "§7.1.8.3"
        in found[("vnfd.deploymentFlavour[0].vduProfile[0].maxNumberOfInstances", "etsi.instances-range")].message
    )
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_duplicate_ids_and_unknown_vnfd(tof_vnfd):
    vnfd = copy.deepcopy(tof_vnfd)
    vnfd["vdu"][1]["vduId"] = vnfd["vdu"][0]["vduId"]
    vnfd["vdu"][1]["intCpd"][0]["cpdId"] = "net_mgmt"
    problems = ETSI.validate({"vnf1.json": vnfd})
    assert _where(problems) == {
        ("vnfd.vdu[1].vduId", "etsi.duplicate-id"),
        ("vnfd.vdu[1].intCpd[0].cpdId", "etsi.duplicate-id"),
    }
    assert (
        "already defined at vnfd.vdu[0].vduId" in problems[0].message
        or "already defined at vnfd.vdu[0].vduId" in problems[1].message
    )

    nsd = ETSI.parse(ETSI.examples()).of_kind("nsd")[0].data
    alone = ETSI.validate({"ns.json": nsd})
    assert alone == []  # an NSD alone may refer to VNFDs on-boarded elsewhere
    with_vnfd = ETSI.validate({"ns.json": nsd, "vnf1.json": tof_vnfd})
    assert _where(with_vnfd) == {("nsd.vnfdId[0]", "etsi.unknown-vnfd")}
    assert "no VNFD 'firewall_vnfd'" in with_vnfd[0].message and with_vnfd[0].file == "ns.json"


def test_syntax_errors_name_the_line(tmp_path):
    (tmp_path / "a.yaml").write_text("vnfdId: x\nvdu: [\n  - vduId: a\n")
    (tmp_path / "b.json").write_text('{"vnfdId": "x",\n "vdu": [}\n')
    problems = {p.file.rsplit("/", 1)[1]: p for p in ETSI.validate(tmp_path)}
    assert problems["a.yaml"].rule == "yaml.syntax" and problems["a.yaml"].line == 3
    assert problems["b.json"].rule == "json.syntax" and problems["b.json"].line == 2


# -- nested-VDU rules: one broken descriptor each, exact path ---------------------------


def _nested_problems(vnfd: dict) -> tuple[list, str]:
    text = json.dumps(vnfd, indent=2)
    return NESTED.validate({"vnfd.json": text}), text


def test_parent_must_exist_in_the_same_vnfd(tof_vnfd):
    tof_vnfd["vdu"][1]["vduParent"] = "ghost_vm"
    problems, text = _nested_problems(tof_vnfd)
    assert [(p.path, p.rule) for p in problems] == [("vnfd.vdu[1].vduParent", "nested-vdu.parent-unknown")]
    assert problems[0].line == _line(text, '"vduParent": "ghost_vm"')
    assert "vnf_vdu_router_tof, vnf_vdu_tof" in problems[0].message
    assert ETSI.validate({"vnfd.json": text}) == []  # plain ETSI does not know the extension


def test_bare_metal_parent_is_not_a_vdu_reference(tof_vnfd):
    tof_vnfd["vdu"][1].update(
        vduParent="None", vduParentMandatory=True, vduNestedDesc="router", vduNestedDescType="click"
    )
    assert _nested_problems(tof_vnfd)[0] == []


def test_mandatory_parent_needs_a_parent(tof_vnfd):
    tof_vnfd["vdu"][0]["vduParentMandatory"] = True
    problems, text = _nested_problems(tof_vnfd)
    assert [(p.path, p.rule) for p in problems] == [
        ("vnfd.vdu[0].vduParentMandatory", "nested-vdu.mandatory-without-parent")
    ]
    assert problems[0].line == _line(text, '"vduParentMandatory": true')


def test_nested_descriptor_needs_its_type(tof_vnfd):
    tof_vnfd["vdu"][1]["vduNestedDesc"] = "router_pod"
    problems, text = _nested_problems(tof_vnfd)
    assert [(p.path, p.rule) for p in problems] == [("vnfd.vdu[1].vduNestedDescType", "nested-vdu.nested-type-missing")]
    assert problems[0].line == _line(text, '"vduNestedDesc": "router_pod"')
    tof_vnfd["vdu"][1]["vduNestedDescType"] = "docker"
    problems, _ = _nested_problems(tof_vnfd)
    assert [(p.path, p.rule) for p in problems] == [("vnfd.vdu[1].vduNestedDescType", "schema.enum")]


def test_no_cycles_of_parents(tof_vnfd):
    tof_vnfd["vdu"][0]["vduParent"] = "vnf_vdu_router_tof"
    tof_vnfd["vdu"][1]["vduParent"] = "vnf_vdu_tof"
    problems, text = _nested_problems(tof_vnfd)
    assert [(p.path, p.rule) for p in problems] == [
        ("vnfd.vdu[0].vduParent", "nested-vdu.parent-cycle"),
        ("vnfd.vdu[1].vduParent", "nested-vdu.parent-cycle"),
    ]
    assert "vnf_vdu_tof -> vnf_vdu_router_tof -> vnf_vdu_tof" in problems[0].message
    assert problems[1].line == _line(text, '"vduParent": "vnf_vdu_tof"')

    tof_vnfd["vdu"][1]["vduParent"] = None
    tof_vnfd["vdu"][0]["vduParent"] = "vnf_vdu_tof"
    problems, _ = _nested_problems(tof_vnfd)
    assert [(p.path, p.rule, p.message.split(" (")[0]) for p in problems] == [
        ("vnfd.vdu[0].vduParent", "nested-vdu.parent-cycle", "cycle of parents: vnf_vdu_tof -> vnf_vdu_tof")
    ]


def test_rules_point_into_the_project_file(corpus, tmp_path):
    project = json.loads((corpus / "sf2heat" / "test_tof.json").read_text())
    project["vnfd"]["vnf1"]["vdu"][1]["vduParent"] = "ghost_vm"
    path = tmp_path / "tof.json"
    text = json.dumps(project, indent=1)
    path.write_text(text)
    (problem,) = NESTED.validate(path)
    assert (problem.file, problem.path, problem.rule) == (
        str(path),
        "vnfd.vnf1.vdu[1].vduParent",
        "nested-vdu.parent-unknown",
    )
    assert problem.line == _line(text, '"vduParent": "ghost_vm"')


# -- graphs of sf2heat projects ---------------------------------------------------------


def test_ns_view_of_an_sf2heat_project(corpus):
    model = NESTED.parse(corpus / "sf2heat" / "test_project.json")
    graph = NESTED.graph(model, "ns")
    by_type = {}
    for node in graph["nodes"]:
        by_type.setdefault(node["type"], set()).add(node["id"])
    assert by_type["vnf"] == {"nsd_mec/vnf_tof"}
    assert by_type["ns_vl"] == {f"nsd_mec/ns_vl_{s}" for s in ("cff8", "4ynd", "flyc", "ptb1")}
    assert by_type["ns_cp"] == {f"nsd_mec/ns_cp_{s}" for s in ("edge", "internet", "mecapps", "core")}
    links = {(link["source"], link["target"], link["type"]) for link in graph["links"]}
    assert ("nsd_mec/vnf_tof", "nsd_mec/ns_vl_cff8", "vnf_vl") in links
    assert ("nsd_mec/ns_cp_edge", "nsd_mec/ns_vl_4ynd", "sap_vl") in links
    assert len([link for link in links if link[2] == "vnf_vl"]) == 4
    assert NESTED.description_model().check_graph(NESTED.build_graph(model)) == []


def test_vnf_view_of_an_sf2heat_project(corpus):
    graph = NESTED.graph(NESTED.parse(corpus / "sf2heat" / "test_tof.json"), "vnf")
    types = {n["id"]: n["type"] for n in graph["nodes"]}
    assert types["vnf1/vnf_vdu_tof"] == "vnf_vdu" and types["vnf1/vnf_vdu_router_tof"] == "vnf_vdu"
    assert types["vnf1/net_router_tof"] == "vnf_vdu_cp" and types["vnf1/vnf_vl_tof"] == "vnf_vl"
    assert types["vnf1/vnf_ext_cp_net_ran"] == "vnf_ext_cp"
    links = {(link["source"], link["target"], link["type"]) for link in graph["links"]}
    assert {
        ("vnf1/net_router_tof", "vnf1/vnf_vdu_router_tof", "vdu_cp"),
        ("vnf1/net_router_tof", "vnf1/vnf_vl_tof", "cp_vl"),
        ("vnf1/net_tof", "vnf1/vnf_vl_tof", "cp_vl"),
        ("vnf1/vnf_ext_cp_net_ran", "vnf1/vnf_vl_ran", "ext_cp_vl"),
    } <= links
    assert all(n["parent"] is None for n in graph["nodes"])  # no nesting in this project


def test_nested_view_puts_pods_inside_their_vms(corpus):
    project = json.loads((corpus / "sf2heat" / "test_tof.json").read_text())
    vdus = project["vnfd"]["vnf1"]["vdu"]
    vdus.append(
        {
            "vduId": "tof_agent",
            "name": "ToF agent",
            "intCpd": [{"cpdId": "tof_agent_eth0", "intVirtualLinkDesc": "vnf_vl_mgmt", "internalIfRef": "eth0"}],
            "vduParent": "vnf_vdu_tof",
            "vduParentMandatory": True,
            "vduNestedDesc": "tof_agent",
            "vduNestedDescType": "kubernetes",
        }
    )
    vdus.append(
        {
            "vduId": "fronthaul",
            "name": "fronthaul",
            "intCpd": [],
            "vduParent": "None",
            "vduNestedDesc": "fronthaul",
            "vduNestedDescType": "click",
        }
    )
    files = {"tof.json": project}
    assert NESTED.validate(files) == []
    model = NESTED.parse(files)
    nested = NESTED.graph(model, "nested")
    nodes = {n["id"]: (n["type"], n["parent"]) for n in nested["nodes"]}
    assert nodes == {
        "vnf1/vnf_vdu_tof": ("vnf_vdu", None),
        "vnf1/vnf_vdu_router_tof": ("vnf_vdu", None),
        "vnf1/tof_agent": ("vnf_k8s_vdu", "vnf1/vnf_vdu_tof"),
        "vnf1/fronthaul": ("vnf_click_vdu", "vnf1/bare-metal"),
        "vnf1/bare-metal": ("bare_metal", None),
    }
    assert nested["links"] == []
    vnf = NESTED.graph(model, "vnf")
    cp = next(n for n in vnf["nodes"] if n["id"] == "vnf1/tof_agent_eth0")
    assert cp["info"]["internalIfRef"] == "eth0"
    assert {"source": "vnf1/tof_agent_eth0", "target": "vnf1/tof_agent", "type": "vdu_cp"} in vnf["links"]
    assert NESTED.description_model().check_graph(NESTED.build_graph(model)) == []
    # plain ETSI draws the same VDUs flat
    flat = ETSI.graph(ETSI.parse(files), "vnf")
    assert {n["type"] for n in flat["nodes"] if n["id"] == "vnf1/tof_agent"} == {"vnf_vdu"}
    assert all(n["parent"] is None for n in flat["nodes"])


def _mutations(vnfd: dict) -> list[dict]:
    """Broken copies of ``vnfd``: each schema keyword family hit somewhere deep."""
    out = []
    for mutate in (
        lambda d: d.pop("vnfProvider"),
        lambda d: d["vdu"][0].update(vduId=7),
        lambda d: d["vdu"][0]["intCpd"][0].update(layerProtocol=["x"], unknownKey=1),
        lambda d: d["vdu"][1].update(vduParentMandatory="yes", vduNestedDescType="vmware"),
        lambda d: d["virtualComputeDesc"][0]["virtualCpu"].update(numVirtualCpu=-1),
        lambda d: d["deploymentFlavour"][0]["vduProfile"][0].update(maxNumberOfInstances="x"),
        lambda d: d.update(vdu="not a list", vnfExtCpd=[{}]),
    ):
        broken = copy.deepcopy(vnfd)
        mutate(broken)
        out.append(broken)
    return out


@pytest.mark.parametrize("plugin", [ETSI, NESTED], ids=["etsi", "nested-vdu"])
def test_inlined_schemas_find_the_errors_the_plain_schemas_find(plugin):
    """The validators with ``$ref`` inlined (for speed) report exactly what plain jsonschema
    reports on the original schemas: same instance paths, keywords and messages."""
    from jsonschema import Draft202012Validator

    schemas, schema_id = plugin.schemas, plugin.schema_ids["vnfd"]
    plain = Draft202012Validator(schemas.schemas[schema_id], registry=schemas.registry)
    vnfd = json.loads(NESTED.examples()[1].read_text())  # edge_vnfd.json
    found = 0
    for broken in _mutations(vnfd):
        ours = sorted(
            (list(map(str, e.absolute_path)), e.validator, e.message)
            for e in schemas.validator(schema_id).iter_errors(broken)
        )
        theirs = sorted((list(map(str, e.absolute_path)), e.validator, e.message) for e in plain.iter_errors(broken))
        assert ours == theirs
        found += len(ours)
    assert found >= 6
    assert schemas.validator(schema_id) is schemas.validator(schema_id)  # compiled once
