// Edits made in the graph and the side panel, written into the descriptor text: the
// palette adds nodes, link mode draws links (checked against the description model first),
// Delete removes the selected node, the side panel sets its properties; undo, redo and
// discard go back through the snapshots. What each edit changes in the data comes from
// the description model (changes.js); edits.js writes it into the text.
import { addNode as addIn, adderOf, elementAt, freshId, linkerOf, nestingLinkerOf, vnfdIn } from "./changes.js";
import { changed, endTyping, setText, showFile } from "./editor.js";
import { editText, parseText } from "./edits.js";
import { coerce } from "./format.js";
import { dirtyPaths } from "./history.js";
import { centre, choose, highlight } from "./graph.js";
import { fileOfKind, labelOf, shownTypes } from "./model.js";
import { $, files, history, model, nodeById, selectedNode, state, status, texts, view } from "./state.js";
import { breaks, checkLink, refresh } from "./sync.js";

// The text of `path` after `change(data)`, written by edits.js (only what it touches), or
// null with the reason shown.
function edited(path, change) {
  try {
    parseText(path, state.files[path].text);
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

// -- palette ------------------------------------------------------------------------------

// Add a `type` node where the model's `add` says, in the open file when it is of the
// type's document, else the first file that is; it is selected once drawn.
function addNode(type) {
  const adder = adderOf(model, type);
  const path = adder && fileOfKind(state.kinds, adder.kind, state.file);
  if (!path) { status(`no ${adder && adder.kind ? adder.kind.toUpperCase() : "descriptor"} file to add a ${type} to`, true); return; }
  if (path !== state.file) showFile(path);
  const id = freshId(state.files[path].text, adder.prefix);
  const selected = selectedNode();
  state.adding = { file: path, known: new Set(state.graph.nodes.map((n) => n.id)), at: centre() };
  if (!mutate(path, (data) => addIn(model, adder, data, id, path, selected), `${labelOf(model, type)} ${id} added`)) state.adding = null;
}

export function buildPalette() {
  const box = $("palette");
  box.querySelectorAll("button").forEach((b) => b.remove());
  for (const type of shownTypes(model, view())) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.type = type;
    b.textContent = labelOf(model, type);
    if (!adderOf(model, type)) { b.disabled = true; b.title = "not added from the palette: edit the text"; }
    b.addEventListener("click", () => addNode(type));
    box.appendChild(b);
  }
}

// -- links --------------------------------------------------------------------------------

// A node clicked: selected, or in link mode the source and then the target of a link.
export async function clicked(node) {
  if (!state.linkMode) { choose(node); return; }
  if (!state.linkSource) { state.linkSource = node.id; status(`link from ${node.label}: click the other end`); highlight(); return; }
  const source = nodeById(state.linkSource);
  state.linkSource = null;
  highlight();
  if (!source || source.id === node.id) { status("link cancelled"); return; }
  await link(source, node);
}

async function link(source, node) {
  // a view without links, in a model with nesting: a link puts the source in the target
  const nesting = !(view().links || []).length && Object.keys(model.nesting || {}).length > 0;
  const r = await checkLink(source, node, $("link-type").value, nesting);
  if (!r.ok || !r.data) { status(`link check failed (${r.status})`, true); return; }
  if (!r.data.allowed) { status(`link refused: ${r.data.reason}`, true); return; }
  const kind = nesting ? "nesting" : r.data.link_type;
  const linker = nesting ? nestingLinkerOf(model, source.type)
    : linkerOf(model, kind, (vnf) => vnfdIn(texts(), parseText, vnf));
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

// -- delete, properties -------------------------------------------------------------------

export function deleteSelected() {
  const node = selectedNode();
  if (!node) { status("select a node to delete", true); return; }
  if (!node.info || !node.info.path) { status(`${node.label} is not an element of a file; edit the text`, true); return; }
  if (mutate(node.info.file, (data) => {
    const at = elementAt(model, data, node);
    if (!at || !Array.isArray(at[0])) throw new Error(`${node.label} cannot be deleted from the graph`);
    at[0].splice(at[1], 1);
  }, `${node.label} deleted`)) {
    delete state.pos[node.id];
    state.selected = null;
  }
}

function elementOf(node) {
  if (!node.info || !node.info.file || !node.info.path || !state.files[node.info.file]) return null;
  try {
    const at = elementAt(model, parseText(node.info.file, state.files[node.info.file].text), node);
    return at ? at[0][at[1]] : null;
  } catch { return null; }
}

function editProperty(node, key, raw, old) {
  const value = coerce(raw, old);
  mutate(node.info.file, (data) => {
    const at = elementAt(model, data, node);
    if (!at) throw new Error("the element is gone");
    at[0][at[1]][key] = value;
  }, `${key} of ${node.label} set`);
}

// The side panel: the selected node's type and id, and a field per scalar of its element.
export function showProperties(node) {
  const box = $("props");
  box.innerHTML = "";
  if (!node) { box.innerHTML = "<p>select a node</p>"; return; }
  const head = document.createElement("p");
  head.innerHTML = `<strong></strong><br><small></small>`;
  head.querySelector("strong").textContent = node.label;
  head.querySelector("small").textContent = `${labelOf(model, node.type)} · ${node.id}`;
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

// -- undo, redo, discard ------------------------------------------------------------------

function restoreTexts(snapshot, message) {
  for (const [path, text] of Object.entries(snapshot)) if (state.files[path]) setText(path, text);
  changed();
  status(message);
  refresh();
}
export function undo() {
  endTyping();
  const back = history.undo(texts());
  if (back) restoreTexts(back, "undone"); else status("nothing to undo", true);
}
export function redo() {
  const next = history.redo(texts());
  if (next) restoreTexts(next, "redone"); else status("nothing to redo", true);
}
export function discard() {
  const dirty = dirtyPaths(files());
  if (!dirty.length) { status("no unsaved changes"); return; }
  history.record(texts());
  restoreTexts(Object.fromEntries(files().map((f) => [f.path, f.saved])),
    `discarded the changes to ${dirty.join(", ")} (undo brings them back)`);
}
