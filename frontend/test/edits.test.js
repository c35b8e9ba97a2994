// node --test: graph edits change only the nodes they touch (frontend/src/edits.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { diffOps, editText, parseText } from "../src/edits.js";

const VNFD = `# a firewall VNF
vnfdId: fw   # the id
vnfdVersion: 1.0
vnfProvider: 'acme'
vnfmInfo: [generic VNFM]
vdu:
  - vduId: vm   # first VM
    name: "firewall VM"
    intCpd: []
vnfExtCpd: []
`;

test("diffOps names only what changed", () => {
  const before = { a: 1, b: { c: [1, 2], d: "x" }, e: [{ id: 1 }, { id: 2 }, { id: 3 }] };
  const after = structuredClone(before);
  after.b.c.push(3);
  after.b.d = "y";
  after.e.splice(1, 1);
  after.f = true;
  assert.deepEqual(diffOps(before, after), [
    { op: "insert", path: ["b", "c"], value: 3 },
    { op: "set", path: ["b", "d"], value: "y" },
    { op: "delete", path: ["e", 1] },
    { op: "set", path: ["f"], value: true },
  ]);
  assert.deepEqual(diffOps(before, structuredClone(before)), []);
});

test("a YAML edit keeps comments, key order, quoting and scalars", () => {
  const out = editText("vnfd.yaml", VNFD, (d) => {
    d.vdu.push({ vduId: "vm1", name: "vm1", intCpd: [] });
  });
  const lines = out.split("\n");
  // every line before the edit is as it was
  assert.deepEqual(lines.slice(0, 9), VNFD.split("\n").slice(0, 9));
  assert.match(out, /^vnfdVersion: 1\.0$/m);
  assert.match(out, /^vnfProvider: 'acme'$/m);
  assert.match(out, /# the id/);
  assert.match(out, /name: "firewall VM"/);
  assert.deepEqual(parseText("vnfd.yaml", out).vdu.map((v) => v.vduId), ["vm", "vm1"]);
});

test("a YAML scalar edit keeps the rest of its mapping", () => {
  const out = editText("vnfd.yaml", VNFD, (d) => { d.vdu[0].name = "new name"; });
  assert.equal(out, VNFD.replace('"firewall VM"', '"new name"'));
});

test("a block item added to an empty flow sequence is written as a block", () => {
  const out = editText("vnfd.yaml", VNFD, (d) => { d.vnfExtCpd.push({ cpdId: "ext", layerProtocol: "Ethernet" }); });
  assert.match(out, /vnfExtCpd:\n {2}- cpdId: ext\n {4}layerProtocol: Ethernet\n/);
});

test("a JSON edit changes only the values it touches", () => {
  const text = '{\n  "nsdIdentifier": "ns",\n  "version": 1.0,\n  "sapd": [{"cpdId": "a", "layerProtocol": "Ethernet"}],\n  "virtualLinkDesc": []\n}\n';
  const out = editText("nsd.json", text, (d) => {
    d.virtualLinkDesc.push({ virtualLinkDescId: "vl1" });
    d.sapd[0].nsVirtualLinkDescId = "vl1";
  });
  // lines it did not touch stay as they were
  assert.deepEqual(out.split("\n").slice(0, 3), text.split("\n").slice(0, 3));
  const data = JSON.parse(out);
  assert.deepEqual(data.virtualLinkDesc, [{ virtualLinkDescId: "vl1" }]);
  assert.equal(data.sapd[0].nsVirtualLinkDescId, "vl1");
});

test("deleting one sequence item leaves its neighbours and their comments", () => {
  const text = "items:\n  - a  # first\n  - b\n  - c  # third\n";
  const out = editText("x.yaml", text, (d) => { d.items.splice(1, 1); });
  assert.equal(out, "items:\n  - a  # first\n  - c  # third\n");
});

test("an edit that changes nothing leaves the text as it is", () => {
  assert.equal(editText("vnfd.yaml", VNFD, () => {}), VNFD);
});

test("a folded scalar the Document wraps anew is kept as it was", () => {
  const text = "description: >\n  A starting point: a VM on a network, a container runtime on the VM and a container\n  application on the runtime.\nitems: []\n";
  const out = editText("x.yaml", text, (d) => { d.items.push("a"); });
  assert.ok(out.startsWith(text.split("items")[0]), out);
});
