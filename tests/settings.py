"""Test settings: a private state folder per test run, and a Redis broker that answers.

Set before ``config.settings`` is read, and inherited by the processes the tests start
(Celery workers, the demo command), which therefore share the folder and the broker.
"""
import os
import tempfile

from tests.fixtures import redis_server

os.environ.setdefault("RDCL_VAR", tempfile.mkdtemp(prefix="rdcl-nfvo-test-"))
os.environ["REDIS_URL"] = redis_server.ensure(os.environ.get("REDIS_URL"))
os.environ.setdefault("RDCL_QUEUE", f"jobs-test-{os.getpid()}")  # no stale messages from other runs
os.environ.setdefault("RDCL_TEST_DB", os.path.join(os.environ["RDCL_VAR"], "test-db.sqlite3"))

from config.settings import *  # noqa: E402,F401,F403
