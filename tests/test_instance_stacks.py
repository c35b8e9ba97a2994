"""Each service instance holds its own Heat stack on a site: ``heat_stack_name`` of an OpenStack
site's group_vars ends with the instance the job runs for (``rdcl_instance``, which the runner
passes as an orchestrator's own, plain extra var)."""

from __future__ import annotations

import json

import jinja2
import yaml

from nfvo import extravars
from translators.sites import DEMO_SITES
from translators.translate import translate_file

from .conftest import EXAMPLE


def test_stack_name_ends_with_the_instance_and_without_one_is_the_services():
    core = json.loads(translate_file(EXAMPLE, DEMO_SITES).files["group_vars/core.json"])
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(core["heat_stack_name"])
    assert template.render(rdcl_instance=7) == "epc-cran-mec-core-7"
    assert template.render(rdcl_instance=8) == "epc-cran-mec-core-8"
    assert template.render() == "epc-cran-mec-core"  # a run by hand, without the orchestrator


def test_the_instance_is_an_own_plain_extra_var():
    text = extravars.dumps({"x": "{{ y }}"}, {"rdcl_mode": "apply", "rdcl_operation": "create", "rdcl_instance": 7})
    assert yaml.safe_load(text.replace("!unsafe ", ""))["rdcl_instance"] == 7
    assert "rdcl_instance: 7" in text
