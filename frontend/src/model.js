// Reading the page's data: a node's place in its descriptor (``info.path``) and the
// description model's node types and their rules (rdcl/types/<type>/description.yaml, as
// /api/rdcl/types/ serves it). Pure: no DOM.

// A node's ``info.path`` ("vnfd.vdu[1].intCpd[0]") as keys ["vnfd", "vdu", 1, "intCpd", 0];
// the first is the document kind. null for a path that is not of that shape.
export function pathKeys(path) {
  const keys = [];
  for (const part of path.split(".")) {
    const m = part.match(/^([^[]*)((?:\[\d+\])*)$/);
    if (!m) return null;
    if (m[1]) keys.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) keys.push(Number(i[1]));
  }
  return keys;
}

// The descriptor inside a document: data[kind] when the document wraps it, else the document.
export function root(data, kind) {
  return data && typeof data[kind] === "object" && data[kind] !== null ? data[kind] : data;
}

// [container, key] of the element at ``path`` in ``data`` (null when it is not there).
export function locate(data, path) {
  const keys = pathKeys(path || "");
  if (!keys || keys.length < 2) return null;
  let here = root(data, keys[0]);
  for (const k of keys.slice(1, -1)) {
    if (here == null || typeof here !== "object") return null;
    here = here[k];
  }
  return here != null && typeof here === "object" ? [here, keys[keys.length - 1]] : null;
}

// owner[key] as a list, made an empty one when it is not a list.
export function list(owner, key) {
  if (!Array.isArray(owner[key])) owner[key] = [];
  return owner[key];
}

// The element id of a graph node ("vnfd/vm1" -> "vm1").
export function elementId(node) { return node.id.split("/").slice(1).join("/"); }

// `type` and the node types it derives from, nearest first (a cycle stops).
export function ancestors(model, type) {
  const out = [];
  for (let t = type; t && !out.includes(t); t = (model.node_types[t] || {}).derived_from) out.push(t);
  return out;
}

// Node types a view shows: those it lists, then those derived from one it lists.
export function shownTypes(model, view) {
  const listed = (view && view.nodes) || [];
  const derived = Object.keys(model.node_types)
    .filter((t) => !listed.includes(t) && ancestors(model, t).some((a) => listed.includes(a)));
  return [...listed, ...derived];
}

// The `document` (vnfd, nsd, tosca) a node type is written in: its own or the nearest
// ancestor's; null when the model does not say.
export function documentOf(model, type) {
  for (const t of ancestors(model, type)) if ((model.node_types[t] || {}).document) return model.node_types[t].document;
  return null;
}

// The file to write a node of `kind` in: `open` when it is of that kind, else the first
// (by path) of that kind in `kinds` ({path: kind}); null when there is none.
export function fileOfKind(kinds, kind, open) {
  const order = [open, ...Object.keys(kinds).filter((p) => p !== open).sort()];
  return order.find((path) => path && kinds[path] === kind) || null;
}

// Is a `type` node one of `types` (it, or a type it derives from, is listed)?
export function isA(model, type, types) {
  return ancestors(model, type).some((t) => types.includes(t));
}

// The `key` rule of a node type (add, reference, parent_field): its own or its nearest
// ancestor's; undefined when none says.
export function ruleOf(model, type, key) {
  for (const t of ancestors(model, type)) {
    const spec = model.node_types[t] || {};
    if (spec[key] !== undefined) return spec[key];
  }
  return undefined;
}

// The name a user knows a node type by: its label, else its id.
export function labelOf(model, type) { return (model.node_types[type] || {}).label || type; }
