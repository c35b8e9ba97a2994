"""Shared fixtures: the public corpus, a real Celery worker on the test database."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("RDCL_CORPUS", REPO.parent / "shared" / "corpus"))
EXAMPLE = REPO / "examples" / "epc_cran_mec.yaml"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """``../shared/corpus`` (or ``RDCL_CORPUS``); tests using it skip when it is absent."""
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

    from nfvo.worker import celery_worker

    env = {"DATABASE_URL": "sqlite:///" + settings.DATABASES["default"]["NAME"],
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with celery_worker(env=env, log_file=log, name="tests") as proc:
        proc.log_file = log
        yield proc


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
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


#: Where SOL 001 descriptors import the ETSI type files from (never fetched: see ``sol001``).
SOL001_FORGE = "https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/"


@pytest.fixture(scope="module")
def sol001(corpus):
    """The SOL 001 v2.6.1 type files of the corpus for their forge.etsi.org URLs
    (tosca-parser ``local_defs``; nothing is fetched)."""
    folder = corpus / "heat-translator" / "etsi_nfv"
    return {SOL001_FORGE + name: str(folder / name)
            for name in ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml")}
