// "Publish to catalogue" on the project page: POST /api/publications/ {project}, then poll
// the publication until a worker has translated, committed, pushed and published it (or
// refused it with located problems), and show the outcome beside the button with the
// translation report (what was not translated and why). A publication that would replace
// a catalogue item another project (or a repository) published stops with the rule
// publication.replaces-item: the user is asked, and publishing again with `replace`
// confirms it.
import { call } from "./api.js";

const POLL_MS = 500;
const REPLACES_ITEM = "publication.replaces-item";

function line(problem) {
  const where = [problem.file, problem.line].filter((x) => x !== null && x !== undefined && x !== "").join(":");
  return `${where}: ${problem.path || "<document>"}: [${problem.rule}] ${problem.message}`;
}

function report(pub) {
  const box = document.getElementById("publish-report");
  if (!box) return;
  const entries = pub.report || [];
  // shown once a worker has translated it (a refusal before translating has none)
  box.hidden = pub.status !== "published" && !entries.length;
  const list = box.querySelector("ul");
  list.innerHTML = "";
  for (const entry of entries.length ? entries : ["everything was translated: nothing was skipped"]) {
    const li = document.createElement("li");
    li.textContent = entry;
    list.appendChild(li);
  }
  box.dataset.entries = String(entries.length);
  box.querySelector("summary").textContent = `Translation report (${entries.length} ${entries.length === 1 ? "entry" : "entries"})`;
}

function show(el, pub) {
  el.dataset.status = pub.status;
  report(pub);
  if (pub.status === "published") {
    el.className = "";
    el.innerHTML = "";
    el.append("published as ");
    const a = document.createElement("a");
    a.href = `/catalogue/${encodeURIComponent(pub.item)}/`;
    a.textContent = pub.item;
    el.append(a, ` (commit ${pub.commit.slice(0, 12)})`);
  } else if (pub.status === "failed") {
    el.className = "refused";
    el.textContent = [pub.message, ...(pub.problems || []).filter((p) => p.rule !== REPLACES_ITEM).map(line)].join("\n");
  } else {
    el.className = "";
    el.textContent = `publication ${pub.id}: ${pub.status}…`;
  }
}

// Ask whether to replace; resolves true or false (a <dialog>, so tests and keyboards reach it).
function confirmReplace(message) {
  const dialog = document.getElementById("replace-dialog");
  dialog.querySelector("p").textContent = message;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "replace"), { once: true });
    dialog.showModal();
  });
}

async function publish(projectId, out, replace) {
  const made = await call("POST", "/api/publications/", { project: projectId, replace });
  if (!made.ok) {
    out.className = "refused";
    out.dataset.status = "refused";
    out.textContent = (made.data && (made.data.detail || made.data.project)) || `refused (${made.status})`;
    return null;
  }
  let pub = made.data;
  show(out, pub);
  while (pub.status === "pending" || pub.status === "running") {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const got = await call("GET", `/api/publications/${pub.id}/`);
    if (!got.ok) break;
    pub = got.data;
    show(out, pub);
  }
  return pub;
}

// unsaved(): true when the page has changes that are not saved (they are not published)
export function setupPublish(projectId, unsaved = () => false) {
  const button = document.getElementById("publish");
  const out = document.getElementById("publish-status");
  if (!button || !out) return;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if (unsaved()) {
        out.className = "refused";
        out.dataset.status = "unsaved";
        out.textContent = "save or discard your changes first: only saved files are published";
        return;
      }
      const pub = await publish(projectId, out, false);
      if (pub && pub.status === "failed" && (pub.problems || []).some((p) => p.rule === REPLACES_ITEM)) {
        if (await confirmReplace(pub.message)) await publish(projectId, out, true);
        else { out.dataset.status = "kept"; out.className = ""; out.textContent = `not published: ${pub.message.split(";")[0]}; it was kept`; }
      }
    } finally {
      button.disabled = false;
    }
  });
}
