"""Scoring a submission end to end in the real sandbox, in this process."""

from pathlib import Path
from typing import Any

import pytest

from bounties.models import Challenge, SubmissionStatus
from evaluation import examples
from evaluation.models import EvaluationRun
from evaluation.services.scoring import evaluate_submission
from tests.evaluation.conftest import submit_file

pytestmark = pytest.mark.django_db


def test_safetensors_mlp_is_scored_with_both_scores(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    path = examples.save_weights(trained_mlp, tmp_path / "mlp.safetensors", "mlp")
    submission = submit_file(digits_challenge, path)

    outcome = evaluate_submission(submission_id=submission.pk)

    submission.refresh_from_db()
    assert outcome.status == SubmissionStatus.SCORED, outcome.reason
    assert submission.status == SubmissionStatus.SCORED
    assert submission.public_score is not None and submission.public_score > 0.9
    assert submission.private_score is not None and submission.private_score > 0.9
    run = EvaluationRun.objects.get(submission=submission)
    assert run.isolation == "full"
    assert (run.progress_done, run.progress_total) == (1797, 1797)
    assert run.attempts == 1


def test_onnx_model_scores_the_same_as_its_weights(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    weights = submit_file(
        digits_challenge, examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
    )
    graph = submit_file(digits_challenge, examples.export_onnx(trained_mlp, tmp_path / "m.onnx", (64,)))
    for submission in (weights, graph):
        assert evaluate_submission(submission_id=submission.pk).status == SubmissionStatus.SCORED
        submission.refresh_from_db()
    assert graph.private_score == pytest.approx(weights.private_score, abs=1e-9)


def test_a_redelivered_task_does_not_score_twice(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    submission = submit_file(
        digits_challenge, examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
    )
    assert evaluate_submission(submission_id=submission.pk).status == SubmissionStatus.SCORED
    again = evaluate_submission(submission_id=submission.pk)
    assert again.status == "skipped"
    assert EvaluationRun.objects.get(submission=submission).attempts == 1


def test_a_spare_sandbox_that_died_before_its_job_is_replaced(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    from evaluation.services.worker_context import sandbox_pool

    submission = submit_file(
        digits_challenge, examples.save_weights(trained_mlp, tmp_path / "m.safetensors", "mlp")
    )
    pool = sandbox_pool()
    pool.warm_up()
    assert pool._spare is not None
    pool._spare.kill()  # as if the machine had killed it while it waited

    assert evaluate_submission(submission_id=submission.pk).status == SubmissionStatus.SCORED
