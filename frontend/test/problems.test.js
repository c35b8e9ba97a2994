// node --test: reading the API's error bodies, RFC 9457 problem details (frontend/src/console/api.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { describe, fieldErrors, isProblem } from "../src/console/api.js";

const invalid = {
  type: "tag:rdcl-nfvo,2026:problem/invalid-request",
  title: "Invalid request",
  status: 400,
  detail: "name: This field is required.",
  instance: "/api/sites/",
  errors: { name: ["This field is required."] },
};
const forbidden = { type: "about:blank", title: "Forbidden", status: 403, detail: "your role does not allow this" };

test("a problem is told by its type and status", () => {
  assert.equal(isProblem(invalid), true);
  assert.equal(isProblem({ name: ["x"] }), false);
  assert.equal(isProblem(null), false);
});

test("describe shows a problem's detail, and other bodies field by field", () => {
  assert.equal(describe(forbidden), "your role does not allow this");
  assert.equal(describe({ ...forbidden, detail: "" }), "Forbidden");
  assert.equal(describe({ name: ["taken"], detail: "no" }), "name: taken; no");
  assert.equal(describe(null), "the server did not answer");
});

test("fieldErrors gives a problem's errors, or its detail when it names no field", () => {
  assert.deepEqual(fieldErrors(invalid), { name: ["This field is required."] });
  assert.deepEqual(fieldErrors(forbidden), { detail: "your role does not allow this" });
  assert.deepEqual(fieldErrors({ ...forbidden, errors: ["one", "two"] }), { detail: "your role does not allow this" });
});
