"""Corpus HOT on the real control plane (``openstack_cloud``): the sweep's table and the fit's schemas.

:mod:`tests.heat_sweep` creates and deletes, as the member user, every HOT the translators make
from ``../shared/corpus``; its outcome per sample is committed in ``tests/data/heat_sweep.yaml``
(made by hand with ``python -m tests.heat_sweep --write``). Here:

* the table names exactly the OpenStack parts the translators make from the corpus today (a
  new or vanished HOT fails until the table is regenerated and its diff read);
* one sample of each template shape (:func:`tests.heat_sweep.representatives`: the same
  resource types with the same property names; 95 stacks are about 40 shapes) is created and
  deleted for real, and must end as the table says (created, or refused with that reason);
  nothing is left behind;
* the property names the fit keeps per resource type are this Heat's own.
"""

from __future__ import annotations

import json

import pytest
import yaml

from tests import heat_sweep
from translators.heat_fit import PROPERTIES_FILE

from .conftest import CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.openstack]


@pytest.fixture(scope="module")
def found(corpus):
    """Every corpus sample's OpenStack HOT, translated now."""
    out, _ = heat_sweep.candidates(CORPUS)
    return out


def test_heat_property_schemas_are_this_heats(openstack_cloud):
    """The property names the translator keeps per resource type are the control plane's own."""
    assert heat_sweep.heat_properties(openstack_cloud.connect("admin")) == json.loads(PROPERTIES_FILE.read_text())


def test_table_covers_every_corpus_hot(found):
    """The committed table has a line for each HOT the translators make from the corpus, no more."""
    table = yaml.safe_load(heat_sweep.TABLE_FILE.read_text())
    assert sorted(table) == sorted(c.sample for c in found)


def test_one_template_of_each_shape_ends_as_the_table_says(openstack_cloud, found):
    """One sample per template shape created and deleted on the real Heat as the member user:
    each outcome is the table's, every stack is gone afterwards."""
    from tests.fixtures.openstack import FLAVOR, IMAGE, NETWORK

    table = yaml.safe_load(heat_sweep.TABLE_FILE.read_text())
    heat_sweep.seed(openstack_cloud.connect("admin"))
    chosen = heat_sweep.representatives(found)
    assert len(chosen) < len(found)  # shapes repeat: the sample is a sample
    sweep = heat_sweep.Sweep(openstack_cloud.cloud(), heat_sweep.Site(NETWORK, FLAVOR, IMAGE))
    got = sweep.run(chosen)
    assert {s: got[s] for s in got if got[s] != table[s]} == {}, {s: table[s] for s in got if got[s] != table[s]}
    assert sweep.undeleted == {}
    assert not [s.name for s in openstack_cloud.connect().orchestration.stacks() if s.name.startswith("rdcl-sweep-")]
