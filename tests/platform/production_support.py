"""The production profile's environment for tests: fresh secrets and keys, PostgreSQL db `prod`, Redis db 10."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/prod"
SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"  # to make db `prod` where it is missing
REDIS_URL = "redis://127.0.0.1:6379/10"
# Nothing listens here: the site runs with its "chain unreachable" banner.
DEAD_RPC_URL = "http://127.0.0.1:9"


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Everything `make serve` needs, and nothing of the test run's own settings (pytest-env's DEBUG)."""
    inherited = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    return {
        **inherited,
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "CHAIN_RPC_URL": DEAD_RPC_URL,
        "CHAIN_ID": "31337",
        "EVALUATOR_PRIVATE_KEY": "0x" + secrets.token_hex(32),
        "RELAYER_PRIVATE_KEY": "0x" + secrets.token_hex(32),
        "PROPOSER_PRIVATE_KEY": "0x" + secrets.token_hex(32),
        "GUARDIAN_ADDRESS": "0x" + secrets.token_hex(20),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        **overrides,
    }


def without(environment: dict[str, str], *names: str) -> dict[str, str]:
    return {name: value for name, value in environment.items() if name not in names}


def run_serve(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The launcher of `make serve`, as make runs it (only for refusals: it would not return otherwise)."""
    return subprocess.run(
        [sys.executable, "-m", "clueboard.serve", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def unreachable_services() -> str | None:
    """Why PostgreSQL or Redis cannot be used here, or None when both answer (db `prod` made if missing)."""
    import psycopg
    import redis

    try:
        with psycopg.connect(SERVER_URL, connect_timeout=3, autocommit=True) as server:
            if server.execute("SELECT 1 FROM pg_database WHERE datname = 'prod'").fetchone() is None:
                server.execute("CREATE DATABASE prod")
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {SERVER_URL}: {error}"
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {REDIS_URL}: {error}"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def launched(environment: dict[str, str], log: Path, *processes: str) -> Iterator[subprocess.Popen[bytes]]:
    """`make serve`'s launcher running `processes`, its output in `log`; stopped (SIGTERM) on exit."""
    with log.open("w") as output:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "clueboard.serve", *processes],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: honcho and what it started stop with it
        )
        try:
            yield launcher
        finally:
            os.killpg(launcher.pid, signal.SIGTERM)
            launcher.wait(timeout=60)


def wait_for(
    launcher: subprocess.Popen[bytes], log: Path, done: Callable[[str], bool], seconds: float
) -> None:
    """Wait until `done(log text)`; fails the test with the log when the launcher ends or time runs out."""
    deadline = time.monotonic() + seconds
    while not done(log.read_text()):
        if launcher.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the production profile did not get there:\n{log.read_text()}")
        time.sleep(0.5)
