"""Django settings, from the environment. Every setting has an embedded default, and the
defaults are the safe ones.

* ``RDCL_VAR``: state folder (SQLite database, git repositories, job data, keys); ``var/``.
* ``DATABASE_URL``: ``postgres://user:password@host:port/name[?sslmode=...]`` (psycopg 3) or
  ``sqlite:///path``; default SQLite in ``RDCL_VAR`` (:mod:`config.database`).
* ``REDIS_URL``: Celery broker; default an embedded broker on disk (kombu filesystem).
* ``SECRET_KEY``: default a key generated once per install into ``RDCL_VAR/secret.key`` (0600);
  ``RDCL_FERNET_KEY`` encrypts site credentials (default ``RDCL_VAR/fernet.key``, the same way).
* ``DEBUG``: ``1`` turns Django's debug pages on (they list settings and URL patterns); off
  unless set. Static files are served by the app (whitenoise) either way.
* ``ALLOWED_HOSTS``: comma-separated host names; ``127.0.0.1,localhost``.
* ``RDCL_HTTPS=1``: production behind TLS: HTTP redirected to HTTPS, session and CSRF cookies
  marked secure, HSTS (``RDCL_HSTS_SECONDS``, default one year, with subdomains and preload).
  ``DEBUG`` unset, ``ALLOWED_HOSTS`` and ``RDCL_HTTPS=1`` make ``manage.py check --deploy`` clean.
* ``RDCL_TRUSTED_PROXIES``: comma-separated addresses or networks of reverse proxies; only a
  request whose direct peer is one of them has its ``X-Forwarded-For`` (client address for
  the audit log and login throttling) and, with ``RDCL_HTTPS=1``, ``X-Forwarded-Proto`` believed.
  Empty by default: the peer address is the client.
* ``RDCL_LOGIN_FAILURE_LIMIT`` (5) failed logins for one username from one address lock that
  pair out for ``RDCL_LOGIN_COOLOFF_MINUTES`` (15) (django-axes); each failure is audited.
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
from datetime import timedelta
from pathlib import Path

from django.core.management.utils import get_random_secret_key

from config import database
from config import state as _state
from config.keys import key_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RDCL_VAR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("SECRET_KEY") or key_file(VAR_DIR / "secret.key", get_random_secret_key)
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
RDCL_TRUSTED_PROXIES = [a.strip() for a in os.environ.get("RDCL_TRUSTED_PROXIES", "").split(",") if a.strip()]
RDCL_HTTPS = os.environ.get("RDCL_HTTPS", "0") == "1"
if RDCL_HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("RDCL_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True  # the header's flag only; a listing needs a submission to hstspreload.org
    if RDCL_TRUSTED_PROXIES:  # a TLS-terminating proxy says the scheme (it must set or strip the header)
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rdcl",
    "nfvo",
]
MIDDLEWARE = [
    "nfvo.metrics.HttpMetricsMiddleware",  # first: times the whole answer (rdcl_http_request_duration_seconds)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files with DEBUG off, no web server needed
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # the lockout answer (429) for a locked-out login
]
MIDDLEWARE += ["config.parsers.ParseBudgetMiddleware"]  # one budget of parsed YAML nodes per request
ROOT_URLCONF = "config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nfvo.context_processors.console",
            ]
        },
    }
]
WSGI_APPLICATION = "config.wsgi.application"


DATABASES = {"default": database.from_url(os.environ.get("DATABASE_URL"), VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves `collectstatic` output from here when there is some
WHITENOISE_USE_FINDERS = True  # and the app and frontend folders directly, without `collectstatic`
WHITENOISE_AUTOREFRESH = DEBUG
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes: failed logins counted per (username, client address); the address is
# nfvo.client_ip's (X-Forwarded-For only from RDCL_TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("RDCL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("RDCL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "nfvo.client_ip.client_ip"
AXES_VERBOSE = False
SPECTACULAR_SETTINGS = {
    "TITLE": "rdcl-nfvo API",
    "DESCRIPTION": "Sites, catalogue, orders, service instances, jobs and their events.",
    "VERSION": "1.0",
    "SWAGGER_UI_DIST": "SIDECAR",  # served by the app: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.openapi.error_responses"],
    # One name per choice set that several fields share (otherwise generated hash names).
    "ENUM_NAME_OVERRIDES": {
        "RunModeEnum": "nfvo.models.Job.MODES",
        "ShareModeEnum": "rdcl.models.ProjectShare.MODES",
        "JobStatusEnum": "nfvo.models.Job.STATUSES",
        "OrderStatusEnum": "nfvo.models.Order.STATUSES",
        "PublicationStatusEnum": "nfvo.models.Publication.STATUSES",
    },
}

REST_FRAMEWORK = {
    # Token (automation: `Authorization: Token <key>`; first, so a request without
    # credentials gets 401 and `WWW-Authenticate: Token`) and session (the GUI, with CSRF);
    # no HTTP Basic: a password sent with every request.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # every error an RFC 9457 problem details body (application/problem+json)
    "EXCEPTION_HANDLER": "config.problems.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "config.pagination.Pagination",  # limit capped at 1000
    "PAGE_SIZE": 100,
    # JSON bodies held to size, depth and Unicode limits (config/parsers.py)
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
#: Largest JSON request body the API reads (413 above it). Each YAML/JSON document a user
#: supplies is also held to RDCL_PARSE_MAX_BYTES / _DEPTH / _ALIASES / _NODES, and a request's
#: documents together to RDCL_PARSE_MAX_REQUEST_NODES (environment variables read by
#: translators/limits.py; defaults 5 MiB, 64, 1000, 1,000,000, 5,000,000).
RDCL_API_MAX_JSON_BYTES = int(os.environ.get("RDCL_API_MAX_JSON_BYTES", 16 * 1024 * 1024))

# Celery: Redis when REDIS_URL is set, otherwise an embedded broker on disk.
# REDIS_URL: redis://[:password@]host:port/db (rediss:// for TLS), or Sentinel:
# sentinel://[:password@]host1:26379/db;sentinel://host2:26379/db with RDCL_BROKER_MASTER_NAME
# (the monitored master's name; kombu's sentinel transport asks the sentinels where it is now)
# and RDCL_BROKER_SENTINEL_PASSWORD when the sentinels themselves need one.
# RDCL_BROKER_VISIBILITY_TIMEOUT (s, default 7200): a job a worker took but did not acknowledge
# (it died) is delivered again after this long; keep it above the longest item timeout
# (a redelivered job never runs twice: nfvo.runner.claim).
REDIS_URL = os.environ.get("REDIS_URL", "")


def _broker_options() -> dict:
    options: dict = {"visibility_timeout": float(os.environ.get("RDCL_BROKER_VISIBILITY_TIMEOUT", "7200"))}
    if os.environ.get("RDCL_BROKER_MASTER_NAME"):
        options["master_name"] = os.environ["RDCL_BROKER_MASTER_NAME"]
    if os.environ.get("RDCL_BROKER_SENTINEL_PASSWORD"):
        options["sentinel_kwargs"] = {"password": os.environ["RDCL_BROKER_SENTINEL_PASSWORD"]}
    return options


BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    _broker_options()
    if REDIS_URL
    else {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.1,
    }
)
if not REDIS_URL:
    for key in ("data_folder_in", "control_folder"):
        Path(str(CELERY_BROKER_TRANSPORT_OPTIONS[key])).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("RDCL_QUEUE", "jobs")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fix-up closes every database connection before and after each task unless
# CELERY_DB_REUSE_MAX is set: a new PostgreSQL connection per job, ~20 ms of every pickup.
# With it set, the fix-up closes them only every that many tasks, and nfvo.tasks closes a
# connection around each task the way Django does around each request: when it is older than
# RDCL_DB_CONN_MAX_AGE or unusable (so RDCL_DB_CONN_MAX_AGE=0 still means one per task).
CELERY_DB_REUSE_MAX = 1000

# rdcl-nfvo
RDCL_GIT_REMOTE = os.environ.get("RDCL_GIT_REMOTE", str(VAR_DIR / "git" / "services.git"))
RDCL_GIT_WORKDIR = Path(os.environ.get("RDCL_GIT_WORKDIR", VAR_DIR / "git" / "work"))
RDCL_GIT_ALLOWED_REMOTES = [e.strip() for e in os.environ.get("RDCL_GIT_ALLOWED_REMOTES", "").split(",") if e.strip()]
RDCL_JOBS_DIR = Path(os.environ.get("RDCL_JOBS_DIR", VAR_DIR / "jobs"))
# Kinds of catalogue items (nfvo.kinds): the ItemKind classes, by dotted path; an item's kind
# is one of their names (playbooks, service, openshift).
RDCL_ITEM_KINDS = ["nfvo.kinds.ItemKind", "nfvo.kinds.ServiceKind", "nfvo.openshift.kind.OpenShiftKind"]
RDCL_FERNET_KEY = os.environ.get("RDCL_FERNET_KEY", "")
RDCL_FERNET_KEY_FILE = os.environ.get("RDCL_FERNET_KEY_FILE", "")  # nfvo.secrets
# State is private (issue 10): umask 077 for this process, 0700/0600 on what exists (config/state.py).
_state.restrict(
    VAR_DIR,
    files=[Path(DATABASES["default"]["NAME"])] if "sqlite" in DATABASES["default"]["ENGINE"] else [],
    folders=[RDCL_JOBS_DIR],
)
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
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}

# RDCL_LOG_FORMAT=json: one JSON object per record on stderr (python-json-logger), for log
# shippers; Celery then leaves the root logger to this configuration.
RDCL_LOG_FORMAT = os.environ.get("RDCL_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if RDCL_LOG_FORMAT == "json" else {})}
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"nfvo": {"level": "INFO"}},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = RDCL_LOG_FORMAT != "json"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
