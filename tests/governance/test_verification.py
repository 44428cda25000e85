"""Verifying a submission or clue: everything holds for honest work; a tampered file, a wrong proof and a
wrong signature are each caught, by the service and by `manage.py verify_submission`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from eth_typing import Hash32

from bounties.services.artifacts import artifact_path
from governance.chain.anvil import dev_accounts
from governance.models import ChallengeResults, SubmissionCommitment
from governance.services.verification import clue_verify, submission_verify
from governance.services.verification_report import Outcome, VerificationReport
from tests.governance.conftest import DEAD_RPC_URL
from tests.governance.trust_support import chain_settings, deployment_row, trust_chain
from tests.governance.verification_support import HonestWorld, honest

pytestmark = pytest.mark.django_db
__all__ = ["chain_settings", "deployment_row", "honest", "trust_chain"]  # fixtures used by name

SCRIPT = Path(__file__).resolve().parents[2] / "verifier" / "verify_clueboard.py"
SUBMISSION_CHECKS = [
    "file:model:0",
    "file:source:1",
    "content_hash",
    "inclusion_proof",
    "root_on_chain",
    "results_hash",
    "ranked",
    "signatures",
]


def outcomes(report: VerificationReport) -> dict[str, Outcome]:
    return {check.key: check.outcome for check in report.checks}


def failing(report: VerificationReport) -> list[str]:
    return [check.key for check in report.failures]


def run_command(*args: str) -> tuple[int, str]:
    """`verify_submission` as the shell runs it: its exit status and what it printed."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_submission", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def tamper_model_file(world: HonestWorld) -> None:
    artifact_path(world.submission.model_artifact).write_bytes(b"not the uploaded model")


def swap_proof(world: HonestWorld) -> None:
    """The submission keeps another member's proof: it no longer leads from its hash to the root."""
    other = SubmissionCommitment.objects.get(submission=world.other).proof
    SubmissionCommitment.objects.filter(submission=world.submission).update(proof=other)


def forge_signature(world: HonestWorld) -> None:
    """The first evaluator's signature replaced by an outsider's signature over other bytes."""
    results = ChallengeResults.objects.get(challenge=world.challenge)
    outsider = dev_accounts(20)[14]
    forged = outsider.unsafe_sign_hash(Hash32(b"\x11" * 32)).signature
    results.signatures = ["0x" + bytes(forged).hex(), *results.signatures[1:]]
    results.save(update_fields=["signatures"])


def test_everything_holds_for_an_honest_submission_and_clue(honest: HonestWorld) -> None:
    report = submission_verify(submission=honest.submission)

    assert [check.key for check in report.checks] == SUBMISSION_CHECKS
    assert set(outcomes(report).values()) == {Outcome.HOLDS}
    assert (report.holds, report.exit_code) == (True, 0)
    ranked = next(check for check in report.checks if check.key == "ranked")
    assert ranked.why == "Ranked 1 with private score 0.9 under its content hash."

    clue_report = clue_verify(clue=honest.clue)
    assert outcomes(clue_report) == {
        "file:attachment:0": Outcome.HOLDS,
        "content_hash": Outcome.HOLDS,
        "inclusion_proof": Outcome.HOLDS,
        "root_on_chain": Outcome.HOLDS,
    }


@pytest.mark.parametrize(
    ("tamper", "caught_by"),
    [
        (tamper_model_file, ["file:model:0", "content_hash"]),
        (swap_proof, ["inclusion_proof"]),
        (forge_signature, ["signatures"]),
    ],
)
def test_each_tampering_is_caught_and_nothing_else_is_blamed(
    honest: HonestWorld, tamper: object, caught_by: list[str]
) -> None:
    tamper(honest)  # type: ignore[operator]

    report = submission_verify(submission=honest.submission)

    assert failing(report) == caught_by
    assert (report.holds, report.exit_code) == (False, 1)
    assert all(outcomes(report)[key] == Outcome.HOLDS for key in SUBMISSION_CHECKS if key not in caught_by)


def test_the_failure_says_why(honest: HonestWorld) -> None:
    forge_signature(honest)
    outsider_signed = submission_verify(submission=honest.submission).failures[0].why
    first = ChallengeResults.objects.get(challenge=honest.challenge).signers[0]
    assert outsider_signed == (
        f"The signature named for {first} is not that evaluator's; 1 valid of the 2 the escrow requires."
    )


def test_a_signer_that_is_not_an_escrow_evaluator_does_not_count(honest: HonestWorld) -> None:
    outsider = dev_accounts(20)[14]
    results = ChallengeResults.objects.get(challenge=honest.challenge)
    results.signers = [outsider.address, *results.signers[1:]]
    results.save(update_fields=["signers"])

    check = submission_verify(submission=honest.submission).failures[0]

    assert check.key == "signatures"
    assert check.why.startswith(f"{outsider.address} is not one of the escrow's evaluators")


def test_the_command_exits_0_only_when_everything_holds_and_prints_json(honest: HonestWorld) -> None:
    status, text = run_command(str(honest.submission.pk))
    assert status == 0 and "Everything holds." in text and "[HOLDS] Inclusion proof" in text

    status, printed = run_command(str(honest.submission.pk), "--json")
    report = json.loads(printed)
    assert status == 0 and report["holds"] is True and report["kind"] == "submission"
    assert [c["key"] for c in report["checks"]] == SUBMISSION_CHECKS

    assert run_command(str(honest.clue.pk), "--clue")[0] == 0


@pytest.mark.parametrize(
    ("tamper", "caught_by"),
    [
        (tamper_model_file, ["file:model:0", "content_hash"]),
        (swap_proof, ["inclusion_proof"]),
        (forge_signature, ["signatures"]),
    ],
)
def test_the_command_exits_1_and_its_json_names_the_failing_check(
    honest: HonestWorld, tamper: object, caught_by: list[str]
) -> None:
    tamper(honest)  # type: ignore[operator]

    status, printed = run_command(str(honest.submission.pk), "--json")

    report = json.loads(printed)
    assert status == 1 and report["holds"] is False
    assert [c["key"] for c in report["checks"] if c["outcome"] == "does not hold"] == caught_by


def test_a_chain_that_does_not_answer_leaves_the_chain_checks_unchecked(
    honest: HonestWorld, settings: LazySettings
) -> None:
    settings.CHAIN_RPC_URL = DEAD_RPC_URL

    report = submission_verify(submission=honest.submission)

    unchecked = [k for k, outcome in outcomes(report).items() if outcome == Outcome.UNCHECKED]
    assert unchecked == ["root_on_chain", "results_hash", "signatures"]
    assert (report.failures, report.exit_code) == ((), 2)
    assert run_command(str(honest.submission.pk))[0] == 2


def test_a_contract_wallet_signature_is_checked_through_erc1271_by_both_verifiers(
    honest: HonestWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Service and standalone script agree: the wallet accepts its owner's signature, and no other."""
    import importlib.util

    from governance.chain.attestations import attestation_signed_by
    from governance.chain.eip712 import sign_typed_data

    spec = importlib.util.spec_from_file_location("verify_clueboard", SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "verify_clueboard", script)  # dataclasses look their module up
    spec.loader.exec_module(script)
    owner, stranger = dev_accounts(20)[15], dev_accounts(20)[16]
    chain = honest.chain
    wallet = chain.client.deploy("EvaluatorWallet", owner.address, sender=chain.accounts[0])
    document = chain.escrow.attestation_typed_data(challenge_id=1, results_hash=b"\x22" * 32)

    for key, accepted in ((owner, True), (stranger, False)):
        signature = sign_typed_data(key, document)
        assert attestation_signed_by(chain.client, document, wallet, signature) is accepted
        assert script._signed_by(chain.client.w3, document, wallet, "0x" + signature.hex()) is accepted
