// node --test: undo/redo snapshots and problem comparison (frontend/src/history.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { History, dirtyPaths, newProblems } from "../src/history.js";

test("undo goes back step by step and redo forward", () => {
  const h = new History();
  h.record({ a: "1" });
  h.record({ a: "2" });
  assert.deepEqual(h.undo({ a: "3" }), { a: "2" });
  assert.deepEqual(h.undo({ a: "2" }), { a: "1" });
  assert.equal(h.undo({ a: "1" }), null);
  assert.deepEqual(h.redo({ a: "1" }), { a: "2" });
  assert.deepEqual(h.redo({ a: "2" }), { a: "3" });
  assert.equal(h.redo({ a: "3" }), null);
});

test("a new change clears redo; a step that changed nothing is skipped", () => {
  const h = new History();
  h.record({ a: "1" });
  h.record({ a: "1" });
  assert.equal(h.past.length, 1);
  assert.deepEqual(h.undo({ a: "2" }), { a: "1" });
  h.record({ a: "1" });
  assert.equal(h.canRedo, false);
  const k = new History();
  k.record({ a: "1" });
  assert.equal(k.undo({ a: "1" }), null); // nothing changed since
});

test("the history keeps at most its limit", () => {
  const h = new History(3);
  for (let i = 0; i < 10; i += 1) h.record({ a: String(i) });
  assert.deepEqual(h.past.map((s) => s.a), ["7", "8", "9"]);
});

test("dirty paths and new problems", () => {
  assert.deepEqual(dirtyPaths([{ path: "b", text: "x", saved: "y" }, { path: "a", text: "1", saved: "1" }]), ["b"]);
  assert.deepEqual(newProblems(["p", "q"], ["q", "p", "r"]), ["r"]);
  assert.deepEqual(newProblems(["p"], ["p", "p"]), ["p"]);
  assert.deepEqual(newProblems(["p", "q"], ["p"]), []);
});
