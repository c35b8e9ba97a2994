"""Parsing and validation: every error named with file, path and rule; no tracebacks."""

from __future__ import annotations

import pytest

from translators.errors import DescriptorError
from translators.tosca_loader import load

from .conftest import EXAMPLE


def test_example_model_roles_sites_and_nesting():
    model = load(EXAMPLE)
    roles = {n.name: n.role for n in model.nodes.values()}
    assert roles["epc_mme"] == "stack" and roles["mec_app"] == "container"
    assert roles["mec_runtime"] == "runtime"
    assert model.nodes["mec_app"].parent == "mec_vm"  # pod -> runtime -> VM host chain
    assert model.nodes["cran_du"].parent is None
    assert model.nodes["edge_fronthaul"].site == "edge_server"
    assert model.nodes["core_status"].properties["command"][3] == "{{ core_status_port }}"
    assert model.digest.startswith("sha256:") and len(model.digest) == 71
    assert [i.name for i in model.inputs] == ["core_status_port", "edge_status_port"]


def test_every_problem_is_reported_with_path_rule_and_line(corpus):
    path = corpus / "tosca-parser" / "test_multiple_validation_errors.yaml"
    with pytest.raises(DescriptorError) as err:
        load(path)
    problems = err.value.problems
    assert len(problems) >= 8
    rules = {p.rule for p in problems}
    assert {"InvalidTemplateVersion", "UnknownFieldError", "MissingRequiredFieldError"} <= rules
    located = [p for p in problems if p.path == "topology_template.node_templates.mysql_dbms"]
    assert located and all(p.line == 79 for p in located)
    report = err.value.report()
    assert str(path) in report and "Traceback" not in report and 'File "' not in report


def test_yaml_syntax_error_names_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tosca_definitions_version: tosca_simple_yaml_1_3\ntopology_template:\n  node_templates: [\n")
    with pytest.raises(DescriptorError) as err:
        load(bad)
    (problem,) = err.value.problems
    assert problem.rule == "yaml.syntax" and problem.line == 4


def test_type_definition_file_has_nothing_to_deploy(corpus):
    with pytest.raises(DescriptorError) as err:
        load(corpus / "tosca-parser" / "custom_types" / "wordpress.yaml")
    assert err.value.problems[0].rule == "service.no-topology"


def test_missing_file():
    with pytest.raises(DescriptorError) as err:
        load("/nonexistent/service.yaml")
    assert err.value.problems[0].rule == "file.missing"
