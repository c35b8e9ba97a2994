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
