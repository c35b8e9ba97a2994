"""The production shape brought up from deploy/ as plain processes on loopback (issue 15).

The systemd units and the environment file are read as systemd would (``ExecStart``,
``Environment``, ``EnvironmentFile`` which wins over ``Environment``, ``LoadCredential`` as
``%d``, ``RuntimeDirectory`` as ``%t``, ``%i``/``%H``, ``${VAR}``), with the install paths
mapped to this checkout and the services to private ones: PostgreSQL (a database of its
own), a password-protected Redis, a git daemon serving the git remote. Three "hosts", each
its own state folder and its own copy of the Fernet key: the web host (gunicorn, the
reaper), a core worker host (queue ``core``) and an edge worker host (queue ``edge``). An
order placed through the API over a core site and an edge site runs in two parts, each on
its host's worker; readiness, metrics and the worker heartbeat are read as an operator would.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.fixtures import postgres_server
from tests.fixtures.redis_server import free_port
from translators.git_push import AUTHOR, init_remote, working_clone

from .conftest import REPO

pytestmark = [pytest.mark.integration]

DEPLOY = REPO / "deploy"
INSTALL = "/opt/rdcl-nfvo"
BOOK = """\
- name: Record the site
  hosts: all
  gather_facts: false
  tasks:
    - name: Append a line per run (twice if a run were repeated)
      ansible.builtin.shell: echo {{ (inventory_hostname ~ ' ' ~ tag) | quote }} >> {{ (rdcl_root ~ '/runs') | quote }}
      changed_when: true
"""


def read_unit(path: Path) -> dict[str, list[str]]:
    """The ``[Service]`` keys of a unit file, each with every value in order."""
    out: dict[str, list[str]] = {}
    section = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service":
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines of a systemd environment file (comments and blanks skipped)."""
    env = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


class Host:
    """One machine of the shape: its own state, runtime and credentials folders and
    ``/etc/rdcl-nfvo`` (the environment file with this test's services, the Fernet key)."""

    def __init__(self, root: Path, name: str, env: dict[str, str], key: str):
        self.name, self.root = name, root / name
        self.etc, self.run, self.creds = self.root / "etc", self.root / "run", self.root / "credentials"
        for folder in (self.etc, self.run, self.creds):
            folder.mkdir(parents=True)
        self.env_file = self.etc / "rdcl.env"
        self.env_file.write_text("".join(f"{k}={v}\n" for k, v in {**env, "RDCL_VAR": str(self.root / "var")}.items()))
        for folder in (self.etc, self.creds):
            (folder / "fernet.key").write_text(key + "\n")
            (folder / "fernet.key").chmod(0o600)

    def command(self, unit: str, instance: str = "") -> tuple[list[str], dict[str, str]]:
        """The ``ExecStart`` argv and environment of ``unit`` on this host, as systemd builds them."""
        service = read_unit(DEPLOY / unit)

        def subst(text: str) -> str:
            text = text.replace("%i", instance).replace("%H", self.name).replace("%%", "%")
            text = text.replace("%d", str(self.creds)).replace("%t", str(self.run))
            text = text.replace(f"{INSTALL}/.venv/bin/", str(Path(sys.executable).parent) + "/")
            return text.replace("/etc/rdcl-nfvo/", str(self.etc) + "/").replace(INSTALL, str(REPO))

        env: dict[str, str] = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
        for line in service.get("Environment", []):
            key, _, value = subst(line).partition("=")
            env[key] = value
        for line in service.get("EnvironmentFile", []):  # they override Environment= (systemd.exec)
            path = Path(subst(line.lstrip("-")))
            if path.exists():
                env.update(read_env_file(path))
            else:
                assert line.startswith("-"), f"{unit}: EnvironmentFile {line} missing"
        for line in service.get("RuntimeDirectory", []):
            (self.run / subst(line)).mkdir(parents=True, exist_ok=True)
        (exec_start,) = service["ExecStart"]
        argv = [re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], word) for word in subst(exec_start).split()]
        assert Path(subst(service["WorkingDirectory"][0])) == REPO
        return argv, env

    @contextmanager
    def start(self, unit: str, instance: str = "", **extra: str):
        """Run ``unit`` as a plain process (log in this host's folder); SIGTERM at the end."""
        argv, env = self.command(unit, instance)
        log = self.root / f"{unit.replace('@', '-' + instance)}.log"
        with open(log, "ab") as out:
            proc = subprocess.Popen(argv, cwd=REPO, env={**env, **extra}, stdout=out, stderr=subprocess.STDOUT)
        proc.log = log
        try:
            yield proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def manage(self, *args: str, **extra: str) -> str:
        """``deploy/manage ARGS`` (manage.py with this host's environment file and key, as the
        runbook says to run it)."""
        env = {"PATH": os.environ["PATH"], "RDCL_ENV_FILE": str(self.env_file), "RDCL_MANAGE_AS_ROOT": "1", **extra}
        run = subprocess.run([str(DEPLOY / "manage"), *args], cwd="/", env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout


@pytest.fixture
def postgres_database():
    """A database of its own on the tests' PostgreSQL server (dropped at the end)."""
    import psycopg

    server = postgres_server.ensure(os.environ.get("RDCL_TEST_DATABASE_URL"))
    name = f"rdcl_deploy_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Redis:
    """A private ``redis-server`` with ``requirepass`` on a free loopback port (restartable,
    nothing persisted), and a Sentinel (``redis-server --sentinel``, what Debian's
    ``redis-sentinel`` runs) monitoring it as ``rdcl``."""

    MASTER = "rdcl"

    def __init__(self, folder: Path, password: str):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.binary).exists():
            pytest.skip("needs Debian's redis-server")
        self.folder, self.password = folder, password
        self.port, self.sentinel_port = free_port(), free_port()
        self.procs: dict[str, subprocess.Popen] = {}

    def _spawn(self, name: str, conf: str, *extra: str) -> None:
        path = self.folder / f"{name}.conf"
        path.write_text(conf)
        self.procs[name] = subprocess.Popen(
            [self.binary, str(path), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def start(self) -> None:
        """Start the server (and wait until it listens)."""
        self._spawn(
            "redis",
            f'bind 127.0.0.1\nport {self.port}\nsave ""\nappendonly no\ndir {self.folder}\n'
            f"requirepass {self.password}\n",
        )
        _wait_port(self.port)

    def start_sentinel(self) -> str:
        """Start the Sentinel; returns the broker URL through it (kombu's ``sentinel://``)."""
        self._spawn(
            "sentinel",
            f"bind 127.0.0.1\nport {self.sentinel_port}\ndir {self.folder}\n"
            f"sentinel monitor {self.MASTER} 127.0.0.1 {self.port} 1\n"
            f"sentinel auth-pass {self.MASTER} {self.password}\n",
            "--sentinel",
        )
        _wait_port(self.sentinel_port)
        return f"sentinel://:{self.password}@127.0.0.1:{self.sentinel_port}/0"

    def stop(self, name: str = "redis") -> None:
        """Stop one process (its data is lost)."""
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)


@contextmanager
def git_daemon(base: Path):
    """``git daemon`` serving the bare repositories under ``base`` (push allowed) on loopback."""
    port = free_port()
    proc = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", f"--base-path={base}", "--export-all", "--enable=receive-pack",
         "--listen=127.0.0.1", f"--port={port}", str(base)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_port(port)
        yield f"git://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


def _http(url: str, token: str = "", body: dict | None = None) -> tuple[int, dict | str]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=120) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    except (urllib.error.URLError, TimeoutError):  # not listening yet, or still loading the app
        return 0, ""
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def _until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise TimeoutError(what)


def test_the_deploy_files_bring_up_a_shape_that_runs_an_order_across_two_queues(tmp_path, postgres_database):
    password = secrets.token_urlsafe(16)
    (tmp_path / "redis").mkdir()
    (tmp_path / "git").mkdir()
    init_remote(tmp_path / "git" / "services.git")
    init_remote(tmp_path / "git" / "books.git")
    with ExitStack() as stack:
        redis = Redis(tmp_path / "redis", password)
        stack.callback(redis.close)
        redis.start()
        broker = redis.start_sentinel()
        git_url = stack.enter_context(git_daemon(tmp_path / "git"))
        work = working_clone(f"{git_url}/books.git", tmp_path / "work")
        (tmp_path / "work" / "site.yml").write_text(BOOK)
        work.git.add("-A")
        work.index.commit("site.yml", author=AUTHOR, committer=AUTHOR)
        work.remote("origin").push("HEAD:refs/heads/main").raise_if_error()

        web_port = free_port()
        env = {
            **read_env_file(DEPLOY / "rdcl.env"),
            "DATABASE_URL": postgres_database,
            "REDIS_URL": broker,  # through the Sentinel, to the password-protected master
            "RDCL_BROKER_MASTER_NAME": Redis.MASTER,
            "RDCL_REQUEUE_AFTER": "6",
            "RDCL_GIT_REMOTE": f"{git_url}/services.git",
            "RDCL_GIT_ALLOWED_REMOTES": git_url,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "RDCL_HTTPS": "0",
            "RDCL_BIND": f"127.0.0.1:{web_port}",
            "RDCL_WEB_WORKERS": "2",
            "RDCL_WORKER_CONCURRENCY": "1",
            "RDCL_REAP_INTERVAL": "2",
        }
        assert "RDCL_FERNET_KEY_FILE" not in env and "RDCL_FERNET_KEY" not in env  # the key comes from the units
        key = Fernet.generate_key().decode()
        web = Host(tmp_path, "web-host", env, key)
        core = Host(tmp_path, "core-host", {**env, "RDCL_WORKER_METRICS_PORT": str(free_port())}, key)
        edge = Host(tmp_path, "edge-host", {**env, "RDCL_WORKER_METRICS_PORT": str(free_port())}, key)

        web.manage("migrate", "--noinput", "-v0")  # RUNBOOK: upgrade with migrations
        sites = tmp_path / "sites.yml"
        sites.write_text(
            "sites:\n"
            f"  - {{name: core1, kind: linux, queue: core, connection: {{rdcl_root: {tmp_path}/core1}}}}\n"
            f"  - {{name: edge1, kind: linux, queue: edge, connection: {{rdcl_root: {tmp_path}/edge1}},\n"
            "     credentials: {secret_vars: {edge_token: tok-edge}}}\n"
        )
        web.manage("load_sites", str(sites))
        web.manage("createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.net",
                   DJANGO_SUPERUSER_PASSWORD=secrets.token_urlsafe(16))  # fmt: skip
        token = web.manage("drf_create_token", "ops").split()[2]

        api = f"http://127.0.0.1:{web_port}"
        stack.enter_context(web.start("rdcl-web.service"))
        stack.enter_context(web.start("rdcl-reaper.service"))
        wa = stack.enter_context(core.start("rdcl-worker@.service", "core"))
        wb = stack.enter_context(edge.start("rdcl-worker@.service", "edge"))
        ready = _until(lambda: _http(f"{api}/readyz")[0] == 200, 180, "web not ready")
        assert ready and _http(f"{api}/healthz") == (200, {"status": "ok"})

        status, item = _http(
            f"{api}/api/catalogue/",
            token,
            {
                "name": "record",
                "repository": f"{git_url}/books.git",
                "ref": "main",
                "playbooks": {"create": "site.yml"},
                "sites": ["core1", "edge1"],
                "dialog": {"type": "object", "properties": {"tag": {"type": "string", "default": "t"}}},
                "queue": "core",
            },
        )
        assert status == 201, item
        status, order = _http(f"{api}/api/orders/", token, {"item": "record", "parameters": {"tag": "go"}})
        assert status == 201, order

        def ended():
            code, body = _http(f"{api}/api/orders/{order['id']}/", token)
            return body if body.get("status") in ("done", "failed") else None

        final = _until(ended, 240, f"order not done; logs in {tmp_path}")
        assert final["status"] == "done", final
        assert (tmp_path / "core1" / "runs").read_text() == "core1-host go\n"
        assert (tmp_path / "edge1" / "runs").read_text() == "edge1-host go\n"
        _, jobs = _http(f"{api}/api/jobs/?limit=10", token)
        rows = sorted(jobs["results"], key=lambda j: j["id"])
        assert len(rows) == 3, rows  # the job and its two parts
        parent, first, second = rows
        assert parent["status"] == first["status"] == second["status"] == "successful"
        _, p1 = _http(f"{api}/api/jobs/{first['id']}/", token)
        _, p2 = _http(f"{api}/api/jobs/{second['id']}/", token)
        assert int(p1["worker"].rsplit(":", 1)[1]) in _pids(wa) and int(p2["worker"].rsplit(":", 1)[1]) in _pids(wb)

        code, page = _http(f"{api}/metrics")
        assert code == 200 and 'rdcl_orders{state="done"} 1.0' in page and "rdcl_http_request_duration_seconds" in page
        worker_page = _http(f"http://127.0.0.1:{read_env_file(edge.env_file)['RDCL_WORKER_METRICS_PORT']}/metrics")[1]
        assert 'rdcl_job_duration_seconds_count{queue="edge",status="successful"} 1.0' in worker_page
        beat = edge.run / "rdcl-nfvo-worker-edge" / "alive"
        edge.manage("worker_alive", str(beat), "--max-age", "30")
        for host in (core, edge):
            assert not (host.root / "var" / "fernet.key").exists()  # the key came as a credential

        # Fault: the broker restarts (data lost) while orders arrive; each is accepted and runs once.
        placed = []
        for i in range(4):
            if i == 1:
                redis.stop()
            if i == 3:
                redis.start()
            status, body = _http(f"{api}/api/orders/", token, {"item": "record", "parameters": {"tag": f"r{i}"}})
            assert status == 201, body
            placed.append(body["id"])

        def all_ended():
            bodies = [_http(f"{api}/api/orders/{pk}/", token)[1] for pk in placed]
            return bodies if all(b.get("status") in ("done", "failed") for b in bodies) else None

        ended_all = _until(all_ended, 300, f"orders not done after the broker restart; logs in {tmp_path}")
        assert [b["status"] for b in ended_all] == ["done"] * 4
        for site in ("core1", "edge1"):
            lines = (tmp_path / site / "runs").read_text().splitlines()
            assert sorted(lines) == sorted(f"{site}-host {t}" for t in ("go", "r0", "r1", "r2", "r3"))  # each once
    assert not (tmp_path / "web-host" / "var" / "jobs").exists() or not any(
        (tmp_path / "web-host" / "var" / "jobs").iterdir()
    )


def _pids(proc: subprocess.Popen) -> set[int]:
    """The worker's process and its pool's children."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    return {proc.pid, *(int(p) for p in children.read_text().split())} if children.exists() else {proc.pid}


def test_a_password_protected_redis_is_reached_with_its_password_only(tmp_path, monkeypatch):
    from kombu.exceptions import OperationalError

    from config.celery import app
    from nfvo import health, metrics

    redis = Redis(tmp_path, secrets.token_urlsafe(12))
    try:
        redis.start()
        monkeypatch.setattr(app.conf, "broker_url", f"redis://:{redis.password}@127.0.0.1:{redis.port}/0")
        health.check_broker()
        assert metrics.queue_depths(["nothing-here"]) == {"nothing-here": 0}
        for wrong in ("", ":not-it@"):
            monkeypatch.setattr(app.conf, "broker_url", f"redis://{wrong}127.0.0.1:{redis.port}/0")
            with pytest.raises(OperationalError):
                health.check_broker()
    finally:
        redis.close()
