// Descriptor designer page (rdcl/templates/rdcl/project.html): a D3 graph per view of the
// project type's description model and a CodeMirror text editor, kept in sync. Files are
// read from the page config and saved through the REST API (/api/rdcl/); the graph of
// unsaved text comes from /designer/projects/<id>/preview/<view>/.
import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";
import { drag } from "d3-drag";
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState } from "@codemirror/state";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { call } from "./api.js";
import { PREFERRED, adders, freshId as freshIn, linkers, templateName, toscaAdder, toscaLinker, vnfdIn } from "./changes.js";
import { setupPublish } from "./publish.js";
import { editText, isJson, parseText } from "./edits.js";
import { History, dirtyPaths, newProblems } from "./history.js";
import { autoLayout, fitTransform, freeSpot, overlaps } from "./layout.js";
import { documentOf as documentIn, fileOfKind as fileOfKindIn, locate, root, shownTypes as shownIn } from "./model.js";

const cfg = JSON.parse(document.getElementById("designer-config").textContent);
const PID = cfg.project.id;
const model = cfg.type.description_model || { node_types: {}, link_types: {}, views: {}, nesting: {} };
// TOSCA types (tosca, tosca-nfv): nodes are node templates, links are requirements
const TOSCA = Object.keys(model.node_types).some((t) => t.startsWith("tosca."));
const R = 18;

const state = {
  files: Object.fromEntries(cfg.files.map((f) => [f.path, { ...f, saved: f.text }])),
  kinds: Object.fromEntries(cfg.files.map((f) => [f.path, f.kind || null])), // path -> vnfd, nsd, tosca
  modelProblems: [],  // how the view's graph breaks the description model (last preview)
  file: cfg.files.length ? cfg.files[0].path : null,
  view: Object.keys(model.views)[0] || null,
  graph: { nodes: [], links: [] },
  pos: {},            // node id -> {x, y} of the current view
  selected: null,     // {file, path} of the selected node's element, or a node id
  linkSource: null,
  linkMode: false,
  problems: [],
};
window.designer = state; // for tests and the benchmark
const history = new History();
setupPublish(PID, () => dirtyPaths(Object.values(state.files)).length > 0);

// -- helpers ------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
function status(text, refused = false) {
  const el = $("status");
  el.textContent = text;
  el.className = refused ? "refused" : "";
}
const parse = parseText;
const texts = () => Object.fromEntries(Object.values(state.files).map((f) => [f.path, f.text]));
// one colour per node type of the model (in its order), so the legend tells them apart
const PALETTE = ["#9ecae1", "#fdae6b", "#a1d99b", "#bcbddc", "#fc9272", "#fdd0a2", "#c7e9c0", "#dadaeb",
  "#6baed6", "#fd8d3c", "#74c476", "#9e9ac8", "#fb6a4a", "#bdbdbd"];
function colour(type) {
  const i = Object.keys(model.node_types).indexOf(type);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

function nodeById(id) { return state.graph.nodes.find((n) => n.id === id); }
function selectedNode() {
  const s = state.selected;
  if (!s) return null;
  return state.graph.nodes.find((n) => (s.path ? n.info && n.info.file === s.file && n.info.path === s.path
    : n.id === s.id)) || null;
}

// -- text editor --------------------------------------------------------------------------

const language = new Compartment();
let applying = false;
const editor = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    doc: state.file ? state.files[state.file].text : "",
    extensions: [basicSetup, lintGutter(), language.of(state.file && isJson(state.file) ? json() : yaml()),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !applying && state.file) {
          typed({ ...texts(), [state.file]: u.startState.doc.toString() });
          state.files[state.file].text = u.state.doc.toString();
          changed();
          schedule();
        }
      })],
  }),
});
window.designerEditor = editor;

// typing is one undo step per burst (a pause of 800 ms ends it)
let typing = null;
function typed(before) {
  if (!typing) history.record(before);
  clearTimeout(typing);
  typing = setTimeout(() => { typing = null; }, 800);
}
// the unsaved marker, the undo/redo buttons and the page title follow the files
function changed() {
  const dirty = dirtyPaths(Object.values(state.files));
  const marker = $("unsaved");
  marker.hidden = !dirty.length;
  marker.textContent = dirty.length ? `unsaved: ${dirty.join(", ")}` : "";
  document.body.dataset.unsaved = String(dirty.length);
  document.title = (dirty.length ? "• " : "") + document.title.replace(/^• /, "");
  $("undo").disabled = !history.canUndo && !typing;
  $("redo").disabled = !history.canRedo;
  $("discard").disabled = !dirty.length;
}
function restoreTexts(snapshot, message) {
  for (const [path, text] of Object.entries(snapshot)) if (state.files[path]) setText(path, text);
  changed();
  status(message);
  refresh();
}
function undo() {
  clearTimeout(typing); typing = null;
  const back = history.undo(texts());
  if (back) restoreTexts(back, "undone"); else status("nothing to undo", true);
}
function redo() {
  const next = history.redo(texts());
  if (next) restoreTexts(next, "redone"); else status("nothing to redo", true);
}
function discard() {
  const dirty = dirtyPaths(Object.values(state.files));
  if (!dirty.length) { status("no unsaved changes"); return; }
  history.record(texts());
  restoreTexts(Object.fromEntries(Object.values(state.files).map((f) => [f.path, f.saved])),
    `discarded the changes to ${dirty.join(", ")} (undo brings them back)`);
}

function showFile(path) {
  state.file = path;
  applying = true;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: state.files[path].text },
    effects: language.reconfigure(isJson(path) ? json() : yaml()) });
  applying = false;
  markProblems();
}
function setText(path, text) {
  state.files[path].text = text;
  if (path === state.file) {
    applying = true;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
    applying = false;
  }
}
function markProblems() {
  const doc = editor.state.doc;
  const mine = state.problems.filter((p) => p.file === state.file || !p.file);
  const diagnostics = mine.map((p) => {
    const line = doc.line(Math.min(Math.max(p.line || 1, 1), doc.lines));
    return { from: line.from, to: line.to, severity: "error",
      message: `${p.path ? p.path + ": " : ""}${p.message} [${p.rule}]` };
  });
  editor.dispatch(setDiagnostics(editor.state, diagnostics));
  $("problems").textContent = state.problems.map(
    (p) => `${p.file || ""}:${p.line || "?"}: ${p.path || ""} [${p.rule}] ${p.message}`).join("\n");
}

// -- sync: text -> graph and problems -----------------------------------------------------

let timer = null;
let generation = 0;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 250);
}
async function stored() {
  const early = window.rdclPrefetch; // started by the page before this bundle loaded
  window.rdclPrefetch = null;
  if (early && early.view === state.view) {
    const response = await early.response.catch(() => null);
    if (response && response.ok) return { ok: true, status: 200, data: { graph: await response.json(), problems: [], error: "" } };
  }
  const r = await call("GET", `/api/rdcl/projects/${PID}/graph/${state.view}/`);
  if (r.ok) return { ok: true, status: r.status, data: { graph: r.data, problems: [], error: "" } };
  return r.status === 409 && r.data ? { ok: true, status: r.status, data: { graph: null, problems: r.data.problems || [], error: r.data.detail } } : r;
}
async function refresh() {
  clearTimeout(timer);
  const mine = ++generation;
  const unsaved = {};
  for (const f of Object.values(state.files)) if (f.text !== f.saved) unsaved[f.path] = f.text;
  // Stored files are valid (saves are validated): their graph needs no validation run.
  const r = Object.keys(unsaved).length
    ? await call("POST", `/designer/projects/${PID}/preview/${state.view}/`, { files: unsaved })
    : await stored();
  if (mine !== generation) return;
  if (!r.ok || !r.data) { status(`preview failed (${r.status})`, true); return; }
  state.problems = r.data.problems || [];
  if (r.data.model_problems) state.modelProblems = r.data.model_problems;
  if (r.data.kinds) Object.assign(state.kinds, r.data.kinds);
  markProblems();
  if (r.data.graph) render(r.data.graph);
  else status(`the text cannot be read: ${r.data.error}`, true);
  document.body.dataset.synced = String(mine);
}

// -- graph --------------------------------------------------------------------------------

const svg = select("#graph");
const canvas = svg.append("g").attr("class", "canvas");
const linkLayer = canvas.append("g").attr("class", "links");
const nodeLayer = canvas.append("g").attr("class", "nodes");
let transform = zoomIdentity;
const zoomer = zoom().scaleExtent([0.1, 4]).on("zoom", (e) => { transform = e.transform; canvas.attr("transform", e.transform); });
svg.call(zoomer).on("dblclick.zoom", null);
svg.on("click", (e) => { if (e.target === svg.node()) choose(null); });

// Positions: stored ones are kept; a view with none is laid out by dagre; a node that has
// none (added, or new in the text) takes dagre's place for it when that is free, else the
// nearest free spot, so nodes never start on top of each other.
let fitted = null; // the view last fitted to the canvas
let resizing = null;
function place(graph) {
  for (const n of graph.nodes) {
    if (n.position && !state.pos[n.id]) state.pos[n.id] = { x: n.position.x, y: n.position.y };
  }
  const missing = graph.nodes.filter((n) => !state.pos[n.id]);
  if (!missing.length) return false;
  const laid = autoLayout(graph);
  if (missing.length === graph.nodes.length) { Object.assign(state.pos, laid); return true; }
  const parents = new Set(graph.nodes.map((n) => n.parent).filter(Boolean));
  const taken = graph.nodes.filter((n) => state.pos[n.id] && !parents.has(n.id)).map((n) => state.pos[n.id]);
  for (const n of missing) {
    const parent = n.parent && state.pos[n.parent];
    // a nested node goes below its container's label, beside its siblings
    const want = state.want && state.want[n.id] ? state.want[n.id]
      : parent ? { x: parent.x - 40, y: parent.y + 60 } : laid[n.id];
    const p = overlaps(want, taken) ? freeSpot(want, taken) : want;
    state.pos[n.id] = p;
    taken.push(p);
  }
  return true;
}
function fit() {
  const box = svg.node().getBoundingClientRect();
  const shown = Object.fromEntries(state.graph.nodes.filter((n) => state.pos[n.id]).map((n) => [n.id, state.pos[n.id]]));
  const t = fitTransform(shown, box.width, box.height);
  svg.call(zoomer.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
}
function relayout() {
  Object.assign(state.pos, autoLayout(state.graph));
  render(state.graph);
  fit();
  savePositions();
  status("laid out");
}
function legend(graph) {
  const box = $("legend");
  box.innerHTML = "";
  const types = [...new Set(graph.nodes.map((n) => n.type))];
  for (const type of shownTypes(model.views[state.view]).filter((t) => types.includes(t)).concat(types.filter((t) => !shownTypes(model.views[state.view]).includes(t)))) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = colour(type);
    item.append(swatch, (model.node_types[type] || {}).label || type);
    box.appendChild(item);
  }
  for (const type of [...new Set(graph.links.map((l) => l.type))]) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch line"; swatch.style.borderColor = linkColour(type);
    item.append(swatch, (model.link_types[type] || {}).label || type);
    box.appendChild(item);
  }
}
function linkColour(type) {
  let h = 0;
  for (const c of type) h = (h * 17 + c.charCodeAt(0)) % 360;
  return `hsl(${h},45%,45%)`;
}

let linkEls = new Map(); // node id -> [line elements touching it]
function render(graph) {
  state.graph = graph;
  const placed = place(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const children = new Map();
  for (const n of graph.nodes) if (n.parent && byId.has(n.parent)) {
    if (!children.has(n.parent)) children.set(n.parent, []);
    children.get(n.parent).push(n.id);
  }
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
  nodes.select("circle").attr("fill", (n) => colour(n.type)).attr("display", (n) => (children.has(n.id) ? "none" : null));
  nodes.select("text").text((n) => n.label);
  nodes.on("click", (e, n) => { e.stopPropagation(); clicked(n); });
  nodes.call(drag().on("start", dragStart).on("drag", dragging).on("end", dragEnd));
  nodes.each(function (n) { moveNode(this, n); });
  links.each(function (l) { moveLink(this, l); });
  highlight();
  legend(graph);
  if (fitted !== state.view) { fitted = state.view; fit(); }
  if (placed && cfg.project.access !== "read") savePositions();
}
function containerBox(id) {
  const p = state.pos[id];
  let x0 = p.x - 60, y0 = p.y - 30, x1 = p.x + 60, y1 = p.y + 30;
  for (const c of state.children.get(id) || []) {
    const q = state.pos[c];
    x0 = Math.min(x0, q.x - R - 20); y0 = Math.min(y0, q.y - R - 20);
    x1 = Math.max(x1, q.x + R + 20); y1 = Math.max(y1, q.y + R + 30);
  }
  return { x0, y0, x1, y1 };
}
function moveNode(el, n) {
  const p = state.pos[n.id];
  const g = select(el);
  g.attr("transform", `translate(${p.x},${p.y})`);
  if (state.children.has(n.id)) {
    const b = containerBox(n.id);
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
  const moved = [n.id, ...descendants(n.id)];
  for (const id of moved) { state.pos[id].x += e.dx; state.pos[id].y += e.dy; }
  redrawAround(moved);
}
function dragEnd() { if (dragged) savePositions(); }
function descendants(id) {
  const out = [];
  for (const c of state.children.get(id) || []) out.push(c, ...descendants(c));
  return out;
}
let posTimer = null;
function savePositions() {
  clearTimeout(posTimer);
  posTimer = setTimeout(async () => {
    const r = await call("PUT", `/api/rdcl/projects/${PID}/graph/${state.view}/positions/`, { positions: state.pos });
    if (!r.ok) status(`positions not stored (${r.status})`, true);
    else document.body.dataset.positionsSaved = String(Date.now());
  }, 200);
}

function highlight() {
  const sel = selectedNode();
  nodeLayer.selectAll("g.node")
    .classed("selected", (n) => sel !== null && n.id === sel.id)
    .classed("link-source", (n) => state.linkSource === n.id);
  showProperties(sel);
}
function choose(node) {
  state.selected = node ? (node.info && node.info.path ? { file: node.info.file, path: node.info.path } : { id: node.id })
    : null;
  if (node && node.info && node.info.file && node.info.file !== state.file && state.files[node.info.file]) {
    $("file").value = node.info.file;
    showFile(node.info.file);
  }
  highlight();
}

// -- side panel ---------------------------------------------------------------------------

function showProperties(node) {
  const box = $("props");
  box.innerHTML = "";
  if (!node) { box.innerHTML = "<p>select a node</p>"; return; }
  const head = document.createElement("p");
  head.innerHTML = `<strong></strong><br><small></small>`;
  head.querySelector("strong").textContent = node.label;
  head.querySelector("small").textContent = `${(model.node_types[node.type] || {}).label || node.type} · ${node.id}`;
  box.appendChild(head);
  const element = elementOf(node);
  if (!element || typeof element !== "object") {
    const p = document.createElement("p");
    p.textContent = "no editable element (edit the text)";
    box.appendChild(p);
    return;
  }
  for (const [key, value] of Object.entries(element)) {
    if (value !== null && typeof value === "object") continue;
    const label = document.createElement("label");
    label.textContent = key;
    const input = document.createElement("input");
    input.name = key;
    input.value = value === null ? "" : String(value);
    input.addEventListener("change", () => editProperty(node, key, input.value, value));
    label.appendChild(input);
    box.appendChild(label);
  }
}
function elementOf(node) {
  if (!node.info || !node.info.file || !node.info.path || !state.files[node.info.file]) return null;
  try {
    const at = locate(parse(node.info.file, state.files[node.info.file].text), node.info.path);
    return at ? at[0][at[1]] : null;
  } catch { return null; }
}
function editProperty(node, key, raw, old) {
  let value = raw;
  if (typeof old === "number" && raw.trim() !== "" && !Number.isNaN(Number(raw))) value = Number(raw);
  else if (typeof old === "boolean") value = raw === "true";
  else if (old === null && raw === "") value = null;
  mutate(node.info.file, (data) => {
    const at = locate(data, node.info.path);
    if (!at) throw new Error("the element is gone");
    at[0][at[1]][key] = value;
  }, `${key} of ${node.label} set`);
}

// -- graph edits change the descriptor text -----------------------------------------------

// The text of `path` after `change(data)`, written by edits.js (only what it touches), or
// null with the reason shown.
function edited(path, change) {
  try {
    parse(path, state.files[path].text);
  } catch (e) {
    status(`fix the text of ${path} first: ${e.message}`, true);
    return null;
  }
  try {
    return editText(path, state.files[path].text, change);
  } catch (e) {
    status(e.message, true);
    return null;
  }
}
function apply(path, text, message) {
  history.record(texts());
  setText(path, text);
  changed();
  status(message);
  refresh();
}
function mutate(path, change, message) {
  const text = edited(path, change);
  if (text === null) return false;
  apply(path, text, message);
  return true;
}
const documentOf = (type) => documentIn(model, type);
const fileOfKind = (kind) => fileOfKindIn(state.kinds, kind, state.file);
function freshId(path, prefix) { return freshIn(state.files[path].text, prefix); }
// the graph id prefix of a TOSCA file's node templates ("" for a one-file project)
function toscaPrefix(path) {
  const n = state.graph.nodes.find((x) => x.info && x.info.file === path && x.info.path);
  return n ? n.id.slice(0, n.id.length - templateName(n).length) : "";
}
const ADDERS = adders(cfg.project.type, () => selectedNode());
function addNode(type) {
  const adder = adderOf(type);
  const path = adder && fileOfKind(adder.kind);
  if (path && path !== state.file) { $("file").value = path; showFile(path); }
  if (!path) { status(`no ${adder ? adder.kind.toUpperCase() : "descriptor"} file to add a ${type} to`, true); return; }
  const id = freshId(path, adder.prefix);
  const stem = (Object.values(state.graph.nodes).find((n) => n.info && n.info.file === path) || {}).info;
  const descriptor = stem ? stem.descriptor : path.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
  const nodeId = adder.kind === "tosca" ? toscaPrefix(path) + id : `${descriptor}/${id}`;
  const box = svg.node().getBoundingClientRect();
  const t = transform;
  state.want = { [nodeId]: { x: (box.width / 2 - t.x) / t.k, y: (box.height / 2 - t.y) / t.k } };
  if (mutate(path, (data) => {
    const kind = adder.kind;
    adder.add(root(data, kind), id);
  }, `${(model.node_types[type] || {}).label || type} ${id} added`)) {
    state.selected = { id: nodeId };
    savePositions();
  }
}
const shownTypes = (view) => shownIn(model, view);
function adderOf(type) {
  if (ADDERS[type]) return { ...ADDERS[type], kind: documentOf(type) || ADDERS[type].kind };
  return TOSCA && model.node_types[type] ? toscaAdder(type) : null;
}
function buildPalette() {
  const box = $("palette");
  box.querySelectorAll("button").forEach((b) => b.remove());
  const view = model.views[state.view];
  for (const type of shownTypes(view)) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.type = type;
    b.textContent = (model.node_types[type] || {}).label || type;
    if (!adderOf(type)) { b.disabled = true; b.title = "not added from the palette: edit the text"; }
    b.addEventListener("click", () => addNode(type));
    box.appendChild(b);
  }
}

// links: the description model decides; the data follows (changes.js)
const LINKERS = linkers((vnf) => vnfdIn(texts(), parse, vnf));
async function checkLink(source, node, view) {
  const ask = (linkType) => call("POST", `/api/rdcl/projects/${PID}/check-link/`,
    { source: source.type, target: node.type, view: state.view, link_type: linkType || null });
  const chosen = $("link-type").value;
  if (chosen || !TOSCA) return ask(chosen);
  for (const linkType of PREFERRED.filter((t) => (view.links || []).includes(t))) {
    const r = await ask(linkType);
    if (!r.ok || (r.data && r.data.allowed)) return r;
  }
  return ask(null);
}
async function clicked(node) {
  if (!state.linkMode) { choose(node); return; }
  if (!state.linkSource) { state.linkSource = node.id; status(`link from ${node.label}: click the other end`); highlight(); return; }
  const source = nodeById(state.linkSource);
  state.linkSource = null;
  highlight();
  if (!source || source.id === node.id) { status("link cancelled"); return; }
  const view = model.views[state.view] || {};
  const nesting = !(view.links || []).length && Object.keys(model.nesting || {}).length;
  const r = nesting
    ? await call("POST", `/designer/projects/${PID}/check-nesting/`, { child: source.type, parent: node.type })
    : await checkLink(source, node, view);
  if (!r.ok || !r.data) { status(`link check failed (${r.status})`, true); return; }
  if (!r.data.allowed) { status(`link refused: ${r.data.reason}`, true); return; }
  const kind = nesting ? "nesting" : r.data.link_type;
  const linker = LINKERS[kind] || (TOSCA ? toscaLinker(kind) : null);
  if (!linker) { status(`a ${kind} link is allowed but not drawn from the graph: edit the text`, true); return; }
  const label = nesting ? `${source.label} nested in ${node.label}`
    : `“${(model.link_types[kind] || {}).label || kind}” link ${source.label} - ${node.label} added`;
  let file, text;
  try {
    let change;
    [file, change] = linker(source, node);
    text = edited(file, change);
  } catch (e) {
    status(`link refused: ${e.message}`, true);
    return;
  }
  if (text === null) return;
  const why = await breaks(file, text);
  if (why) { status(`link refused: ${why}`, true); return; }
  apply(file, text, label);
}
// Why writing `text` to `file` would break the project (a problem the validator or the
// description model finds that the files do not have now), or "" when it would not.
async function breaks(file, text) {
  const now = {};
  for (const f of Object.values(state.files)) if (f.text !== f.saved) now[f.path] = f.text;
  const url = `/designer/projects/${PID}/preview/${state.view}/`;
  const [before, after] = await Promise.all([call("POST", url, { files: now }), call("POST", url, { files: { ...now, [file]: text } })]);
  if (!before.ok || !after.ok) return `the change could not be checked (${after.status})`;
  const keys = (d) => [...(d.problems || []).map((p) => `${p.file}: ${p.message}`), ...(d.model_problems || [])];
  const fresh = newProblems(keys(before.data), keys(after.data));
  if (fresh.length) return `${file} would be invalid: ${fresh[0]}`;
  return after.data.graph ? "" : `${file} could not be read: ${after.data.error}`;
}
function deleteSelected() {
  const node = selectedNode();
  if (!node) { status("select a node to delete", true); return; }
  if (!node.info || !node.info.path) { status(`${node.label} is not an element of a file; edit the text`, true); return; }
  if (mutate(node.info.file, (data) => {
    const at = locate(data, node.info.path);
    if (!at || !Array.isArray(at[0])) throw new Error(`${node.label} cannot be deleted from the graph`);
    at[0].splice(at[1], 1);
  }, `${node.label} deleted`)) {
    delete state.pos[node.id];
    state.selected = null;
  }
}

// -- save ---------------------------------------------------------------------------------

// Every changed file in one request (POST projects/<id>/save/): the project is validated
// with all of them and all are stored or none, so a change that spans files is saved whole.
async function save() {
  const dirty = Object.values(state.files).filter((f) => f.text !== f.saved);
  if (!dirty.length) { status("nothing to save"); return; }
  const r = await call("POST", `/api/rdcl/projects/${PID}/save/`, {
    files: dirty.map((f) => ({ path: f.path, text: f.text, base_revision: f.revision })), message: "designer" });
  if (r.status === 409) {
    status(`not saved: ${r.data && r.data.detail ? r.data.detail : "a file changed meanwhile"}; reload to merge`, true);
    return;
  }
  if (r.status === 400 && r.data) {
    state.problems = r.data.problems || [];
    markProblems();
    status(`not saved: ${r.data.detail || "refused"}`, true);
    return;
  }
  if (!r.ok) { status(`not saved (${r.status}) ${r.data && r.data.detail ? r.data.detail : ""}`, true); return; }
  const saved = [];
  for (const rev of r.data) {
    const f = state.files[rev.path];
    f.revision = rev.revision; f.saved = rev.text; f.text === rev.text || setText(f.path, rev.text);
    saved.push(f);
  }
  changed();
  await call("PUT", `/api/rdcl/projects/${PID}/graph/${state.view}/positions/`, { positions: state.pos });
  saved.sort((a, b) => a.path.localeCompare(b.path));
  status(`saved ${saved.map((f) => `${f.path} r${f.revision}`).join(", ")}`);
}

// -- history, diff, restore (the file's revisions through the REST API) --------------------

function fileUrl(f) { return `/api/rdcl/projects/${PID}/files/${f.id}`; }
function toggleHistory() {
  const panel = $("history");
  panel.hidden = !panel.hidden;
  $("history-toggle").setAttribute("aria-pressed", String(!panel.hidden));
  if (!panel.hidden) loadHistory();
}
async function loadHistory() {
  const f = state.files[state.file];
  const body = $("revisions").querySelector("tbody");
  body.innerHTML = "";
  $("diff").innerHTML = "";
  if (!f) return;
  const r = await call("GET", `${fileUrl(f)}/revisions/?limit=100`);
  if (!r.ok) { status(`history not loaded (${r.status})`, true); return; }
  const rows = Array.isArray(r.data) ? r.data : r.data.results || [];
  rows.forEach((rev, i) => {
    const tr = document.createElement("tr");
    tr.dataset.number = rev.number;
    const cells = [`r${rev.number}`, rev.author || "", new Date(rev.created).toLocaleString(), rev.digest.slice(0, 12),
      rev.message || "", `${rev.size} B`];
    tr.innerHTML = `<td><input type="radio" name="diff-from" value="${rev.number}"${i === 1 ? " checked" : ""}></td>`
      + `<td><input type="radio" name="diff-to" value="${rev.number}"${i === 0 ? " checked" : ""}></td>`
      + cells.map(() => "<td></td>").join("") + "<td></td>";
    cells.forEach((text, k) => { tr.children[k + 2].textContent = text; });
    tr.children[4].title = rev.created; tr.children[5].title = rev.digest;
    if (i > 0) {
      const b = document.createElement("button");
      b.type = "button"; b.className = "restore"; b.textContent = "Restore";
      b.addEventListener("click", () => restoreRevision(rev.number));
      tr.lastElementChild.appendChild(b);
    } else tr.lastElementChild.textContent = "current";
    body.appendChild(tr);
  });
  document.body.dataset.historyLoaded = String(rows.length);
}
async function showDiff() {
  const f = state.files[state.file];
  const from = document.querySelector('input[name="diff-from"]:checked');
  const to = document.querySelector('input[name="diff-to"]:checked');
  if (!f || !from || !to) { status("pick two revisions to diff", true); return; }
  const r = await call("GET", `${fileUrl(f)}/diff/?from=${from.value}&to=${to.value}`);
  if (!r.ok) { status(`diff failed (${r.status})`, true); return; }
  const out = $("diff");
  out.innerHTML = "";
  out.dataset.from = r.data.old; out.dataset.to = r.data.new;
  const lines = r.data.diff ? r.data.diff.replace(/\n$/, "").split("\n") : [`r${r.data.old} and r${r.data.new} are the same`];
  for (const line of lines) {
    const span = document.createElement("span");
    span.className = line.startsWith("+++") || line.startsWith("---") ? "head" : line.startsWith("@@") ? "hunk"
      : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "same";
    span.textContent = line + "\n";
    out.appendChild(span);
  }
}
async function restoreRevision(number) {
  const f = state.files[state.file];
  if (f.text !== f.saved) { status(`not restored: ${f.path} has unsaved changes; save or undo them first`, true); return; }
  const r = await call("POST", `${fileUrl(f)}/revisions/${number}/restore/`, { base_revision: f.revision, message: `restored r${number}` });
  if (r.status === 201) {
    f.revision = r.data.revision; f.saved = r.data.text;
    setText(f.path, r.data.text);
    changed();
    status(`restored r${number} of ${f.path} as r${f.revision}`);
    await refresh();
    await loadHistory();
  } else if (r.status === 409) status(`not restored: ${f.path} changed meanwhile; reload`, true);
  else if (r.status === 400) { state.problems = r.data.problems || []; markProblems(); status(`not restored: ${r.data.detail || "refused"}`, true); }
  else status(`not restored (${r.status})`, true);
}

// -- wiring -------------------------------------------------------------------------------

function buildLinkTypes() {
  const menu = $("link-type");
  menu.innerHTML = "";
  const any = document.createElement("option");
  any.value = ""; any.textContent = "any allowed";
  menu.appendChild(any);
  for (const type of (model.views[state.view] || {}).links || []) {
    const o = document.createElement("option");
    o.value = type; o.textContent = (model.link_types[type] || {}).label || type;
    menu.appendChild(o);
  }
  menu.hidden = menu.options.length < 3;
}
function buildTabs() {
  const box = $("views");
  for (const [name, view] of Object.entries(model.views)) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.view = name;
    b.textContent = view.label || name;
    b.setAttribute("aria-pressed", String(name === state.view));
    b.addEventListener("click", () => {
      state.view = name; state.pos = {}; state.linkSource = null; state.modelProblems = [];
      box.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
      buildPalette();
      buildLinkTypes();
      refresh();
    });
    box.appendChild(b);
  }
}
function init() {
  const picker = $("file");
  for (const f of cfg.files) {
    const o = document.createElement("option");
    o.value = f.path; o.textContent = f.path;
    picker.appendChild(o);
  }
  picker.addEventListener("change", () => { showFile(picker.value); if (!$("history").hidden) loadHistory(); });
  $("link-mode").addEventListener("click", () => {
    state.linkMode = !state.linkMode; state.linkSource = null;
    $("link-mode").setAttribute("aria-pressed", String(state.linkMode));
    status(state.linkMode ? "link mode: click the source, then the target" : "");
    highlight();
  });
  $("delete").addEventListener("click", deleteSelected);
  $("save").addEventListener("click", save);
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);
  $("discard").addEventListener("click", discard);
  $("layout").addEventListener("click", relayout);
  $("fit").addEventListener("click", fit);
  document.addEventListener("keydown", (e) => {
    const inText = e.target.closest("input, .cm-editor, select, textarea");
    if ((e.key === "Delete" || e.key === "Backspace") && !inText) deleteSelected();
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z" && !inText) { e.preventDefault(); (e.shiftKey ? redo : undo)(); }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
  });
  // leaving with unsaved changes asks first (the browser's own "leave page?" dialog)
  window.addEventListener("beforeunload", (e) => {
    if (dirtyPaths(Object.values(state.files)).length) { e.preventDefault(); e.returnValue = ""; }
  });
  window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(fit, 150); });
  changed();
  if (cfg.project.access === "read") { $("save").disabled = true; status("read-only share"); }
  buildTabs();
  buildPalette();
  buildLinkTypes();
  $("history-toggle").addEventListener("click", toggleHistory);
  $("diff-show").addEventListener("click", showDiff);
  if (state.view) refresh();
  else status(cfg.type.error || "this type has no views", true);
}
init();
