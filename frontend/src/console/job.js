// Job page, like AWX's job output: events grouped by task in collapsible rows, a host filter,
// follow-tail, live status and elapsed time. Events come page by page from
// /api/jobs/<id>/events/?after=<counter>&limit=<n>: a short first page (FIRST events), then
// pages of PAGE, so a job with 10,000 events paints at once and loads the rest on demand.

const root = document.getElementById("job");
const out = document.getElementById("events");
const hostFilter = document.getElementById("host-filter");
const follow = document.getElementById("follow");
const more = document.getElementById("more");
const count = document.getElementById("event-count");
const FIRST = 100;
const PAGE = 500;
let after = 0;
let shown = 0;
let group = null; // the <details> of the current task
let groupKey = "";
const hosts = new Set(Array.from(hostFilter.options).map((o) => o.value).filter(Boolean));

function statusClass(ev) {
  if (ev.status === "ok" && ev.changed) return "rd-changed";
  return ev.status ? "rd-" + ev.status : "";
}

function newGroup(title, key) {
  group = document.createElement("details");
  group.className = "rd-task";
  group.open = true;
  const summary = document.createElement("summary");
  summary.textContent = title.trim() || "Playbook";
  group.appendChild(summary);
  group.dataset.key = key;
  groupKey = key;
  out.appendChild(group);
}

function addHost(host) {
  if (!host || hosts.has(host)) return;
  hosts.add(host);
  const o = document.createElement("option");
  o.textContent = host;
  hostFilter.appendChild(o);
}

function append(ev) {
  const text = (ev.stdout || "").replace(/\s+$/, "");
  const key = (ev.play || "") + "\u0000" + (ev.task || "");
  if (ev.event === "playbook_on_task_start" || ev.event === "playbook_on_play_start" || !group || key !== groupKey) {
    const title = ev.task ? "TASK " + ev.task : ev.play ? "PLAY " + ev.play : text.split("\n")[0] || "Playbook";
    newGroup(title, key);
    if (ev.event.startsWith("playbook_on_")) return;
  }
  if (!text) return;
  const line = document.createElement("div");
  line.className = "rd-line " + statusClass(ev);
  line.dataset.host = ev.host || "";
  line.dataset.counter = ev.counter;
  line.textContent = text;
  if (hostFilter.value && ev.host !== hostFilter.value) line.hidden = true;
  group.appendChild(line);
  addHost(ev.host);
  shown += 1;
}

function applyFilter() {
  const host = hostFilter.value;
  for (const line of out.querySelectorAll(".rd-line")) line.hidden = Boolean(host) && line.dataset.host !== host;
  for (const g of out.querySelectorAll("details")) {
    g.hidden = Boolean(host) && !g.querySelector(".rd-line:not([hidden])");
  }
}

async function page(limit = PAGE) {
  const url = "/api/jobs/" + root.dataset.job + "/events/?after=" + after + "&limit=" + limit;
  const resp = await fetch(url, { credentials: "same-origin" });
  if (!resp.ok) return null;
  const data = await resp.json();
  for (const ev of data.events) {
    append(ev);
    after = Math.max(after, ev.counter);
  }
  count.textContent = shown + " lines";
  if (follow.checked && data.events.length) out.scrollTop = out.scrollHeight;
  return data;
}

async function tail() {
  const data = await page();
  if (data && data.done && data.events.length < PAGE) { more.hidden = true; return; }
  setTimeout(tail, data && data.events.length ? 200 : 1000);
}

async function state() {
  try {
    const resp = await fetch(root.dataset.stateUrl, { credentials: "same-origin" });
    const data = await resp.json();
    const label = document.getElementById("status");
    label.querySelector(".pf-v6-c-label__content").textContent = data.status;
    label.className = label.className.replace(/\bstatus \w+/, "status " + data.status);
    document.getElementById("elapsed").textContent = data.elapsed;
    document.getElementById("no-worker").hidden = !data.no_worker;
    if (data.done) { window.location.reload(); return; }
  } catch { /* try again */ }
  setTimeout(state, 2000);
}

hostFilter.addEventListener("change", applyFilter);
document.getElementById("expand-all").addEventListener("click", () => out.querySelectorAll("details").forEach((d) => { d.open = true; }));
document.getElementById("collapse-all").addEventListener("click", () => out.querySelectorAll("details").forEach((d) => { d.open = false; }));
more.addEventListener("click", async () => {
  const data = await page();
  more.hidden = !data || data.events.length < PAGE;
});

if (root.dataset.done === "true") {
  // A finished job: the first page now, the rest when asked for.
  page(FIRST).then((data) => { more.hidden = !data || data.events.length < FIRST; });
} else {
  tail();
  state();
}
