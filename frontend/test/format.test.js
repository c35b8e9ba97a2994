// node --test: what the designer's panels show (frontend/src/format.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { coerce, diagnosticOf, diffClass, diffLines, problemLine, problemsOf, revisionCells, saveRequest, savedLine, unsavedTexts } from "../src/format.js";

const PROBLEM = { file: "edge.json", line: 12, path: "vdu[3].vduParent", rule: "nested-vdu.parent-unknown", message: "vm9 is not a VDU" };

test("a problem is a line of the panel and a diagnostic on its line, clamped into the document", () => {
  assert.equal(problemLine(PROBLEM), "edge.json:12: vdu[3].vduParent [nested-vdu.parent-unknown] vm9 is not a VDU");
  assert.equal(problemLine({ rule: "x", message: "m" }), ":?:  [x] m");
  assert.deepEqual(diagnosticOf(PROBLEM, 40), { line: 12, message: "vdu[3].vduParent: vm9 is not a VDU [nested-vdu.parent-unknown]" });
  assert.equal(diagnosticOf(PROBLEM, 5).line, 5);
  assert.equal(diagnosticOf({ ...PROBLEM, line: null, path: "" }, 5).line, 1);
  assert.equal(diagnosticOf({ ...PROBLEM, line: null, path: "" }, 5).message, "vm9 is not a VDU [nested-vdu.parent-unknown]");
  const project = { rule: "p", message: "no NSD" };
  assert.deepEqual(problemsOf([PROBLEM, project, { ...PROBLEM, file: "nsd.yaml" }], "edge.json"), [PROBLEM, project]);
});

test("a typed property becomes the kind of value it replaces", () => {
  assert.equal(coerce("4", 2), 4);
  assert.equal(coerce("four", 2), "four");
  assert.equal(coerce(" ", 2), " ");
  assert.equal(coerce("true", false), true);
  assert.equal(coerce("yes", true), false);
  assert.equal(coerce("", null), null);
  assert.equal(coerce("x", null), "x");
  assert.equal(coerce("12", "10"), "12"); // a string stays a string
});

test("diff lines are told apart; equal revisions say so", () => {
  const diff = "--- a@1\n+++ a@2\n@@ -1 +1 @@\n-old\n+new\n same\n";
  assert.deepEqual(diffLines({ old: 1, new: 2, diff }).map(diffClass), ["head", "head", "hunk", "del", "add", "same"]);
  assert.deepEqual(diffLines({ old: 2, new: 2, diff: "" }), ["r2 and r2 are the same"]);
});

test("a revision's cells", () => {
  const rev = { number: 3, author: "tess", created: "2026-11-30T21:00:00Z", digest: "ab".repeat(32), message: "restored r1", size: 812 };
  assert.deepEqual(revisionCells(rev, (iso) => iso.slice(0, 10)), ["r3", "tess", "2026-11-30", "abababababab", "restored r1", "812 B"]);
  assert.deepEqual(revisionCells({ ...rev, author: null, message: "" }, () => "t").slice(0, 2), ["r3", ""]);
});

test("a save sends every unsaved file with the revision it was edited from, in one request", () => {
  const files = [
    { path: "nsd.json", text: "n2", saved: "n1", revision: 1 },
    { path: "vnfd.yaml", text: "v", saved: "v", revision: 4 },
    { path: "b.yaml", text: "b2", saved: "b1", revision: 7 },
  ];
  assert.deepEqual(unsavedTexts(files), { "nsd.json": "n2", "b.yaml": "b2" });
  assert.deepEqual(saveRequest(files), { message: "designer", files: [
    { path: "nsd.json", text: "n2", base_revision: 1 }, { path: "b.yaml", text: "b2", base_revision: 7 }] });
  assert.equal(saveRequest([files[1]]), null);
  assert.equal(savedLine([{ path: "vnfd.yaml", revision: 2 }, { path: "nsd.json", revision: 3 }]), "saved nsd.json r3, vnfd.yaml r2");
});
