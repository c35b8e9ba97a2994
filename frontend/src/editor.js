// The text editor component (CodeMirror 6): the open file's text, its problems marked on
// their lines, and the page's unsaved marker and undo/redo buttons that follow typing.
// Typing records an undo step per burst and asks sync.js for a new preview.
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState } from "@codemirror/state";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { isJson } from "./edits.js";
import { diagnosticOf, problemLine, problemsOf } from "./format.js";
import { dirtyPaths } from "./history.js";
import { $, files, history, state, texts } from "./state.js";
import { schedule } from "./sync.js";

const language = new Compartment();
let editor = null;
let applying = false; // a change the page makes, not typing
let typing = null;    // the burst of typing under way (a pause of 800 ms ends it)

export function setupEditor() {
  editor = new EditorView({
    parent: $("editor"),
    state: EditorState.create({
      doc: state.file ? state.files[state.file].text : "",
      extensions: [basicSetup, lintGutter(), language.of(state.file && isJson(state.file) ? json() : yaml()),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !applying && state.file) {
            typed({ ...texts(), [state.file]: u.startState.doc.toString() });
            state.files[state.file].text = u.state.doc.toString();
            changed();
            schedule();
          }
        })],
    }),
  });
  window.designerEditor = editor; // for tests
}

// typing is one undo step per burst
function typed(before) {
  if (!typing) history.record(before);
  clearTimeout(typing);
  typing = setTimeout(() => { typing = null; }, 800);
}
export function endTyping() { clearTimeout(typing); typing = null; }

// the unsaved marker, the undo/redo/discard buttons and the page title follow the files
export function changed() {
  const dirty = dirtyPaths(files());
  const marker = $("unsaved");
  marker.hidden = !dirty.length;
  marker.textContent = dirty.length ? `unsaved: ${dirty.join(", ")}` : "";
  document.body.dataset.unsaved = String(dirty.length);
  document.title = (dirty.length ? "• " : "") + document.title.replace(/^• /, "");
  $("undo").disabled = !history.canUndo && !typing;
  $("redo").disabled = !history.canRedo;
  $("discard").disabled = !dirty.length;
}

// Open `path` in the editor (its language by its name).
export function showFile(path) {
  state.file = path;
  $("file").value = path;
  applying = true;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: state.files[path].text },
    effects: language.reconfigure(isJson(path) ? json() : yaml()) });
  applying = false;
  markProblems();
}

// Set the text of `path` (shown when it is the open file); not an undo step by itself.
export function setText(path, text) {
  state.files[path].text = text;
  if (path === state.file) {
    applying = true;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
    applying = false;
  }
}

// The problems of the open file on their lines, and every problem in the problems panel.
export function markProblems() {
  const doc = editor.state.doc;
  const diagnostics = problemsOf(state.problems, state.file).map((p) => {
    const d = diagnosticOf(p, doc.lines);
    const line = doc.line(d.line);
    return { from: line.from, to: line.to, severity: "error", message: d.message };
  });
  editor.dispatch(setDiagnostics(editor.state, diagnostics));
  $("problems").textContent = state.problems.map(problemLine).join("\n");
}
