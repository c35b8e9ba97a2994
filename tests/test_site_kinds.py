"""Site kinds are found by registry (:mod:`translators.site_kinds`): a kind registered by
a plug-in (here, by the test) is placed on, translated, checked, reported and driven by the
playbooks without any other module naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from translators import site_kinds
from translators.doc import Doc
from translators.errors import Problem, TranslationError
from translators.site_kinds.base import SiteKind, at
from translators.sites import SiteMap, SiteRef
from translators.tosca_loader import PROFILE_FILE
from translators.translate import translate_file

SERVICE = """\
tosca_definitions_version: tosca_simple_yaml_1_3
imports:
  - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
topology_template:
  node_templates:
    cache:
      type: rdcl.nodes.Container.Application
      properties: {image: "redis:7", command: [redis-server, --port, "6380"]}
    probe:
      type: rdcl.nodes.Container.Application
      properties: {image: "busybox:1.36", command: [sleep, "3600"]}
      requirements:
        - dependency: cache
"""


class Compose(SiteKind):
    """A Docker host: the site's containers become one Compose file its driver brings up."""

    name = "compose"
    roles = ("container",)
    driver = "compose_up"
    scales = False

    def translate_part(self, model, part, result, rel, labels) -> Doc:
        services = {
            n: {"image": model.nodes[n].image, "command": [str(a) for a in model.nodes[n].properties["command"]]}
            for n in part.nodes
        }
        path = f"templates/{part.site}/compose.yaml"
        result.files[path] = yaml.safe_dump({"services": services}, sort_keys=True)
        return {"templates": [path], "resources": [{"name": n, "type": "compose service"} for n in part.nodes]}

    def group_vars(self, model, part, site_files) -> Doc:
        return {"compose_up_project": model.name, "compose_up_file": site_files["templates"][0]}

    def part_problems(self, model, part) -> list[Problem]:
        return [
            at(n, "container.image", f"placed on compose site {part.site!r} but has no image")
            for n in part.nodes
            if not model.nodes[n].image
        ]

    def node_report(self, node) -> list[str]:
        return [f"{node.name}: a Compose service on {node.site}, restarted by Docker"]


@pytest.fixture
def compose():
    kind = site_kinds.register(Compose())
    yield kind
    site_kinds.unregister(kind.name)


def test_the_built_in_kinds_in_order_of_preference():
    assert site_kinds.names() == ("openstack", "kubernetes", "openshift", "linux")
    assert site_kinds.for_role("container") == ("kubernetes", "openshift", "linux")
    assert site_kinds.for_role("cnf") == ("kubernetes", "openshift")
    assert site_kinds.for_role("stack") == ("openstack",)
    assert site_kinds.get("openshift").flavour == "openshift" and not site_kinds.get("linux").pods
    with pytest.raises(site_kinds.UnknownKind, match="'compose' is not one of"):
        site_kinds.get("compose")
    with pytest.raises(ValueError, match="kind 'compose' is not one of"):
        SiteMap([SiteRef("dock", "compose")])
    with pytest.raises(ValueError, match="registered already"):
        site_kinds.register(site_kinds.get("linux"))


def test_the_profile_leaves_a_selectors_kind_to_the_registry():
    """A site selector's ``kind`` is a plain string in the published TOSCA profile: a
    ``valid_values`` list there would refuse a plug-in's kind; the placement checks it
    against the registry instead (rule ``placement.unknown-kind``)."""
    profile = yaml.safe_load(PROFILE_FILE.read_text())
    kind = profile["data_types"]["rdcl.datatypes.SiteSelector"]["properties"]["kind"]
    assert kind["type"] == "string" and "constraints" not in kind


def test_a_registered_kind_is_placed_on_translated_and_driven(compose, tmp_path):
    path = tmp_path / "svc.yaml"
    path.write_text(SERVICE)
    sites = SiteMap([SiteRef("core", "openstack", True), SiteRef("dock", "compose", True)])
    assert site_kinds.for_role("container")[-1] == "compose"

    t = translate_file(path, sites)

    assert [(p.site, p.kind, p.nodes) for p in t.parts] == [("dock", "compose", ["cache", "probe"])]
    assert yaml.safe_load(t.files["templates/dock/compose.yaml"]) == {
        "services": {
            "cache": {"image": "redis:7", "command": ["redis-server", "--port", "6380"]},
            "probe": {"image": "busybox:1.36", "command": ["sleep", "3600"]},
        }
    }
    assert json.loads(t.files["group_vars/dock.json"]) == {
        "compose_up_project": "svc",
        "compose_up_file": "templates/dock/compose.yaml",
    }
    index = json.loads(t.files["service.json"])
    assert index["parts"][0]["kind"] == "compose"
    assert index["parts"][0]["creates"] == [
        {"name": "cache", "type": "compose service"},
        {"name": "probe", "type": "compose service"},
    ]
    assert "kubernetes_version" not in index  # its containers are no pods
    assert "cache: a Compose service on dock, restarted by Docker" in t.report
    create = yaml.safe_load(t.files["create.yml"])
    assert create == [
        {
            "name": "Create svc on dock (compose)",
            "hosts": "dock",
            "gather_facts": False,
            "roles": [{"role": "compose_up", "vars": {"compose_up_state": "present"}}],
        }
    ]
    delete = yaml.safe_load(t.files["delete.yml"])
    assert delete[0]["roles"] == [{"role": "compose_up", "vars": {"compose_up_state": "absent"}}]
    scale = yaml.safe_load(t.files["scale.yml"])
    assert [p["hosts"] for p in scale] == ["localhost"]  # the kind does not scale
    assert "**dock** (compose)" in t.files["README.md"]
    assert not any(f.startswith("roles/") for f in t.files)  # no built-in driver is used


def _selected(tmp_path, selector: str, text: str = SERVICE) -> Path:
    path = tmp_path / "svc.yaml"
    path.write_text(
        text
        + "  policies:\n"
        + "    - placed:\n"
        + "        type: rdcl.policies.Placement\n"
        + f"        properties: {{site_selector: {selector}}}\n"
        + "        targets: [cache, probe]\n"
    )
    return path


def test_a_registered_kind_checks_its_part_and_takes_selectors(compose, tmp_path):
    """Placed by a label selector, the part is checked by the kind's own rules."""
    path = _selected(tmp_path, "{labels: {engine: docker}}", SERVICE.replace('image: "busybox:1.36", ', ""))
    sites = SiteMap([SiteRef("edge", "kubernetes", True), SiteRef("dock", "compose", labels=(("engine", "docker"),))])
    with pytest.raises(TranslationError) as err:
        translate_file(path, sites)
    assert [(p.path, p.rule) for p in err.value.problems] == [
        ("topology_template.node_templates.probe", "container.image")
    ]
    assert "placed on compose site 'dock'" in err.value.problems[0].message


def test_a_selector_names_a_registered_kind_and_only_one(compose, tmp_path):
    """``site_selector: {kind: compose}`` picks the plug-in's site over a default kubernetes
    site; a kind no one registered (a typo) is refused, naming the kinds there are."""
    sites = SiteMap([SiteRef("edge", "kubernetes", True), SiteRef("dock", "compose")])
    path = _selected(tmp_path, "{kind: compose}")
    assert [(p.site, p.nodes) for p in translate_file(path, sites).parts] == [("dock", ["cache", "probe"])]
    path = _selected(tmp_path, "{kind: compsoe}")
    with pytest.raises(TranslationError) as err:
        translate_file(path, sites)
    assert [(p.path, p.rule) for p in err.value.problems] == [
        ("topology_template.node_templates.cache", "placement.unknown-kind"),
        ("topology_template.node_templates.probe", "placement.unknown-kind"),
    ]
    assert "'compsoe' is not one of openstack, kubernetes, openshift, linux, compose" in err.value.problems[0].message


def test_an_unregistered_kind_is_gone(tmp_path):
    kind = site_kinds.register(Compose())
    site_kinds.unregister(kind.name)
    assert "compose" not in site_kinds.names()
    assert site_kinds.for_role("container") == ("kubernetes", "openshift", "linux")
