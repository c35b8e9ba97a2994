// node --test: how a view's graph is drawn, worked out without the DOM (frontend/src/draw.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { PALETTE, R, childrenOf, containerBox, descendants, legendEntries, linkColour, nodeColour, place, selectedIn, selectionOf } from "../src/draw.js";
import { NODE, overlaps } from "../src/layout.js";
import { loadModel } from "../test-support/models.js";

const NESTED = loadModel("nested_vdu");
const n = (id, type, extra = {}) => ({ id, type, label: id, ...extra });
// the nested view of an edge VNF: a pod in its VM, a VM on its own
const GRAPH = {
  nodes: [n("e/vm", "vnf_vdu", { info: { file: "e.json", path: "vnfd.vdu[0]" } }),
    n("e/pod", "vnf_k8s_vdu", { parent: "e/vm", info: { file: "e.json", path: "vnfd.vdu[1]" } }),
    n("e/vm2", "vnf_vdu", { info: { file: "e.json", path: "vnfd.vdu[2]" } })],
  links: [],
};

test("node colours follow the model's order; link colours are the same for the same name", () => {
  assert.equal(nodeColour(NESTED, "vnf"), PALETTE[0]);
  assert.equal(nodeColour(NESTED, "ns_vl"), PALETTE[1]);
  assert.equal(nodeColour(NESTED, "no such type"), PALETTE[0]);
  assert.equal(linkColour("cp_vl"), linkColour("cp_vl"));
  assert.notEqual(linkColour("cp_vl"), linkColour("vdu_cp"));
  assert.match(linkColour("cp_vl"), /^hsl\(\d+,45%,45%\)$/);
});

test("the legend lists the view's node types in its order, then its link types", () => {
  const graph = { nodes: [n("a", "vnf_vl"), n("b", "vnf_vdu"), n("c", "vnf_vdu"), n("d", "stray")],
    links: [{ source: "a", target: "b", type: "cp_vl" }, { source: "a", target: "c", type: "cp_vl" }] };
  assert.deepEqual(legendEntries(NESTED, NESTED.views.vnf, graph), [
    { kind: "node", type: "vnf_vdu", label: "VDU" },
    { kind: "node", type: "vnf_vl", label: "intVL" },
    { kind: "node", type: "stray", label: "stray" },
    { kind: "link", type: "cp_vl", label: "VDU CP on internal VL" },
  ]);
});

test("a container holds its children, at any depth, and its box takes them in", () => {
  const graph = { nodes: [n("a", "x"), n("b", "x", { parent: "a" }), n("c", "x", { parent: "b" }), n("d", "x", { parent: "gone" })], links: [] };
  const children = childrenOf(graph);
  assert.deepEqual([...children], [["a", ["b"]], ["b", ["c"]]]);
  assert.deepEqual(descendants(children, "a"), ["b", "c"]);
  assert.deepEqual(descendants(new Map([["a", ["b"]], ["b", ["a"]]]), "a"), ["b"]); // a cycle stops
  const pos = { a: { x: 100, y: 100 }, b: { x: 300, y: 200 } };
  assert.deepEqual(containerBox(pos, children, "a"), { x0: 40, y0: 70, x1: 300 + R + 20, y1: 200 + R + 30 });
  assert.deepEqual(containerBox(pos, new Map(), "a"), { x0: 40, y0: 70, x1: 160, y1: 130 });
});

test("stored positions are kept, a view with none is laid out, a new node finds a free spot", () => {
  const pos = {};
  const graph = structuredClone(GRAPH);
  graph.nodes[0].position = { x: 500, y: 400 };
  assert.deepEqual(place(graph, pos), { placed: true, added: null });
  assert.deepEqual(pos["e/vm"], { x: 500, y: 400 });
  assert.deepEqual(pos["e/pod"], { x: 460, y: 460 }); // below its VM's label
  const others = [pos["e/vm"]];
  assert.ok(!overlaps(pos["e/vm2"], others), JSON.stringify(pos));
  assert.deepEqual(place(graph, pos), { placed: false, added: null }); // nothing new
  const fresh = {};
  place(GRAPH, fresh);
  assert.deepEqual(Object.keys(fresh).sort(), ["e/pod", "e/vm", "e/vm2"]);
});

test("the node the palette added is the new one of its file, put where it was asked, or beside", () => {
  const pos = { "e/vm": { x: 0, y: 0 }, "e/pod": { x: 0, y: 60 }, "e/vm2": { x: 300, y: 0 } };
  const grown = { ...GRAPH, nodes: [...GRAPH.nodes, n("e/vm3", "vnf_vdu", { info: { file: "e.json", path: "vnfd.vdu[3]" } })] };
  const adding = { file: "e.json", known: new Set(GRAPH.nodes.map((x) => x.id)), at: { x: 150, y: 150 } };
  const { placed, added } = place(grown, pos, adding);
  assert.equal(placed, true);
  assert.equal(added.id, "e/vm3");
  assert.deepEqual(pos["e/vm3"], { x: 150, y: 150 });
  const crowded = { ...pos };
  delete crowded["e/vm3"];
  place(grown, crowded, { ...adding, at: { x: 300, y: 0 } }); // taken: the nearest free spot
  assert.ok(!overlaps(crowded["e/vm3"], [crowded["e/vm2"]], NODE));
  assert.equal(place(grown, {}, { ...adding, file: "other.json" }).added, null);
});

test("a selection names a file's element across redraws, else the node id", () => {
  const pod = GRAPH.nodes[1];
  assert.deepEqual(selectionOf(pod), { file: "e.json", path: "vnfd.vdu[1]" });
  assert.deepEqual(selectionOf(n("e/bare-metal", "bare_metal", { info: { file: "e.json" } })), { id: "e/bare-metal" });
  assert.equal(selectionOf(null), null);
  const renamed = { ...GRAPH, nodes: GRAPH.nodes.map((x) => (x === pod ? { ...pod, id: "e/web" } : x)) };
  assert.equal(selectedIn(renamed, selectionOf(pod)).id, "e/web");
  assert.equal(selectedIn(GRAPH, { id: "e/vm2" }).id, "e/vm2");
  assert.equal(selectedIn(GRAPH, { file: "e.json", path: "vnfd.vdu[9]" }), null);
  assert.equal(selectedIn(GRAPH, null), null);
});
