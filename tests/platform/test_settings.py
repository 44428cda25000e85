"""Production settings pass Django's deployment checks; development needs no settings at all."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from eth_account import Account

from clueboard.production_guard import (
    DEVELOPMENT_DEPLOYER_KEY,
    DEVELOPMENT_EVALUATOR_KEY,
    DEVELOPMENT_GUARDIAN_ADDRESS,
    DEVELOPMENT_PROPOSER_KEY,
    DEVELOPMENT_RELAYER_KEY,
    DEVELOPMENT_SECRET_KEY,
    WELL_KNOWN_DEVELOPMENT_ADDRESSES,
)
from governance.chain.anvil import DEV_MNEMONIC

ROOT = Path(__file__).resolve().parents[2]
CHAIN_SETTINGS = (
    "CHAIN_RPC_URL",
    "DEPLOYER_PRIVATE_KEY",
    "RELAYER_PRIVATE_KEY",
    "PROPOSER_PRIVATE_KEY",
    "EVALUATOR_PRIVATE_KEYS",
    "GUARDIAN_ADDRESS",
)


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "EVALUATOR_PRIVATE_KEY",
            "EMAIL_BACKEND",
            # Set while a browser test's Playwright loop lives in this process; production never has it.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            *CHAIN_SETTINGS,
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, "VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="clueboard.example.org",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_while_email_goes_nowhere(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode != 0
    assert "accounts.W001" in result.stderr and "no new account can confirm its address" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", DEBUG="false", ALLOWED_HOSTS="clueboard.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def production_env(**overrides: str) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "clueboard.example.org",
        **overrides,
    }


def test_debug_is_off_unless_asked_for(tmp_path: Path) -> None:
    """Without DEBUG set, the platform is in production mode: it wants its own secret key."""
    result = run_manage(tmp_path, "check", ALLOWED_HOSTS="clueboard.example.org")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_secret_key(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", **production_env(SECRET_KEY=DEVELOPMENT_SECRET_KEY))

    assert result.returncode != 0
    assert "SECRET_KEY is the public development key" in result.stderr


def test_production_refuses_a_well_known_evaluator_key(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", **production_env(EVALUATOR_PRIVATE_KEY=DEVELOPMENT_EVALUATOR_KEY))

    assert result.returncode != 0
    assert "EVALUATOR_PRIVATE_KEY is a public development key" in result.stderr


def test_production_starts_with_keys_of_its_own(tmp_path: Path) -> None:
    result = run_manage(
        tmp_path, "check", **production_env(EVALUATOR_PRIVATE_KEY="0x" + secrets.token_hex(32))
    )

    assert result.returncode == 0, result.stderr


def test_the_refused_addresses_are_anvils_development_accounts() -> None:
    Account.enable_unaudited_hdwallet_features()
    derived = {
        Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}").address.lower()
        for index in range(20)
    }

    assert derived == WELL_KNOWN_DEVELOPMENT_ADDRESSES
    assert Account.from_key(DEVELOPMENT_EVALUATOR_KEY).address.lower() in derived


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("DEPLOYER_PRIVATE_KEY", DEVELOPMENT_DEPLOYER_KEY),
        ("RELAYER_PRIVATE_KEY", DEVELOPMENT_RELAYER_KEY),
        ("PROPOSER_PRIVATE_KEY", DEVELOPMENT_PROPOSER_KEY),
        # One public key among the evaluators' is enough to forge an m-of-n attestation's share.
        ("EVALUATOR_PRIVATE_KEYS", f"0x{'ab' * 32},{DEVELOPMENT_EVALUATOR_KEY}"),
    ],
)
def test_production_refuses_each_well_known_chain_key(tmp_path: Path, setting: str, value: str) -> None:
    result = run_manage(tmp_path, "check", **production_env(**{setting: value}))

    assert result.returncode != 0
    assert f"{setting} is a public development key" in result.stderr


def test_production_refuses_a_development_guardian(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", **production_env(GUARDIAN_ADDRESS=DEVELOPMENT_GUARDIAN_ADDRESS))

    assert result.returncode != 0
    assert "GUARDIAN_ADDRESS is a public development account" in result.stderr


def test_production_has_no_chain_keys_unless_given(tmp_path: Path) -> None:
    shown = "from django.conf import settings as s; print(repr((s.DEPLOYER_PRIVATE_KEY, s.RELAYER_PRIVATE_KEY, s.PROPOSER_PRIVATE_KEY, s.EVALUATOR_PRIVATE_KEYS, s.GUARDIAN_ADDRESS, s.CHAIN_RPC_URL)))"
    result = run_manage(tmp_path, "shell", "-c", shown, **production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "('', '', '', [], '', '')"
