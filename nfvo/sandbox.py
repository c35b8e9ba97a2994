"""Run a playbook boxed: the one place that builds ansible-runner's configuration for jobs
and site checks (environment, command, sandbox).

A playbook may come from an operator's repository, so it is not trusted with what the
worker can reach. :func:`run` starts ansible-runner as :func:`ansible_runner.run` does
(``init_runner`` then ``Runner.run``), and between the two:

* **replaces the environment** ansible-runner would pass (a copy of the worker's, which
  holds ``SECRET_KEY``, ``RDCL_FERNET_KEY``, ``DATABASE_URL``, ``REDIS_URL``...) with one
  built from a list: :func:`environment` plus the variables ansible-runner itself sets
  for its event callback (:data:`RUNNER_VARS`). The same environment is what
  ansible-runner records in ``artifacts/<ident>/command`` inside the job folder;
* **wraps the command** in bubblewrap (``bwrap``, Debian package ``bubblewrap``) when
  ``RDCL_JOB_SANDBOX`` is ``bwrap`` (the default): :func:`bwrap_args`.

What the sandbox (``bwrap_args``) gives the playbook, in mount order:

* the host's file systems read-only (``--ro-bind / /``): programs, Python, ``/etc``;
* a fresh ``/dev`` (null, zero, random, tty, its own pts) and a private, empty ``/tmp``
  (``--tmpfs``): other runs' ssh-agent sockets and temporary folders are not there;
* :func:`hidden_paths` replaced by empty folders (``--tmpfs``; files by ``/dev/null``):
  ``RDCL_VAR`` (``fernet.key``, the secret-key files, ``db.sqlite3``, the git clones and
  remote, every job's folder, the embedded broker), ``RDCL_JOBS_DIR``, ``RDCL_GIT_WORKDIR``,
  a local ``RDCL_GIT_REMOTE``, a SQLite database elsewhere, the worker's ``~/.ssh``,
  ``~/.ansible`` (SSH ControlPersist sockets of other runs), ``~/.rdcl-nfvo`` and
  ``~/.config/openstack``, the PostgreSQL and Redis socket folders, and the paths in
  ``RDCL_SANDBOX_HIDE``;
* then bound back, writable: the run's own private data folder (checkout, inventory, its
  artifacts and a private ``HOME``) and :class:`Paths` ``writable`` (a local linux site's
  ``rdcl_root``, an OpenShift cluster's state folder); read-only: ``Paths.readable`` (a
  site's kubeconfig, the run's ssh-agent folder). The worker's ``~/.config/openstack`` stays
  hidden: a run gets its own ``clouds.yaml`` with its sites' clouds only
  (:class:`nfvo.credentials.RunSecrets`).

It runs in a new user namespace (``--unshare-user``, no capabilities, no further user
namespaces): the kernel then refuses the playbook ``/proc/<pid>/environ``, ``mem``,
``cwd``, ``root`` and ``fd`` of every process outside it (ptrace access checks across user
namespaces), so the worker's environment stays out of reach although ``/proc`` is the
host's. It shares the host's network (sites and cloud APIs are on loopback addresses in
the demo) and its process ids: no pid namespace and no ``--die-with-parent``, so a process
the ``linux_service`` role starts with ``start-stop-daemon`` (its own session) outlives
the job, as unboxed; cancel and timeout still stop the run, because ansible-runner kills
the process group of ``bwrap``, which the playbook's processes share (no
``--new-session``).

What it does not stop (see the README, "Jobs are boxed"): connections over the network,
including loopback (a PostgreSQL that trusts local TCP, a Redis without a password; use
passwords, which the box no longer sees, or a network namespace), signals to the
worker's processes (same user id), and reading what the worker's user may read outside
the hidden paths. ansible-runner's own ``process_isolation`` with ``bwrap`` is not used:
it always adds ``--unshare-pid`` and ``--die-with-parent``, which kill the services a
local site starts when the job ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ansible_runner.interface import init_runner
from django.conf import settings
from django.core import checks

from translators import paths

from . import site_kinds

MODES = ("bwrap", "none")
#: Variables ansible-runner sets for its event callback and artifacts (ansible_runner.config._base
#: prepare_env); kept from its environment, everything else comes from :func:`environment`.
RUNNER_VARS = (
    "ANSIBLE_CALLBACK_PLUGINS",
    "ANSIBLE_STDOUT_CALLBACK",
    "ORIGINAL_STDOUT_CALLBACK",
    "ANSIBLE_LOAD_CALLBACK_PLUGINS",
    "AD_HOC_COMMAND_ID",
    "ANSIBLE_RETRY_FILES_ENABLED",
    "ANSIBLE_HOST_KEY_CHECKING",
    "AWX_ISOLATED_DATA_DIR",
    "ANSIBLE_CACHE_PLUGIN",
    "ANSIBLE_CACHE_PLUGIN_CONNECTION",
    "RUNNER_OMIT_EVENTS",
    "RUNNER_ONLY_FAILED_EVENTS",
)
#: Variables of the worker's environment a playbook gets: locale, time zone, the state root
#: rule of the playbooks (``RDCL_VAR``), and what reaching a cloud API may need (proxies, CA
#: bundles). A proxy URL with a password in it would reach the playbook: use proxy ACLs.
PASSED_VARS = (
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "RDCL_VAR",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
)
#: Socket folders of local database and broker servers (hidden: peer authentication would
#: take the box for the worker's user).
SOCKET_DIRS = ("/run/postgresql", "/var/run/postgresql", "/run/redis", "/var/run/redis")


class SandboxError(RuntimeError):
    """The sandbox cannot be set up as required (bwrap missing or refused, a site path that
    would uncover the controller's state, a path that leaves the checkout). The message
    says what and how to fix it; a job ends ``error`` with it."""


@dataclass
class Paths:
    """What a run may use besides its own private data folder: ``writable`` and
    ``readable`` absolute paths, bound at the same place inside the sandbox."""

    writable: list[Path] = field(default_factory=list)
    readable: list[Path] = field(default_factory=list)


def mode() -> str:
    """``settings.RDCL_JOB_SANDBOX``: ``bwrap`` (default) or ``none`` (unboxed: only the
    environment is cleaned).

    :raises SandboxError: another value.
    """
    value = getattr(settings, "RDCL_JOB_SANDBOX", "bwrap") or "bwrap"
    if value not in MODES:
        raise SandboxError(f"RDCL_JOB_SANDBOX={value!r}: use one of {', '.join(MODES)}")
    return value


_WORKING: set[str] = set()  # bwrap paths that made a sandbox once in this process


def _bwrap_works(path: str) -> str:
    """'' when ``bwrap`` at ``path`` can open a user namespace here, else its error (a
    success is remembered for the process; a failure is tried again next time)."""
    if path in _WORKING:
        return ""
    try:
        done = subprocess.run(
            [path, "--unshare-user", "--disable-userns", "--ro-bind", "/", "/", "--dev", "/dev", "--", "/bin/true"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode == 0:
        _WORKING.add(path)
        return ""
    return done.stderr.strip() or f"exit status {done.returncode}"


def bwrap() -> str | None:
    """Path of a working ``bwrap`` when the sandbox is required, None when ``RDCL_JOB_SANDBOX=none``.

    :raises SandboxError: required and missing, or it cannot create a user namespace
        (``kernel.unprivileged_userns_clone`` / ``user.max_user_namespaces``). Jobs are never
        run unboxed silently.
    """
    if mode() == "none":
        return None
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxError(
            "jobs run in a bubblewrap sandbox (RDCL_JOB_SANDBOX=bwrap) but bwrap is not installed: "
            "install the Debian package bubblewrap, or set RDCL_JOB_SANDBOX=none to run jobs unboxed"
        )
    problem = _bwrap_works(path)
    if problem:
        raise SandboxError(
            f"bwrap cannot create the job sandbox ({problem}): allow unprivileged user "
            "namespaces, or set RDCL_JOB_SANDBOX=none to run jobs unboxed"
        )
    return path


def inside(root: Path, relative: str, what: str, within: str = "the repository's checkout") -> Path:
    """``root / relative`` resolved (symbolic links followed), which must stay inside ``root``.

    :raises SandboxError: it leaves ``root`` (``..``, an absolute path, a link pointing
        outside), naming ``what``, ``relative`` and ``within`` (what ``root`` is).
    """
    base = Path(root).resolve()
    target = (base / relative).resolve()
    if not paths.within(target, base):
        raise SandboxError(
            f"{what} {relative!r} leads outside {within} (through '..', an absolute path or a symbolic link): refused"
        )
    return target


def _worker_home() -> Path:
    return Path(os.environ.get("HOME") or Path.home()).resolve()


def _home_paths() -> list[Path]:
    home = _worker_home()
    return [home / ".ssh", home / ".ansible", home / ".rdcl-nfvo", home / ".config" / "openstack"]


def hidden_paths() -> list[Path]:
    """Existing paths the playbook must not see (absolute, resolved, each once); see the
    module's docstring for why each is there."""
    db = settings.DATABASES["default"]
    candidates = [
        settings.VAR_DIR,
        settings.RDCL_JOBS_DIR,
        settings.RDCL_GIT_WORKDIR,
        getattr(settings, "BROKER_DIR", None),
        *_home_paths(),
        *SOCKET_DIRS,
    ]
    remote = str(getattr(settings, "RDCL_GIT_REMOTE", "") or "")
    if remote and "://" not in remote and ":" not in remote.split("/")[0]:
        candidates.append(Path(remote))
    if db["ENGINE"].endswith("sqlite3"):
        candidates += [Path(str(db["NAME"]) + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    elif str(db.get("HOST", "")).startswith("/"):
        candidates.append(Path(db["HOST"]))
    redis = urlparse(getattr(settings, "REDIS_URL", "") or "")
    if redis.scheme in ("unix", "redis+socket") and redis.path:
        candidates.append(Path(redis.path).parent)
    extra = getattr(settings, "RDCL_SANDBOX_HIDE", "") or ""
    candidates += [Path(p) for p in extra.split(os.pathsep) if p.strip()]
    out: list[Path] = []
    for path in candidates:
        if path is None or not Path(path).exists():
            continue
        real = Path(path).resolve()
        if real != Path("/") and real not in out:
            out.append(real)
    return out


def site_paths(inventory: dict, create: bool = True) -> Paths:
    """What the sites of an inventory (:func:`nfvo.inventory.build`) need on the worker:
    a local linux site's ``rdcl_root`` (writable; created if missing when ``create``, else
    left out: a plan job writes nothing there) and a site's ``k8s_kubeconfig`` file
    (readable, when it exists)."""
    paths = Paths()
    for group in inventory["all"]["children"].values():
        for hv in group["hosts"].values():
            root = hv.get("rdcl_root")
            kind = site_kinds.get(hv.get("rdcl_site_kind", "linux"))
            if root and hv.get("ansible_connection") == "local" and kind.installs_under_root:
                if create:
                    Path(root).mkdir(parents=True, exist_ok=True)
                if Path(root).is_dir():
                    paths.writable.append(Path(root))
            kubeconfig = hv.get("k8s_kubeconfig")
            if kubeconfig and Path(kubeconfig).is_file():
                paths.readable.append(Path(kubeconfig))
    return paths


def _overlaps(path: Path, hidden: list[Path]) -> Path | None:
    """A hidden path ``path`` would uncover when bound (it is one or lies inside ``path``)."""
    return next((h for h in hidden if h == path or path in h.parents), None)


def bwrap_args(data_dir: Path, cwd: Path, paths: Paths) -> list[str]:
    """The ``bwrap`` options (before ``--`` and the command) for a run whose private data
    folder is ``data_dir``, started in ``cwd``; see the module's docstring.

    :raises SandboxError: an allowed path is or contains a hidden one (e.g. a site's
        ``rdcl_root`` set to ``RDCL_VAR``): binding it would uncover the controller's state.
    """
    hidden = hidden_paths()
    args = [
        "--unshare-user",
        "--disable-userns",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/",
        "/",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]
    for path in sorted(hidden, key=lambda p: len(p.parts)):
        args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
    home = data_dir / "home"
    binds = [("--bind", Path(data_dir).resolve(), Path(data_dir).resolve())]
    binds += [("--bind", Path(p).resolve(), Path(p).resolve()) for p in paths.writable]
    binds += [("--ro-bind", Path(p).resolve(), Path(p).resolve()) for p in paths.readable]
    for flag, source, dest in binds:
        clash = _overlaps(source, hidden)
        if clash is not None:
            raise SandboxError(
                f"{source} cannot be given to a job: it is or contains {clash}, "
                "which jobs must not see (move the site's folder out of it)"
            )
        args += [flag, str(source), str(dest)]
    state = _worker_home() / ".rdcl-nfvo"
    for path in paths.writable:  # the playbooks' fallback state root follows HOME: bind it there too
        if state in Path(path).resolve().parents:
            args += [
                "--bind",
                str(Path(path).resolve()),
                str(home.resolve() / Path(path).resolve().relative_to(_worker_home())),
            ]
    return args + ["--chdir", str(Path(cwd).resolve())]


def environment(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a playbook runs with, built from nothing: ``PATH`` (this Python's
    folder first), ``HOME`` (``<data_dir>/home``, created 0700), :data:`PASSED_VARS` when
    the worker has them, the fixed Ansible options, then ``extra`` (e.g. the ssh-agent's
    ``SSH_AUTH_SOCK``, ``ANSIBLE_ROLES_PATH``)."""
    home = Path(data_dir) / "home"
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {k: os.environ[k] for k in PASSED_VARS if os.environ.get(k)}
    env.update(
        {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH") or "/usr/bin:/bin"]),
            "HOME": str(home),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
        }
    )
    env.update(extra or {})
    return env


def run(
    *,
    private_data_dir: Path,
    project_dir: Path,
    envvars: dict[str, str] | None = None,
    paths: Paths | None = None,
    create_site_roots: bool = True,
    **kwargs,
):
    """Run ansible-runner like :func:`ansible_runner.run` (``kwargs``: its ``playbook``,
    ``inventory``, ``extravars``, ``limit``, ``cmdline``, ``event_handler``,
    ``cancel_callback``, ``timeout``, ``settings``...), with the environment of
    :func:`environment` (``envvars`` added) and, unless ``RDCL_JOB_SANDBOX=none``, inside
    the sandbox of :func:`bwrap_args` with ``paths`` and the inventory's :func:`site_paths`
    (``create_site_roots``: False for plan jobs).
    Returns the finished :class:`ansible_runner.runner.Runner`.

    :raises SandboxError: see :func:`bwrap` and :func:`bwrap_args` (nothing has run).
    """
    data_dir = Path(private_data_dir)
    binary = bwrap()
    env = environment(data_dir, envvars)
    allowed = Paths(list((paths or Paths()).writable), list((paths or Paths()).readable))
    if isinstance(kwargs.get("inventory"), dict):
        found = site_paths(kwargs["inventory"], create=create_site_roots)
        allowed.writable += found.writable
        allowed.readable += found.readable
    if env.get("SSH_AUTH_SOCK"):
        allowed.readable.append(Path(env["SSH_AUTH_SOCK"]).parent)
    r = init_runner(private_data_dir=str(data_dir), project_dir=str(project_dir), envvars=dict(env), **kwargs)
    r.config.env = {**{k: r.config.env[k] for k in RUNNER_VARS if k in r.config.env}, **env}
    if binary is not None:
        command = list(r.config.command)
        command[0] = shutil.which(command[0], path=env["PATH"]) or command[0]
        r.config.command = [binary, *bwrap_args(data_dir, Path(r.config.cwd), allowed), "--", *command]
    r.run()
    return r


def system_check(app_configs=None, **kwargs) -> list:
    """Django system checks (``manage.py check``, ``runserver`` and the worker's start say
    so): ``nfvo.E010`` the job sandbox is required and ``bwrap`` is missing or cannot run
    (or ``RDCL_JOB_SANDBOX`` is unknown); ``nfvo.W010`` jobs run unboxed on purpose."""
    try:
        if bwrap() is None:
            return [
                checks.Warning(
                    "RDCL_JOB_SANDBOX=none: playbooks run unboxed, with the worker's files in reach", id="nfvo.W010"
                )
            ]
    except SandboxError as exc:
        return [checks.Error(str(exc), id="nfvo.E010")]
    return []
