// The site form: fields of the chosen kind only, sent to /api/sites/ (POST) or
// /api/sites/<name>/ (PATCH). Credentials are write-only: an empty field leaves a stored one
// as it is, "clear it" removes it, and nothing typed is ever sent back by the server.
import { send, fieldErrors } from "./api.js";

const form = document.getElementById("site-form");
const kind = document.getElementById("f-kind");

function showKind() {
  for (const group of form.querySelectorAll("[data-kinds]")) {
    const kinds = group.dataset.kinds.split(" ").filter(Boolean);
    group.hidden = kinds.length > 0 && !kinds.includes(kind.value);
  }
}

function labels(text) {
  const out = {};
  for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error("labels: '" + pair + "' is not name=value");
    out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

function body() {
  const data = { kind: kind.value, is_default: document.getElementById("f-default").checked, connection: {} };
  if (!form.dataset.site) data.name = document.getElementById("f-name").value.trim();
  data.labels = labels(document.getElementById("f-labels").value);
  for (const input of form.querySelectorAll("[data-conn]")) {
    if (input.closest("[data-kinds]").hidden || input.value === "") continue;
    data.connection[input.dataset.conn] = input.type === "number" ? Number(input.value) : input.value;
  }
  for (const input of form.querySelectorAll("[data-cred]")) {
    if (input.closest("[data-kinds]").hidden || input.value === "") continue;
    data[input.dataset.cred] = input.dataset.object ? JSON.parse(input.value) : input.value;
  }
  for (const box of form.querySelectorAll("[data-clear]:checked")) data[box.dataset.clear] = "";
  return data;
}

function showErrors(errors) {
  const rest = [];
  for (const [field, message] of Object.entries(errors || {})) {
    const slot = form.querySelector('[data-error="' + field + '"]');
    const text = Array.isArray(message) ? message.join(" ") : typeof message === "object" ? JSON.stringify(message) : String(message);
    if (slot) slot.textContent = text; else rest.push(field + ": " + text);
  }
  if (rest.length) {
    document.getElementById("site-alert-text").textContent = rest.join("; ");
    document.getElementById("site-alert").hidden = false;
  }
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  for (const slot of form.querySelectorAll("[data-error]")) slot.textContent = "";
  document.getElementById("site-alert").hidden = true;
  let data;
  try { data = body(); } catch (exc) { showErrors({ labels: exc.message }); return; }
  const name = form.dataset.site;
  const res = name ? await send("/api/sites/" + encodeURIComponent(name) + "/", data, "PATCH") : await send("/api/sites/", data);
  if (res.ok) window.location.assign("/sites/"); else showErrors(fieldErrors(res.data));
});

kind.addEventListener("change", showKind);
showKind();
