// What the designer's panels show, worked out without the DOM: located problems as lines
// and as editor diagnostics, a property typed in the side panel as the value it stands
// for, the class of a unified-diff line, the cells of a file's revision, the save
// request of the unsaved files and the status line of a save. Pure: no DOM.

// One line of the problems panel: "file:line: path [rule] message".
export function problemLine(p) {
  return `${p.file || ""}:${p.line || "?"}: ${p.path || ""} [${p.rule}] ${p.message}`;
}

// The editor diagnostic of problem `p` in a document of `lines` lines: {line (1-based,
// clamped into the document), message}.
export function diagnosticOf(p, lines) {
  return { line: Math.min(Math.max(p.line || 1, 1), Math.max(lines, 1)),
    message: `${p.path ? p.path + ": " : ""}${p.message} [${p.rule}]` };
}

// The problems of the open file `file` (and those of no file).
export function problemsOf(problems, file) { return problems.filter((p) => p.file === file || !p.file); }

// The value a property typed as `raw` stands for, after the value `old` it replaces: a
// number for a number, true/false for a boolean, null for an emptied null, else the text.
export function coerce(raw, old) {
  if (typeof old === "number" && raw.trim() !== "" && !Number.isNaN(Number(raw))) return Number(raw);
  if (typeof old === "boolean") return raw === "true";
  if (old === null && raw === "") return null;
  return raw;
}

// The class of a unified-diff line: head, hunk, add, del or same.
export function diffClass(line) {
  if (line.startsWith("+++") || line.startsWith("---")) return "head";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  return "same";
}

// The lines of a diff answer ({old, new, diff}): its lines, or one saying they are the same.
export function diffLines(answer) {
  return answer.diff ? answer.diff.replace(/\n$/, "").split("\n") : [`r${answer.old} and r${answer.new} are the same`];
}

// The text cells of a revision's row in the history table: number, author, time (as
// `when` writes it), digest (12 hex digits), message, size.
export function revisionCells(rev, when = (iso) => new Date(iso).toLocaleString()) {
  return [`r${rev.number}`, rev.author || "", when(rev.created), rev.digest.slice(0, 12), rev.message || "", `${rev.size} B`];
}

// {path: text} of the files whose text is not the saved one ([{path, text, saved}]).
export function unsavedTexts(files) {
  return Object.fromEntries(files.filter((f) => f.text !== f.saved).map((f) => [f.path, f.text]));
}

// The body of POST projects/<id>/save/ for the unsaved `files` ([{path, text, saved,
// revision}]): each with the revision it was edited from; null when none is unsaved.
export function saveRequest(files, message = "designer") {
  const dirty = files.filter((f) => f.text !== f.saved);
  if (!dirty.length) return null;
  return { files: dirty.map((f) => ({ path: f.path, text: f.text, base_revision: f.revision })), message };
}

// The status line of a save's answer ([{path, revision}]): "saved a r2, b r3" by path.
export function savedLine(revisions) {
  const sorted = [...revisions].sort((a, b) => a.path.localeCompare(b.path));
  return `saved ${sorted.map((r) => `${r.path} r${r.revision}`).join(", ")}`;
}
