"""Test settings: a private state folder and a private Redis broker per test run.

Set before ``config.settings`` is read, and inherited by the processes the tests start
(Celery workers, the demo command), which therefore share the folder and the broker.
Under pytest-xdist each worker process (``PYTEST_XDIST_WORKER``) is a test run of its own:
it drops the folder, broker, queue and database it inherited from the controller and makes
its own, so its Celery workers, sshd sites and fault tests (which stop and restart their
Redis) never meet another worker's.

``RDCL_TEST_DATABASE_URL=postgres://...`` (or ``RDCL_TEST_POSTGRES=1``: a server that answers
or a private one, :mod:`tests.fixtures.postgres_server`) runs the tests on PostgreSQL: each
process creates its own test database ``rdcl_test_<pid>`` there; the workers the tests start
get it as ``DATABASE_URL`` (:func:`config.database.to_url`).
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
if os.environ.get("RDCL_TEST_POSTGRES") == "1" and "RDCL_TEST_DATABASE_URL" not in os.environ:
    from tests.fixtures import postgres_server  # the server is shared; each process has its own database

    os.environ["RDCL_TEST_DATABASE_URL"] = postgres_server.ensure()
if os.environ.get("RDCL_TEST_DATABASE_URL"):  # PostgreSQL: a test database per process, named by its pid
    os.environ["DATABASE_URL"] = os.environ["RDCL_TEST_DATABASE_URL"]
    os.environ.setdefault("RDCL_TEST_DB", f"rdcl_test_{os.getpid()}")
os.environ.setdefault("RDCL_TEST_DB", os.path.join(os.environ["RDCL_VAR"], "test-db.sqlite3"))
# Tests publish from bare repositories in pytest's temporary folders and the state folder;
# nothing else local (the default allows only RDCL_GIT_REMOTE).
os.environ.setdefault(
    "RDCL_GIT_ALLOWED_REMOTES",
    ",".join([os.path.join(tempfile.gettempdir(), f"pytest-of-{getpass.getuser()}"), os.environ["RDCL_VAR"]]),
)

from config.settings import *  # noqa: E402,F401,F403
from config.settings import DATABASES  # noqa: E402

DATABASES["default"]["TEST"] = {"NAME": os.environ["RDCL_TEST_DB"]}
