"""The standalone verifier, run as its own process against a live test server and anvil: it reaches the
same verdicts as the platform's service, from public data only, and imports no Django."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from governance.services.verification import clue_verify, submission_verify
from tests.governance.test_verification import forge_signature, swap_proof, tamper_model_file
from tests.governance.trust_support import chain_settings, deployment_row, trust_chain
from tests.governance.verification_support import HonestWorld, honest

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["chain_settings", "deployment_row", "honest", "trust_chain"]  # fixtures used by name

SCRIPT = Path(__file__).resolve().parents[2] / "verifier" / "verify_clueboard.py"
ALLOWED_IMPORTS = {"argparse", "hashlib", "json", "sys", "urllib", "collections", "dataclasses", "typing"}
ALLOWED_IMPORTS |= {"__future__", "eth_account", "web3"}


def run_script(
    world: HonestWorld, server_url: str, kind: str, pk: int, *extra: str
) -> tuple[int, dict[str, Any]]:
    command = [sys.executable, str(SCRIPT), "--site", server_url, "--rpc", world.chain.anvil.rpc_url]
    command += [*extra, "--json", kind, str(pk)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    return done.returncode, json.loads(done.stdout)


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    return {check["key"]: check["outcome"] for check in report["checks"]}


def test_the_script_imports_only_the_standard_library_and_web3() -> None:
    tree = ast.parse(SCRIPT.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= ALLOWED_IMPORTS and "django" not in imported


def test_everything_holds_for_honest_work_as_the_service_says(honest: HonestWorld, live_server: Any) -> None:
    status, report = run_script(honest, live_server.url, "submission", honest.submission.pk)

    service = submission_verify(submission=honest.submission)
    assert status == 0 and report["holds"] is True
    assert verdicts(report) == {check.key: check.outcome.value for check in service.checks}
    assert set(verdicts(report).values()) == {"holds"}

    status, clue_report = run_script(honest, live_server.url, "clue", honest.clue.pk)
    assert status == 0
    assert verdicts(clue_report) == {c.key: c.outcome.value for c in clue_verify(clue=honest.clue).checks}


@pytest.mark.parametrize(
    ("tamper", "caught_by"),
    [
        (tamper_model_file, ["file:model:0", "content_hash"]),
        (swap_proof, ["inclusion_proof"]),
        (forge_signature, ["signatures"]),
    ],
)
def test_the_script_catches_each_tampering(
    honest: HonestWorld, live_server: Any, tamper: object, caught_by: list[str]
) -> None:
    tamper(honest)  # type: ignore[operator]

    status, report = run_script(honest, live_server.url, "submission", honest.submission.pk)

    assert status == 1 and report["holds"] is False
    assert [key for key, outcome in verdicts(report).items() if outcome == "does not hold"] == caught_by


def test_a_site_naming_another_escrow_than_the_pinned_one_is_not_believed(
    honest: HonestWorld, live_server: Any
) -> None:
    pinned = honest.chain.deployment.token  # any other address than the escrow

    status, report = run_script(
        honest, live_server.url, "submission", honest.submission.pk, "--escrow", pinned
    )

    assert status == 1
    assert [k for k, v in verdicts(report).items() if v == "does not hold"] == [
        "root_on_chain",
        "results_hash",
        "ranked",
        "signatures",
    ]
