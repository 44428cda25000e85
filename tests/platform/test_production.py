"""The production profile (`make serve`): deployment checks, its refusals, and gunicorn serving for real."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from clueboard.production_guard import DEVELOPMENT_EVALUATOR_KEY, DEVELOPMENT_SECRET_KEY
from tests.platform.production_support import (
    REDIS_URL,
    ROOT,
    free_port,
    launched,
    listening,
    production_env,
    run_serve,
    unreachable_services,
    wait_for,
    without,
)

HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of gunicorn says it
HASHED_CSS = re.compile(r"/static/css/clueboard\.[0-9a-f]{12}\.css")


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_profiles_environment(tmp_path: Path) -> None:
    result = check_deploy(production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_serve_refuses_without_a_secret_key_and_starts_nothing(tmp_path: Path) -> None:
    result = run_serve(without(production_env(tmp_path), "SECRET_KEY"))

    assert result.returncode == 2
    assert "serve: refusing to start production:\n  - SECRET_KEY is not set:" in result.stderr
    assert "serve: check --deploy" not in result.stdout  # no step ran: nothing migrated, nothing collected
    assert not (tmp_path / "static").exists()


def test_serve_refuses_the_development_keys(tmp_path: Path) -> None:
    environment = production_env(
        tmp_path, SECRET_KEY=DEVELOPMENT_SECRET_KEY, EVALUATOR_PRIVATE_KEY=DEVELOPMENT_EVALUATOR_KEY
    )
    result = run_serve(environment)

    assert result.returncode == 2
    assert "  - SECRET_KEY is the public development key" in result.stderr
    assert "  - EVALUATOR_PRIVATE_KEY is a public development key" in result.stderr
    assert "serve: check --deploy" not in result.stdout


@pytest.mark.parametrize(
    ("override", "refusal"),
    [
        ({"DEBUG": "true"}, "DEBUG is on: `make serve` is production"),
        (
            {"DATABASE_URL": "sqlite:////tmp/x.sqlite3"},
            "DATABASE_URL uses sqlite://; production needs one of",
        ),
        ({"CELERY_BROKER_URL": "filesystem://"}, "CELERY_BROKER_URL uses filesystem://; production needs"),
    ],
)
def test_serve_refuses_development_modes(tmp_path: Path, override: dict[str, str], refusal: str) -> None:
    result = run_serve(production_env(tmp_path, **override))

    assert result.returncode == 2
    assert refusal in result.stderr


def test_serve_lists_every_missing_variable_at_once(tmp_path: Path) -> None:
    result = run_serve(
        without(production_env(tmp_path), "RELAYER_PRIVATE_KEY", "GUARDIAN_ADDRESS", "CACHE_URL")
    )

    assert result.returncode == 2
    missing = re.findall(r"  - (\w+) is not set", result.stderr)
    assert missing == ["CACHE_URL", "RELAYER_PRIVATE_KEY", "GUARDIAN_ADDRESS"]


@pytest.fixture
def services() -> Iterator[redis.Redis]:
    """PostgreSQL db `prod` and Redis db 10, emptied of an earlier run's messages and rate-limit counts."""
    reason = unreachable_services()
    if reason is not None and os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    if reason is not None:
        pytest.skip(reason)
    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()
    yield broker
    broker.flushdb()


@pytest.fixture
def served(services: redis.Redis, tmp_path: Path) -> Iterator[str]:
    """`make serve`'s launcher running gunicorn (the `web` process) against PostgreSQL and Redis."""
    port, log = free_port(), tmp_path / "serve.log"
    environment = production_env(tmp_path, WEB_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
    with launched(environment, log, "web") as launcher:
        # check --deploy, migrate and collectstatic run first
        wait_for(launcher, log, lambda _: listening(port), seconds=180)
        yield f"http://127.0.0.1:{port}"
    output = log.read_text()
    assert "Shutting down: Master" in output and "web.1 stopped" in output, output
    assert not listening(port)


def test_the_production_profile_serves_pages_static_files_and_the_api(served: str) -> None:
    plain = requests.get(f"{served}/", allow_redirects=False, timeout=30)
    assert (plain.status_code, plain.headers["Location"]) == (301, f"https://{served[7:]}/")

    home = requests.get(f"{served}/", headers=HTTPS, timeout=30)
    assert home.status_code == 200
    assert "<h1>Challenges</h1>" in home.text and "The chain is unreachable" in home.text
    assert home.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert home.headers["X-Frame-Options"] == "DENY"
    assert home.headers["Referrer-Policy"] == "same-origin"
    assert home.headers["Cross-Origin-Opener-Policy"] == "same-origin"

    stylesheet = HASHED_CSS.search(home.text)
    assert stylesheet is not None, home.text
    css = requests.get(
        f"{served}{stylesheet.group()}", headers={**HTTPS, "Accept-Encoding": "gzip"}, timeout=30
    )
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert css.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert css.headers["Content-Encoding"] == "gzip"  # whitenoise's compressed copy made by collectstatic

    challenges = requests.get(f"{served}/api/v1/challenges/", headers=HTTPS, timeout=30)
    assert challenges.status_code == 200
    assert challenges.json()["results"] == []
    schema = requests.get(f"{served}/api/v1/schema/", headers=HTTPS, timeout=30)
    assert schema.status_code == 200 and schema.text.startswith("openapi: 3.")


def test_production_pages_show_no_debug_detail_and_cookies_are_secure(served: str) -> None:
    missing = requests.get(f"{served}/no-such-page/", headers=HTTPS, timeout=30)
    assert missing.status_code == 404
    assert "DEBUG = True" not in missing.text and "URLconf" not in missing.text

    login = requests.get(f"{served}/accounts/login/", headers=HTTPS, timeout=30)
    assert login.status_code == 200
    csrf_cookie = next(cookie for cookie in login.cookies if cookie.name == "csrftoken")
    assert csrf_cookie.secure


def test_the_production_profiles_workers_take_their_queues_from_one_beat(
    services: redis.Redis, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    environment = production_env(tmp_path, EVAL_REAPER_INTERVAL="2", CHAIN_SYNC_INTERVAL="2")
    reaped = re.compile(r"evaluation\.1 .*evaluation\.tasks\.requeue_stalled_evaluations\[.*\] succeeded")
    synced = re.compile(r"chainworker\.1 .*governance\.indexer\.tasks\.sync_chain\[.*\] succeeded")

    with launched(environment, log, "evaluation", "chainworker", "beat") as launcher:
        wait_for(launcher, log, lambda text: bool(reaped.search(text) and synced.search(text)), seconds=240)

    output = log.read_text()
    assert "evaluation worker consuming eval-cpu, default" in output or "consuming eval-gpu" in output
    assert output.count("beat: Starting...") == 1
    assert not re.search(r"chainworker\.1 .*requeue_stalled_evaluations\[.*\] received", output)
    assert not re.search(r"evaluation\.1 .*sync_chain\[.*\] received", output)
    for process in ("evaluation", "chainworker", "beat"):
        assert f"{process}.1 stopped" in output, output


def test_serve_refuses_a_deployment_warning_until_it_is_silenced_by_name(tmp_path: Path) -> None:
    refused = run_serve(production_env(tmp_path, SECURE_SSL_REDIRECT="false"))
    assert refused.returncode == 2
    assert "serve: refusing to start production: `manage.py check --deploy` failed:" in refused.stderr
    assert "security.W008" in refused.stderr

    silenced = check_deploy(
        production_env(tmp_path, SECURE_SSL_REDIRECT="false", SILENCED_SYSTEM_CHECKS="security.W008")
    )
    assert silenced.returncode == 0, silenced.stderr
    assert silenced.stdout.strip() == "System check identified no issues (1 silenced)."
