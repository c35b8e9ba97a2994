// "Publish to catalogue" on the project page: POST /api/publications/ {project}, then poll
// the publication until a worker has translated, committed, pushed and published it (or
// refused it with located problems), and show the outcome beside the button.
import { call } from "./api.js";

const POLL_MS = 500;

function line(problem) {
  const where = [problem.file, problem.line].filter((x) => x !== null && x !== undefined && x !== "").join(":");
  return `${where}: ${problem.path || "<document>"}: [${problem.rule}] ${problem.message}`;
}

function show(el, pub) {
  el.dataset.status = pub.status;
  if (pub.status === "published") {
    el.className = "";
    el.innerHTML = "";
    el.append(`published as `);
    const a = document.createElement("a");
    a.href = `/catalogue/${encodeURIComponent(pub.item)}/`;
    a.textContent = pub.item;
    el.append(a, ` (commit ${pub.commit.slice(0, 12)})`);
  } else if (pub.status === "failed") {
    el.className = "refused";
    el.textContent = [pub.message, ...(pub.problems || []).map(line)].join("\n");
  } else {
    el.className = "";
    el.textContent = `publication ${pub.id}: ${pub.status}…`;
  }
}

export function setupPublish(projectId) {
  const button = document.getElementById("publish");
  const out = document.getElementById("publish-status");
  if (!button || !out) return;
  button.addEventListener("click", async () => {
    button.disabled = true;
    const made = await call("POST", "/api/publications/", { project: projectId });
    if (!made.ok) {
      out.className = "refused";
      out.dataset.status = "refused";
      out.textContent = (made.data && (made.data.detail || made.data.project)) || `refused (${made.status})`;
      button.disabled = false;
      return;
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
    button.disabled = false;
  });
}
