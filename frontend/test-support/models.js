// The project types' description models for the unit tests, read from the plugins' own
// files (rdcl/types/<folder>/description.yaml) and put together as the server serves them
// (rdcl/types/description.py: an `extends` model updates its base's maps key by key).
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const FOLDERS = { etsi: "etsi", "nested-vdu": "nested_vdu", tosca: "tosca", "tosca-nfv": "tosca_nfv" };

// The model a type scaffolded by rdcl_new_type starts with (rdcl/scaffold_template), for a
// type called `name`.
export function loadScaffoldModel(name = "lab-net") {
  const text = readFileSync(new URL("../../rdcl/scaffold_template/description.yaml", import.meta.url), "utf8");
  return assemble(parse(text.replaceAll("$name", name).replaceAll("$label", JSON.stringify(name))));
}

export function loadModel(folder) {
  return assemble(parse(readFileSync(new URL(`../../rdcl/types/${folder}/description.yaml`, import.meta.url), "utf8")));
}

function assemble(raw) {
  const base = raw.extends ? loadModel(FOLDERS[raw.extends]) : { node_types: {}, link_types: {}, views: {}, nesting: {}, preferred_links: [] };
  return {
    name: raw.name,
    node_types: { ...base.node_types, ...raw.node_types },
    link_types: { ...base.link_types, ...raw.link_types },
    views: { ...base.views, ...raw.views },
    nesting: { ...base.nesting, ...(raw.nesting || {}) },
    preferred_links: raw.preferred_links || base.preferred_links,
  };
}
