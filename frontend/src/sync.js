// The page and the server: the graph and problems of the text (stored files from
// /api/rdcl/projects/<id>/graph/<view>/, unsaved ones previewed at
// /designer/projects/<id>/preview/<view>/), the checks of a drawn link, saves (every
// changed file in one all-or-nothing request), node positions, and a file's revisions
// (history, diff, restore) through the REST API.
import { call } from "./api.js";
import { changed, markProblems, setText } from "./editor.js";
import { diffClass, diffLines, revisionCells, saveRequest, savedLine, unsavedTexts } from "./format.js";
import { render } from "./graph.js";
import { newProblems } from "./history.js";
import { $, PID, files, state, status } from "./state.js";

let timer = null;
let generation = 0;

// A preview after a pause in typing (250 ms).
export function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 250);
}

// The stored graph of the view, or the one the page asked for before this bundle loaded.
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

// Draw the view's graph of the files as edited, and mark their problems.
export async function refresh() {
  clearTimeout(timer);
  const mine = ++generation;
  const unsaved = unsavedTexts(files());
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

// May a link join these nodes? {ok, status, data: {allowed, link_type, reason}}: nesting
// (a view without links, a model with nesting) asks the designer, links the REST API
// (`linkType` "" lets the model choose, its preferred_links first).
export function checkLink(source, target, linkType, nesting) {
  if (nesting) return call("POST", `/designer/projects/${PID}/check-nesting/`, { child: source.type, parent: target.type });
  return call("POST", `/api/rdcl/projects/${PID}/check-link/`,
    { source: source.type, target: target.type, view: state.view, link_type: linkType || null });
}

// Why writing `text` to `file` would break the project (a problem the validator or the
// description model finds that the files do not have now), or "" when it would not.
export async function breaks(file, text) {
  const now = unsavedTexts(files());
  const url = `/designer/projects/${PID}/preview/${state.view}/`;
  const [before, after] = await Promise.all([call("POST", url, { files: now }), call("POST", url, { files: { ...now, [file]: text } })]);
  if (!before.ok || !after.ok) return `the change could not be checked (${after.status})`;
  const keys = (d) => [...(d.problems || []).map((p) => `${p.file}: ${p.message}`), ...(d.model_problems || [])];
  const fresh = newProblems(keys(before.data), keys(after.data));
  if (fresh.length) return `${file} would be invalid: ${fresh[0]}`;
  return after.data.graph ? "" : `${file} could not be read: ${after.data.error}`;
}

// Every changed file in one request (POST projects/<id>/save/): the project is validated
// with all of them and all are stored or none, so a change that spans files is saved whole.
export async function save() {
  const body = saveRequest(files());
  if (!body) { status("nothing to save"); return; }
  const r = await call("POST", `/api/rdcl/projects/${PID}/save/`, body);
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
  for (const rev of r.data) {
    const f = state.files[rev.path];
    f.revision = rev.revision; f.saved = rev.text;
    if (f.text !== rev.text) setText(f.path, rev.text);
  }
  changed();
  await call("PUT", `/api/rdcl/projects/${PID}/graph/${state.view}/positions/`, { positions: state.pos });
  status(savedLine(r.data));
}

let posTimer = null;
// Store the view's node positions (after a pause of 200 ms).
export function savePositions() {
  clearTimeout(posTimer);
  posTimer = setTimeout(async () => {
    const r = await call("PUT", `/api/rdcl/projects/${PID}/graph/${state.view}/positions/`, { positions: state.pos });
    if (!r.ok) status(`positions not stored (${r.status})`, true);
    else document.body.dataset.positionsSaved = String(Date.now());
  }, 200);
}

// -- history, diff, restore (the open file's revisions) -----------------------------------

function fileUrl(f) { return `/api/rdcl/projects/${PID}/files/${f.id}`; }

export function toggleHistory() {
  const panel = $("history");
  panel.hidden = !panel.hidden;
  $("history-toggle").setAttribute("aria-pressed", String(!panel.hidden));
  if (!panel.hidden) loadHistory();
}

export async function loadHistory() {
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
    const cells = revisionCells(rev);
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

export async function showDiff() {
  const f = state.files[state.file];
  const from = document.querySelector('input[name="diff-from"]:checked');
  const to = document.querySelector('input[name="diff-to"]:checked');
  if (!f || !from || !to) { status("pick two revisions to diff", true); return; }
  const r = await call("GET", `${fileUrl(f)}/diff/?from=${from.value}&to=${to.value}`);
  if (!r.ok) { status(`diff failed (${r.status})`, true); return; }
  const out = $("diff");
  out.innerHTML = "";
  out.dataset.from = r.data.old; out.dataset.to = r.data.new;
  for (const line of diffLines(r.data)) {
    const span = document.createElement("span");
    span.className = diffClass(line);
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
