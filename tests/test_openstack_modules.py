"""The ``openstack.cloud`` modules the generated playbooks use load and reach the network.

ansible 12 bundles openstack.cloud 2.5.0, which reads ``openstack.version``; openstacksdk 4.15
and later no longer import it, and then every module fails before it sends a request
(``module 'openstack' has no attribute 'version'``). Each module here runs through the real
``ansible`` command against a Keystone URL on a loopback port nobody listens on, so the only
way to pass is to get as far as the connection attempt: an import or version error, or a
missing openstacksdk, fails. Fast (no service started); the same modules run against a real
control plane in ``tests/test_openstack.py``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent

#: module -> arguments, one per ``openstack.cloud`` module the playbooks under playbooks/ use
#: (``test_every_module_the_playbooks_use_is_listed`` keeps this list complete).
MODULES = {
    "openstack.cloud.stack": {"name": "rdcl-probe", "state": "absent", "wait": False},
    "openstack.cloud.stack_info": {"name": "rdcl-probe"},
    "openstack.cloud.image": {"name": "rdcl-probe", "state": "absent"},
    "openstack.cloud.auth": {},
    "openstack.cloud.compute_flavor_info": {},
}

#: What the modules say when they fail before any request: none of these may appear.
IMPORT_ERRORS = (
    "has no attribute 'version'",
    "openstacksdk is required",
    "ModuleNotFoundError",
    "ImportError",
    "requires at least",
    "couldn't resolve module",
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def unreachable_cloud(tmp_path_factory) -> dict[str, str]:
    """Environment naming cloud ``probe`` of a ``clouds.yaml`` whose Keystone is a closed loopback port."""
    folder = tmp_path_factory.mktemp("clouds")
    port = _closed_port()
    clouds = folder / "clouds.yaml"
    clouds.write_text(
        yaml.safe_dump(
            {
                "clouds": {
                    "probe": {
                        "auth": {
                            "auth_url": f"http://127.0.0.1:{port}/v3",
                            "username": "u",
                            "password": "p",
                            "project_name": "p",
                            "user_domain_name": "Default",
                            "project_domain_name": "Default",
                        },
                        "region_name": "RegionOne",
                        "identity_api_version": 3,
                    }
                }
            }
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(
        OS_CLIENT_CONFIG_FILE=str(clouds),
        ANSIBLE_STDOUT_CALLBACK="json",
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_HOME=str(folder / "ansible"),
        ANSIBLE_LOCAL_TEMP=str(folder / "tmp"),
        HOME=str(folder),
    )
    return env


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_gets_as_far_as_the_connection(module, unreachable_cloud):
    """The module imports openstacksdk, builds its connection and fails only on the refused
    connection to Keystone (keystoneauth's ``ConnectFailure``)."""
    args = json.dumps({"cloud": "probe", "timeout": 5, **MODULES[module]})
    run = subprocess.run(
        [BIN / "ansible", "localhost", "-c", "local", "-i", "localhost,", "-m", module, "-a", args],
        env=unreachable_cloud,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    result = json.loads(run.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    text = json.dumps(result)
    assert result.get("failed"), text
    assert not any(error in text for error in IMPORT_ERRORS), text
    assert "Unable to establish connection" in text or "Connection refused" in text, text


def test_every_module_the_playbooks_use_is_listed():
    """Every ``openstack.cloud.*`` module named under playbooks/ is one of :data:`MODULES`."""
    used = set()
    for path in (REPO / "playbooks").rglob("*.yml"):
        used |= set(re.findall(r"^\s*(openstack\.cloud\.\w+):", path.read_text(), re.MULTILINE))
    assert used and used <= set(MODULES), used - set(MODULES)
