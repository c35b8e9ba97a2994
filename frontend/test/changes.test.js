// node --test: what the palette and graph links change in descriptor data (frontend/src/changes.js),
// as the project types' own description models say (rdcl/types/<type>/description.yaml).
import { test } from "node:test";
import assert from "node:assert/strict";
import { addNode, adderOf, elementAt, elementKey, freshId, linkerOf, nestingLinkerOf, newElement, vnfdIn } from "../src/changes.js";
import { editText } from "../src/edits.js";
import { loadModel, loadScaffoldModel } from "../test-support/models.js";

const node = (id, type, file, path, extra = {}) => ({ id, type, label: id, info: { file, path, ...extra } });
const SCAFFOLD = loadScaffoldModel();
const ETSI = loadModel("etsi"), NESTED = loadModel("nested_vdu"), TOSCA = loadModel("tosca"), NFV = loadModel("tosca_nfv");
const add = (model, type, data, id, file = "vnfd.yaml", selected = null) => addNode(model, adderOf(model, type), data, id, file, selected);

test("a fresh id is the first the text does not hold", () => {
  assert.equal(freshId("vdu: []", "vm"), "vm1");
  assert.equal(freshId('vduId: vm1\nname: "vm2"', "vm"), "vm3");
  assert.equal(freshId("vm10: x", "vm"), "vm1"); // a longer word is not the id
});

test("a VDU goes into the VNFD's vdu list, with the nesting fields of its project type", () => {
  assert.deepEqual(adderOf(ETSI, "vnf_vdu").prefix, "vm");
  const vnfd = { vdu: [{ vduId: "vm" }] };
  add(ETSI, "vnf_vdu", vnfd, "vm1");
  assert.deepEqual(vnfd.vdu[1], { vduId: "vm1", name: "vm1", description: "", intCpd: [] });
  assert.deepEqual(Object.keys(vnfd.vdu[1]), ["vduId", "name", "description", "intCpd"]); // the id first
  const nested = {};
  add(NESTED, "vnf_vdu", nested, "vm1");
  assert.equal(nested.vdu[0].vduNestedDesc, null);
  assert.equal(nested.vdu[0].vduParent, null);
  assert.equal(adderOf(NESTED, "vnf_k8s_vdu").prefix, "pod");
  add(NESTED, "vnf_k8s_vdu", nested, "pod1");
  assert.deepEqual(nested.vdu[1], { vduId: "pod1", name: "pod1", description: "", intCpd: [], vduParent: null,
    vduParentMandatory: false, vduNestedDesc: "pod1", vduNestedDescType: "kubernetes" });
  add(NESTED, "vnf_click_vdu", nested, "click1");
  assert.equal(nested.vdu[2].vduNestedDescType, "click");
  assert.equal(adderOf(ETSI, "vnf_k8s_vdu"), null); // not a type of the ETSI model
  assert.equal(adderOf(NESTED, "bare_metal"), null); // no add rule: the palette button is disabled
});

test("an element added to a wrapped descriptor goes inside the wrapper; its data is a copy of the rule's", () => {
  const doc = { nsd: { nsdIdentifier: "ns", sapd: [] } };
  add(ETSI, "ns_cp", doc, "sap1", "nsd.yaml");
  add(ETSI, "ns_vl", doc, "vl1", "nsd.yaml");
  assert.deepEqual(doc.nsd.sapd, [{ cpdId: "sap1", layerProtocol: "Ethernet" }]);
  assert.deepEqual(doc.nsd.virtualLinkDesc, [{ virtualLinkDescId: "vl1", connectivityType: { layerProtocol: "Ethernet" } }]);
  doc.nsd.virtualLinkDesc[0].connectivityType.layerProtocol = "IPv4";
  assert.equal(ETSI.node_types.ns_vl.add.element.connectivityType.layerProtocol, "Ethernet");
  assert.deepEqual(newElement({ into: "x", id_fields: ["a"], element: { b: 1, a: null }, type_field: "t" }, "T", "n1"),
    { b: 1, a: "n1", t: "T" });
});

test("an internal CP needs its VDU selected, in the same file", () => {
  const vnfd = { vdu: [{ vduId: "vm", intCpd: [] }, { vduId: "pod" }] };
  const cp = (selected, file = "vnfd.yaml") => add(ETSI, "vnf_vdu_cp", vnfd, "cp1", file, selected);
  assert.throws(() => cp(null), /^Error: select the VDU the VduCp belongs to first$/);
  assert.throws(() => cp(node("vnfd/vl", "vnf_vl", "vnfd.yaml", "vnfd.intVirtualLinkDesc[0]")), /select the VDU/);
  assert.throws(() => cp(node("vnfd/other", "vnf_vdu", "vnfd.yaml", "vnfd.vdu[5]")), /the selected VDU is not in this file/);
  assert.throws(() => cp(node("other/vm", "vnf_vdu", "other.yaml", "vnfd.vdu[0]")), /the selected VDU is not in this file/);
  cp(node("vnfd/vm", "vnf_vdu", "vnfd.yaml", "vnfd.vdu[0]"));
  assert.deepEqual(vnfd.vdu[0].intCpd, [{ cpdId: "cp1", layerProtocol: "Ethernet" }]);
  // a nested-vdu pod takes CPs too (its model lists it among the owners)
  add(NESTED, "vnf_vdu_cp", vnfd, "cp2", "vnfd.yaml", node("vnfd/pod", "vnf_k8s_vdu", "vnfd.yaml", "vnfd.vdu[1]"));
  assert.deepEqual(vnfd.vdu[1].intCpd, [{ cpdId: "cp2", layerProtocol: "Ethernet" }]);
});

test("a TOSCA node template is added under topology_template, made when missing", () => {
  const adder = adderOf(TOSCA, "tosca.nodes.SoftwareComponent"); // the add rule of tosca.nodes.Root
  assert.equal(adder.prefix, "softwarecomponent");
  assert.equal(adder.kind, "tosca");
  assert.equal(adderOf(NFV, "tosca.nodes.nfv.Vdu.Compute").prefix, "compute");
  const doc = { tosca_definitions_version: "tosca_simple_yaml_1_3" };
  addNode(TOSCA, adder, doc, "softwarecomponent1", "s.yaml", null);
  assert.deepEqual(doc.topology_template, { node_templates: { softwarecomponent1: { type: "tosca.nodes.SoftwareComponent" } } });
  const text = "tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n  node_templates:\n    vm:  # the VM\n      type: tosca.nodes.Compute\n";
  const out = editText("s.yaml", text, (d) => addNode(TOSCA, adderOf(TOSCA, "tosca.nodes.Compute"), d, "compute1", "s.yaml", null));
  assert.equal(out, `${text}    compute1:\n      type: tosca.nodes.Compute\n`);
});

test("a TOSCA link is the source's requirement naming the target, as the model's link type says", () => {
  const path = (n) => `topology_template.node_templates.${n}`;
  const app = node("app", "tosca.nodes.SoftwareComponent", "s.yaml", path("app"));
  const server = node("web.server", "tosca.nodes.Compute", "s.yaml", path("web.server"));
  assert.equal(elementKey(TOSCA, server), "web.server"); // a template name may hold dots
  const doc = { topology_template: { node_templates: { app: { type: "x" }, "web.server": { type: "y" } } } };
  assert.deepEqual(elementAt(TOSCA, doc, server), [doc.topology_template.node_templates, "web.server"]);
  const [file, change] = linkerOf(TOSCA, "tosca.relationships.HostedOn")(app, server);
  change(doc);
  assert.equal(file, "s.yaml");
  assert.deepEqual(doc.topology_template.node_templates.app.requirements, [{ host: "web.server" }]);
  linkerOf(TOSCA, "tosca.relationships.ConnectsTo")(app, server)[1](doc);
  assert.deepEqual(doc.topology_template.node_templates.app.requirements[1],
    { dependency: { node: "web.server", relationship: "tosca.relationships.ConnectsTo" } });
  const port = node("p", "tosca.nodes.nfv.VduCp", "s.yaml", path("p"));
  const vdu = node("v", "tosca.nodes.nfv.Vdu.Compute", "s.yaml", path("v"));
  const nfv = { topology_template: { node_templates: { p: { type: "tosca.nodes.nfv.VduCp" }, v: {} } } };
  linkerOf(NFV, "tosca.relationships.nfv.VirtualBindsTo")(port, vdu)[1](nfv);
  assert.deepEqual(nfv.topology_template.node_templates.p.requirements, [{ virtual_binding: "v" }]);
  const elsewhere = node("db", "tosca.nodes.Compute", "other.yaml", path("db"));
  assert.throws(() => linkerOf(TOSCA, "tosca.relationships.HostedOn")(app, elsewhere), /same descriptor file/);
  const gone = node("gone", "tosca.nodes.Compute", "s.yaml", path("gone"));
  assert.throws(() => linkerOf(TOSCA, "tosca.relationships.DependsOn")(gone, server)[1](doc), /gone is not a node template of s.yaml/);
  // every link type of the TOSCA models is drawn from the graph
  for (const model of [TOSCA, NFV]) for (const type of Object.keys(model.link_types)) assert.ok(linkerOf(model, type, null), type);
});

test("a CP on a VL: the CP's field names the VL, whichever end was clicked first", () => {
  const vnfd = { vdu: [{ vduId: "vm", intCpd: [{ cpdId: "cp" }] }], intVirtualLinkDesc: [{ virtualLinkDescId: "vl" }],
    vnfExtCpd: [{ cpdId: "ext" }] };
  const cp = node("vnfd/cp", "vnf_vdu_cp", "vnfd.yaml", "vnfd.vdu[0].intCpd[0]");
  const vl = node("vnfd/vl", "vnf_vl", "vnfd.yaml", "vnfd.intVirtualLinkDesc[0]");
  const ext = node("vnfd/ext", "vnf_ext_cp", "vnfd.yaml", "vnfd.vnfExtCpd[0]");
  linkerOf(ETSI, "cp_vl", null)(vl, cp)[1](vnfd);
  assert.equal(vnfd.vdu[0].intCpd[0].intVirtualLinkDesc, "vl");
  linkerOf(ETSI, "ext_cp_map", null)(cp, ext)[1](vnfd);
  assert.equal(vnfd.vnfExtCpd[0].intCpd, "cp");
  assert.equal(vnfd.intVirtualLinkDesc[0].intCpd, undefined);
});

test("a CP linked to another VDU moves into that VDU's intCpd", () => {
  const vnfd = { vdu: [{ vduId: "a", intCpd: [{ cpdId: "cp", layerProtocol: "Ethernet" }, { cpdId: "keep" }] }, { vduId: "b" }] };
  const cp = node("vnfd/cp", "vnf_vdu_cp", "vnfd.yaml", "vnfd.vdu[0].intCpd[0]");
  const b = node("vnfd/b", "vnf_vdu", "vnfd.yaml", "vnfd.vdu[1]");
  linkerOf(ETSI, "vdu_cp", null)(b, cp)[1](vnfd);
  assert.deepEqual(vnfd.vdu[0].intCpd, [{ cpdId: "keep" }]);
  assert.deepEqual(vnfd.vdu[1].intCpd, [{ cpdId: "cp", layerProtocol: "Ethernet" }]);
});

test("nesting sets the child's parent field: a VM's id, or bare metal's reference", () => {
  const vnfd = { vdu: [{ vduId: "vm" }, { vduId: "pod", vduParent: null }] };
  const pod = node("edge/pod", "vnf_k8s_vdu", "edge.json", "vnfd.vdu[1]");
  const nest = nestingLinkerOf(NESTED, "vnf_k8s_vdu");
  nest(pod, node("edge/vm", "vnf_vdu", "edge.json", "vnfd.vdu[0]"))[1](vnfd);
  assert.equal(vnfd.vdu[1].vduParent, "vm");
  const bare = { id: "edge/bare-metal", type: "bare_metal", label: "bare metal", info: { descriptor: "edge", file: "edge.json" } };
  const [file, change] = nest(pod, bare);
  change(vnfd);
  assert.equal(file, "edge.json");
  assert.equal(vnfd.vdu[1].vduParent, "None");
  assert.equal(nestingLinkerOf(NESTED, "vnf_vdu"), null); // a VM is nested in nothing
});

test("a link type without an edit rule is not drawn from the graph", () => {
  const model = { node_types: { a: { label: "A" } }, link_types: { ab: { label: "ab", joins: [["a", "a"]] } } };
  assert.equal(linkerOf(model, "ab", null), null);
  assert.equal(linkerOf(model, "unknown", null), null);
});

test("a VNF on an NS VL takes the VNFD's next free external CP, and refuses when none is left", () => {
  const files = { "vnfd.yaml": "vnfd", "nsd.yaml": "nsd" };
  const docs = {
    vnfd: { vnfdId: "vnf1", vdu: [], vnfExtCpd: [{ cpdId: "ext1" }], deploymentFlavour: [{ flavourId: "small" }] },
    nsd: { nsdIdentifier: "ns" },
  };
  const parse = (_path, text) => docs[text];
  assert.deepEqual(vnfdIn(files, parse, node("nsd/vnf1", "vnf", "nsd.yaml", "nsd.vnfdId[0]")), { cps: ["ext1"], flavour: "small" });
  assert.throws(() => vnfdIn(files, parse, node("nsd/vnf9", "vnf", "nsd.yaml", "nsd.vnfdId[1]")), /VNFD of nsd\/vnf9 is not in the project/);
  const link = linkerOf(ETSI, "vnf_vl", (vnf) => vnfdIn(files, parse, vnf));
  const vnf = node("nsd/vnf1", "vnf", "nsd.yaml", "nsd.vnfdId[0]");
  const nsd = { nsd: docs.nsd };
  link(node("nsd/vl_a", "ns_vl", "nsd.yaml", "nsd.virtualLinkDesc[0]"), vnf)[1](nsd); // either end first
  const profile = nsd.nsd.nsDf[0].vnfProfile[0];
  assert.equal(profile.flavourId, "small");
  assert.deepEqual(profile.nsVirtualLinkConnectivity, [{ virtualLinkProfileId: "vl_a_profile", cpdId: ["ext1"] }]);
  assert.throws(() => link(vnf, node("nsd/vl_b", "ns_vl", "nsd.yaml", "nsd.virtualLinkDesc[1]"))[1](nsd),
    /has no free external CP/);
  const sap = node("nsd/sap", "ns_cp", "nsd.yaml", "nsd.sapd[0]");
  const withSap = { nsd: { sapd: [{ cpdId: "sap" }] } };
  linkerOf(ETSI, "sap_vnf", (v) => vnfdIn(files, parse, v))(vnf, sap)[1](withSap);
  assert.equal(withSap.nsd.sapd[0].associatedCpdId, "ext1");
});

test("a scaffolded type's palette, links and nesting write its graph document (rdcl/scaffold_template)", () => {
  const doc = { type: "lab-net", name: "example", nodes: [{ id: "server", type: "host", label: "Server" }] };
  assert.equal(adderOf(SCAFFOLD, "network").kind, "graph");
  add(SCAFFOLD, "network", doc, "network1", "lab.yaml");
  add(SCAFFOLD, "function", doc, "function1", "lab.yaml");
  assert.deepEqual(doc.nodes.slice(1), [
    { id: "network1", label: "network1", type: "network" },
    { id: "function1", label: "function1", type: "function" },
  ]);
  // graph ids as rdcl/types/generic.py builds them: <document>/<id>, info {file, path}
  const server = node("example/server", "host", "lab.yaml", "nodes[0]");
  const net = node("example/network1", "network", "lab.yaml", "nodes[1]");
  const fn = node("example/function1", "function", "lab.yaml", "nodes[2]");
  const [file, link] = linkerOf(SCAFFOLD, "attachment")(net, server);
  assert.equal(file, "lab.yaml");
  link(doc);
  assert.deepEqual(doc.links, [{ source: "network1", target: "server", type: "attachment" }]);
  assert.throws(() => linkerOf(SCAFFOLD, "attachment")(server, net)[1](doc), /linked already/);
  nestingLinkerOf(SCAFFOLD, "function")(fn, server)[1](doc);
  assert.equal(doc.nodes[2].parent, "server");
  const other = node("other/lan", "network", "other.yaml", "nodes[0]");
  assert.throws(() => linkerOf(SCAFFOLD, "attachment")(fn, other), /same descriptor file/);
});
