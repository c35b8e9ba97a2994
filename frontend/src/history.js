// Undo and redo of a project's edits: snapshots of every file's text ({path: text}), taken
// before each change. Pure: no DOM.

export class History {
  // limit: how many steps back are kept (the oldest are dropped)
  constructor(limit = 200) {
    this.limit = limit;
    this.past = [];
    this.future = [];
  }

  // Remember `snapshot` (the texts before a change); a new change clears the redo steps.
  record(snapshot) {
    const last = this.past[this.past.length - 1];
    if (last && sameTexts(last, snapshot)) return;
    this.past.push({ ...snapshot });
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
  }

  // The texts to go back to from `current`, or null when there is nothing to undo.
  undo(current) {
    while (this.past.length) {
      const back = this.past.pop();
      if (sameTexts(back, current)) continue; // a step that changed nothing
      this.future.push({ ...current });
      return back;
    }
    return null;
  }

  // The texts to go forward to from `current`, or null when there is nothing to redo.
  redo(current) {
    const next = this.future.pop();
    if (!next) return null;
    this.past.push({ ...current });
    return next;
  }

  get canUndo() { return this.past.length > 0; }
  get canRedo() { return this.future.length > 0; }
}

export function sameTexts(a, b) {
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

// Paths whose text differs from the saved one: [{path, text, saved}] -> [path].
export function dirtyPaths(files) {
  return files.filter((f) => f.text !== f.saved).map((f) => f.path).sort();
}

// New problems of `after` that `before` did not have (each a string key), in order.
export function newProblems(before, after) {
  const seen = new Map();
  for (const k of before) seen.set(k, (seen.get(k) || 0) + 1);
  const out = [];
  for (const k of after) {
    const n = seen.get(k) || 0;
    if (n > 0) seen.set(k, n - 1);
    else out.push(k);
  }
  return out;
}
