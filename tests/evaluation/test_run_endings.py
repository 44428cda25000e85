"""Every run ends once: scored, or failed with its class's fixed text; never left RUNNING for the reaper."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string

from bounties.errors import InvalidUpload
from bounties.models import Challenge, FailureKind, SubmissionStatus
from evaluation import examples
from evaluation.models import EvaluationRun
from evaluation.scoring.errors import FAILURE_TEXTS, FailureClass
from evaluation.services.scoring import Heartbeat, evaluate_submission
from tests.evaluation import hostile_models
from tests.evaluation.conftest import evaluated, failed_as_ours, submit_file, weights
from tests.factories import ScoredSubmissionFactory

pytestmark = pytest.mark.django_db


def one_column_model(tmp_path: Path) -> Path:
    """A model with one output column: a binary score, for a challenge that declares one."""
    return examples.save_weights(
        examples.seeded_model("mlp", {**examples.DIGITS_MLP, "n_outputs": 1}),
        tmp_path / "m.safetensors",
        "mlp",
    )


def test_an_exception_scoring_the_output_ends_the_run_once_as_an_output_failure(
    digits_challenge: Challenge, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """log_loss over one score column and ten classes indexes past the columns (an IndexError in the
    metric, after the sandbox returned): the run ends at once, logged, as the output's failure."""
    Challenge.objects.filter(pk=digits_challenge.pk).update(
        metric="log_loss",
        output_spec={"shape": [1]},
        architectures={"mlp": {**examples.DIGITS_MLP, "n_outputs": 1}},
    )
    digits_challenge.refresh_from_db()
    submission = submit_file(digits_challenge, one_column_model(tmp_path))

    outcome = evaluate_submission(submission_id=submission.pk)

    submission.refresh_from_db()
    assert outcome.status == SubmissionStatus.FAILED
    assert (submission.status, submission.failure_kind) == (SubmissionStatus.FAILED, FailureKind.CONTRIBUTOR)
    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.OUTPUT]
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [IndexError]
    assert EvaluationRun.objects.get(submission=submission).attempts == 1


def test_an_exception_of_ours_after_the_sandbox_ends_the_run_once_as_infrastructure(
    digits_challenge: Challenge,
    trained_mlp: Any,
    tmp_path: Path,
    settings: LazySettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.EVALUATOR_PRIVATE_KEY = ""  # the attestation cannot be signed: our fault, not the model's

    submission = evaluated(digits_challenge, weights(trained_mlp, tmp_path))

    assert failed_as_ours(submission)
    assert submission.public_score is None and submission.private_score is None
    assert any(r.exc_info and "evaluation broke" in r.getMessage() for r in caplog.records)
    assert evaluate_submission(submission_id=submission.pk).status == "skipped"  # ended, not re-run


def test_a_challenge_without_an_output_shape_fails_as_ours_and_refuses_onnx_uploads(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    Challenge.objects.filter(pk=digits_challenge.pk).update(output_spec={})
    digits_challenge.refresh_from_db()

    assert failed_as_ours(evaluated(digits_challenge, weights(trained_mlp, tmp_path)))
    with pytest.raises(InvalidUpload, match=r"does not declare the shape of one output row"):
        submit_file_bytes(digits_challenge, hostile_models.linear_onnx())


def submit_file_bytes(challenge: Challenge, content: bytes) -> None:
    from bounties.services.submissions import submission_create
    from tests.factories import UserFactory

    submission_create(
        challenge=challenge,
        contributor=UserFactory.create(),
        model_file=SimpleUploadedFile("m.onnx", content),
    )


def test_run_times_are_shown_to_contributors_in_whole_seconds() -> None:
    submission = ScoredSubmissionFactory.create()
    run = EvaluationRun.objects.create(
        submission=submission, queue="eval-cpu", isolation="full", device="cpu", seconds=12.3456, attempts=1
    )
    html = render_to_string("evaluation/_evaluation_panel.html", {"submission": submission, "run": run})
    assert ", 12 s." in html
    assert "12.3" not in html


def test_progress_is_recorded_in_tenths_only() -> None:
    heartbeat = Heartbeat(submission_id=1, worker="w")
    heartbeat.on_progress(1283, 1797)
    assert heartbeat.progress == (1257, 1797)
    heartbeat.on_progress(1797, 1797)
    assert heartbeat.progress == (1797, 1797)


def test_failures_are_logged_with_their_detail(
    digits_challenge: Challenge, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    path = tmp_path / "m.onnx"
    path.write_bytes(hostile_models.nan_output_onnx())

    submission = evaluated(digits_challenge, path)

    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.OUTPUT]
    assert "NaN or infinite" in caplog.text  # the detail is the worker's; the contributor reads the class
