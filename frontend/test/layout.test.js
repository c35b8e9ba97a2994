// node --test: automatic layout, free spots and fit-to-view (frontend/src/layout.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { NODE, autoLayout, fitTransform, freeSpot, overlaps } from "../src/layout.js";

test("the layout places every node, none overlapping", () => {
  const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, parent: null }));
  const links = nodes.slice(1).map((n, i) => ({ source: `n${i}`, target: n.id }));
  const pos = autoLayout({ nodes, links });
  const pts = Object.values(pos);
  assert.equal(pts.length, 12);
  pts.forEach((p, i) => assert.ok(!overlaps(p, pts.filter((_, j) => j !== i)), `node ${i} overlaps`));
  assert.ok(pts.every((p) => p.x >= 0 && p.y >= 0));
});

test("nested nodes are laid out inside their parent's column", () => {
  const pos = autoLayout({ nodes: [{ id: "vm" }, { id: "pod", parent: "vm" }, { id: "other" }], links: [] });
  assert.ok(pos.pod && pos.vm && pos.other);
  assert.ok(pos.pod.y > pos.vm.y, "the child is below its container's label");
});

test("a free spot does not overlap", () => {
  const taken = [{ x: 0, y: 0 }, { x: NODE + 14, y: 0 }];
  assert.ok(!overlaps(freeSpot({ x: 0, y: 0 }, taken), taken));
  assert.deepEqual(freeSpot({ x: 500, y: 500 }, taken), { x: 500, y: 500 });
});

test("fit-to-view puts every node inside the canvas", () => {
  const pos = { a: { x: -3000, y: 10 }, b: { x: 4000, y: 900 } };
  const t = fitTransform(pos, 800, 600);
  for (const p of Object.values(pos)) {
    const x = t.x + t.k * p.x, y = t.y + t.k * p.y;
    assert.ok(x > 0 && x < 800 && y > 0 && y < 600, `${x},${y} is off the canvas`);
  }
});

test("a long chain is folded into rows that fit at a readable scale", () => {
  const nodes = Array.from({ length: 50 }, (_, i) => ({ id: `n${i}` })); // laid out by dagre, then folded
  const links = nodes.slice(1).map((n, i) => ({ source: `n${i}`, target: n.id }));
  const pos = autoLayout({ nodes, links });
  const pts = Object.values(pos);
  pts.forEach((p, i) => assert.ok(!overlaps(p, pts.slice(i + 1)), `node ${i} overlaps`));
  assert.ok(fitTransform(pos, 1000, 550).k >= 0.25, "fitted at a readable scale");
});

test("a large view is put on a grid, nothing overlapping, fitting at a readable scale", () => {
  const nodes = Array.from({ length: 500 }, (_, i) => ({ id: `n${i}`, parent: i % 10 === 1 ? `n${i - 1}` : null }));
  const links = nodes.slice(1).map((n, i) => ({ source: `n${i}`, target: n.id }));
  const pos = autoLayout({ nodes, links });
  const leaves = nodes.filter((n) => !nodes.some((m) => m.parent === n.id)).map((n) => pos[n.id]);
  leaves.forEach((p, i) => assert.ok(!overlaps(p, leaves.slice(i + 1), 50), `node ${i} overlaps`));
  assert.ok(fitTransform(pos, 1000, 550).k >= 0.15, "every node fits at a scale where it can be clicked");
});
