"""Django settings, from the environment. Every setting has an embedded default.

* ``RDCL_VAR``: state folder (SQLite database, git repositories, job data); ``var/``.
* ``DATABASE_URL``: ``postgres://user@host:port/name``; default SQLite in ``RDCL_VAR``.
* ``REDIS_URL``: Celery broker; default an embedded broker on disk (kombu filesystem).
* ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``; ``RDCL_FERNET_KEY`` encrypts site credentials.
* ``RDCL_GIT_REMOTE``: the services repository translated services are pushed to.
* ``RDCL_GIT_ALLOWED_REMOTES``: comma-separated git remotes the server may reach besides
  ``RDCL_GIT_REMOTE`` (catalogue items' repositories, at publish, refresh, order and job
  checkout); default none. ``git.example.com`` allows https and ssh to that host;
  ``https://host[:port][/prefix]`` (or ``ssh://``, ``http://``, ``git://``) that scheme,
  host, port and path; ``/srv/git`` local repositories inside that folder (``/``: every
  local path). Remote helpers (``ext::``, ``fd::``) and option-like names are always
  refused. See :mod:`nfvo.remotes`.
* ``RDCL_JOB_SANDBOX`` (``bwrap``|``none``), ``RDCL_SANDBOX_HIDE``: how jobs are boxed (:mod:`nfvo.sandbox`).
"""
import os
from pathlib import Path
from urllib.parse import urlparse

from config import state as _state

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RDCL_VAR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "rdcl-nfvo-development-only-key-change-me")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rdcl",
    "nfvo",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
MIDDLEWARE += ["config.parsers.ParseBudgetMiddleware"]  # one budget of parsed YAML nodes per request
ROOT_URLCONF = "config.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "config.wsgi.application"


def _database(url: str | None) -> dict:
    if url and url.startswith(("postgres://", "postgresql://")):
        u = urlparse(url)
        return {"ENGINE": "django.db.backends.postgresql", "NAME": u.path.lstrip("/"),
                "USER": u.username or "", "PASSWORD": u.password or "",
                "HOST": u.hostname or "", "PORT": str(u.port or "")}
    name = Path(url[len("sqlite:///"):]) if url and url.startswith("sqlite:///") else VAR_DIR / "db.sqlite3"
    # A file for tests too: the Celery worker the tests start opens the same database.
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(name),
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
            "TEST": {"NAME": os.environ.get("RDCL_TEST_DB", str(VAR_DIR / "test-db.sqlite3"))}}


DATABASES = {"default": _database(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
SPECTACULAR_SETTINGS = {
    "TITLE": "rdcl-nfvo API",
    "DESCRIPTION": "Sites, catalogue, orders, service instances, jobs and their events.",
    "VERSION": "1.0",
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the app: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # JSON bodies held to size, depth and Unicode limits (config/parsers.py)
    "DEFAULT_PARSER_CLASSES": ["config.parsers.LimitedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
}
#: Largest JSON request body the API reads (413 above it). Each YAML/JSON document a user
#: supplies is also held to RDCL_PARSE_MAX_BYTES / _DEPTH / _ALIASES / _NODES, and a request's
#: documents together to RDCL_PARSE_MAX_REQUEST_NODES (environment variables read by
#: translators/limits.py; defaults 5 MiB, 64, 1000, 1,000,000, 5,000,000).
RDCL_API_MAX_JSON_BYTES = int(os.environ.get("RDCL_API_MAX_JSON_BYTES", 16 * 1024 * 1024))

# Celery: Redis when REDIS_URL is set, otherwise an embedded broker on disk.
REDIS_URL = os.environ.get("REDIS_URL", "")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = {} if REDIS_URL else {
    "data_folder_in": str(BROKER_DIR / "queue"), "data_folder_out": str(BROKER_DIR / "queue"),
    "control_folder": str(BROKER_DIR / "control"), "polling_interval": 0.1}
if not REDIS_URL:
    for key in ("data_folder_in", "control_folder"):
        Path(CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("RDCL_QUEUE", "jobs")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# rdcl-nfvo
RDCL_GIT_REMOTE = os.environ.get("RDCL_GIT_REMOTE", str(VAR_DIR / "git" / "services.git"))
RDCL_GIT_WORKDIR = Path(os.environ.get("RDCL_GIT_WORKDIR", VAR_DIR / "git" / "work"))
RDCL_GIT_ALLOWED_REMOTES = [e.strip() for e in os.environ.get("RDCL_GIT_ALLOWED_REMOTES", "").split(",") if e.strip()]
RDCL_JOBS_DIR = Path(os.environ.get("RDCL_JOBS_DIR", VAR_DIR / "jobs"))
RDCL_FERNET_KEY = os.environ.get("RDCL_FERNET_KEY", "")
# State is private (issue 10): umask 077 for this process, 0700/0600 on what exists (config/state.py).
_state.restrict(VAR_DIR, files=[Path(DATABASES["default"]["NAME"])] if "sqlite" in DATABASES["default"]["ENGINE"]
                else [], folders=[RDCL_JOBS_DIR])
# Jobs and site checks run in a bubblewrap sandbox (nfvo.sandbox): "bwrap" (default; a job
# ends in error when bwrap cannot run) or "none" (unboxed). RDCL_SANDBOX_HIDE: more paths
# (os.pathsep-separated) hidden from playbooks, besides RDCL_VAR and the others listed there.
RDCL_JOB_SANDBOX = os.environ.get("RDCL_JOB_SANDBOX", "bwrap")
RDCL_SANDBOX_HIDE = os.environ.get("RDCL_SANDBOX_HIDE", "")
# Reaper (runs in every worker): a running job whose heartbeat is older than
# RDCL_HEARTBEAT_STALE seconds, or whose worker process is gone, ends as error; pending
# jobs not sent to the broker (or sent RDCL_REQUEUE_AFTER seconds ago) are sent again.
RDCL_HEARTBEAT_STALE = float(os.environ.get("RDCL_HEARTBEAT_STALE", "60"))
RDCL_REAP_INTERVAL = float(os.environ.get("RDCL_REAP_INTERVAL", "15"))
RDCL_REQUEUE_AFTER = float(os.environ.get("RDCL_REQUEUE_AFTER", "120"))
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 1}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"nfvo": {"level": "INFO"}},
}
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
