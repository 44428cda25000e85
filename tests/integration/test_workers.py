"""End to end with real worker processes: upload through the API, score in a worker, see the leaderboard;
and a worker killed mid-evaluation leaves a submission that the next worker scores exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from rest_framework.authtoken.models import Token

from bounties.models import Challenge, Submission, SubmissionStatus
from evaluation import examples
from evaluation.models import EvaluationRun, ScoreAttestation
from tests.evaluation import hostile_models
from tests.evaluation.conftest import digits_npz
from tests.factories import ChallengeFactory, UserFactory
from tests.integration.conftest import WorkerFleet, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_digits_challenge() -> Challenge:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bounties.services.challenges import challenge_publish
    from bounties.services.datasets import hidden_dataset_upload

    challenge = ChallengeFactory.create(
        slug="digits-live", published_at=None, architectures=examples.DIGITS_ARCHITECTURES, use_ladder=False
    )
    hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("digits.npz", digits_npz()))
    return challenge_publish(challenge=challenge)


def upload(live_server: Any, token: str, challenge: Challenge, path: Path) -> dict[str, Any]:
    with path.open("rb") as model:
        response = requests.post(
            f"{live_server.url}/api/v1/submissions/",
            headers={"Authorization": f"Token {token}"},
            data={"challenge": challenge.slug, "title": path.stem},
            files={"model_file": (path.name, model)},
            timeout=60,
        )
    assert response.status_code == 201, response.text
    return dict(response.json())


def status_of(submission_id: int) -> str:
    return str(Submission.objects.values_list("status", flat=True).get(pk=submission_id))


def test_a_real_worker_scores_an_api_upload_onto_the_leaderboard(
    live_server: Any, worker_fleet: WorkerFleet, open_digits_challenge: Challenge, tmp_path: Path
) -> None:
    token = Token.objects.create(user=UserFactory.create(username="ada")).key
    model = examples.train_on_digits(examples.seeded_model("mlp", examples.DIGITS_MLP))
    created = upload(
        live_server,
        token,
        open_digits_challenge,
        examples.save_weights(model, tmp_path / "m.safetensors", "mlp"),
    )
    assert created["status"] == "queued"

    worker_fleet.start("first")
    wait_until(
        lambda: status_of(created["id"]) == SubmissionStatus.SCORED,
        timeout=180,
        fleet=worker_fleet,
        what="scoring",
    )

    board = requests.get(
        f"{live_server.url}/api/v1/challenges/{open_digits_challenge.slug}/leaderboard/", timeout=30
    )
    entries = board.json()["entries"]
    submission = Submission.objects.get(pk=created["id"])
    assert [(e["contributor"], e["submission"]) for e in entries] == [("ada", created["id"])]
    assert entries[0]["score"] == pytest.approx(submission.public_score)
    assert submission.public_score is not None and submission.public_score > 0.9
    assert ScoreAttestation.objects.filter(submission=submission).count() == 1


def test_a_worker_killed_mid_evaluation_is_replaced_and_the_submission_scored_once(
    live_server: Any, worker_fleet: WorkerFleet, open_digits_challenge: Challenge, tmp_path: Path
) -> None:
    Challenge.objects.filter(pk=open_digits_challenge.pk).update(eval_time_limit_seconds=120)
    token = Token.objects.create(user=UserFactory.create()).key
    path = tmp_path / "slow.onnx"
    path.write_bytes(hostile_models.looping_onnx(trips_per_batch=200_000))  # about 1 s a batch here
    created = upload(live_server, token, open_digits_challenge, path)

    doomed = worker_fleet.start("doomed")
    run = EvaluationRun.objects.filter(submission_id=created["id"])
    wait_until(
        lambda: run.filter(progress_done__gt=0).exists(), timeout=180, fleet=worker_fleet, what="progress"
    )
    doomed_worker = run.get().worker
    worker_fleet.kill(doomed)
    assert status_of(created["id"]) == SubmissionStatus.RUNNING  # the dead worker left it mid-run

    worker_fleet.start("rescuer")
    wait_until(
        lambda: status_of(created["id"]) == SubmissionStatus.SCORED,
        timeout=240,
        fleet=worker_fleet,
        what="rescue",
    )

    finished = run.get()
    assert finished.attempts == 2
    assert finished.worker != doomed_worker
    assert ScoreAttestation.objects.filter(submission_id=created["id"]).count() == 1
    submission = Submission.objects.get(pk=created["id"])
    assert submission.private_score is not None
    assert submission.failure_reason == ""
