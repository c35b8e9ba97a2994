// What the designer's palette and graph links change in a descriptor's data: the parsed
// document that edits.js then writes back into the text, touching only what changed.
// Pure: no DOM and no page state; a change that cannot be made throws an Error whose
// message the page shows as it is.
//
// A graph node here is what /designer/.../graph/ answers: {id, type, label, info: {file,
// path, descriptor?, vnfd?}}; `info.path` locates its element (model.js `locate`).
import { elementId, list, locate, root } from "./model.js";

// The node types of a VNFD's VDUs (ETSI GS NFV-IFA 011 Vdu; k8s and click flavours of rdcl).
export const VDU_TYPES = ["vnf_vdu", "vnf_k8s_vdu", "vnf_click_vdu"];

// The first of prefix1, prefix2... that `text` does not hold as a word or a quoted string.
export function freshId(text, prefix) {
  let n = 1;
  while (text.includes(`"${prefix}${n}"`) || new RegExp(`\\b${prefix}${n}\\b`).test(text)) n += 1;
  return `${prefix}${n}`;
}

// A TOSCA node's template name: what follows "topology_template.node_templates." in its
// info.path (a name may hold dots).
export function templateName(node) { return node.info.path.split(".").slice(2).join("."); }

const VDU_EXTRA = {
  vnf_vdu: (_id, projectType) => (projectType === "nested-vdu" ? { vduParent: null, vduParentMandatory: false, vduNestedDesc: null } : {}),
  vnf_k8s_vdu: (id) => ({ vduParent: null, vduParentMandatory: false, vduNestedDesc: id, vduNestedDescType: "kubernetes" }),
  vnf_click_vdu: (id) => ({ vduParent: null, vduParentMandatory: false, vduNestedDesc: id, vduNestedDescType: "click" }),
};

function vdu(type, projectType) {
  return (d, id) => list(d, "vdu").push({ vduId: id, name: id, description: "", intCpd: [], ...VDU_EXTRA[type](id, projectType) });
}

// The palette's adders of the ETSI-like types: {type: {kind, prefix, add(descriptor, id)}};
// `kind` the document the element goes to (vnfd, nsd), `prefix` of its fresh id, `add`
// puts it in the descriptor (model.js `root` of the document). `projectType`: a nested-vdu
// project's VDUs carry the nesting fields; `selected()`: the selected graph node, the VDU a
// new internal CP goes to.
export function adders(projectType, selected) {
  return {
    vnf_vdu: { kind: "vnfd", prefix: "vm", add: vdu("vnf_vdu", projectType) },
    vnf_k8s_vdu: { kind: "vnfd", prefix: "pod", add: vdu("vnf_k8s_vdu", projectType) },
    vnf_click_vdu: { kind: "vnfd", prefix: "click", add: vdu("vnf_click_vdu", projectType) },
    vnf_vl: { kind: "vnfd", prefix: "vl", add: (d, id) => list(d, "intVirtualLinkDesc").push(
      { virtualLinkDescId: id, connectivityType: { layerProtocol: "Ethernet" } }) },
    vnf_ext_cp: { kind: "vnfd", prefix: "ext_cp", add: (d, id) => list(d, "vnfExtCpd").push({ cpdId: id, layerProtocol: "Ethernet" }) },
    vnf_vdu_cp: { kind: "vnfd", prefix: "cp", add: (d, id) => {
      const sel = selected();
      if (!sel || !VDU_TYPES.includes(sel.type)) throw new Error("select the VDU the CP belongs to first");
      const owner = list(d, "vdu").find((v) => v.vduId === elementId(sel));
      if (!owner) throw new Error("the selected VDU is not in this file");
      list(owner, "intCpd").push({ cpdId: id, layerProtocol: "Ethernet" });
    } },
    ns_vl: { kind: "nsd", prefix: "vl", add: (d, id) => list(d, "virtualLinkDesc").push(
      { virtualLinkDescId: id, connectivityType: { layerProtocol: "Ethernet" } }) },
    ns_cp: { kind: "nsd", prefix: "sap", add: (d, id) => list(d, "sapd").push({ cpdId: id, layerProtocol: "Ethernet" }) },
  };
}

// The adder of a TOSCA node type: a node template of that type in
// topology_template.node_templates (TOSCA 1.3 §3.8.3), its id prefix the type's last word.
export function toscaAdder(type) {
  return { kind: "tosca", prefix: type.split(".").pop().toLowerCase().replace(/[^a-z0-9]/g, "") || "node",
    add: (d, id) => {
      if (!d.topology_template || typeof d.topology_template !== "object") d.topology_template = {};
      const t = d.topology_template;
      if (!t.node_templates || typeof t.node_templates !== "object") t.node_templates = {};
      t.node_templates[id] = { type };
    } };
}

// links: the description model decides which are allowed; these write them.
function role(a, b, types) { return types.includes(a.type) ? [a, b] : [b, a]; }
function sameFile(a, b) {
  if (!a.info || !b.info || a.info.file !== b.info.file) throw new Error("both ends must be in the same descriptor file");
  return a.info.file;
}
function setField(file, node, key, value) {
  return (data) => {
    const at = locate(data, node.info.path);
    if (!at) throw new Error(`${node.label} is not in ${file}`);
    at[0][at[1]][key] = value;
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

// The linkers of the ETSI-like link types: {link type: (a, b) => [file, change(data)]},
// `a` and `b` the two ends as clicked; `vnfdOf(vnf)` as vnfdIn for the project's files.
export function linkers(vnfdOf) {
  return {
    nesting: (child, parent) => {
      const file = parent.type === "bare_metal" ? child.info.file : sameFile(child, parent);
      return [file, setField(file, child, "vduParent", parent.type === "bare_metal" ? "None" : elementId(parent))];
    },
    cp_vl: (a, b) => { const [cp, vl] = role(a, b, ["vnf_vdu_cp"]); const f = sameFile(a, b); return [f, setField(f, cp, "intVirtualLinkDesc", elementId(vl))]; },
    ext_cp_vl: (a, b) => { const [cp, vl] = role(a, b, ["vnf_ext_cp"]); const f = sameFile(a, b); return [f, setField(f, cp, "intVirtualLinkDesc", elementId(vl))]; },
    ext_cp_map: (a, b) => { const [ext, cp] = role(a, b, ["vnf_ext_cp"]); const f = sameFile(a, b); return [f, setField(f, ext, "intCpd", elementId(cp))]; },
    sap_vl: (a, b) => { const [sap, vl] = role(a, b, ["ns_cp"]); const f = sameFile(a, b); return [f, setField(f, sap, "nsVirtualLinkDescId", elementId(vl))]; },
    vdu_cp: (a, b) => {
      const [cp, target] = role(a, b, ["vnf_vdu_cp"]);
      const f = sameFile(a, b);
      return [f, (data) => {
        const at = locate(data, cp.info.path);
        const element = at[0][at[1]];
        at[0].splice(at[1], 1);
        const owner = list(root(data, "vnfd"), "vdu").find((v) => v.vduId === elementId(target));
        list(owner, "intCpd").push(element);
      }];
    },
    // IFA 014 §6.3.3: VnfProfile.nsVirtualLinkConnectivity puts a VNF external CP on an NS VL
    vnf_vl: (a, b) => {
      const [vnf, vl] = role(a, b, ["vnf"]);
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
    // IFA 014 §6.2.3: Sapd.associatedCpdId names a VNF external CP
    sap_vnf: (a, b) => {
      const [sap, vnf] = role(a, b, ["ns_cp"]);
      const file = sameFile(a, b);
      const cps = vnfdOf(vnf).cps;
      if (!cps.length) throw new Error(`link refused: ${vnf.label} has no external CP`);
      return [file, setField(file, sap, "associatedCpdId", cps[0])];
    },
  };
}

// The requirement a TOSCA relationship is written as (TOSCA 1.3 §5.9 normative node types;
// SOL 001 §6.8 for the NFV ones); others as a dependency naming its relationship.
export const REQUIREMENT = {
  "tosca.relationships.HostedOn": "host", "tosca.relationships.DependsOn": "dependency",
  "tosca.relationships.AttachesTo": "local_storage", "tosca.relationships.RoutesTo": "application",
  "tosca.relationships.network.LinksTo": "link", "tosca.relationships.network.BindsTo": "binding",
  "tosca.relationships.nfv.VirtualBindsTo": "virtual_binding", "tosca.relationships.nfv.VirtualLinksTo": "virtual_link",
  "tosca.relationships.nfv.AttachesTo": "virtual_storage",
};
// most specific first: what "any" tries for TOSCA
export const PREFERRED = ["tosca.relationships.network.BindsTo", "tosca.relationships.network.LinksTo",
  "tosca.relationships.nfv.VirtualBindsTo", "tosca.relationships.nfv.VirtualLinksTo", "tosca.relationships.nfv.AttachesTo",
  "tosca.relationships.AttachesTo", "tosca.relationships.RoutesTo", "tosca.relationships.HostedOn",
  "tosca.relationships.DependsOn"];

// The linker of a TOSCA relationship: the source template gets a requirement naming the
// target (REQUIREMENT's name, else a dependency with the relationship).
export function toscaLinker(relationship) {
  return (source, target) => {
    const file = sameFile(source, target);
    return [file, (data) => {
      const templates = (data.topology_template || {}).node_templates || {};
      const tpl = templates[templateName(source)];
      if (!tpl || typeof tpl !== "object") throw new Error(`${source.label} is not a node template of ${file}`);
      const name = REQUIREMENT[relationship];
      const to = templateName(target);
      list(tpl, "requirements").push(name ? { [name]: to } : { dependency: { node: to, relationship } });
    }];
  };
}
