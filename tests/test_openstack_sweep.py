"""The HOT fit (:mod:`translators.heat_fit`) against the real control plane (``openstack_cloud``).

The property names the fit keeps per resource type must be this Heat's own. The corpus sweep
itself (:mod:`tests.heat_sweep`: every corpus HOT created and deleted as the member user) runs
by hand for now (``python -m tests.heat_sweep --write FILE``): a full run took over 40 minutes
on this loaded machine, and its outcome table is not committed yet (see the README).
"""

from __future__ import annotations

import json

import pytest

from tests.heat_sweep import heat_properties
from translators.heat_fit import PROPERTIES_FILE

pytestmark = [pytest.mark.integration, pytest.mark.openstack]


def test_heat_property_schemas_are_this_heats(openstack_cloud):
    """The property names the translator keeps per resource type are the control plane's own."""
    assert heat_properties(openstack_cloud.connect("admin")) == json.loads(PROPERTIES_FILE.read_text())
