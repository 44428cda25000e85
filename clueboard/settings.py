"""Clueboard settings, read from environment variables (12-factor).

Development defaults need no servers: SQLite, files on local disk, email to the console.
Production (DEBUG=false) refuses to start without a SECRET_KEY and ALLOWED_HOSTS.
Every variable is listed with a one-line comment in `.env.example`.
"""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from clueboard.production_guard import (
    DEVELOPMENT_DEPLOYER_KEY,
    DEVELOPMENT_EVALUATOR_KEY,
    DEVELOPMENT_GUARDIAN_ADDRESS,
    DEVELOPMENT_PROPOSER_KEY,
    DEVELOPMENT_RELAYER_KEY,
    DEVELOPMENT_SECRET_KEY,
    WELL_KNOWN_DEVELOPMENT_ADDRESSES,
    refuse_development_chain_key,
    refuse_development_evaluator_key,
    refuse_development_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Safe by default: development mode (debug pages, development keys) only when asked for; `make run` and
# the test suite ask for it.
DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    # Production secrets have no defaults: a missing one stops the process here.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    refuse_development_secret_key(SECRET_KEY)

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
    "allauth",
    "allauth.account",
    "accounts",
    "bounties",
    "evaluation",
    "governance",
    "activity",
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
    "allauth.account.middleware.AccountMiddleware",
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
                "governance.context_processors.chain_status",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clueboard.sqlite3'}")}
# No ATOMIC_REQUESTS: a request-wide transaction would be open while a slow upload trickles in, and on
# SQLite that transaction holds the database's write lock, stalling every other page. Multi-step writes
# are atomic in their services instead, and uploads are read before any transaction begins.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Concurrent writers wait for the lock instead of failing at once.
    sqlite_options["timeout"] = 20
    # A write transaction takes the lock when it begins, so web and workers queue instead of deadlocking
    # on a lock upgrade; reads run outside transactions and never take it.
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    # Write-ahead log: readers go on while a writer commits.
    sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    # A file, not memory, so that worker processes started by integration tests share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# Rate limits (sign-up, log-in, API) count in this cache: per process by default, shared with Redis in
# production (e.g. CACHE_URL=redis://127.0.0.1:6379/1) so that every web process counts together.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Seconds a page is kept for readers who are not signed in (clueboard/reader_pages.py): the challenge
# page, the API leaderboard, profiles. A landed score shows at once; other changes within this. 0: never.
READER_PAGE_SECONDS = env.float("READER_PAGE_SECONDS", default=15.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the admin's log-in
    "allauth.account.auth_backends.AuthenticationBackend",  # the site's: username or email
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "bounties:challenge-list"
ACCOUNT_LOGOUT_REDIRECT_URL = "bounties:challenge-list"

# Accounts (django-allauth): a verified email address before any submission or clue, and sign-up that
# answers the same whether or not an address is known (the owner of a known one gets an email instead).
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link preview must not confirm an address: the page asks for a click
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Clueboard] "
ACCOUNT_RATE_LIMITS = {
    "signup": env.str("RATE_LIMIT_SIGNUP", default="10/h/ip"),
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "api_token": env.str("RATE_LIMIT_API_TOKEN", default="5/m/user"),
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Clueboard <noreply@clueboard.invalid>")

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
# One file's unpacked size, and the most a file or the archive may be compressed (zip bombs), in a source archive.
MAX_SOURCE_ENTRY_BYTES = env.int("MAX_SOURCE_ENTRY_BYTES", default=50 * 1024 * 1024)
MAX_SOURCE_COMPRESSION_RATIO = env.int("MAX_SOURCE_COMPRESSION_RATIO", default=100)
# The most of one archived file the code browser reads, highlights or renders; bigger files are downloads.
MAX_SOURCE_VIEW_BYTES = env.int("MAX_SOURCE_VIEW_BYTES", default=2 * 1024 * 1024)
MAX_ATTACHMENT_BYTES = env.int("MAX_ATTACHMENT_BYTES", default=20 * 1024 * 1024)
MAX_HIDDEN_DATASET_BYTES = env.int("MAX_HIDDEN_DATASET_BYTES", default=2 * 1024 * 1024 * 1024)
# Stored files that no row uses (refused uploads, removed resources) are deleted after this long.
UNUSED_ARTIFACT_GRACE_SECONDS = env.int("UNUSED_ARTIFACT_GRACE_SECONDS", default=24 * 3600)
# Uploads above this size are streamed to a temporary file instead of held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The site's public address, for links in emails (digests are sent by workers, outside any request);
# production defaults to HTTPS on the first allowed host.
SITE_URL = env.str(
    "SITE_URL", default="http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)
# Seconds a feed item waits before a digest lists it: chain events reach the mirror a little after their
# block time, and a digest's cursor never goes back for them.
ACTIVITY_DIGEST_SETTLE_SECONDS = env.int("ACTIVITY_DIGEST_SETTLE_SECONDS", default=300)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The mail server of django.core.mail.backends.smtp.EmailBackend (production: `check --deploy` warns while
# the backend is a development one, since no new account could confirm its address).
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "clueboard.api_pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "clueboard.api_filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "clueboard.api_errors.exception_handler",
    # Per client, counted in CACHES: enough for scripts, not for scraping or guessing at speed.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_RATE_ANON", default="120/min"),
        "user": env.str("API_RATE_USER", default="600/min"),
    },
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "clueboard.api_schema.document_common_responses",
    ],
}

# ---- Celery: the default broker needs no server (a folder); Redis or RabbitMQ by URL. -------------
# Under pytest nothing reaches a broker unless CELERY_BROKER_URL says so: tests that need a real worker
# choose their broker themselves.
RUNNING_TESTS = "pytest" in sys.modules
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://" if RUNNING_TESTS else "filesystem://")
BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's folder transport, with messages written whole before a worker can see them.
    CELERY_BROKER_TRANSPORT = "clueboard.broker_folder:Transport"
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
# Chain work (outbox sends, syncs, the trust chain) has its own small worker (Procfile `chainworker`):
# on the evaluation worker it would wait behind an evaluation that takes minutes.
CELERY_TASK_ROUTES = {"governance.*": {"queue": "chain"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Task modules outside an app's tasks.py (autodiscovery finds only those).
CELERY_IMPORTS = ("governance.indexer.tasks", "governance.tasks_commitments")
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-evaluations": {
        "task": "evaluation.tasks.requeue_stalled_evaluations",
        "schedule": env.float("EVAL_REAPER_INTERVAL", default=15.0),
    },
    "remove-unused-artifacts": {"task": "bounties.tasks.remove_unused_artifacts", "schedule": 3600.0},
    # Outbox rows whose send failed (chain down, not mined yet) are tried again once their backoff is over.
    "resend-outgoing-transactions": {
        "task": "governance.tasks.resend_outgoing_transactions",
        "schedule": env.float("OUTBOX_RESEND_INTERVAL", default=15.0),
    },
    "sync-chain": {
        "task": "governance.indexer.tasks.sync_chain",
        "schedule": env.float("CHAIN_SYNC_INTERVAL", default=4.0),
    },
    # The trust chain: challenge creations, escrow ids, frozen results and attestations move forward.
    "advance-trust-chain": {
        "task": "governance.tasks_commitments.advance_trust_chain",
        "schedule": env.float("TRUST_CHAIN_INTERVAL", default=60.0),
    },
    # A Merkle root of new submissions per challenge, committed to the escrow every few minutes.
    "commit-submission-batches": {
        "task": "governance.tasks_commitments.commit_submission_batches",
        "schedule": env.float("COMMITMENT_BATCH_INTERVAL", default=300.0),
    },
    # Watchers' email digests of their challenges' activity (daily by default).
    "send-activity-digests": {
        "task": "activity.tasks.send_activity_digests",
        "schedule": env.float("ACTIVITY_DIGEST_INTERVAL", default=24 * 3600.0),
    },
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
EVAL_DEVICE = env.str("EVAL_DEVICE", default="auto")  # auto: the GPU when torch sees one; or cuda, cpu
# Each job's fraction of the GPU's memory, so one submission cannot starve another sharing the card.
EVAL_GPU_MEMORY_FRACTION = env.float("EVAL_GPU_MEMORY_FRACTION", default=0.9)
# Parent cgroup (v2) of the per-job memory cgroups; empty: /sys/fs/cgroup/clueboard-eval when root.
EVAL_CGROUP_ROOT = env.str("EVAL_CGROUP_ROOT", default="")
# A GPU worker refuses the eval-gpu queue where no per-job memory cgroup can be made, unless this is set.
EVAL_GPU_WITHOUT_MEMORY_CGROUP = env.bool("EVAL_GPU_WITHOUT_MEMORY_CGROUP", default=False)
# Signs score attestations. Development falls back to anvil's public test key #9; production must set
# its own: a key anyone can look up would let anyone forge scores.
EVALUATOR_PRIVATE_KEY = env.str("EVALUATOR_PRIVATE_KEY", default=DEVELOPMENT_EVALUATOR_KEY if DEBUG else "")
if not DEBUG:
    refuse_development_evaluator_key(EVALUATOR_PRIVATE_KEY)
ATTESTATION_CHAIN_ID = env.int("ATTESTATION_CHAIN_ID", default=31337)

# ---- The chain ---------------------------------------------------------------------------------------
# The EVM node the platform reads and writes through (`make run` starts anvil here), and the chain id it
# must serve: nothing is signed for another chain.
CHAIN_RPC_URL = env.str("CHAIN_RPC_URL", default="http://127.0.0.1:8545" if DEBUG else "")
CHAIN_ID = env.int("CHAIN_ID", default=31337)
# Seconds a page waits for the node before it shows the mirror with a "chain unreachable" banner.
CHAIN_REQUEST_TIMEOUT = env.float("CHAIN_REQUEST_TIMEOUT", default=3.0)
# The indexer: blocks per eth_getLogs request, blocks behind the head it waits before reading (0 on
# anvil: it never reorganises by itself), and how many recent blocks each sync checks again for a reorg.
CHAIN_SYNC_BLOCK_RANGE = env.int("CHAIN_SYNC_BLOCK_RANGE", default=2000)
CHAIN_CONFIRMATIONS = env.int("CHAIN_CONFIRMATIONS", default=0)
CHAIN_REORG_WINDOW = env.int("CHAIN_REORG_WINDOW", default=64)
# The platform's keys on the chain. Development uses anvil's public accounts; production must set its
# own (refused below when DEBUG is off). The deployer only deploys; the relayer pays the gas of relayed
# ballots, claims, commitments and attestations; the proposer submits prize proposals for members.
DEPLOYER_PRIVATE_KEY = env.str("DEPLOYER_PRIVATE_KEY", default=DEVELOPMENT_DEPLOYER_KEY if DEBUG else "")
RELAYER_PRIVATE_KEY = env.str("RELAYER_PRIVATE_KEY", default=DEVELOPMENT_RELAYER_KEY if DEBUG else "")
PROPOSER_PRIVATE_KEY = env.str("PROPOSER_PRIVATE_KEY", default=DEVELOPMENT_PROPOSER_KEY if DEBUG else "")
# Comma-separated evaluator keys that sign results attestations (m-of-n); default: EVALUATOR_PRIVATE_KEY.
EVALUATOR_PRIVATE_KEYS = env.list(
    "EVALUATOR_PRIVATE_KEYS", default=[EVALUATOR_PRIVATE_KEY] if EVALUATOR_PRIVATE_KEY else []
)
# Seconds from a challenge's submission deadline to its escrow award deadline; must exceed the governance
# cycle (voting delay + period + late-quorum extension + timelock delay) or the escrow refuses the challenge.
ESCROW_AWARD_WINDOW_SECONDS = env.int("ESCROW_AWARD_WINDOW_SECONDS", default=30 * 24 * 3600)
# A multisig in production: it can pause claims and cancel a queued operation, never move funds.
GUARDIAN_ADDRESS = env.str("GUARDIAN_ADDRESS", default=DEVELOPMENT_GUARDIAN_ADDRESS if DEBUG else "")
# How long a send waits for its receipt before the row is re-checked later, and the retry backoff (doubling
# from the base up to the cap) while the chain is unreachable or the transaction is not mined.
OUTBOX_RECEIPT_TIMEOUT = env.float("OUTBOX_RECEIPT_TIMEOUT", default=30.0)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=15.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=600.0)
# Governance periods of a new deployment (`manage.py deploy_contracts`), in seconds. The defaults suit the
# local chain (minutes); production uses days (e.g. a 7-day vote, a 2-day timelock).
GOVERNANCE_VOTING_DELAY = env.int("GOVERNANCE_VOTING_DELAY", default=60)
GOVERNANCE_VOTING_PERIOD = env.int("GOVERNANCE_VOTING_PERIOD", default=600)
GOVERNANCE_LATE_QUORUM_EXTENSION = env.int("GOVERNANCE_LATE_QUORUM_EXTENSION", default=120)
GOVERNANCE_TIMELOCK_DELAY = env.int("GOVERNANCE_TIMELOCK_DELAY", default=120)
GOVERNANCE_EXECUTION_GRACE_PERIOD = env.int("GOVERNANCE_EXECUTION_GRACE_PERIOD", default=86_400)
# How many of EVALUATOR_PRIVATE_KEYS' evaluators must sign a results attestation.
EVALUATOR_THRESHOLD = env.int("EVALUATOR_THRESHOLD", default=1)
# Seconds the "chain unreachable" check is cached, and how long it waits for the node.
CHAIN_STATUS_CACHE_SECONDS = env.float("CHAIN_STATUS_CACHE_SECONDS", default=5.0)
CHAIN_STATUS_TIMEOUT = env.float("CHAIN_STATUS_TIMEOUT", default=0.5)
if not DEBUG:
    for _setting, _key in (
        ("DEPLOYER_PRIVATE_KEY", DEPLOYER_PRIVATE_KEY),
        ("RELAYER_PRIVATE_KEY", RELAYER_PRIVATE_KEY),
        ("PROPOSER_PRIVATE_KEY", PROPOSER_PRIVATE_KEY),
        *(("EVALUATOR_PRIVATE_KEYS", key) for key in EVALUATOR_PRIVATE_KEYS),
    ):
        refuse_development_chain_key(_setting, _key)
    # Anyone holds the development accounts' keys: such a guardian could pause every payout.
    if GUARDIAN_ADDRESS.lower() in WELL_KNOWN_DEVELOPMENT_ADDRESSES:
        raise ImproperlyConfigured(
            "GUARDIAN_ADDRESS is a public development account; production needs its own."
        )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    # HTTPS in production, each setting tunable from the environment; the defaults are the strict ones
    # that `manage.py check --deploy` asks for.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The TLS-terminating proxy in front of gunicorn says which scheme the client used in this header; it
    # must set (overwrite) it on every request, and gunicorn must be reachable only through it. Empty
    # trusts no header (gunicorn serving TLS itself).
    _proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO")
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Deployment checks a site has answered otherwise, e.g. security.W008 where the proxy redirects to HTTPS
# itself; `make serve` starts only when `check --deploy` is clean, so each one is silenced by name.
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
