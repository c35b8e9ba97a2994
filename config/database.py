"""``DATABASE_URL`` to Django's ``DATABASES`` entry, and back.

* ``postgres://user:password@host:port/name?sslmode=require&...`` (or ``postgresql://``):
  PostgreSQL through psycopg 3; query parameters become libpq connection options
  (``sslmode``, ``sslrootcert``, ``connect_timeout``, ``application_name``...). A socket
  folder is given as ``host=/run/postgresql`` in the query (``postgres:///name?host=/run/postgresql``).
  ``RDCL_DB_CONN_MAX_AGE`` (seconds, default 60) keeps a connection per process between
  requests, checked before reuse (Django's ``CONN_HEALTH_CHECKS``).
* ``sqlite:///absolute/path``: a SQLite file (WAL, immediate transactions).
* empty: SQLite in ``RDCL_VAR/db.sqlite3``, the embedded default.

Pure functions of their arguments: the settings call :func:`from_url`; tests and the deploy
shape pass the running database to a worker with :func:`to_url`.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlparse

POSTGRES_SCHEMES = ("postgres", "postgresql")


def from_url(url: str | None, var_dir: Path) -> dict:
    """The ``DATABASES["default"]`` dict for ``url`` (see the module doc).

    :raises ValueError: a scheme other than postgres/postgresql/sqlite, or a PostgreSQL URL
        without a database name.
    """
    if not url:
        return _sqlite(Path(var_dir) / "db.sqlite3", var_dir)
    u = urlparse(url)
    if u.scheme in POSTGRES_SCHEMES:
        name = unquote(u.path.lstrip("/"))
        if not name:
            raise ValueError(f"DATABASE_URL {u.scheme}://...: no database name in the path")
        options = dict(parse_qsl(u.query))
        host = options.pop("host", "") or unquote(u.hostname or "")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(u.username or ""),
            "PASSWORD": unquote(u.password or ""),
            "HOST": host,
            "PORT": str(u.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": float(os.environ.get("RDCL_DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
        }
    if u.scheme == "sqlite" and url.startswith("sqlite:///"):
        return _sqlite(Path(url[len("sqlite:///") :]), var_dir)
    raise ValueError(f"DATABASE_URL: unsupported scheme {u.scheme!r} (postgres://, postgresql:// or sqlite:///)")


def _sqlite(name: Path, var_dir: Path) -> dict:
    # A file for tests too: the Celery worker the tests start opens the same database.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(name),
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": os.environ.get("RDCL_TEST_DB", str(Path(var_dir) / "test-db.sqlite3"))},
    }


def to_url(db: dict) -> str:
    """A ``DATABASE_URL`` that names the database of ``db`` (a ``DATABASES`` entry, e.g. the
    test database pytest-django created), for another process to open the same one.

    :raises ValueError: an engine other than PostgreSQL or SQLite.
    """
    if db["ENGINE"].endswith("sqlite3"):
        return "sqlite:///" + str(db["NAME"])
    if db["ENGINE"].endswith("postgresql"):
        user = quote(db.get("USER") or "", safe="")
        password = quote(db.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or ""
        options = dict(db.get("OPTIONS") or {})
        if host.startswith("/"):
            options["host"], host = host, ""
        port = f":{db['PORT']}" if db.get("PORT") else ""
        query = f"?{urlencode(options)}" if options else ""
        return f"postgres://{auth}{host}{port}/{quote(str(db['NAME']), safe='')}{query}"
    raise ValueError(f"no DATABASE_URL for engine {db['ENGINE']}")
