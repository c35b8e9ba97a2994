// Job page: polls /api/jobs/<id>/events/?after=<counter> and appends events as they arrive.
(function () {
  "use strict";
  const root = document.getElementById("job");
  if (!root) return;
  const id = root.dataset.job;
  const log = document.getElementById("events");
  const status = document.getElementById("status");
  let after = 0;

  function line(ev) {
    const row = document.createElement("div");
    row.className = "event " + (ev.status || ev.event);
    row.dataset.counter = ev.counter;
    const where = [ev.host, ev.task].filter(Boolean).join(" | ");
    row.textContent = (where ? "[" + where + "] " : "") + (ev.stdout || ev.event);
    return row;
  }

  async function poll() {
    const resp = await fetch("/api/jobs/" + id + "/events/?after=" + after);
    if (!resp.ok) { setTimeout(poll, 2000); return; }
    const data = await resp.json();
    for (const ev of data.events) {
      log.appendChild(line(ev));
      after = Math.max(after, ev.counter);
    }
    status.textContent = data.status;
    status.className = "status " + data.status;
    if (data.done && data.events.length === 0) { location.reload(); return; }
    setTimeout(poll, data.events.length ? 200 : 1000);
  }
  if (root.dataset.done !== "true") poll();
})();
