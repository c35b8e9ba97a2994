// How a view's graph is drawn, worked out without the DOM: node and link colours, the
// legend's order, which nodes a container holds and its box, where nodes without a
// position go, and which node the selection names. graph.js draws what these say.
// Pure: no DOM.
import { autoLayout, freeSpot, overlaps } from "./layout.js";
import { labelOf, shownTypes } from "./model.js";

export const R = 18; // radius of a node's circle, in px

// one colour per node type of the model (in its order), so the legend tells them apart
export const PALETTE = ["#9ecae1", "#fdae6b", "#a1d99b", "#bcbddc", "#fc9272", "#fdd0a2", "#c7e9c0", "#dadaeb",
  "#6baed6", "#fd8d3c", "#74c476", "#9e9ac8", "#fb6a4a", "#bdbdbd"];
export function nodeColour(model, type) {
  const i = Object.keys(model.node_types).indexOf(type);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

// A link type's colour: a hue from its name, so it is the same on every page.
export function linkColour(type) {
  let h = 0;
  for (const c of type) h = (h * 17 + c.charCodeAt(0)) % 360;
  return `hsl(${h},45%,45%)`;
}

// The legend of `graph` in `view`: [{kind: "node"|"link", type, label}], node types in the
// view's order (then those the view does not list), link types as they first appear.
export function legendEntries(model, view, graph) {
  const types = [...new Set(graph.nodes.map((n) => n.type))];
  const shown = shownTypes(model, view);
  const nodes = [...shown.filter((t) => types.includes(t)), ...types.filter((t) => !shown.includes(t))];
  const links = [...new Set(graph.links.map((l) => l.type))];
  return [...nodes.map((type) => ({ kind: "node", type, label: labelOf(model, type) })),
    ...links.map((type) => ({ kind: "link", type, label: (model.link_types[type] || {}).label || type }))];
}

// Map of a container's id to its children's ids (nodes whose parent is in the graph).
export function childrenOf(graph) {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const children = new Map();
  for (const n of graph.nodes) {
    if (!n.parent || !ids.has(n.parent)) continue;
    if (!children.has(n.parent)) children.set(n.parent, []);
    children.get(n.parent).push(n.id);
  }
  return children;
}

// Every node nested in `id`, at any depth (a cycle of parents stops).
export function descendants(children, id, seen = new Set([id])) {
  const out = [];
  for (const c of children.get(id) || []) {
    if (seen.has(c)) continue;
    seen.add(c);
    out.push(c, ...descendants(children, c, seen));
  }
  return out;
}

// The box {x0, y0, x1, y1} a container is drawn as: around its label anchor and its children.
export function containerBox(pos, children, id) {
  const p = pos[id];
  let x0 = p.x - 60, y0 = p.y - 30, x1 = p.x + 60, y1 = p.y + 30;
  for (const c of children.get(id) || []) {
    const q = pos[c];
    if (!q) continue;
    x0 = Math.min(x0, q.x - R - 20); y0 = Math.min(y0, q.y - R - 20);
    x1 = Math.max(x1, q.x + R + 20); y1 = Math.max(y1, q.y + R + 30);
  }
  return { x0, y0, x1, y1 };
}

// Positions for the nodes of `graph` that `pos` ({id: {x, y}}, changed in place) lacks:
// a stored `position` is kept; a view with none is laid out by dagre; a node without one
// takes dagre's place for it when that is free, else the nearest free spot, so nodes never
// start on top of each other. A nested node goes below its container's label. `adding`
// ({file, known: Set of ids, at: {x, y}} or null): a node of that file the graph did not
// have is the one the palette added, put at `at`.
// Returns {placed: whether any node got a position, added: the added node or null}.
export function place(graph, pos, adding = null) {
  for (const n of graph.nodes) {
    if (n.position && !pos[n.id]) pos[n.id] = { x: n.position.x, y: n.position.y };
  }
  const isAdded = (n) => adding && n.info && n.info.file === adding.file && !adding.known.has(n.id);
  const added = graph.nodes.find(isAdded) || null;
  const missing = graph.nodes.filter((n) => !pos[n.id]);
  if (!missing.length) return { placed: false, added };
  const laid = autoLayout(graph);
  if (missing.length === graph.nodes.length && !added) { Object.assign(pos, laid); return { placed: true, added }; }
  const parents = new Set(graph.nodes.map((n) => n.parent).filter(Boolean));
  const taken = graph.nodes.filter((n) => pos[n.id] && !parents.has(n.id)).map((n) => pos[n.id]);
  for (const n of missing) {
    const parent = n.parent && pos[n.parent];
    const want = n === added ? adding.at : parent ? { x: parent.x - 40, y: parent.y + 60 } : laid[n.id];
    const p = overlaps(want, taken) ? freeSpot(want, taken) : want;
    pos[n.id] = p;
    taken.push(p);
  }
  return { placed: true, added };
}

// What names a chosen node across redraws: its element ({file, path}) when it is one of a
// file, else its id; null for none.
export function selectionOf(node) {
  if (!node) return null;
  return node.info && node.info.path ? { file: node.info.file, path: node.info.path } : { id: node.id };
}

// The node of `graph` that `selection` (selectionOf) names, or null.
export function selectedIn(graph, selection) {
  if (!selection) return null;
  return graph.nodes.find((n) => (selection.path
    ? n.info && n.info.file === selection.file && n.info.path === selection.path
    : n.id === selection.id)) || null;
}
