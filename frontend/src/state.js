// The designer page's state: its config (rdcl/templates/rdcl/project.html's
// designer-config: the project, its type with the description model, its files), the
// files as edited, the graph shown, the selection, the undo history, and the status line.
import { History } from "./history.js";
import { selectedIn } from "./draw.js";

export const cfg = JSON.parse(document.getElementById("designer-config").textContent);
export const PID = cfg.project.id;
export const readOnly = cfg.project.access === "read";
export const model = cfg.type.description_model || { node_types: {}, link_types: {}, views: {}, nesting: {} };

export const state = {
  files: Object.fromEntries(cfg.files.map((f) => [f.path, { ...f, saved: f.text }])),
  kinds: Object.fromEntries(cfg.files.map((f) => [f.path, f.kind || null])), // path -> vnfd, nsd, tosca
  modelProblems: [],  // how the view's graph breaks the description model (last preview)
  file: cfg.files.length ? cfg.files[0].path : null,
  view: Object.keys(model.views)[0] || null,
  graph: { nodes: [], links: [] },
  children: new Map(), // container id -> [child ids] of the graph shown
  pos: {},            // node id -> {x, y} of the current view
  selected: null,     // {file, path} of the selected node's element, or {id} (draw.js selectionOf)
  adding: null,       // the node the palette is adding: {file, known: ids before, at: {x, y}}
  linkSource: null,
  linkMode: false,
  problems: [],
};
window.designer = state; // for tests and the benchmark
export const history = new History();

export const $ = (id) => document.getElementById(id);

// The status line: what the last action did, or (refused) why it did not.
export function status(text, refused = false) {
  const el = $("status");
  el.textContent = text;
  el.className = refused ? "refused" : "";
}

// {path: text} of every file as edited.
export const texts = () => Object.fromEntries(Object.values(state.files).map((f) => [f.path, f.text]));
export const files = () => Object.values(state.files);
export const view = () => model.views[state.view] || {};
export const nodeById = (id) => state.graph.nodes.find((n) => n.id === id);
export const selectedNode = () => selectedIn(state.graph, state.selected);
