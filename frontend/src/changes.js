// What the designer's palette and graph links change in a descriptor's data, as the project
// type's description model says (rdcl/types/<type>/description.yaml, checked against
// rdcl/types/description.schema.json): a node type's `add` (what the palette writes), a
// link type's `edit` (what a drawn link writes), a nested type's `parent_field` and the
// `reference` of a node without an element. edits.js then writes the changed data back
// into the text, touching only what changed.
// Pure: no DOM and no page state; a change that cannot be made throws an Error whose
// message the page shows as it is.
//
// A graph node here is what /designer/.../graph/ answers: {id, type, label, info: {file,
// path, descriptor?, vnfd?}}; `info.path` locates its element (model.js `locate`).
import { elementId, isA, labelOf, list, locate, root, ruleOf, documentOf } from "./model.js";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// The first of prefix1, prefix2... that `text` does not hold as a word or a quoted string.
export function freshId(text, prefix) {
  let n = 1;
  while (text.includes(`"${prefix}${n}"`) || new RegExp(`\\b${prefix}${n}\\b`).test(text)) n += 1;
  return `${prefix}${n}`;
}

// -- nodes --------------------------------------------------------------------------------

// How the palette adds a `type` node: {type, kind, prefix, rule} (`kind` the document it
// goes to, `prefix` of its fresh id, `rule` the model's `add`), or null when the model
// gives the type (and its ancestors) no `add`: such nodes are written in the text.
export function adderOf(model, type) {
  const rule = ruleOf(model, type, "add");
  if (!rule) return null;
  const prefix = rule.prefix || type.split(".").pop().toLowerCase().replace(/[^a-z0-9]/g, "") || "node";
  return { type, kind: documentOf(model, type), prefix, rule };
}

// The element an `add` rule writes for a `type` node with fresh id `id`: the id fields
// (in the rule's element, where it names them; first otherwise), the rule's fields, the
// type field. The rule's values are copied as data.
export function newElement(rule, type, id) {
  const ids = rule.id_fields || [], fields = rule.element || {};
  const out = {};
  for (const f of ids) if (!Object.hasOwn(fields, f)) out[f] = id;
  for (const [k, v] of Object.entries(fields)) out[k] = ids.includes(k) ? id : structuredClone(v);
  if (rule.type_field) out[rule.type_field] = type;
  return out;
}

// Put a new `adder` node (adderOf) with fresh id `id` in `data`, the parsed document of
// `file`: in the list (or keyed mapping) `into` of the descriptor, or of the selected
// node's element when the rule says `in_selected` (`selected`: that graph node or null).
export function addNode(model, adder, data, id, file, selected) {
  const { rule, type } = adder;
  let owner = root(data, adder.kind);
  if (rule.in_selected) {
    const owners = rule.in_selected.map((t) => labelOf(model, t)).join(" or ");
    if (!selected || !isA(model, selected.type, rule.in_selected)) {
      throw new Error(`select the ${owners} the ${labelOf(model, type)} belongs to first`);
    }
    const at = selected.info && selected.info.file === file ? locate(data, selected.info.path) : null;
    if (!at || !isObject(at[0][at[1]])) throw new Error(`the selected ${labelOf(model, selected.type)} is not in this file`);
    owner = at[0][at[1]];
  }
  if (!isObject(owner)) throw new Error(`${file} holds no descriptor to add a ${labelOf(model, type)} to`);
  const keys = rule.into.split(".");
  let here = owner;
  for (const k of keys.slice(0, -1)) {
    if (!isObject(here[k])) here[k] = {};
    here = here[k];
  }
  const last = keys[keys.length - 1];
  const element = newElement(rule, type, id);
  if (rule.keyed) {
    if (!isObject(here[last])) here[last] = {};
    here[last][id] = element;
  } else list(here, last).push(element);
}

// The key of a node's element: in a keyed `into` (a TOSCA node template) what follows the
// `into` keys in its info.path (a name may hold dots), else the id after the descriptor's
// name ("vnfd/vm1" -> "vm1").
export function elementKey(model, node) {
  const rule = ruleOf(model, node.type, "add");
  const path = (node.info && node.info.path) || "";
  if (rule && rule.keyed && path.startsWith(`${rule.into}.`)) return path.slice(rule.into.length + 1);
  return elementId(node);
}

// [container, key] of a node's element in `data` (null when it is not there).
export function elementAt(model, data, node) {
  if (!node.info || !node.info.path) return null;
  const rule = ruleOf(model, node.type, "add");
  if (rule && rule.keyed && node.info.path.startsWith(`${rule.into}.`)) {
    let here = root(data, documentOf(model, node.type));
    for (const k of rule.into.split(".")) here = isObject(here) ? here[k] : undefined;
    const key = elementKey(model, node);
    return isObject(here) && Object.hasOwn(here, key) ? [here, key] : null;
  }
  return locate(data, node.info.path);
}

// -- links --------------------------------------------------------------------------------

// [the end that is a `type` node, the other end]
function ends(model, a, b, type) { return isA(model, a.type, [type]) ? [a, b] : [b, a]; }
function sameFile(a, b) {
  if (!a.info || !b.info || a.info.file !== b.info.file) throw new Error("both ends must be in the same descriptor file");
  return a.info.file;
}
// What a reference to `node` is written as: the model's `reference` for a node without an
// element of its own (bare metal: "None"), else its element's key.
function referenceTo(model, node) {
  const ref = ruleOf(model, node.type, "reference");
  return ref !== undefined ? ref : elementKey(model, node);
}
function setField(model, file, node, key, value) {
  return (data) => {
    const at = elementAt(model, data, node);
    if (!at || !isObject(at[0][at[1]])) throw new Error(`${node.label} is not in ${file}`);
    at[0][at[1]][key] = value;
  };
}

// The linker of a link type: (a, b) => [file, change(data)], `a` and `b` the two ends as
// clicked (for a directed type, source then target), or null when the model gives the
// type no `edit` (allowed, but written in the text). `vnfdOf(vnf)`: as vnfdIn for the
// project's files (the procedures that read a VNFD).
export function linkerOf(model, linkType, vnfdOf) {
  const edit = (model.link_types[linkType] || {}).edit;
  if (!edit) return null;
  if (edit.procedure) {
    const procedure = PROCEDURES[edit.procedure];
    return procedure ? (a, b) => procedure(model, a, b, vnfdOf, linkType) : null;
  }
  if (edit.set) {
    return (a, b) => {
      const [end, other] = ends(model, a, b, edit.end);
      const file = sameFile(a, b);
      return [file, setField(model, file, end, edit.set, referenceTo(model, other))];
    };
  }
  if (edit.move_into) return (a, b) => moveInto(model, edit, a, b);
  if (edit.requirement) return (source, target) => requirement(model, edit, linkType, source, target);
  return null;
}

// The end of type `edit.end` leaves its list for `edit.move_into` of the other end's element.
function moveInto(model, edit, a, b) {
  const [moved, target] = ends(model, a, b, edit.end);
  const file = sameFile(a, b);
  return [file, (data) => {
    const from = elementAt(model, data, moved), to = elementAt(model, data, target);
    if (!from || !Array.isArray(from[0])) throw new Error(`${moved.label} is not in a list of ${file}`);
    if (!to || !isObject(to[0][to[1]])) throw new Error(`${target.label} is not in ${file}`);
    const owner = to[0][to[1]];
    const [element] = from[0].splice(from[1], 1);
    list(owner, edit.move_into).push(element);
  }];
}

// TOSCA 1.3 §3.8.2: the source node template gets a requirement naming the target template
// ({name: target}, or {name: {node: target, relationship}} when the rule says relationship).
function requirement(model, edit, linkType, source, target) {
  const file = sameFile(source, target);
  return [file, (data) => {
    const at = elementAt(model, data, source);
    const template = at && at[0][at[1]];
    if (!isObject(template)) throw new Error(`${source.label} is not a node template of ${file}`);
    const to = elementKey(model, target);
    list(template, "requirements").push(edit.relationship
      ? { [edit.requirement]: { node: to, relationship: linkType } } : { [edit.requirement]: to });
  }];
}

// The linker of nesting a `childType` node in another (the model's `nesting`): the child's
// `parent_field` names the parent (its reference for one without an element), or null
// when the model gives the child type no parent_field.
export function nestingLinkerOf(model, childType) {
  const field = ruleOf(model, childType, "parent_field");
  if (!field) return null;
  return (child, parent) => {
    const standsFor = ruleOf(model, parent.type, "reference") !== undefined;
    const file = standsFor ? child.info.file : sameFile(child, parent);
    return [file, setField(model, file, child, field, referenceTo(model, parent))];
  };
}

// The VNFD an NSD's VNF node stands for, among `files` ({path: text}, parsed by
// `parse(path, text)`): {cps: its external CP ids, flavour: its first deployment flavour}.
export function vnfdIn(files, parse, vnf) {
  const ref = elementId(vnf);
  for (const [path, text] of Object.entries(files)) {
    let d;
    try { d = root(parse(path, text), "vnfd"); } catch { continue; }
    const stem = path.replace(/^.*\//, "").replace(/\.[^.]+$/, "");
    if (d && d.vdu !== undefined && (d.vnfdId === ref || stem === (vnf.info || {}).vnfd)) {
      return { cps: (d.vnfExtCpd || []).map((c) => c.cpdId).filter(Boolean),
        flavour: ((d.deploymentFlavour || [])[0] || {}).flavourId || "default" };
    }
  }
  throw new Error(`the VNFD of ${vnf.label} is not in the project`);
}

// Link edits that need more than a field, by the name a model's `edit.procedure` gives:
// (model, a, b, vnfdOf, linkType) => [file, change(data)].
export const PROCEDURES = {
  // A graph document (rdcl/types/generic.py, the types rdcl_new_type scaffolds) lists its
  // links: {source, target, type} is appended, the ends as clicked, once.
  "graph-link": (model, a, b, vnfdOf, linkType) => {
    const file = sameFile(a, b);
    const source = elementKey(model, a), target = elementKey(model, b);
    return [file, (data) => {
      const links = list(data, "links");
      if (links.some((l) => l.type === linkType && [l.source, l.target].sort().join() === [source, target].sort().join())) {
        throw new Error(`${a.label} and ${b.label} are linked already`);
      }
      links.push({ source, target, type: linkType });
    }];
  },
  // IFA 014 §6.3.3: VnfProfile.nsVirtualLinkConnectivity puts a free VNF external CP on an NS VL
  "vnf-profile-connectivity": (model, a, b, vnfdOf) => {
    const [vnf, vl] = ends(model, a, b, "vnf");
    const file = sameFile(a, b);
    const ref = elementId(vnf), vlId = elementId(vl);
    const vnfd = vnfdOf(vnf);
    return [file, (data) => {
      const nsd = root(data, "nsd");
      const dfs = list(nsd, "nsDf");
      if (!dfs.length) dfs.push({ nsDfId: "default" });
      const df = dfs[0];
      let vlp = list(df, "virtualLinkProfile").find((p) => p.virtualLinkDescId === vlId);
      if (!vlp) {
        vlp = { virtualLinkProfileId: `${vlId}_profile`, virtualLinkDescId: vlId, flavourId: "default" };
        df.virtualLinkProfile.push(vlp);
      }
      let profile = list(df, "vnfProfile").find((p) => p.vnfdId === ref);
      if (!profile) {
        profile = { vnfProfileId: ref, vnfdId: ref, flavourId: vnfd.flavour, minNumberOfInstances: 1, maxNumberOfInstances: 1 };
        df.vnfProfile.push(profile);
      }
      const conns = list(profile, "nsVirtualLinkConnectivity");
      if (conns.some((c) => c.virtualLinkProfileId === vlp.virtualLinkProfileId)) throw new Error(`${vnf.label} is already on ${vl.label}`);
      const used = new Set(dfs.flatMap((d) => (d.vnfProfile || []).filter((p) => p.vnfdId === ref)
        .flatMap((p) => (p.nsVirtualLinkConnectivity || []).flatMap((c) => c.cpdId || []))));
      const free = vnfd.cps.find((c) => !used.has(c));
      if (!free) throw new Error(`link refused: ${vnf.label} has no free external CP (vnfExtCpd) to put on ${vl.label}; add one in the VNF view`);
      conns.push({ virtualLinkProfileId: vlp.virtualLinkProfileId, cpdId: [free] });
    }];
  },
  // IFA 014 §6.2.3: Sapd.associatedCpdId names a VNF external CP (the VNFD's first)
  "sap-vnf-ext-cp": (model, a, b, vnfdOf) => {
    const [sap, vnf] = ends(model, a, b, "ns_cp");
    const file = sameFile(a, b);
    const cps = vnfdOf(vnf).cps;
    if (!cps.length) throw new Error(`link refused: ${vnf.label} has no external CP`);
    return [file, setField(model, file, sap, "associatedCpdId", cps[0])];
  },
};
