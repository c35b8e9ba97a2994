// Automatic layout of a view's graph with dagre (@dagrejs/dagre: layered layout of
// directed graphs, compound nodes for nesting), a free spot for a node added later, and the
// transform that fits every node in the canvas. Pure: no DOM.
import dagre from "@dagrejs/dagre";

export const NODE = 56; // width and height a node takes (circle and label), in px

// {id: {x, y}} for every node of graph {nodes: [{id, parent}], links: [{source, target}]}.
export function autoLayout(graph, rankdir = "LR") {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir, nodesep: 40, ranksep: 70, marginx: 40, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE + 40, height: NODE });
  for (const n of graph.nodes) if (n.parent && ids.has(n.parent)) g.setParent(n.id, n.parent);
  const parents = new Set(graph.nodes.filter((n) => n.parent && ids.has(n.parent)).map((n) => n.parent));
  graph.links.forEach((l, i) => {
    // dagre does not take edges to or from a compound node: draw those, lay out without them
    if (ids.has(l.source) && ids.has(l.target) && !parents.has(l.source) && !parents.has(l.target)) {
      g.setEdge(l.source, l.target, {}, String(i));
    }
  });
  dagre.layout(g);
  const out = {};
  for (const id of ids) {
    const p = g.node(id);
    // a container's position is its label anchor: the top of the box dagre made around it
    out[id] = parents.has(id) ? { x: p.x, y: p.y - p.height / 2 + 30 } : { x: p.x, y: p.y };
  }
  return out;
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
        const p = { x: near.x + dx * (NODE + 14), y: near.y + dy * (NODE + 14) };
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
