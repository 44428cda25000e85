"""Clueboard settings, read from environment variables (12-factor).

Development defaults need no servers: SQLite, files on local disk, email to the console.
Production (DEBUG=false) refuses to start without a SECRET_KEY and ALLOWED_HOSTS.
Every variable is listed with a one-line comment in `.env.example`.
"""

import os
import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    # Production secrets have no defaults: a missing one stops the process here.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Where everything the platform writes lives in development; each path can be moved on its own.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "bounties",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "clueboard.urls"
WSGI_APPLICATION = "clueboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clueboard.sqlite3'}")}
# Each request is one transaction: a failed multi-step write leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Writers take the lock when their transaction begins, so web and workers queue instead of failing.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # A file, not memory, so that worker processes started by integration tests share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "bounties:challenge-list"
LOGOUT_REDIRECT_URL = "bounties:challenge-list"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Browser libraries installed by npm (package.json); served as they ship, no build step.
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    # Uploaded files are never served by URL: every download goes through a view that checks permission.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "uploads")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Content-addressed store for submission files and clue attachments (downloads are permission-checked).
ARTIFACT_ROOT = Path(env.str("ARTIFACT_ROOT", default=str(VAR_DIR / "artifacts")))
# Hidden test sets: outside every served directory, read only by the evaluation workers.
HIDDEN_DATA_ROOT = Path(env.str("HIDDEN_DATA_ROOT", default=str(VAR_DIR / "hidden")))

MAX_MODEL_FILE_BYTES = env.int("MAX_MODEL_FILE_BYTES", default=200 * 1024 * 1024)
MAX_SOURCE_ARCHIVE_BYTES = env.int("MAX_SOURCE_ARCHIVE_BYTES", default=50 * 1024 * 1024)
# What a source archive may expand to once unpacked, and how many files it may hold (decompression bombs).
MAX_SOURCE_EXPANDED_BYTES = env.int("MAX_SOURCE_EXPANDED_BYTES", default=500 * 1024 * 1024)
MAX_SOURCE_ARCHIVE_MEMBERS = env.int("MAX_SOURCE_ARCHIVE_MEMBERS", default=20_000)
MAX_ATTACHMENT_BYTES = env.int("MAX_ATTACHMENT_BYTES", default=20 * 1024 * 1024)
MAX_HIDDEN_DATASET_BYTES = env.int("MAX_HIDDEN_DATASET_BYTES", default=2 * 1024 * 1024 * 1024)
# Stored files that no row uses (refused uploads, removed resources) are deleted after this long.
UNUSED_ARTIFACT_GRACE_SECONDS = env.int("UNUSED_ARTIFACT_GRACE_SECONDS", default=24 * 3600)
# Uploads above this size are streamed to a temporary file instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "clueboard.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clueboard API",
    "DESCRIPTION": "Challenges, leaderboards, submissions and clues of the Clueboard AI bounty platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI assets ship in a PyPI package, so the docs page needs no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# ---- Celery: the default broker needs no server (a folder); Redis or RabbitMQ by URL. -------------
# Under pytest nothing reaches a broker unless CELERY_BROKER_URL says so: tests that need a real worker
# choose their broker themselves.
RUNNING_TESTS = "pytest" in sys.modules
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://" if RUNNING_TESTS else "filesystem://")
BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    for _folder in ("queue", "processed", "control"):
        (BROKER_FOLDER / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
else:
    # Unacknowledged messages come back after this long; it must outlast the longest evaluation.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 3600)
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-evaluations": {
        "task": "evaluation.tasks.requeue_stalled_evaluations",
        "schedule": env.float("EVAL_REAPER_INTERVAL", default=15.0),
    },
    "remove-unused-artifacts": {"task": "bounties.tasks.remove_unused_artifacts", "schedule": 3600.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# ---- Evaluation workers ------------------------------------------------------------------------
EVAL_WORK_ROOT = Path(env.str("EVAL_WORK_ROOT", default=str(VAR_DIR / "eval")))
EVAL_MIN_ISOLATION = env.str("EVAL_MIN_ISOLATION", default="full")
EVAL_THREADS = env.int("EVAL_THREADS", default=0)  # 0: every core this process may use
EVAL_BATCH_SIZE = env.int("EVAL_BATCH_SIZE", default=256)
EVAL_HEARTBEAT_SECONDS = env.float("EVAL_HEARTBEAT_SECONDS", default=5.0)
EVAL_HEARTBEAT_TIMEOUT = env.float("EVAL_HEARTBEAT_TIMEOUT", default=60.0)
EVAL_MAX_ATTEMPTS = env.int("EVAL_MAX_ATTEMPTS", default=3)
# Signs score attestations. Development falls back to anvil's public test key #9; production must set it.
EVALUATOR_PRIVATE_KEY = env.str(
    "EVALUATOR_PRIVATE_KEY",
    default="0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6" if DEBUG else "",
)
ATTESTATION_CHAIN_ID = env.int("ATTESTATION_CHAIN_ID", default=31337)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
