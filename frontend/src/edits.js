// Graph edits written into descriptor text without rewriting the file: a change made to the
// parsed data is turned into the few operations that tell it apart from the old data
// (diffOps), and only those are applied to the text, through a round-trip library:
// YAML with the `yaml` package's Document API (comments, key order, quoting, flow/block
// style and scalars such as `version: 1.0` kept on every node not touched; the Document
// re-spaces comments and flow collections, so every line it only re-spaced is put back as
// it was (jsdiff's diffArrays matches lines equal but for spacing, and a run of lines
// holding the same words wrapped anew, as a folded scalar is, stays too), JSON with
// jsonc-parser's modify/applyEdits (the edits only span the changed values). Pure: no DOM.
import { parseDocument, parse as parseYaml, isSeq, isCollection } from "yaml";
import { modify, applyEdits } from "jsonc-parser";
import { diffArrays } from "diff";

export const isJson = (path) => /\.json$/i.test(path);

// The plain data of a descriptor text (YAML 1.2 core schema, or JSON).
// Throws the parser's error for text that cannot be read.
export function parseText(path, text) {
  return isJson(path) ? JSON.parse(text) : parseYaml(text);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// Deep equality of plain JSON-like data.
export function same(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return Number.isNaN(a) && Number.isNaN(b);
}

// The operations that turn `before` into `after`, each {op, path, value?}:
//   set    - the value at path is replaced (or a new key added to a mapping)
//   delete - the key or sequence item at path is removed
//   insert - value is appended to the sequence at path
// Mappings and sequences present on both sides are compared member by member, so an
// unchanged member never gets an operation. A sequence that lost one item gets one
// delete; one that grew at its end gets inserts; other changes of length replace it.
export function diffOps(before, after, path = []) {
  if (same(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const ops = [];
    for (const k of Object.keys(before)) if (!Object.hasOwn(after, k)) ops.push({ op: "delete", path: [...path, k] });
    for (const k of Object.keys(after)) {
      if (Object.hasOwn(before, k)) ops.push(...diffOps(before[k], after[k], [...path, k]));
      else ops.push({ op: "set", path: [...path, k], value: after[k] });
    }
    return ops;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length === after.length) return before.flatMap((x, i) => diffOps(x, after[i], [...path, i]));
    if (after.length > before.length && before.every((x, i) => same(x, after[i]))) {
      return after.slice(before.length).map((value) => ({ op: "insert", path, value }));
    }
    if (after.length === before.length - 1) {
      let i = 0;
      while (i < after.length && same(before[i], after[i])) i += 1;
      if (before.slice(i + 1).every((x, k) => same(x, after[i + k]))) return [{ op: "delete", path: [...path, i] }];
    }
  }
  return [{ op: "set", path, value: after }];
}

// `text` with `ops` applied, keeping everything they do not touch.
export function applyOps(path, text, ops) {
  return isJson(path) ? applyJson(text, ops) : applyYaml(text, ops);
}

function applyYaml(text, ops) {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(doc.errors[0].message);
  for (const { op, path, value } of ops) {
    if (op === "delete") doc.deleteIn(path);
    else if (op === "insert") {
      const seq = doc.getIn(path, true);
      const node = doc.createNode(value);
      if (isSeq(seq)) {
        // an empty flow sequence ("vdu: []") gets block items, as the rest of a block file
        if (seq.flow && !seq.items.length && isCollection(node)) seq.flow = false;
        seq.items.push(node);
      } else doc.setIn(path, doc.createNode([value]));
    } else if (path.length === 0) doc.contents = doc.createNode(value);
    else doc.setIn(path, isCollection(doc.getIn(path, true)) || isObject(value) || Array.isArray(value)
      ? doc.createNode(value) : value);
  }
  return keepSpacing(text, doc.toString());
}

// [r, n]: the first r `removed` lines hold the words of the first n `added` ones ([0, 0]: none do).
function rewrapped(removed, added) {
  if (removed.length * added.length > 2500) return [0, 0]; // a rewrite, not a re-wrap
  for (let r = removed.length; r > 0; r -= 1) {
    const words = squash(removed.slice(0, r).join(" "));
    for (let n = added.length; n > 0; n -= 1) if (squash(added.slice(0, n).join(" ")) === words) return [r, n];
  }
  return [0, 0];
}

// Lines of `text` the same as before but for spacing (how the Document writes comments
// and flow collections) are the old lines; the others are the new ones.
const squash = (line) => line.replace(/\s+/g, " ").replace(/([[{]) /g, "$1").replace(/ ([\]}])/g, "$1").trim();
export function keepSpacing(oldText, newText) {
  const old = oldText.split("\n");
  const parts = diffArrays(old, newText.split("\n"), { comparator: (a, b) => squash(a) === squash(b) });
  const out = [];
  let at = 0; // index in the old lines
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i], next = parts[i + 1];
    if (part.removed && next && next.added) {
      // lines replaced: the first ones may hold the same words wrapped anew (a folded scalar)
      const [r, n] = rewrapped(part.value, next.value);
      out.push(...old.slice(at, at + r), ...next.value.slice(n));
      at += part.count;
      i += 1;
    } else if (part.added) out.push(...part.value);
    else {
      if (!part.removed) out.push(...old.slice(at, at + part.count));
      at += part.count;
    }
  }
  return out.join("\n");
}

function indentOf(text) {
  const m = text.match(/^\{\s*\n([ \t]+)\S/);
  if (!m) return { insertSpaces: true, tabSize: 2 };
  return m[1].includes("\t") ? { insertSpaces: false, tabSize: 1 } : { insertSpaces: true, tabSize: m[1].length };
}

function applyJson(text, ops) {
  const formattingOptions = { ...indentOf(text), eol: text.includes("\r\n") ? "\r\n" : "\n" };
  let out = text;
  for (const { op, path, value } of ops) {
    if (op === "insert") {
      const current = getAt(JSON.parse(out), path);
      const at = Array.isArray(current) ? current.length : -1;
      const edits = at < 0 ? modify(out, path, [value], { formattingOptions })
        : modify(out, [...path, at], value, { formattingOptions, isArrayInsertion: true });
      out = applyEdits(out, edits);
    } else {
      out = applyEdits(out, modify(out, path, op === "delete" ? undefined : value, { formattingOptions }));
    }
  }
  return out;
}

function getAt(data, path) {
  let here = data;
  for (const k of path) {
    if (here === null || typeof here !== "object") return undefined;
    here = here[k];
  }
  return here;
}

// `text` of descriptor `path` after `change(data)` changed its parsed data in place:
// only what the change touched is rewritten. Returns the text unchanged when nothing
// changed. Throws the parser's error for unreadable text, and what `change` throws.
export function editText(path, text, change) {
  const before = parseText(path, text);
  const after = structuredClone(before);
  const result = change(after);
  const data = result === undefined ? after : result;
  const ops = diffOps(before, data);
  return ops.length ? applyOps(path, text, ops) : text;
}
