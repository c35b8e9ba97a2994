"""Nothing is dropped silently: what is not translated is a report line saying why; what
is required and cannot be translated is an error naming the node, all errors together."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from translators.errors import TranslationError
from translators.sites import DEMO_SITES
from translators.translate import translate_file

HEAD = textwrap.dedent("""\
    tosca_definitions_version: tosca_simple_yaml_1_3
    metadata: {template_name: report-demo}
    imports:
      - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
    """)

SKIPPED = HEAD + textwrap.dedent("""\
    node_types:
      my.nodes.Thing:
        derived_from: tosca.nodes.Root
    topology_template:
      inputs:
        app_mem: {type: string, default: 1 GB}
      node_templates:
        thing:
          type: my.nodes.Thing
        vm:
          type: tosca.nodes.Compute
          capabilities:
            host: {properties: {num_cpus: 1, mem_size: 1 GB, disk_size: 10 GB}}
            os: {properties: {type: linux, distribution: debian, version: "12"}}
        pod_net:
          type: tosca.nodes.network.Network
          properties: {network_name: pods, cidr: 10.9.0.0/24}
        rt:
          type: tosca.nodes.Container.Runtime
          requirements:
            - host: vm
        app:
          type: rdcl.nodes.Container.Application
          properties:
            image: app:1
            ports: [80]
            mem_size: {get_input: app_mem}
            max_replicas: 3
          artifacts:
            extra_config:
              type: tosca.artifacts.File
              file: extra.conf
          interfaces:
            Standard:
              create: scripts/create.sh
          requirements:
            - host: rt
            - virtual_link: pod_net
        helper:
          type: rdcl.nodes.Container.Application
          properties:
            command: [/usr/bin/helper]
            image: helper:2
            num_cpus: 2
            replicas: 3
          requirements:
            - dependency: app
      groups:
        app_group:
          type: tosca.groups.Root
          members: [app, helper]
      outputs:
        app_image:
          value: {get_property: [app, image]}
        vm_address:
          value: {get_attribute: [vm, private_address]}
      policies:
        - anti_affinity:
            type: tosca.policies.Placement
            targets: [app]
        - app_scaling:
            type: rdcl.policies.Scaling
            properties: {min_instances: 1, max_instances: 9}
            targets: [app]
        - runtime_place:
            type: rdcl.policies.Placement
            properties: {site: edge}
            targets: [rt, app]
        - helper_place:
            type: rdcl.policies.Placement
            properties: {site: edge_server}
            targets: [helper]
    """)


@pytest.fixture(scope="module")
def skipped(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "skipped.yaml"
    path.write_text(SKIPPED)
    return translate_file(path, DEMO_SITES)


def line(report: list[str], start: str) -> str:
    found = [r for r in report if r.startswith(start)]
    assert len(found) == 1, (start, report)
    return found[0]


def test_every_untranslated_construct_is_reported_with_why(skipped):
    report = skipped.report
    assert "no translation for type my.nodes.Thing" in line(report, "thing: skipped")
    assert "container runtime" in line(report, "rt: ")
    assert "no Neutron network" in line(report, "pod_net: virtual link of pods only")
    assert "Standard.create" in line(report, "app: operations")
    assert "extra_config" in line(report, "app: artifacts")
    assert "app_scaling ignored" in line(report, "app: scaling policy")
    assert "unit cannot be converted" in line(report, "app: its mem_size is not a memory")
    assert line(report, "app: its autoscaler") == (
        "app: its autoscaler measures CPU use against the pods' CPU request, and it has none "
        "(set num_cpus or milli_cpus); Kubernetes will not scale it"
    )
    helper = line(report, "helper: on linux site edge_server ignores")
    assert all(word in helper for word in ("image", "num_cpus", "replicas"))
    assert "members app, helper" in line(report, "group app_group:")
    assert "not all in one OpenStack" in line(report, "output app_image:")
    assert not [r for r in report if r.startswith("output vm_address")]
    assert "vm_address" in yaml.safe_load(skipped.files["templates/core/stack.yaml"])["outputs"]  # in the core HOT
    assert "not all Heat nodes of one OpenStack site" in line(report, "policy anti_affinity:")
    assert "no effect on rt" in line(report, "policy runtime_place:")
    assert not [r for r in report if r.startswith("policy app_scaling")]  # said once, on app
    assert "helper on edge_server" in line(report, "app: NetworkPolicy does not admit helper")
    assert "helper (edge_server)" in line(report, "app: its Service is ClusterIP")


def test_report_goes_into_the_index_and_readme(skipped):
    assert json.loads(skipped.files["service.json"])["report"] == skipped.report
    readme = skipped.files["README.md"]
    assert "## Translation report" in readme and all(f"- {r}" in readme for r in skipped.report)


def test_pod_only_network_makes_no_neutron_network(skipped):
    stack = skipped.files["templates/core/stack.yaml"]
    assert "pod_net" not in stack and "vm:" in stack


ERRORS = HEAD + textwrap.dedent("""\
    topology_template:
      node_templates:
        vm:
          type: tosca.nodes.Compute
        net:
          type: tosca.nodes.network.Network
        no_parent:
          type: rdcl.nodes.Container.Application
          properties: {image: a:1, vdu_parent: nowhere}
        parent_is_net:
          type: rdcl.nodes.Container.Application
          properties: {image: a:1, vdu_parent: net}
        bare_on_vm:
          type: rdcl.nodes.Container.Application
          properties: {image: a:1, vdu_parent: vm, vdu_parent_bare_metal: true}
        link_to_vm:
          type: rdcl.nodes.Container.Application
          properties: {image: a:1}
          requirements:
            - virtual_link: vm
        runtime_value:
          type: rdcl.nodes.Container.Application
          properties:
            image: a:1
            environment: {VM_IP: {get_attribute: [vm, private_address]}}
        bad_scaling:
          type: rdcl.nodes.Container.Application
          properties: {image: a:1, min_replicas: 5, max_replicas: 2}
        two_cpus:
          type: rdcl.nodes.Container.Application
          properties: {image: a:1, num_cpus: 1, milli_cpus: 500}
    """)


def test_required_things_that_cannot_be_translated_are_errors_naming_the_node(tmp_path):
    path = tmp_path / "errors.yaml"
    path.write_text(ERRORS)
    with pytest.raises(TranslationError) as err:
        translate_file(path, DEMO_SITES)
    found = {(p.path.rsplit(".", 1)[-1], p.rule) for p in err.value.problems}
    assert found == {
        ("no_parent", "container.vdu-parent"),
        ("parent_is_net", "container.vdu-parent"),
        ("bare_on_vm", "container.vdu-parent"),
        ("link_to_vm", "container.virtual-link"),
        ("runtime_value", "container.function"),
        ("bad_scaling", "container.scaling"),
        ("two_cpus", "container.resources"),
    }
    assert all(p.path.startswith("topology_template.node_templates.") for p in err.value.problems)
    text = err.value.report()
    assert "properties.environment.VM_IP (get_attribute)" in text
    assert "min replicas 5 is more than max replicas 2" in text


def test_files_a_pod_cannot_mount_are_errors(tmp_path):
    path = tmp_path / "files.yaml"
    path.write_text(
        HEAD
        + textwrap.dedent(
            """\
        topology_template:
          node_templates:
            escape:
              type: rdcl.nodes.Container.Application
              properties:
                image: a:1
                files_path: relative/dir
                files: {../etc/passwd: x, ok.txt: "y"}
            huge:
              type: rdcl.nodes.Container.Application
              properties:
                image: a:1
                files: {big.bin: "%s"}
        """
            % ("x" * (1024 * 1024 + 1))
        )
    )
    with pytest.raises(TranslationError) as err:
        translate_file(path, DEMO_SITES)
    messages = {(p.path.rsplit(".", 1)[-1], p.message.split(" ")[0]) for p in err.value.problems}
    assert messages == {("escape", "file"), ("escape", "files_path"), ("huge", "files")}
    assert {p.rule for p in err.value.problems} == {"container.files"}


def test_get_property_and_concat_become_values_and_cycles_are_errors(tmp_path):
    path = tmp_path / "functions.yaml"
    path.write_text(
        HEAD
        + textwrap.dedent("""\
        topology_template:
          inputs:
            tag: {type: string, default: "1.0"}
          node_templates:
            a:
              type: rdcl.nodes.Container.Application
              properties:
                image: {concat: [registry.local/a, ":", {get_input: tag}]}
                command: [/bin/a, {get_property: [SELF, image]}]
            b:
              type: rdcl.nodes.Container.Application
              properties:
                image: {get_property: [a, image]}
                environment: {A_IMAGE: {get_property: [a, image]}}
        """)
    )
    model = translate_file(path, DEMO_SITES).model
    assert model.nodes["a"].image == model.nodes["b"].image == "registry.local/a:{{ tag }}"
    assert model.nodes["a"].properties["command"] == ["/bin/a", "registry.local/a:{{ tag }}"]
    assert model.nodes["b"].properties["environment"] == {"A_IMAGE": "registry.local/a:{{ tag }}"}
    cycle = (
        "    c:\n      type: rdcl.nodes.Container.Application\n      properties:\n"
        "        image: c:1\n        environment: {Y: {get_property: [b, environment]}}\n"
    )
    path.write_text(
        path.read_text().replace(
            "environment: {A_IMAGE: {get_property: [a, image]}}", "environment: {X: {get_property: [c, environment]}}"
        )
        + cycle
    )
    with pytest.raises(TranslationError) as err:
        translate_file(path, DEMO_SITES)
    assert {p.rule for p in err.value.problems} == {"container.function"}
