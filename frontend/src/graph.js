// The graph of a view, drawn with D3 (d3-selection, d3-zoom, d3-drag) in the page's SVG:
// nodes (containers as boxes around their children), links, the legend, zoom and pan,
// dragging (a container takes its children along), selection and the link source. What
// is drawn where is worked out by draw.js; clicks go to editing.js.
import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";
import { drag } from "d3-drag";
import { R, childrenOf, containerBox, descendants, legendEntries, linkColour, nodeColour, place, selectionOf } from "./draw.js";
import { clicked, showProperties } from "./editing.js";
import { showFile } from "./editor.js";
import { autoLayout, fitTransform } from "./layout.js";
import { $, model, nodeById, readOnly, selectedNode, state, status, view } from "./state.js";
import { savePositions } from "./sync.js";

let svg, canvas, linkLayer, nodeLayer, zoomer;
let transform = zoomIdentity;
let fitted = null;        // the view last fitted to the canvas
let linkEls = new Map();  // node id -> [line elements touching it]

export function setupGraph() {
  svg = select("#graph");
  canvas = svg.append("g").attr("class", "canvas");
  linkLayer = canvas.append("g").attr("class", "links");
  nodeLayer = canvas.append("g").attr("class", "nodes");
  zoomer = zoom().scaleExtent([0.1, 4]).on("zoom", (e) => { transform = e.transform; canvas.attr("transform", e.transform); });
  svg.call(zoomer).on("dblclick.zoom", null);
  svg.on("click", (e) => { if (e.target === svg.node()) choose(null); });
}

// The point of the graph at the middle of the canvas (where an added node goes).
export function centre() {
  const box = svg.node().getBoundingClientRect();
  return { x: (box.width / 2 - transform.x) / transform.k, y: (box.height / 2 - transform.y) / transform.k };
}

// Zoom and pan so every node is in the canvas.
export function fit() {
  const box = svg.node().getBoundingClientRect();
  const shown = Object.fromEntries(state.graph.nodes.filter((n) => state.pos[n.id]).map((n) => [n.id, state.pos[n.id]]));
  const t = fitTransform(shown, box.width, box.height);
  svg.call(zoomer.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
}

// Lay the view out anew (dagre), fit it and store the positions.
export function relayout() {
  Object.assign(state.pos, autoLayout(state.graph));
  render(state.graph);
  fit();
  savePositions();
  status("laid out");
}

function legend(graph) {
  const box = $("legend");
  box.innerHTML = "";
  for (const entry of legendEntries(model, view(), graph)) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    if (entry.kind === "node") { swatch.className = "swatch"; swatch.style.background = nodeColour(model, entry.type); }
    else { swatch.className = "swatch line"; swatch.style.borderColor = linkColour(entry.type); }
    item.append(swatch, entry.label);
    box.appendChild(item);
  }
}

// Draw `graph` (the view's, as the server answered it).
export function render(graph) {
  state.graph = graph;
  const { placed, added } = place(graph, state.pos, state.adding);
  if (added) { state.selected = selectionOf(added); state.adding = null; }
  const children = childrenOf(graph);
  state.children = children;
  const links = linkLayer.selectAll("line.link").data(graph.links, (l) => `${l.source}|${l.target}|${l.type}`)
    .join("line").attr("class", "link").attr("data-type", (l) => l.type).attr("stroke", (l) => linkColour(l.type));
  linkEls = new Map();
  links.each(function (l) {
    for (const end of [l.source, l.target]) {
      if (!linkEls.has(end)) linkEls.set(end, []);
      linkEls.get(end).push(this);
    }
  });
  // containers (nodes with children) first, so their children are drawn on top
  const ordered = [...graph.nodes].sort((a, b) => (children.has(b.id) ? 1 : 0) - (children.has(a.id) ? 1 : 0));
  const nodes = nodeLayer.selectAll("g.node").data(ordered, (n) => n.id).join((enter) => {
    const g = enter.append("g");
    g.append("rect");
    g.append("circle").attr("r", R);
    g.append("text").attr("text-anchor", "middle");
    return g;
  });
  nodes.order()
    .attr("class", (n) => `node${children.has(n.id) ? " container" : ""}`)
    .attr("data-id", (n) => n.id).attr("data-type", (n) => n.type).attr("data-label", (n) => n.label)
    .attr("data-parent", (n) => n.parent || "");
  nodes.select("circle").attr("fill", (n) => nodeColour(model, n.type)).attr("display", (n) => (children.has(n.id) ? "none" : null));
  nodes.select("text").text((n) => n.label);
  nodes.on("click", (e, n) => { e.stopPropagation(); clicked(n); });
  nodes.call(drag().on("start", dragStart).on("drag", dragging).on("end", dragEnd));
  nodes.each(function (n) { moveNode(this, n); });
  links.each(function (l) { moveLink(this, l); });
  highlight();
  legend(graph);
  if (fitted !== state.view) { fitted = state.view; fit(); }
  if (placed && !readOnly) savePositions();
}

function moveNode(el, n) {
  const p = state.pos[n.id];
  const g = select(el);
  g.attr("transform", `translate(${p.x},${p.y})`);
  if (state.children.has(n.id)) {
    const b = containerBox(state.pos, state.children, n.id);
    g.select("rect").attr("x", b.x0 - p.x).attr("y", b.y0 - p.y).attr("width", b.x1 - b.x0)
      .attr("height", b.y1 - b.y0).attr("rx", 8).attr("display", null);
    g.select("text").attr("x", b.x0 - p.x + 8).attr("y", b.y0 - p.y + 14).attr("text-anchor", "start");
  } else {
    g.select("rect").attr("display", "none");
    g.select("text").attr("x", 0).attr("y", R + 13).attr("text-anchor", "middle");
  }
}
function moveLink(el, l) {
  const s = state.pos[l.source], t = state.pos[l.target];
  if (!s || !t) return;
  el.setAttribute("x1", s.x); el.setAttribute("y1", s.y);
  el.setAttribute("x2", t.x); el.setAttribute("y2", t.y);
}
function redrawAround(ids) {
  const touched = new Set(ids);
  for (const id of ids) {
    const parent = nodeById(id) && nodeById(id).parent;
    if (parent) touched.add(parent);
  }
  nodeLayer.selectAll("g.node").filter((n) => touched.has(n.id)).each(function (n) { moveNode(this, n); });
  for (const id of ids) for (const el of linkEls.get(id) || []) moveLink(el, select(el).datum());
}

let dragged = false;
function dragStart() { dragged = false; }
function dragging(e, n) {
  dragged = true;
  const moved = [n.id, ...descendants(state.children, n.id)];
  for (const id of moved) { state.pos[id].x += e.dx; state.pos[id].y += e.dy; }
  redrawAround(moved);
}
function dragEnd() { if (dragged) savePositions(); }

// Mark the selected node and the link source; show the selected node's properties.
export function highlight() {
  const sel = selectedNode();
  nodeLayer.selectAll("g.node")
    .classed("selected", (n) => sel !== null && n.id === sel.id)
    .classed("link-source", (n) => state.linkSource === n.id);
  showProperties(sel);
}

// Select `node` (null: none), opening its file in the editor.
export function choose(node) {
  state.selected = selectionOf(node);
  if (node && node.info && node.info.file && node.info.file !== state.file && state.files[node.info.file]) showFile(node.info.file);
  highlight();
}
