// node --test: reading node paths and the description model (frontend/src/model.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { documentOf, fileOfKind, isA, labelOf, locate, pathKeys, ruleOf, shownTypes } from "../src/model.js";

const MODEL = {
  node_types: {
    root: { label: "Root", document: "tosca" },
    compute: { label: "Compute", derived_from: "root" },
    vdu: { label: "VDU", document: "vnfd" },
    vl: { label: "VL", document: "nsd" },
    loose: { label: "Loose" },
  },
};

test("a node path names its element", () => {
  assert.deepEqual(pathKeys("vnfd.vdu[1].intCpd[0]"), ["vnfd", "vdu", 1, "intCpd", 0]);
  assert.equal(pathKeys("a.b[x]"), null);
  const data = { vdu: [{ vduId: "a" }, { vduId: "b", intCpd: [{ cpdId: "c" }] }] };
  const [owner, key] = locate(data, "vnfd.vdu[1].intCpd[0]");
  assert.deepEqual(owner[key], { cpdId: "c" });
  assert.equal(locate(data, "vnfd.vdu[5].intCpd[0]"), null);
  assert.deepEqual(locate({ vnfd: data }, "vnfd.vdu[0]")[0][0], { vduId: "a" }); // a wrapped descriptor
});

test("a node type's document is its own or its ancestor's", () => {
  assert.equal(documentOf(MODEL, "vdu"), "vnfd");
  assert.equal(documentOf(MODEL, "compute"), "tosca");
  assert.equal(documentOf(MODEL, "loose"), null);
  assert.deepEqual(shownTypes(MODEL, { nodes: ["root"] }), ["root", "compute"]);
});

test("a node goes to a file of its kind, the open one first", () => {
  const kinds = { "b_vnfd.yaml": "vnfd", "a_nsd.yaml": "nsd", "c_vnfd.yaml": "vnfd", "x.txt": null };
  assert.equal(fileOfKind(kinds, "vnfd", "a_nsd.yaml"), "b_vnfd.yaml"); // never the open NSD
  assert.equal(fileOfKind(kinds, "vnfd", "c_vnfd.yaml"), "c_vnfd.yaml");
  assert.equal(fileOfKind(kinds, "nsd", "c_vnfd.yaml"), "a_nsd.yaml");
  assert.equal(fileOfKind(kinds, "tosca", "a_nsd.yaml"), null);
});

test("a rule is the type's own or its nearest ancestor's", () => {
  const model = { node_types: {
    root: { label: "Root", add: { into: "templates", keyed: true } },
    compute: { label: "Compute", derived_from: "root" },
    vdu: { label: "VDU", derived_from: "compute", add: { into: "vdu" }, reference: "" },
  } };
  assert.deepEqual(ruleOf(model, "compute", "add"), { into: "templates", keyed: true });
  assert.deepEqual(ruleOf(model, "vdu", "add"), { into: "vdu" });
  assert.equal(ruleOf(model, "vdu", "reference"), ""); // an empty rule is a rule
  assert.equal(ruleOf(model, "root", "reference"), undefined);
  assert.equal(isA(model, "vdu", ["root"]), true);
  assert.equal(isA(model, "root", ["vdu"]), false);
  assert.equal(labelOf(model, "vdu"), "VDU");
  assert.equal(labelOf(model, "other"), "other");
});
