"""Test settings: a private state folder and a private Redis broker per test run.

Set before ``config.settings`` is read, and inherited by the processes the tests start
(Celery workers, the demo command), which therefore share the folder and the broker.
Under pytest-xdist each worker process (``PYTEST_XDIST_WORKER``) is a test run of its own:
it drops the folder, broker, queue and database it inherited from the controller and makes
its own, so its Celery workers, sshd sites and fault tests (which stop and restart their
Redis) never meet another worker's.
"""

import getpass
import os
import tempfile

from tests.fixtures import redis_server

OWNED = ("RDCL_VAR", "RDCL_TEST_REDIS_URL", "RDCL_QUEUE", "RDCL_TEST_DB")
xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if xdist_worker and os.environ.get("RDCL_TEST_PROCESS") != xdist_worker:  # inherited from the controller
    for name in OWNED:
        os.environ.pop(name, None)
os.environ["RDCL_TEST_PROCESS"] = xdist_worker
os.environ.setdefault("RDCL_VAR", tempfile.mkdtemp(prefix="rdcl-nfvo-test-"))
if "RDCL_TEST_REDIS_URL" not in os.environ:  # set once; processes the tests start inherit it
    os.environ["RDCL_TEST_REDIS_URL"] = redis_server.ensure(os.environ.get("REDIS_URL"))
os.environ["REDIS_URL"] = os.environ["RDCL_TEST_REDIS_URL"]
os.environ.setdefault("RDCL_QUEUE", f"jobs-test-{os.getpid()}")  # no stale messages from other runs
os.environ.setdefault("RDCL_TEST_DB", os.path.join(os.environ["RDCL_VAR"], "test-db.sqlite3"))
# Tests publish from bare repositories in pytest's temporary folders and the state folder;
# nothing else local (the default allows only RDCL_GIT_REMOTE).
os.environ.setdefault(
    "RDCL_GIT_ALLOWED_REMOTES",
    ",".join([os.path.join(tempfile.gettempdir(), f"pytest-of-{getpass.getuser()}"), os.environ["RDCL_VAR"]]),
)

from config.settings import *  # noqa: E402,F401,F403
