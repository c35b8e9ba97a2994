"""Every HOT the translators make from the corpus, on the real control plane (``openstack_cloud``).

:mod:`tests.heat_sweep` creates and deletes each one as the member user, the site giving the
fixture's network, flavor and image; the outcome of every sample must be the one committed in
``tests/data/heat_sweep.yaml`` (created, refused with Heat's reason, not hostable here), so a
translator change that makes Heat refuse a template, or accept one the table says it refuses,
fails here. Regenerate the table with the command in its header and read the diff.
"""

from __future__ import annotations

import json

import pytest
import yaml

from tests.fixtures.openstack import FLAVOR, IMAGE, NETWORK
from tests.heat_sweep import TABLE_FILE, Site, Sweep, candidates, counts, heat_properties, seed
from translators.heat_fit import PROPERTIES_FILE

from .conftest import CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.openstack]


def test_every_corpus_hot_has_its_outcome_on_real_heat(openstack_cloud, corpus):
    """Each translated sample's stack is created (or refused, or not hostable) as the table
    says; none is left behind."""
    if not TABLE_FILE.is_file():
        pytest.fail(f"{TABLE_FILE} is not generated yet: see tests/heat_sweep.py (python -m tests.heat_sweep --write)")
    expected = yaml.safe_load(TABLE_FILE.read_text())
    seed(openstack_cloud.connect("admin"))
    found, _ = candidates(CORPUS)
    sweep = Sweep(openstack_cloud.cloud(), Site(NETWORK, FLAVOR, IMAGE))
    table = sweep.run(found)
    diff = {k: {"expected": expected.get(k), "found": table.get(k)} for k in expected.keys() | table.keys()}
    diff = {k: v for k, v in sorted(diff.items()) if v["expected"] != v["found"]}
    assert not diff, yaml.safe_dump(diff, width=1000)
    print("sweep counts:", counts(table))
    assert sweep.undeleted == {}
    conn = openstack_cloud.connect()
    assert not [s.name for s in conn.orchestration.stacks() if s.name.startswith("rdcl-sweep-")]


def test_heat_property_schemas_are_this_heats(openstack_cloud):
    """The property names the translator keeps per resource type are the control plane's own."""
    assert heat_properties(openstack_cloud.connect("admin")) == json.loads(PROPERTIES_FILE.read_text())
