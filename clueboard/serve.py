"""`make serve`: the production profile. Refuses, checks, migrates, collects static files, then starts
the processes of `Procfile.production` (gunicorn, the evaluation worker, the chain worker, beat) with
honcho.

Usage: `python -m clueboard.serve [PROCESS ...]` (every process of the Procfile when none is named).

It refuses (exit status 2, nothing started, nothing written) when a variable production needs is missing,
names a development default, or would make the processes of one site disagree (SQLite, a broker that is
a local folder); the message names each variable and what it is for. `make run` and `make test` never
come here: development keeps its defaults.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from clueboard.production_guard import (
    WELL_KNOWN_DEVELOPMENT_ADDRESSES,
    refuse_development_chain_key,
    refuse_development_secret_key,
)

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "Procfile.production"
REFUSED = 2

# What production cannot run without, and why; the settings have no default for any of them.
REQUIRED = {
    "SECRET_KEY": "signs sessions and tokens (a long random string of this site's own)",
    "ALLOWED_HOSTS": "the host names the site answers to, comma-separated",
    "DATABASE_URL": "PostgreSQL shared by web and workers, e.g. postgres://clueboard@db:5432/clueboard",
    "CELERY_BROKER_URL": "the broker shared by web and workers, e.g. redis://127.0.0.1:6379/0",
    "CACHE_URL": "the cache every web process counts rate limits in, e.g. redis://127.0.0.1:6379/1",
    "CHAIN_RPC_URL": "the chain node's JSON-RPC URL",
    "CHAIN_ID": "the chain id that node must serve (nothing is signed for another chain)",
    "EVALUATOR_PRIVATE_KEY": "signs score attestations (the evaluation worker)",
    "RELAYER_PRIVATE_KEY": "pays the gas of relayed ballots, claims, commitments and attestations",
    "GUARDIAN_ADDRESS": "the guardian multisig of the deployment",
}
SCHEMES = {
    "DATABASE_URL": ("postgres", "postgresql", "pgsql", "postgis"),
    "CELERY_BROKER_URL": ("redis", "rediss", "amqp", "amqps", "pyamqp"),
    "CACHE_URL": ("redis", "rediss", "rediscache", "memcache", "pymemcache"),
}
CHAIN_KEYS = (
    "DEPLOYER_PRIVATE_KEY",
    "RELAYER_PRIVATE_KEY",
    "PROPOSER_PRIVATE_KEY",
    "EVALUATOR_PRIVATE_KEY",
    "EVALUATOR_PRIVATE_KEYS",
)
TRUTHY = {"1", "true", "yes", "on", "y", "t"}


def production_refusals(environment: Mapping[str, str]) -> list[str]:
    """Every reason the environment cannot run production, one line each; empty when it can."""
    reasons = []
    if environment.get("DEBUG", "").strip().lower() in TRUTHY:
        reasons.append("DEBUG is on: `make serve` is production (unset DEBUG); `make run` is the demo.")
    for name, purpose in REQUIRED.items():
        if not environment.get(name, "").strip():
            reasons.append(f"{name} is not set: {purpose}.")
    for name, schemes in SCHEMES.items():
        scheme = urlsplit(environment.get(name, "")).scheme
        if scheme and scheme not in schemes:
            reasons.append(f"{name} uses {scheme}://; production needs one of {', '.join(schemes)}.")
    return reasons + _development_keys(environment)


def _development_keys(environment: Mapping[str, str]) -> list[str]:
    # The same rules as the settings' (clueboard/production_guard.py), checked here so that every refusal
    # is one line of this list rather than a traceback.
    reasons = []
    keys = [(name, key.strip()) for name in CHAIN_KEYS for key in environment.get(name, "").split(",")]
    for name, key in keys:
        try:
            refuse_development_chain_key(name, key)
        except ImproperlyConfigured as refusal:
            reasons.append(str(refusal))
    try:
        refuse_development_secret_key(environment.get("SECRET_KEY", ""))
    except ImproperlyConfigured as refusal:
        reasons.insert(0, str(refusal))
    if environment.get("GUARDIAN_ADDRESS", "").strip().lower() in WELL_KNOWN_DEVELOPMENT_ADDRESSES:
        reasons.append("GUARDIAN_ADDRESS is a public development account; production needs its own.")
    return reasons


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `manage.py` with this interpreter in the project folder, its output captured."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def prepare() -> str | None:
    """The deployment checks, migrations and static files; the refusal's text when a step fails."""
    steps = (
        ("check --deploy", ("check", "--deploy", "--fail-level", "WARNING")),
        ("migrate", ("migrate", "--noinput")),
        ("collectstatic", ("collectstatic", "--noinput", "--verbosity", "0")),
    )
    for label, args in steps:
        print(f"serve: {label}", flush=True)
        result = manage(*args)
        if result.returncode != 0:
            return f"`manage.py {label}` failed:\n{(result.stdout + result.stderr).strip()}"
    return None


def main(argv: Sequence[str]) -> int:
    """Refuse or prepare, then replace this process with honcho running the named processes."""
    environ.Env.read_env(ROOT / ".env", overwrite=False)  # as the settings read it
    reasons = production_refusals(os.environ)
    if reasons:
        print(
            "serve: refusing to start production:", *(f"  - {r}" for r in reasons), sep="\n", file=sys.stderr
        )
        print("serve: see .env.example and README.md, 'Running in production'.", file=sys.stderr)
        return REFUSED
    failure = prepare()
    if failure is not None:
        print(f"serve: refusing to start production: {failure}", file=sys.stderr)
        return REFUSED
    honcho = str(Path(sys.executable).parent / "honcho")
    command = [honcho, "--no-colour", "-f", str(PROCFILE), "-d", str(ROOT), "start", *argv]
    print(f"serve: starting {', '.join(argv) or 'every process of Procfile.production'}", flush=True)
    # exec: honcho gets the signals (Ctrl-C, SIGTERM) and stops its processes with them.
    os.execv(honcho, command)  # noqa: S606 - a fixed program and arguments, no shell
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
