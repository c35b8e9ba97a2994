"""End-to-end tests of the ``linux_service`` Ansible role against real sshd sites."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import ansible_runner
import pytest
import yaml

from tests.fixtures.sshd import SshSite, free_port, inventory_for
from tests.helpers import assert_lint_passes

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
            "/usr/bin/python3",
            "-m",
            "http.server",
            str(part.port),
            "--bind",
            part.site.address,
            "--directory",
            str(part.directory),
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
    runner = _run_role(tmp_path, sites, parts, state, label, check)
    assert runner.status == "successful", f"{label}: {runner.status}\n{runner.stdout.read()}"
    stats = runner.stats
    assert sorted(stats["processed"]) == sorted(site.name for site in sites)
    assert not stats["failures"] and not stats["dark"], stats
    return runner


def _run_role(tmp_path: Path, sites, parts, state: str, label: str, check: bool = False):
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


@pytest.mark.integration
def test_a_port_another_process_holds_fails_the_deploy_naming_it(tmp_path, sshd_sites, parts):
    """Another process already listens on the part's port: the part's own process dies
    ("Address already in use") while the port still answers; the role must fail, saying so."""
    part = parts[0]
    squatter = subprocess.Popen(
        [
            "/usr/bin/python3",
            "-m",
            "http.server",
            str(part.port),
            "--bind",
            part.site.address,
            "--directory",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_open(part)
        runner = _run_role(tmp_path, [part.site], [part], "present", "squatted")
        assert runner.status == "failed", runner.stdout.read()
        failed = [e["event_data"] for e in runner.events if e.get("event") == "runner_on_failed"]
        assert [(e["host"], e["task"]) for e in failed] == [
            (part.site.name, "Check that the started process is alive and is the one listening on its port")
        ]
        message = failed[0]["res"]["msg"]
        pid = int(part.pidfile.read_text())
        assert message.startswith(
            f"{part.name}: process {pid} (pidfile {part.pidfile}) is not running; "
            f"port {part.site.address}:{part.port} is held by pid {squatter.pid} "
        ), message
        assert "(address already in use?)" in message and str(part.directory / f"{part.name}.log") in message
        assert "Address already in use" in (part.directory / f"{part.name}.log").read_text()
        assert squatter.poll() is None  # the other process is left alone
    finally:
        squatter.terminate()
        squatter.wait(10)


def _listener_module():
    """The role's ``linux_service_listener`` module, imported from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "linux_service_listener", ROLE_DIR / "library" / "linux_service_listener.py"
    )
    module = importlib.util.module_from_spec(spec)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the role
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module


def test_listener_check_tells_ours_from_a_dead_or_a_silent_process(tmp_path):
    """The check itself, on this host: a child of the pidfile's process listening is ours; a
    live process that does not listen while another does, and a dead one, are named."""
    check = _listener_module().check
    port = free_port("127.0.0.1")
    pidfile = tmp_path / "part.pid"
    params = {
        "name": "part",
        "pidfile": str(pidfile),
        "unit": None,
        "port": port,
        "address": "127.0.0.1",
        "timeout": 1.0,
        "log": "",
    }
    serve = f"/usr/bin/python3 -m http.server {port} --bind 127.0.0.1 --directory {tmp_path}"
    with subprocess.Popen(["/bin/sh", "-c", f"{serve}; true"]) as shell:  # the server is the shell's child
        try:
            pidfile.write_text(f"{shell.pid}\n")
            ok, facts = check(None, {**params, "timeout": 10.0})
            assert ok and facts["pid"] == shell.pid and facts["listener"] != shell.pid, facts
            with subprocess.Popen(["/bin/sleep", "60"]) as silent:
                pidfile.write_text(f"{silent.pid}\n")
                ok, facts = check(None, params)
                assert not ok and facts["msg"].startswith(
                    f"part: process {silent.pid} (pidfile {pidfile}) is alive but not the one listening on port "
                    f"127.0.0.1:{port}: pid "
                ), facts
                assert f"http.server {port}" in facts["msg"], facts
                silent.kill()
            silent.wait()
            ok, facts = check(None, params)
            assert not ok and facts["msg"].startswith(
                f"part: process {silent.pid} (pidfile {pidfile}) is not running; port 127.0.0.1:{port} is held by pid "
            ), facts
            ok, facts = check(None, {**params, "port": None})
            assert not ok and facts["msg"] == f"part: process {silent.pid} (pidfile {pidfile}) is not running"
        finally:
            for child in _children_of(shell.pid):
                os.kill(child, signal.SIGTERM)
            shell.wait(10)


def _children_of(pid: int) -> list[int]:
    from tests.fixtures.sshd import _children

    return _children(pid)


def _wait_open(part: Part, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not _port_open(part):
        assert time.monotonic() < deadline, f"nothing listens on {part.site.address}:{part.port}"
        time.sleep(0.1)


def test_role_passes_ansible_lint_production(tmp_path):
    """The role passes ansible-lint with the production profile (offline)."""
    role = tmp_path / "linux_service"  # a copy: the lint configuration is written into the folder
    shutil.copytree(ROLE_DIR, role, ignore=shutil.ignore_patterns("__pycache__"))
    assert_lint_passes(
        role, {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(tmp_path)}
    )
