// Calls to the REST API from console pages: the session cookie and Django's CSRF token.

/** The CSRF token Django put in the page (the csrftoken cookie, or the form's hidden field). */
export function csrfToken() {
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (m) return decodeURIComponent(m[1]);
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

/**
 * POST (or `method`) `body` as JSON to `url`; resolves to {ok, status, data}, never rejects on
 * an HTTP error (the caller shows `data`, the API's per-field errors).
 */
export async function send(url, body, method = "POST") {
  const resp = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await resp.json(); } catch { data = null; }
  return { ok: resp.ok, status: resp.status, data };
}

/** Is `data` an API error body: RFC 9457 problem details ({type, title, status, detail, ...})? */
export function isProblem(data) {
  return data != null && typeof data === "object" && typeof data.type === "string" && typeof data.status === "number";
}

/**
 * The per-field errors of an API error body: a problem's `errors` ({field: [message, ...]},
 * nested for nested fields), or `{detail}` when it names no field.
 */
export function fieldErrors(data) {
  if (!isProblem(data)) return data || {};
  const { errors } = data;
  return errors && typeof errors === "object" && !Array.isArray(errors) ? errors : { detail: data.detail || data.title };
}

/** Words for an API error body: a problem's `detail`; `{field: message}` (nested or lists) -> "field: message; ...". */
export function describe(data) {
  if (data == null) return "the server did not answer";
  if (typeof data === "string") return data;
  if (Array.isArray(data)) return data.map(describe).join("; ");
  if (isProblem(data)) return data.detail || data.title;
  return Object.entries(data).map(([k, v]) => (k === "detail" ? describe(v) : k + ": " + describe(v))).join("; ");
}
