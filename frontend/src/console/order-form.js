// The order form of a catalogue item, rendered from its dialog's JSON Schema by json-editor
// (@json-editor/json-editor: enums as selects, booleans as switches, numbers with their
// bounds, titles, descriptions, required marks) and sent to POST /api/orders/. The server's
// jsonschema check answers every error at once; each is shown beside its field. Nothing is
// reloaded on a refusal, so write-only fields keep what was typed and the server never
// sends them back.
import { JSONEditor } from "@json-editor/json-editor";
import { send, describe, isProblem } from "./api.js";

const spec = JSON.parse(document.getElementById("order-spec").textContent);
const holder = document.getElementById("order-form");
const form = document.getElementById("order");
const alertBox = document.getElementById("order-alert");
const secret = new Set(spec.secret);

/** The dialog as json-editor should draw it: titles, switches, number inputs, password fields. */
function uiSchema(schema) {
  const copy = JSON.parse(JSON.stringify(schema || { type: "object", properties: {} }));
  delete copy.$schema;
  copy.title = " ";
  for (const [name, prop] of Object.entries(copy.properties || {})) {
    if (!prop || typeof prop !== "object") continue;
    prop.title = prop.title || name.replace(/_/g, " ");
    if (prop.type === "boolean") prop.format = "checkbox";
    else if ((prop.type === "integer" || prop.type === "number") && !prop.enum) prop.format = "number";
    if (secret.has(name)) { prop.format = "password"; prop.options = { ...(prop.options || {}), inputAttributes: { autocomplete: "new-password" } }; }
  }
  return copy;
}

const editor = new JSONEditor(holder, {
  schema: uiSchema(spec.schema),
  theme: "html",
  iconlib: null,
  disable_collapse: true,
  disable_edit_json: true,
  disable_properties: true,
  disable_array_delete_all_rows: true,
  no_additional_properties: true,
  required_by_default: false,
  show_errors: "interaction",
  use_default_values: true,
  compact: false,
});

const fieldErrors = [];

function decorate() {
  for (const name of Object.keys(spec.schema.properties || {})) {
    const ed = editor.getEditor("root." + name);
    if (!ed || !ed.input) continue;
    ed.input.id = "f-" + name;
    if (ed.label) ed.label.setAttribute("for", ed.input.id);
    if (ed.schema.type === "boolean") ed.input.setAttribute("role", "switch");
    if ((spec.schema.required || []).includes(name)) ed.input.setAttribute("aria-required", "true");
  }
}

function clearErrors() {
  alertBox.hidden = true;
  for (const { ed } of fieldErrors.splice(0)) {
    ed.theme.removeInputError(ed.input);
    ed.input.removeAttribute("aria-invalid");
  }
  const limitError = document.getElementById("limit-error");
  if (limitError) limitError.textContent = "";
}

function showAlert(text) {
  document.getElementById("order-alert-text").textContent = text;
  alertBox.hidden = false;
}

/** Each `{field: message}` of the server beside its field; the rest in the alert above. */
function showErrors(errors) {
  const rest = [];
  for (const [field, messages] of Object.entries(errors)) {
    const message = [].concat(messages).join(" ");
    const ed = editor.getEditor("root." + field);
    if (ed && ed.input) {
      ed.theme.addInputError(ed.input, String(message));
      ed.input.setAttribute("aria-invalid", "true");
      if (ed.input.errmsg) { ed.input.errmsg.classList.add("field-error"); ed.input.errmsg.style.display = ""; }
      fieldErrors.push({ ed });
    } else if (field === "limit" && document.getElementById("limit-error")) {
      document.getElementById("limit-error").textContent = String(message);
    } else {
      rest.push(field + ": " + message);
    }
  }
  if (rest.length) showAlert(rest.join("; "));
  const first = holder.querySelector("[aria-invalid=true]");
  if (first) first.focus();
}

/** The values to send: fields left empty are left out (the schema's defaults apply). */
function values() {
  const out = {};
  for (const [k, v] of Object.entries(editor.getValue() || {})) {
    if (v === "" || v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
    out[k] = v;
  }
  return out;
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  clearErrors();
  const button = document.getElementById("order-submit");
  button.disabled = true;
  const res = await send("/api/orders/", {
    item: spec.item,
    name: document.getElementById("f-instance-name").value,
    parameters: values(),
    mode: form.querySelector("input[name=mode]:checked").value,
    limit: Array.from(form.querySelectorAll("input[name=limit]:checked")).map((c) => c.value).join(","),
  });
  button.disabled = false;
  if (res.ok) {
    window.location.assign(res.data.job ? "/jobs/" + res.data.job.id + "/" : "/orders/" + res.data.id + "/");
  } else if (isProblem(res.data) && res.data.errors && typeof res.data.errors === "object" && !Array.isArray(res.data.errors)) {
    const { parameters, ...rest } = res.data.errors; // dialog values under parameters, request fields beside
    showErrors(parameters && typeof parameters === "object" && !Array.isArray(parameters) ? { ...parameters, ...rest } : res.data.errors);
  } else {
    showAlert(describe(res.data));
  }
});

/* json-editor reads a field on "change", which the browser fires when the field loses focus:
 * pressing Order would then hide the field's error and move the button up between the press
 * and the release, and the click would be lost. Each keystroke is read at once instead, so
 * errors come and go while the user types and nothing moves under the pointer. */
holder.addEventListener("input", (ev) => {
  const field = ev.target;
  if (ev.isTrusted && field instanceof HTMLElement && field.matches("input:not([type=checkbox]):not([type=radio]), textarea")) {
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }
});

editor.on("ready", decorate);
