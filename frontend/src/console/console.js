// Every console page: the navigation toggle, and buttons that call the REST API
// (`data-api` URL, `data-body` JSON, `data-confirm` question, `data-then` where to go).
import { send, describe } from "./api.js";

function sidebar() {
  const toggle = document.getElementById("nav-toggle");
  const side = document.getElementById("page-sidebar");
  if (!toggle || !side) return;
  const set = (open) => {
    side.classList.toggle("pf-m-expanded", open);
    side.classList.toggle("pf-m-collapsed", !open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  const wide = window.matchMedia("(min-width: 1200px)");
  const roomy = document.body.dataset.wide === "1"; // the designer wants the whole width
  set(wide.matches && !roomy);
  wide.addEventListener("change", (ev) => set(ev.matches && !roomy)); // folded on a phone, open on a desk
  toggle.addEventListener("click", () => set(toggle.getAttribute("aria-expanded") !== "true"));
}

/** Ask in a modal <dialog>; resolves true when the user confirms. */
export function confirmDialog(question, verb) {
  return new Promise((resolve) => {
    const dlg = document.getElementById("confirm");
    if (!dlg || typeof dlg.showModal !== "function") { resolve(window.confirm(question)); return; }
    dlg.querySelector("#confirm-text").textContent = question;
    dlg.querySelector("#confirm-yes").textContent = verb || "Confirm";
    dlg.returnValue = "";
    dlg.addEventListener("close", () => resolve(dlg.returnValue === "yes"), { once: true });
    dlg.showModal();
  });
}

function where(then, data) {
  if (then === "reload" || !then) return null;
  return then.replace(/\{(\w+)\}/g, (_, key) => (data && data[key] != null ? data[key] : ""));
}

async function act(button) {
  const out = document.getElementById(button.dataset.out || "action-result");
  if (button.dataset.confirm && !(await confirmDialog(button.dataset.confirm, button.textContent.trim()))) return;
  button.disabled = true;
  let body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
  const form = button.dataset.form ? document.getElementById(button.dataset.form) : null;
  if (form) body = { ...(body || {}), ...formValues(form) };
  if (button.dataset.note) body = { ...(body || {}), note: document.getElementById(button.dataset.note).value };
  const res = await send(button.dataset.api, body);
  button.disabled = false;
  if (!res.ok) {
    if (out) { out.hidden = false; out.textContent = describe(res.data); }
    return;
  }
  const next = where(button.dataset.then, res.data);
  if (next) window.location.assign(next); else window.location.reload();
}

/** {name: value} of a small form's inputs: numbers as numbers, empty fields left out. */
export function formValues(form) {
  const values = {};
  for (const el of form.querySelectorAll("input[name],select[name]")) {
    if (el.value === "") continue;
    values[el.name] = el.type === "number" ? Number(el.value) : el.value;
  }
  return { parameters: values };
}

function actions() {
  for (const button of document.querySelectorAll("button[data-api]")) {
    button.addEventListener("click", (ev) => { ev.preventDefault(); act(button); });
  }
}

/** Pages of things that change while a job runs reload themselves (`data-refresh` seconds). */
function refresh() {
  const root = document.querySelector("[data-refresh]");
  if (!root) return;
  const seconds = Number(root.dataset.refresh) || 3;
  const url = root.dataset.refreshUrl;
  const initial = root.dataset.refreshState;
  const tick = async () => {
    try {
      const resp = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const data = await resp.json();
      if (JSON.stringify(data) !== initial) { window.location.reload(); return; }
    } catch { /* try again */ }
    setTimeout(tick, seconds * 1000);
  };
  setTimeout(tick, seconds * 1000);
}

sidebar();
actions();
refresh();
