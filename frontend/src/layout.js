// Automatic layout of a view's graph with dagre (@dagrejs/dagre: layered layout of
// directed graphs, compound nodes for nesting), a free spot for a node added later, and the
// transform that fits every node in the canvas. Pure: no DOM.
import dagre from "@dagrejs/dagre";

export const NODE = 56; // width and height a node takes (circle and label), in px

const STEP = NODE + 14; // distance between nested nodes in a row

// {id: {x, y}} for every node of graph {nodes: [{id, parent}], links: [{source, target}]}:
// the top-level nodes by dagre (a container as wide as its children need, links between
// nested nodes counted as links of their containers), the nested ones in a row inside
// their container, below its label (recursively).
export function autoLayout(graph, rankdir = "LR") {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const parentOf = new Map(graph.nodes.filter((n) => n.parent && ids.has(n.parent)).map((n) => [n.id, n.parent]));
  const kids = new Map();
  for (const [child, parent] of parentOf) kids.set(parent, [...(kids.get(parent) || []), child]);
  const top = (id) => { let t = id; const seen = new Set(); while (parentOf.has(t) && !seen.has(t)) { seen.add(t); t = parentOf.get(t); } return t; };
  const size = new Map();
  const measure = (id) => {
    if (size.has(id)) return size.get(id);
    size.set(id, { w: NODE + 40, h: NODE }); // guards a cycle of parents
    const children = kids.get(id) || [];
    const inner = children.map(measure);
    const s = children.length
      ? { w: Math.max(NODE + 40, inner.reduce((a, c) => a + c.w, 0) + 20), h: 40 + Math.max(...inner.map((c) => c.h)) + 20 }
      : { w: NODE + 40, h: NODE };
    size.set(id, s);
    return s;
  };
  const tops = graph.nodes.filter((n) => !parentOf.has(n.id)).map((n) => n.id);
  const out = {};
  const put = (id, x, yTop) => {
    const s = measure(id), children = kids.get(id) || [];
    if (!children.length) { out[id] = { x, y: yTop + s.h / 2 }; return; }
    out[id] = { x, y: yTop + 14 }; // a container's position is its label anchor
    let left = x - s.w / 2 + 10;
    for (const c of children) { const cs = measure(c); put(c, left + cs.w / 2, yTop + 40); left += cs.w; }
  };
  if (tops.length > DAGRE_MAX) { grid(tops, measure, put); return out; }
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir, nodesep: 40, ranksep: 70, marginx: 40, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) if (!parentOf.has(n.id)) { const s = measure(n.id); g.setNode(n.id, { width: s.w, height: s.h }); }
  graph.links.forEach((l, i) => {
    if (!ids.has(l.source) || !ids.has(l.target)) return;
    const a = top(l.source), b = top(l.target);
    if (a !== b) g.setEdge(a, b, {}, String(i));
  });
  dagre.layout(g);
  if (!kids.size) fold(g);
  for (const id of g.nodes()) { const p = g.node(id); put(id, p.x, p.y - p.height / 2); }
  return out;
}

// Views of more top-level nodes than this are put on a grid (in the graph's order) instead:
// dagre's layering takes seconds there (measured in node on this machine, 2 shared cores:
// ~2.7 s for 100 nodes and 200 links, ~13-20 s for 500 and 1,000).
export const DAGRE_MAX = 60;
function grid(ids, measure, put) {
  const width = Math.ceil(Math.sqrt(ids.length * 1.5)) * (NODE + 60);
  let x = 40, y = 40, row = 0;
  for (const id of ids) {
    const s = measure(id);
    if (x > 40 && x + s.w > width) { x = 40; y += row + 40; row = 0; }
    put(id, x + s.w / 2, y);
    x += s.w + 20;
    row = Math.max(row, s.h);
  }
}

// A layered layout of many nodes in few layers (a long chain) is a band hundreds of nodes
// long: fit to the canvas its nodes would be specks. Such a band is folded into rows, in
// dagre's order (rank, then order in the rank), so it keeps a readable size.
export const FOLD_RATIO = 4;
function fold(g) {
  const ids = g.nodes();
  if (ids.length < 30) return;
  const xs = ids.map((id) => g.node(id).x), ys = ids.map((id) => g.node(id).y);
  const w = Math.max(...xs) - Math.min(...xs) + NODE, h = Math.max(...ys) - Math.min(...ys) + NODE;
  if (Math.max(w / h, h / w) <= FOLD_RATIO) return;
  const wide = w >= h;
  const order = [...ids].sort((a, b) => (wide ? g.node(a).x - g.node(b).x || g.node(a).y - g.node(b).y
    : g.node(a).y - g.node(b).y || g.node(a).x - g.node(b).x));
  const cols = Math.ceil(Math.sqrt(ids.length * 1.5));
  order.forEach((id, i) => {
    const n = g.node(id);
    n.x = 40 + (i % cols) * (NODE + 60) + n.width / 2;
    n.y = 40 + Math.floor(i / cols) * (NODE + 40) + n.height / 2;
  });
}

// Does a node at `p` overlap one of `taken` ({x, y} each)?
export function overlaps(p, taken, gap = NODE) {
  return taken.some((q) => Math.abs(q.x - p.x) < gap && Math.abs(q.y - p.y) < gap);
}

// The free spot nearest `near` on a grid of NODE-sized cells (rings outwards).
export function freeSpot(near, taken) {
  for (let ring = 0; ring < 60; ring += 1) {
    for (let dx = -ring; dx <= ring; dx += 1) {
      for (let dy = -ring; dy <= ring; dy += 1) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        const p = { x: near.x + dx * STEP, y: near.y + dy * STEP };
        if (!overlaps(p, taken)) return p;
      }
    }
  }
  return { ...near };
}

// {x, y, k} that shows every point of `positions` inside a width x height canvas,
// with `pad` px of margin; never zoomed in beyond `maxScale`.
export function fitTransform(positions, width, height, pad = 50, maxScale = 1.5) {
  const pts = Object.values(positions);
  if (!pts.length || width <= 0 || height <= 0) return { x: 0, y: 0, k: 1 };
  const x0 = Math.min(...pts.map((p) => p.x)) - NODE, x1 = Math.max(...pts.map((p) => p.x)) + NODE;
  const y0 = Math.min(...pts.map((p) => p.y)) - NODE, y1 = Math.max(...pts.map((p) => p.y)) + NODE;
  const k = Math.min(maxScale, (width - 2 * pad) / Math.max(x1 - x0, 1), (height - 2 * pad) / Math.max(y1 - y0, 1));
  const scale = Math.max(k, 0.1);
  return { x: width / 2 - scale * (x0 + x1) / 2, y: height / 2 - scale * (y0 + y1) / 2, k: scale };
}
