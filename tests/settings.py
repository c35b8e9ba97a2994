"""Test settings: a private state folder and a private Redis broker per test run.

Set before ``config.settings`` is read, and inherited by the processes the tests start
(Celery workers, the demo command), which therefore share the folder and the broker.
"""
import getpass
import os
import tempfile

from tests.fixtures import redis_server

os.environ.setdefault("RDCL_VAR", tempfile.mkdtemp(prefix="rdcl-nfvo-test-"))
if "RDCL_TEST_REDIS_URL" not in os.environ:  # set once; processes the tests start inherit it
    os.environ["RDCL_TEST_REDIS_URL"] = redis_server.ensure(os.environ.get("REDIS_URL"))
os.environ["REDIS_URL"] = os.environ["RDCL_TEST_REDIS_URL"]
os.environ.setdefault("RDCL_QUEUE", f"jobs-test-{os.getpid()}")  # no stale messages from other runs
os.environ.setdefault("RDCL_TEST_DB", os.path.join(os.environ["RDCL_VAR"], "test-db.sqlite3"))
# Tests publish from bare repositories in pytest's temporary folders and the state folder;
# nothing else local (the default allows only RDCL_GIT_REMOTE).
os.environ.setdefault("RDCL_GIT_ALLOWED_REMOTES", ",".join([
    os.path.join(tempfile.gettempdir(), f"pytest-of-{getpass.getuser()}"), os.environ["RDCL_VAR"]]))

from config.settings import *  # noqa: E402,F401,F403
