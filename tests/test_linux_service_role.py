"""End-to-end tests of the ``linux_service`` Ansible role against real sshd sites."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import ansible_runner
import pytest
import yaml

from tests.fixtures.sshd import SshSite, free_port, inventory_for

REPO_ROOT = Path(__file__).resolve().parents[1]
ROLES_PATH = REPO_ROOT / "playbooks" / "roles"
ROLE_DIR = ROLES_PATH / "linux_service"
VENV_BIN = Path(sys.executable).parent
RUN_TIMEOUT = 300


@dataclass(frozen=True)
class Part:
    """One demo service part deployed on one site."""

    site: SshSite
    name: str
    directory: Path
    port: int
    content: str

    @property
    def pidfile(self) -> Path:
        """Pidfile written by the role's start-stop-daemon path."""
        return self.directory / ".run" / f"{self.name}.pid"

    @property
    def url(self) -> str:
        """URL of the file the part serves."""
        return f"http://{self.site.address}:{self.port}/hello.txt"


def _role_vars(part: Part, state: str) -> dict:
    return {
        "linux_service_state": state,
        "linux_service_name": part.name,
        "linux_service_dir": str(part.directory),
        "linux_service_files": {"hello.txt": part.content},
        "linux_service_command": [
            "/usr/bin/python3", "-m", "http.server", str(part.port),
            "--bind", part.site.address, "--directory", str(part.directory),
        ],
        "linux_service_environment": {"PYTHONUNBUFFERED": "1"},
        "linux_service_port": part.port,
    }


def _playbook(parts: list[Part], state: str) -> list[dict]:
    return [
        {
            "name": f"Apply {part.name} ({state}) on {part.site.name}",
            "hosts": part.site.name,
            "gather_facts": False,
            "roles": [{"role": "linux_service", "vars": _role_vars(part, state)}],
        }
        for part in parts
    ]


def _run(tmp_path: Path, sites, parts, state: str, label: str, check: bool = False):
    data_dir = tmp_path / label
    (data_dir / "project").mkdir(parents=True)
    (data_dir / "project" / "site.yml").write_text(yaml.safe_dump(_playbook(parts, state)))
    envvars = {
        "ANSIBLE_ROLES_PATH": str(ROLES_PATH),
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(tmp_path / "cp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_PIPELINING": "1",
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
    }
    runner = ansible_runner.run(
        private_data_dir=str(data_dir),
        playbook="site.yml",
        inventory=inventory_for(sites),
        envvars=envvars,
        cmdline="--check" if check else None,
        quiet=True,
        timeout=RUN_TIMEOUT,
    )
    assert runner.status == "successful", f"{label}: {runner.status}\n{runner.stdout.read()}"
    stats = runner.stats
    assert sorted(stats["processed"]) == sorted(site.name for site in sites)
    assert not stats["failures"] and not stats["dark"], stats
    return runner


def _answers(part: Part) -> str | None:
    try:
        with urllib.request.urlopen(part.url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def _port_open(part: Part) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((part.site.address, part.port), 2):
        return True
    return False


def _kill_leftover(part: Part) -> None:
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(part.pidfile.read_text().strip()), signal.SIGTERM)
    shutil.rmtree(part.directory, ignore_errors=True)


@pytest.fixture
def parts(sshd_sites):
    """One http.server part per site; leftover processes are killed at teardown."""
    made = [
        Part(
            site=site,
            name=f"rdcl-demo-{site.name}",
            directory=site.root / f"rdcl-demo-{site.name}",
            port=free_port(site.address),
            content=f"hello from {site.name}\n",
        )
        for site in sshd_sites
    ]
    yield made
    for part in made:
        _kill_leftover(part)


def _started_hosts(runner) -> list[str]:
    return [
        event["event_data"]["host"]
        for event in runner.events
        if event.get("event") == "runner_on_ok"
        and event["event_data"].get("task") == "Start the process in the background"
    ]


@pytest.mark.integration
def test_deploy_check_and_remove(tmp_path, sshd_sites, parts):
    """Deploy one part per site, re-apply, dry-run removal, then remove twice."""
    hosts = [site.name for site in sshd_sites]
    assert hosts == ["edge_server", "core_server"]

    runner = _run(tmp_path, sshd_sites, parts, "present", "deploy")
    assert all(runner.stats["changed"].get(host) for host in hosts), runner.stats
    assert _started_hosts(runner) == hosts
    for part in parts:
        assert part.directory.is_relative_to(part.site.root)
        assert (part.directory / "hello.txt").read_text() == part.content
        assert _answers(part) == part.content
    pids = [part.pidfile.read_text() for part in parts]

    runner = _run(tmp_path, sshd_sites, parts, "present", "redeploy")
    assert not runner.stats["changed"], runner.stats
    assert [part.pidfile.read_text() for part in parts] == pids

    _run(tmp_path, sshd_sites, parts, "absent", "absent-check", check=True)
    for part in parts:
        assert part.directory.is_dir()
        assert _answers(part) == part.content
    assert [part.pidfile.read_text() for part in parts] == pids

    runner = _run(tmp_path, sshd_sites, parts, "absent", "absent")
    assert all(runner.stats["changed"].get(host) for host in hosts), runner.stats
    for part in parts:
        assert not part.directory.exists()
        assert not _port_open(part)

    runner = _run(tmp_path, sshd_sites, parts, "absent", "absent-again")
    assert not runner.stats["changed"], runner.stats


def test_role_passes_ansible_lint_production():
    """The role passes ansible-lint with the production profile (offline)."""
    lint = VENV_BIN / "ansible-lint"
    if not lint.exists():
        pytest.skip("ansible-lint is not installed in this environment")
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(lint), "--offline", "--profile", "production", "--nocolor", str(ROLE_DIR)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
