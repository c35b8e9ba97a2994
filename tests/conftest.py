"""Shared fixtures (the public corpus, a real Celery worker on the test database, headless
Chromium) and the gates that keep the suite honest:

* ``RDCL_REQUIRE_DEPS=1`` (``.ci/run`` sets it): a test that would be skipped (the corpus,
  chromium, OpenSSH or redis-server missing) fails instead, saying why, so a CI machine
  without a dependency is red, not green with most tests skipped.
* A test that uses a fixture starting a process or a server (:data:`SERVICE_FIXTURES`) must
  carry that fixture's markers, and a test without ``integration`` may not start a Celery
  worker, sshd, redis-server or a browser itself (:data:`SERVICE_COMMANDS`), so
  ``-m "not integration"`` really leaves out every service.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("RDCL_CORPUS", REPO.parent / "shared" / "corpus"))
EXAMPLE = REPO / "examples" / "epc_cran_mec.yaml"

#: ``RDCL_REQUIRE_DEPS=1``: every skip is a failure (CI must run every test).
REQUIRE_DEPS = os.environ.get("RDCL_REQUIRE_DEPS", "") == "1"

#: Fixture -> markers a test using it must carry (they start a worker, sshd, a live server,
#: a browser).
SERVICE_FIXTURES = {
    "worker": {"integration"},
    "sshd_sites": {"integration"},
    "live_server": {"integration"},
    "browser": {"integration", "browser"},
    "openstack_cloud": {"integration", "openstack"},
}

#: Words of a command line that starts a service (all of a tuple must appear), refused in a
#: test without the ``integration`` marker.
SERVICE_COMMANDS = (
    ("celery", "worker"),
    ("sshd",),
    ("redis-server",),
    ("chromium",),
    ("runserver",),
    ("gunicorn",),
    ("uwsgi",),
    ("heat-all",),
    ("neutron-server",),
    ("nova-api",),
    ("mariadbd",),
)


#: Modules that may use the OpenStack control plane (``openstack_cloud``): :func:`pytest_xdist_make_scheduler`
#: gives them all to one pytest-xdist process, so one control plane starts per run.
OPENSTACK_MODULES = "test_openstack*.py"


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: absent with -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, except that every module matching :data:`OPENSTACK_MODULES` is one unit
    of work (one process, hence one control plane of about 2.3 GiB for the whole run)."""
    from xdist.scheduler import LoadFileScheduling

    class OpenStackTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "openstack" if Path(module).match(OPENSTACK_MODULES) else module

    if config.getvalue("dist") != "loadfile":
        return None
    return OpenStackTogether(config, log)


def pytest_collection_modifyitems(config, items):
    """Refuse the run when a test uses a service fixture without its markers (see module doc),
    or when a module not matching :data:`OPENSTACK_MODULES` uses the OpenStack control plane
    (``openstack_cloud``: those modules run in one process, so one control plane starts).

    :raises pytest.UsageError: naming each such test, the fixture and the missing markers.
    """
    wrong = []
    cloud_modules = {item.path.name for item in items if "openstack_cloud" in getattr(item, "fixturenames", ())}
    for name in sorted(m for m in cloud_modules if not Path(m).match(OPENSTACK_MODULES)):
        wrong.append(f"{name} uses the `openstack_cloud` fixture: only modules named {OPENSTACK_MODULES} may")
    for item in items:
        has = {m.name for m in item.iter_markers()}
        for fixture, markers in SERVICE_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()) and not markers <= has:
                wrong.append(f"{item.nodeid}: uses `{fixture}` without marker(s) {', '.join(sorted(markers - has))}")
    if wrong:
        raise pytest.UsageError("tests that start services must say so:\n  " + "\n  ".join(wrong))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With ``RDCL_REQUIRE_DEPS=1`` a skipped test is reported failed, with the skip's reason."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_DEPS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, and RDCL_REQUIRE_DEPS=1 (CI) runs every test: {reason}"


def _starts_a_service(args) -> tuple[str, ...] | None:
    words = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
    text = " ".join(os.fsdecode(w) if isinstance(w, (bytes, os.PathLike)) else str(w) for w in words)
    names = {Path(part).name for part in text.split()}
    return next((command for command in SERVICE_COMMANDS if set(command) <= names), None)


@pytest.fixture(autouse=True)
def _services_need_the_integration_marker(request, monkeypatch):
    """In a test without ``integration``, starting a service (:data:`SERVICE_COMMANDS`)
    fails the test (``subprocess.Popen`` is wrapped for the test's duration)."""
    if request.node.get_closest_marker("integration"):
        return
    popen = subprocess.Popen

    class Guarded(popen):
        def __init__(self, args, *more, **kwargs):
            found = _starts_a_service(args)
            if found:
                pytest.fail(
                    f"{request.node.nodeid} starts `{' '.join(found)}` but is not marked integration", pytrace=False
                )
            super().__init__(args, *more, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Guarded)


def _daemons_under(folder: str) -> dict[int, psutil.Process]:
    """Detached processes (parent pid 1: ``start-stop-daemon --background`` re-parents them)
    whose working directory is under ``folder``."""
    found = {}
    for proc in psutil.process_iter(["ppid", "cwd"]):
        cwd = proc.info.get("cwd") or ""
        if proc.info.get("ppid") == 1 and (cwd == folder or cwd.startswith(folder + os.sep)):
            found[proc.pid] = proc
    return found


@pytest.fixture(autouse=True)
def _no_daemon_outlives_its_test(request, tmp_path_factory):
    """After an ``integration`` test, stop the daemons it left running in this run's
    temporary folders: those a job started on a loopback linux site (role ``linux_service``,
    ``--chdir`` in the site's service folder under the site's root) that the test did not
    terminate. Without this each such test left a ``python3 -m http.server`` running until
    the end of the run. Daemons running before the test started (a module fixture's) are
    left alone. SIGTERM, then SIGKILL after 5 s."""
    if not request.node.get_closest_marker("integration"):
        yield
        return
    folder = str(tmp_path_factory.getbasetemp().resolve())
    before = set(_daemons_under(folder))
    yield
    left = [proc for pid, proc in _daemons_under(folder).items() if pid not in before]
    for proc in left:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(left, timeout=5)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``../shared/corpus`` (or ``RDCL_CORPUS``); tests using it skip when it is absent
    (and fail under ``RDCL_REQUIRE_DEPS=1``)."""
    if not CORPUS.is_dir():
        pytest.skip(f"public descriptor samples not found at {CORPUS} (set RDCL_CORPUS)")
    return CORPUS


class LoginClient:
    """Mixin for Django's test clients: ``login(username=, password=)`` passes a request
    (from 127.0.0.1), as the login page does and django-axes (login throttling) requires."""

    def login(self, **credentials):
        from django.http import HttpRequest

        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials["request"] = request
        return super().login(**credentials)


@pytest.fixture()
def client():
    """pytest-django's ``client`` with :class:`LoginClient`'s ``login``."""
    from django.test import Client

    return type("Client", (LoginClient, Client), {})()


@pytest.fixture(scope="session")
def worker(django_db_setup, tmp_path_factory):
    """A real ``celery worker`` process on the test database and the tests' broker (Redis)."""
    from django.conf import settings

    from config import database
    from nfvo.worker import celery_worker

    env = {
        "DATABASE_URL": database.to_url(settings.DATABASES["default"]),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with celery_worker(env=env, log_file=log, name="tests") as proc:
        proc.log_file = log
        yield proc


@pytest.fixture(scope="session")
def openstack_cloud(tmp_path_factory):
    """A real OpenStack control plane on loopback (:class:`tests.fixtures.openstack.ControlPlane`),
    started once and stopped at the end; skips when its Debian packages are missing (and fails
    under ``RDCL_REQUIRE_DEPS=1``). Its start time and memory go to
    ``bench/results/openstack-control-plane.json``. ``RDCL_OPENSTACK_ATTACH=FOLDER``: use the
    control plane ``python -m tests.fixtures.openstack FOLDER`` runs (:meth:`ControlPlane.attach`)."""
    from tests.fixtures.openstack import ControlPlane, missing

    if os.environ.get("RDCL_OPENSTACK_ATTACH"):  # one started by hand (python -m tests.fixtures.openstack FOLDER)
        yield ControlPlane.attach(Path(os.environ["RDCL_OPENSTACK_ATTACH"]))
        return
    gone = missing()
    if gone:
        pytest.skip(f"OpenStack packages missing ({', '.join(gone)}): apt-get install $(cat .ci/openstack-packages)")
    plane = ControlPlane(tmp_path_factory.mktemp("openstack"))
    try:
        plane.start()
        results = REPO / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        (results / "openstack-control-plane.json").write_text(json.dumps(plane.figures) + "\n")
        yield plane
    finally:
        plane.stop()


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright (skips when chromium is missing)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls made by the
    # test itself are synchronous and safe (Django's documented switch for this case).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


#: Where SOL 001 descriptors import the ETSI type files from (never fetched: see ``sol001``).
SOL001_FORGE = "https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/"


@pytest.fixture(scope="module")
def sol001(corpus):
    """The SOL 001 v2.6.1 type files of the corpus for their forge.etsi.org URLs
    (tosca-parser ``local_defs``; nothing is fetched)."""
    folder = corpus / "heat-translator" / "etsi_nfv"
    return {
        SOL001_FORGE + name: str(folder / name)
        for name in ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml")
    }


def pytest_report_header(config):
    """Which database the tests run on (SQLite, or PostgreSQL in the second pass)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} (test database {db.get('TEST', {}).get('NAME')})"
