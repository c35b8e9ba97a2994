"""Site keys reach SSH through a private ssh-agent: only public keys are ever on disk,
each site is offered its own key alone, and a bad key is refused without showing it."""

from __future__ import annotations

import os
import subprocess

import pytest

from nfvo import inventory
from nfvo.models import Site
from nfvo.ssh_agent import Agent, AgentError


def _key(tmp_path, name: str) -> tuple[str, str]:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(tmp_path / name)], check=True)
    return (tmp_path / name).read_text(), (tmp_path / f"{name}.pub").read_text().split()[1]


def test_keys_live_in_the_agent_and_only_public_keys_are_written(tmp_path):
    (one, one_pub), (two, two_pub) = _key(tmp_path, "one"), _key(tmp_path, "two")
    with Agent() as agent:
        assert oct(agent.folder.stat().st_mode & 0o777) == "0o700"
        assert agent.env == {} and not agent.socket.exists()  # no key yet: no ssh-agent process
        paths = [agent.add("core", one), agent.add("edge", two)]
        listed = subprocess.run(
            ["ssh-add", "-L"], env={**os.environ, **agent.env}, capture_output=True, text=True, check=True
        ).stdout
        assert one_pub in listed and two_pub in listed
        assert [p.read_text().split()[1] for p in paths] == [one_pub, two_pub]
        assert sorted(p.name for p in agent.folder.iterdir()) == ["agent.sock", "core.pub", "edge.pub"]
        assert not any("PRIVATE" in p.read_text() for p in agent.folder.iterdir() if p.is_file())
        folder = agent.folder
    assert not folder.exists()  # the agent and what it knew are gone


def test_a_bad_key_is_refused_without_showing_it():
    with Agent() as agent, pytest.raises(AgentError) as caught:
        agent.add("core", "-----BEGIN OPENSSH PRIVATE KEY-----\nplanted-not-a-key\n-----END OPENSSH PRIVATE KEY-----\n")
    assert "core" in str(caught.value) and "planted" not in str(caught.value)


@pytest.mark.django_db
def test_a_site_is_offered_its_own_key_alone(tmp_path):
    private, public = _key(tmp_path, "edge")
    site = Site.objects.create(name="edge_server", kind="linux", connection={"ansible_host": "127.0.0.3"})
    site.set_ssh_private_key(private)
    site.save()
    with Agent() as agent:
        hv = inventory.build(["edge_server"], tmp_path / "keys", agent)["all"]["children"]["edge_server"]["hosts"][
            "edge_server-host"
        ]
        args = hv["ansible_ssh_common_args"]
        assert f"-o IdentityFile={agent.folder / 'edge_server.pub'} -o IdentitiesOnly=yes" in args
        assert "ansible_ssh_private_key_file" not in hv and "PRIVATE" not in str(hv)
        assert (agent.folder / "edge_server.pub").read_text().split()[1] == public
    assert not (tmp_path / "keys").exists() or not any((tmp_path / "keys").iterdir())
