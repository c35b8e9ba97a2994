"""HOT for nested VDUs: the parent VM carries the node labels as server metadata and an
output names it (its Kubernetes node), nothing else of heat-translator's text changes;
bare-metal servers get their flavor."""

from __future__ import annotations

import yaml

from translators import hot, kubernetes, validate
from translators.placement import place
from translators.sites import DEMO_SITES
from translators.tosca_loader import load
from translators.translate import translate_file

from .conftest import EXAMPLE
from .test_translators_k8s import SITES, write_variant


def test_parent_vm_metadata_is_the_only_change_to_heat_translators_text():
    model = load(EXAMPLE)
    parts = place(model, DEMO_SITES)
    core = next(p for p in parts if p.site == "core")
    plain, _ = hot.translate_site(model, core.nodes, node_labels={})  # heat-translator's own text
    ours = translate_file(EXAMPLE, DEMO_SITES).files["templates/core/stack.yaml"]
    inserted = (
        "      metadata:\n"
        "        nfvo.rdcl.io:taints: nfvo.rdcl.io/vdu=epc-cran-mec-mec-vm:NoSchedule\n"
        "        nfvo.rdcl.io:vdu: epc-cran-mec-mec-vm\n"
    )
    output = (
        "outputs:\n"
        "  rdcl_node_mec_vm:\n"
        "    description: name of server mec_vm (its Kubernetes node)\n"
        "    value:\n"
        "      get_attr:\n"
        "        - mec_vm\n"
        "        - name\n"
    )
    assert inserted in ours and ours.endswith(output)
    assert ours.replace(inserted, "", 1).replace(output, "outputs: {}\n") == plain["stack.yaml"]
    server = yaml.safe_load(ours)["resources"]["mec_vm"]
    assert server["type"] == "OS::Nova::Server"
    assert server["properties"]["metadata"] == {  # Nova refuses "/" in metadata keys
        "nfvo.rdcl.io:vdu": "epc-cran-mec-mec-vm",
        "nfvo.rdcl.io:taints": "nfvo.rdcl.io/vdu=epc-cran-mec-mec-vm:NoSchedule",
    }
    assert validate.hot_problems(ours) == []


def test_bare_metal_server_flavor_and_label(tmp_path):
    stack = yaml.safe_load(translate_file(write_variant(tmp_path), SITES).files["templates/core/stack.yaml"])
    bare = stack["resources"]["bm_node"]["properties"]
    assert bare["flavor"] == "bm.large"  # rdcl.nodes.Compute.BareMetal's flavor, not a best match
    assert bare["metadata"] == {hot.nova_metadata_key(kubernetes.BAREMETAL_LABEL): ""}
    vm = stack["resources"]["mec_vm"]["properties"]
    assert vm["metadata"][hot.nova_metadata_key(kubernetes.PARENT_LABEL)] == "edge-depth-mec-vm"
    assert vm["flavor"] != "bm.large"


def test_bare_metal_servers_unlabelled_when_no_pod_asks(tmp_path):
    text = write_variant(tmp_path).read_text().replace("        vdu_parent_bare_metal: true\n", "")
    stack = yaml.safe_load(
        translate_file(write_variant(tmp_path, text, "no_bm.yaml"), SITES).files["templates/core/stack.yaml"]
    )
    assert "metadata" not in stack["resources"]["bm_node"]["properties"]


def test_metadata_merged_when_the_text_edit_does_not_fit():
    """A server heat-translator already gives metadata keeps it; ours is merged in."""
    text = (
        "heat_template_version: 2013-05-23\n\nresources:\n  vm:\n    type: OS::Nova::Server\n"
        "    properties:\n      flavor: m1.small\n      metadata:\n        keep: me\n"
    )
    wanted = {"vm": {kubernetes.PARENT_LABEL: "svc-vm"}}
    files = hot._add_metadata({"stack.yaml": text}, wanted)
    parsed = {"stack.yaml": yaml.safe_load(files["stack.yaml"])}
    assert hot._ensure_metadata(files, parsed, wanted) == []
    merged = yaml.safe_load(files["stack.yaml"])["resources"]["vm"]["properties"]["metadata"]
    assert merged == {"keep": "me", kubernetes.PARENT_LABEL: "svc-vm"}
    missing = hot._ensure_metadata({}, {"stack.yaml": {"resources": {}}}, wanted)
    assert [(p.path, p.rule) for p in missing] == [("topology_template.node_templates.vm", "hot.server-metadata")]
