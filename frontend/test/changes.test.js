// node --test: what the palette and graph links change in descriptor data (frontend/src/changes.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { adders, freshId, linkers, templateName, toscaAdder, toscaLinker, vnfdIn } from "../src/changes.js";

const node = (id, type, file, path, extra = {}) => ({ id, type, label: id, info: { file, path, ...extra } });

test("a fresh id is the first the text does not hold", () => {
  assert.equal(freshId("vdu: []", "vm"), "vm1");
  assert.equal(freshId('vduId: vm1\nname: "vm2"', "vm"), "vm3");
  assert.equal(freshId("vm10: x", "vm"), "vm1"); // a longer word is not the id
});

test("a VDU goes into the VNFD's vdu list, with the nesting fields of its project type", () => {
  const vnfd = { vdu: [{ vduId: "vm" }] };
  adders("etsi", () => null).vnf_vdu.add(vnfd, "vm1");
  assert.deepEqual(vnfd.vdu[1], { vduId: "vm1", name: "vm1", description: "", intCpd: [] });
  const nested = {};
  adders("nested-vdu", () => null).vnf_vdu.add(nested, "vm1");
  assert.equal(nested.vdu[0].vduNestedDesc, null);
  adders("etsi", () => null).vnf_k8s_vdu.add(nested, "pod1");
  assert.equal(nested.vdu[1].vduNestedDescType, "kubernetes");
});

test("an internal CP needs its VDU selected, in the same file", () => {
  const vnfd = { vdu: [{ vduId: "vm", intCpd: [] }] };
  const add = (selected) => adders("etsi", () => selected).vnf_vdu_cp.add(vnfd, "cp1");
  assert.throws(() => add(null), /select the VDU the CP belongs to first/);
  assert.throws(() => add(node("vnfd/other", "vnf_vdu", "vnfd.yaml", "vnfd.vdu[1]")), /not in this file/);
  add(node("vnfd/vm", "vnf_vdu", "vnfd.yaml", "vnfd.vdu[0]"));
  assert.deepEqual(vnfd.vdu[0].intCpd, [{ cpdId: "cp1", layerProtocol: "Ethernet" }]);
});

test("a TOSCA node template is added under topology_template, made when missing", () => {
  const adder = toscaAdder("tosca.nodes.SoftwareComponent");
  assert.equal(adder.prefix, "softwarecomponent");
  const doc = { tosca_definitions_version: "tosca_simple_yaml_1_3" };
  adder.add(doc, "softwarecomponent1");
  assert.deepEqual(doc.topology_template, { node_templates: { softwarecomponent1: { type: "tosca.nodes.SoftwareComponent" } } });
});

test("a TOSCA link is the source's requirement naming the target", () => {
  const path = (n) => `topology_template.node_templates.${n}`;
  const app = node("app", "tosca.nodes.SoftwareComponent", "s.yaml", path("app"));
  const server = node("server", "tosca.nodes.Compute", "s.yaml", path("server"));
  assert.equal(templateName(node("x", "t", "s.yaml", path("a.b"))), "a.b");
  const doc = { topology_template: { node_templates: { app: { type: "x" }, server: { type: "y" } } } };
  const [file, change] = toscaLinker("tosca.relationships.HostedOn")(app, server);
  change(doc);
  assert.equal(file, "s.yaml");
  assert.deepEqual(doc.topology_template.node_templates.app.requirements, [{ host: "server" }]);
  toscaLinker("example.relationships.Custom")(app, server)[1](doc);
  assert.deepEqual(doc.topology_template.node_templates.app.requirements[1],
    { dependency: { node: "server", relationship: "example.relationships.Custom" } });
  const elsewhere = node("db", "tosca.nodes.Compute", "other.yaml", path("db"));
  assert.throws(() => toscaLinker("tosca.relationships.HostedOn")(app, elsewhere), /same descriptor file/);
});

test("a CP on a VL: the CP's field names the VL, whichever end was clicked first", () => {
  const vnfd = { vdu: [{ vduId: "vm", intCpd: [{ cpdId: "cp" }] }], intVirtualLinkDesc: [{ virtualLinkDescId: "vl" }] };
  const cp = node("vnfd/cp", "vnf_vdu_cp", "vnfd.yaml", "vnfd.vdu[0].intCpd[0]");
  const vl = node("vnfd/vl", "vnf_vl", "vnfd.yaml", "vnfd.intVirtualLinkDesc[0]");
  linkers(() => null).cp_vl(vl, cp)[1](vnfd);
  assert.equal(vnfd.vdu[0].intCpd[0].intVirtualLinkDesc, "vl");
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
  const link = linkers((vnf) => vnfdIn(files, parse, vnf)).vnf_vl;
  const vnf = node("nsd/vnf1", "vnf", "nsd.yaml", "nsd.vnfdId[0]");
  const nsd = { nsd: docs.nsd };
  link(vnf, node("nsd/vl_a", "ns_vl", "nsd.yaml", "nsd.virtualLinkDesc[0]"))[1](nsd);
  const profile = nsd.nsd.nsDf[0].vnfProfile[0];
  assert.equal(profile.flavourId, "small");
  assert.deepEqual(profile.nsVirtualLinkConnectivity, [{ virtualLinkProfileId: "vl_a_profile", cpdId: ["ext1"] }]);
  assert.throws(() => link(vnf, node("nsd/vl_b", "ns_vl", "nsd.yaml", "nsd.virtualLinkDesc[1]"))[1](nsd),
    /has no free external CP/);
});
