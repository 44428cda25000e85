"""Trust in a score: identical re-runs, signed attestations, and the commands organizers use."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from eth_account import Account

from bounties.models import Challenge, Submission
from evaluation import examples
from evaluation.models import ScoreAttestation
from evaluation.services.attestations import attestation_recover_signer, attestation_verify
from evaluation.services.scoring import evaluate_submission
from tests.evaluation.conftest import submit_file

pytestmark = pytest.mark.django_db


def scored(challenge: Challenge, path: Path) -> Submission:
    submission = submit_file(challenge, path)
    evaluate_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


def test_the_same_model_scored_twice_gives_the_identical_score(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    Challenge.objects.filter(pk=digits_challenge.pk).update(use_ladder=False)
    digits_challenge.refresh_from_db()
    path = examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
    first, second = scored(digits_challenge, path), scored(digits_challenge, path)
    assert (first.public_score, first.private_score) == (second.public_score, second.private_score)
    assert first.private_score is not None


def test_a_scored_submission_carries_a_verifiable_attestation(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path, settings: Any
) -> None:
    submission = scored(
        digits_challenge, examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
    )
    attestation = ScoreAttestation.objects.get(submission=submission)
    assert attestation.signer == Account.from_key(settings.EVALUATOR_PRIVATE_KEY).address
    assert attestation_recover_signer(attestation) == attestation.signer
    assert attestation_verify(attestation=attestation) == []
    message = attestation.typed_data["message"]
    assert message["submissionHash"] == "0x" + submission.content_hash
    assert message["datasetHash"] == "0x" + digits_challenge.hidden_dataset.sha256
    assert message["privateScore"] == round(submission.private_score * 10**18)  # type: ignore[operator]


def test_a_tampered_score_no_longer_verifies(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    submission = scored(
        digits_challenge, examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
    )
    Submission.objects.filter(pk=submission.pk).update(private_score=1.0)
    attestation = ScoreAttestation.objects.select_related("submission").get(submission=submission)
    assert attestation_verify(attestation=attestation) == ["privateScore does not match the stored score"]
    with pytest.raises(CommandError, match="does NOT verify"):
        call_command("verify_attestation", submission.pk, stdout=StringIO())
    attestation.typed_data["message"]["metric"] = "rmse"
    attestation.save()
    problems = attestation_verify(attestation=ScoreAttestation.objects.get(pk=attestation.pk))
    assert "the signature was not made by the recorded signer" in problems


def test_verify_attestation_command_accepts_a_genuine_one(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    submission = scored(
        digits_challenge, examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
    )
    out = StringIO()
    call_command("verify_attestation", submission.pk, stdout=out)
    assert "attestation verifies" in out.getvalue()


def test_score_model_is_a_dry_run_printing_one_json_object(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    path = examples.export_onnx(trained_mlp, tmp_path / "m.onnx", (64,))
    out = StringIO()
    call_command("score_model", digits_challenge.slug, str(path), stdout=out)
    report = json.loads(out.getvalue())
    assert set(report) == {
        "status",
        "reason",
        "public_score",
        "private_score",
        "n_public",
        "n_private",
        "seconds",
    }
    assert report["status"] == "scored" and report["private_score"] > 0.9
    assert (report["n_public"], report["n_private"]) == (539, 1258)
    assert not Submission.objects.exists()


def test_score_model_reports_a_refused_format(digits_challenge: Challenge, tmp_path: Path) -> None:
    path = tmp_path / "model.ckpt"
    path.write_bytes(b"\x80\x04junk")
    out = StringIO()
    call_command("score_model", digits_challenge.slug, str(path), stdout=out)
    report = json.loads(out.getvalue())
    assert report["status"] == "failed" and "can run arbitrary code" in report["reason"]
