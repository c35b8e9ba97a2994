"""heat-translator's HOT fitted for a member on a real Heat (:mod:`translators.heat_fit`).

Each rewrite is checked on the corpus sample that needed it (Heat's refusal of the unfitted
template is in ``tests/data/heat_sweep.yaml``'s history and README "Templates real Heat
refuses"), through the whole pipeline (``translate_file``).
"""

from __future__ import annotations

import zipfile

import pytest
import yaml

from translators import heat_fit
from translators.errors import TranslationError
from translators.sites import DEMO_SITES
from translators.translate import translate_file

from .conftest import CORPUS

HT, TP = CORPUS / "heat-translator", CORPUS / "tosca-parser"


def _hot(path, root=None, **kw) -> tuple[dict, dict[str, str], list[str]]:
    result = translate_file(path, DEMO_SITES, root=root or path.parent, **kw)
    files = {k[len("templates/core/") :]: v for k, v in result.files.items() if k.startswith("templates/core/")}
    return yaml.safe_load(files["stack.yaml"]), files, result.report


def _group_vars(path) -> dict:
    import json

    result = translate_file(path, DEMO_SITES, root=path.parent)
    return json.loads(result.files["group_vars/core.json"])


def test_admin_only_flavor_becomes_a_flavor_picked_by_size(corpus):
    """SOL 001 VDU: no OS::Nova::Flavor (a member may not create one); the server reads a HOT
    parameter of the flavor's name that the apply fills with the site's smallest flavor of the
    size asked (group_vars ``heat_stack_flavor_sizes``); the image is the site's."""
    hot, _, report = _hot(HT / "etsi_nfv" / "tosca_nfv_vdu.yaml")
    assert "OS::Nova::Flavor" not in {r["type"] for r in hot["resources"].values()}
    server = hot["resources"]["VDU1"]["properties"]
    assert server["flavor"] == {"get_param": "VDU1_flavor"} and server["image"] == {"get_param": "rdcl_image"}
    assert hot["parameters"]["VDU1_flavor"]["constraints"] == [{"custom_constraint": "nova.flavor"}]
    assert "rdcl_flavor" not in hot["parameters"]
    assert any("VDU1_flavor (OS::Nova::Flavor: vcpus 1, ram 512, disk 1)" in line for line in report), report
    params = _group_vars(HT / "etsi_nfv" / "tosca_nfv_vdu.yaml")
    assert params["heat_stack_flavor_sizes"] == {"VDU1_flavor": {"vcpus": 1, "ram": 512, "disk": 1}}
    assert "VDU1_flavor" not in params["heat_stack_parameters"]  # the role adds it, no template of a name
    assert params["heat_stack_parameters"]["rdcl_image"] == "{{ os_image | default('') }}"
    assert params["heat_stack_site_variables"] == ["os_network", "os_image"]


def test_flavor_read_through_a_scaling_group(corpus):
    """The flavor parameters a group passes to its nested template are declared in the main
    template; the nested template gets the site's image and network passed down; no value is null."""
    hot, files, _ = _hot(HT / "etsi_nfv" / "tosca_nfv_vdu_cp_vl_with_mixed_scaling.yaml")
    inner = hot["resources"]["worker_instance"]["properties"]["resource"]["properties"]
    flavors = {k: v for k, v in inner.items() if k.endswith("_flavor_id")}
    assert set(flavors) == {"vdu1_flavor_id", "vdu2_flavor_id"}, inner
    for given in flavors.values():
        assert set(given) == {"get_param"} and given["get_param"] in hot["parameters"], (given, hot["parameters"])
    assert inner["rdcl_image"] == {"get_param": "rdcl_image"} and inner["rdcl_network"] == {"get_param": "rdcl_network"}
    nested = yaml.safe_load(files["worker_instance.hot.yaml"])
    assert nested["resources"]["CP2"]["properties"]["network"] == {"get_param": "rdcl_network"}
    assert "null" not in files["worker_instance.hot.yaml"]


def test_empty_flavor_subnet_without_cidr_and_unknown_property(corpus):
    """A Compute without host properties, a VL without cidr, a port ``type`` Heat does not know."""
    hot, _, report = _hot(TP / "extensions" / "tosca_helloworld_nfv.yaml")
    assert hot["resources"]["VDU1"]["properties"]["flavor"] == {"get_param": "rdcl_flavor"}
    subnet = hot["resources"]["PrivateNetwork_subnet"]["properties"]
    assert subnet["cidr"] == {"get_param": "PrivateNetwork_subnet_cidr"}
    assert hot["parameters"]["PrivateNetwork_subnet_cidr"]["default"] == heat_fit.DEFAULT_CIDR
    assert "type" not in hot["resources"]["CP1"]["properties"]
    assert any("CP1 (OS::Neutron::Port): dropped type" in line for line in report), report


def test_mutual_requirements_lose_their_cycle(corpus):
    """An HA pair requires each other: Heat answers that cycle with an Internal Server Error."""
    hot, _, report = _hot(TP / "relationship" / "test_custom_relationship.yaml", root=TP)
    assert "depends_on" not in hot["resources"]["server1"] and "depends_on" not in hot["resources"]["server2"]
    assert any("server1 -> server2, server2 -> server1 dropped" in line for line in report), report


def test_nested_template_gets_the_inputs_it_declares(corpus):
    """heat-translator's scaling group does not pass its nested template the inputs it reads."""
    hot, _, _ = _hot(HT / "nfv" / "test_tosca_nfv_autoscaling_with_params.yaml")
    inner = hot["resources"]["SP_group"]["properties"]["resource"]["properties"]
    assert inner == {"image_name": {"get_param": "image_name"}, "flavor": {"get_param": "flavor"}}


def test_scripts_of_a_csar_are_written_beside_the_template(corpus):
    """Every get_file reads a file written under artifacts/, with the archive member's bytes."""
    src = HT / "csar_elk.zip"
    _, files, _ = _hot(
        src, params={"github_url": "http://github.com/paypal/rest-api-sample-app-nodejs.git", "my_cpus": 4}
    )
    with zipfile.ZipFile(src) as archive:
        assert files["artifacts/Scripts/nodejs/config.sh"] == archive.read("Scripts/nodejs/config.sh").decode()
    hot = yaml.safe_load(files["stack.yaml"])
    read = heat_fit._walk(hot["resources"], lambda n: n)
    paths = [v["get_file"] for r in read.values() for v in _get_files(r)]
    assert paths and all(f"{p}" in files for p in paths), paths


def _get_files(node) -> list[dict]:
    if isinstance(node, dict):
        return ([node] if "get_file" in node else []) + [x for v in node.values() for x in _get_files(v)]
    if isinstance(node, list):
        return [x for v in node for x in _get_files(v)]
    return []


def test_missing_script_is_a_located_problem(corpus):
    """The corpus left the scripts out: no Heat could create the stack, the node is named."""
    with pytest.raises(TranslationError) as err:
        _hot(HT / "tosca_single_instance_wordpress.yaml", root=HT)
    problems = err.value.problems
    assert {p.rule for p in problems} == {"hot.get-file"}
    assert any(
        p.path == "topology_template.node_templates.wordpress" and "wordpress/wordpress_install.sh" in p.message
        for p in problems
    ), err.value.report()


def test_script_outside_the_package_is_refused(tmp_path):
    """A get_file path leaving the package root is a problem, the file is never read."""
    (tmp_path / "secret.sh").write_text("echo secret\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "svc.yaml").write_text(
        """tosca_definitions_version: tosca_simple_yaml_1_0
topology_template:
  node_templates:
    server:
      type: tosca.nodes.Compute
      capabilities:
        host: {properties: {num_cpus: 1, mem_size: 512 MB, disk_size: 1 GB}}
        os: {properties: {type: Linux, distribution: RHEL, version: 6.5, architecture: x86_64}}
    app:
      type: tosca.nodes.SoftwareComponent
      requirements: [{host: server}]
      interfaces:
        Standard:
          create: ../secret.sh
"""
    )
    with pytest.raises(TranslationError) as err:
        _hot(pkg / "svc.yaml", root=pkg)
    assert [p.rule for p in err.value.problems] == ["hot.get-file"]
    assert "leaves the package" in err.value.problems[0].message
    assert "secret" not in err.value.report().replace("secret.sh", "")
