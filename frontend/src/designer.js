// Descriptor designer page (rdcl/templates/rdcl/project.html): a D3 graph per view of the
// project type's description model and a CodeMirror text editor, kept in sync. The page's
// state is state.js, the graph graph.js, the text editor editor.js, the server sync.js
// (previews, saves, revisions), the edits editing.js (their data changes from the model
// by changes.js, written into the text by edits.js). This module wires the toolbar.
import { setupPublish } from "./publish.js";
import { buildPalette, deleteSelected, discard, redo, undo } from "./editing.js";
import { changed, setupEditor, showFile } from "./editor.js";
import { fit, highlight, relayout, setupGraph } from "./graph.js";
import { dirtyPaths } from "./history.js";
import { $, PID, cfg, files, model, readOnly, state, status, view } from "./state.js";
import { loadHistory, refresh, save, showDiff, toggleHistory } from "./sync.js";

// the link types of the view ("any allowed": the model chooses)
function buildLinkTypes() {
  const menu = $("link-type");
  menu.innerHTML = "";
  const any = document.createElement("option");
  any.value = ""; any.textContent = "any allowed";
  menu.appendChild(any);
  for (const type of view().links || []) {
    const o = document.createElement("option");
    o.value = type; o.textContent = (model.link_types[type] || {}).label || type;
    menu.appendChild(o);
  }
  menu.hidden = menu.options.length < 3;
}

function buildTabs() {
  const box = $("views");
  for (const [name, spec] of Object.entries(model.views)) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.view = name;
    b.textContent = spec.label || name;
    b.setAttribute("aria-pressed", String(name === state.view));
    b.addEventListener("click", () => {
      state.view = name; state.pos = {}; state.linkSource = null; state.modelProblems = []; state.adding = null;
      box.querySelectorAll("button").forEach((x) => x.setAttribute("aria-pressed", String(x === b)));
      buildPalette();
      buildLinkTypes();
      refresh();
    });
    box.appendChild(b);
  }
}

function wire() {
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
  $("history-toggle").addEventListener("click", toggleHistory);
  $("diff-show").addEventListener("click", showDiff);
  document.addEventListener("keydown", (e) => {
    const inText = e.target.closest("input, .cm-editor, select, textarea");
    if ((e.key === "Delete" || e.key === "Backspace") && !inText) deleteSelected();
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z" && !inText) { e.preventDefault(); (e.shiftKey ? redo : undo)(); }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
  });
  // leaving with unsaved changes asks first (the browser's own "leave page?" dialog)
  window.addEventListener("beforeunload", (e) => {
    if (dirtyPaths(files()).length) { e.preventDefault(); e.returnValue = ""; }
  });
  let resizing = null;
  window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(fit, 150); });
}

function init() {
  setupPublish(PID, () => dirtyPaths(files()).length > 0);
  setupEditor();
  setupGraph();
  wire();
  changed();
  if (readOnly) { $("save").disabled = true; status("read-only share"); }
  buildTabs();
  buildPalette();
  buildLinkTypes();
  if (state.view) refresh();
  else status(cfg.type.error || "this type has no views", true);
}
init();
