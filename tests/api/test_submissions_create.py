"""Submitting through the API: multipart with a token, the same rules and messages as the website."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.utils import timezone
from rest_framework.test import APIClient

from bounties.models import Artifact, Participation, Submission
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    model_upload,
    source_zip_upload,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"


def written_rows() -> tuple[int, int, int]:
    return Submission.objects.count(), Artifact.objects.count(), Participation.objects.count()


def post(client: APIClient, **fields: Any) -> Any:
    return client.post(
        URL, {"challenge": "digits", "model_file": model_upload(), **fields}, format="multipart"
    )


def test_create_stores_hashed_files_and_returns_remaining_quota(
    user: Any, token_client: APIClient, settings: LazySettings
) -> None:
    challenge = ChallengeFactory.create(slug="digits", daily_submission_limit=5)
    cited = ScoredSubmissionFactory.create(challenge=challenge)
    clue = ClueFactory.create(challenge=challenge)
    model, source = model_upload(), source_zip_upload()
    model_bytes, source_bytes = model.read(), source.read()
    model.seek(0)
    source.seek(0)

    response = token_client.post(
        URL,
        {
            "challenge": "digits",
            "model_file": model,
            "source_archive": source,
            "title": "  Small MLP ",
            "writeup": "Two layers.",
            "builds_on_submissions": [cited.pk],
            "builds_on_clues": [clue.pk],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    submission = Submission.objects.get(pk=body["id"])
    assert submission.contributor == user
    assert body["contributor"] == "alice"
    assert body["status"] == "queued"
    assert body["title"] == "Small MLP"
    assert body["model_sha256"] == hashlib.sha256(model_bytes).hexdigest()
    assert body["source_sha256"] == hashlib.sha256(source_bytes).hexdigest()
    assert (body["model_filename"], body["source_filename"]) == ("model.safetensors", "source.zip")
    assert body["content_hash"] == submission.content_hash
    assert body["builds_on_submissions"] == [cited.pk]
    assert body["builds_on_clues"] == [clue.pk]
    assert body["private_score"] is None
    assert body["queue_position"] == 1
    assert body["remaining_submissions"]["remaining_today"] == 4
    stored = Path(settings.ARTIFACT_ROOT) / body["model_sha256"][:2] / body["model_sha256"]
    assert stored.read_bytes() == model_bytes


def test_remaining_submissions_decreases_with_each_submission(token_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits", daily_submission_limit=3, total_submission_limit=10)

    first = post(token_client).json()["remaining_submissions"]
    second = post(token_client).json()["remaining_submissions"]

    assert (first["remaining_today"], first["remaining_total"], first["remaining"]) == (2, 9, 2)
    assert (second["remaining_today"], second["remaining_total"], second["remaining"]) == (1, 8, 1)


def test_anonymous_create_is_401_with_a_challenge_header(anon_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    response = post(anon_client)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert written_rows() == (0, 0, 0)


def test_a_bad_token_is_401(anon_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")
    anon_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert post(anon_client).status_code == 401


def test_pickle_model_is_400_and_nothing_is_written(token_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    response = post(token_client, model_file=model_upload("model.pkl", b"\x80\x04junk"))

    assert response.status_code == 400
    assert response.json() == {
        "detail": "'.pkl' files are refused: loading them can run arbitrary code. "
        "Accepted formats: .safetensors (weights), .onnx.",
        "code": "invalid_upload",
        "field": "model_file",
    }
    assert written_rows() == (0, 0, 0)


def test_model_over_the_size_limit_is_413_and_nothing_is_written(
    token_client: APIClient, settings: LazySettings
) -> None:
    ChallengeFactory.create(slug="digits")
    settings.MAX_MODEL_FILE_BYTES = 2 * 1024 * 1024
    big = model_upload(content=b"\x08" + b"\x00" * (3 * 1024 * 1024))

    response = post(token_client, model_file=big)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The model file is over the limit of 2 MiB.",
        "code": "file_too_large",
        "field": "model_file",
    }
    assert written_rows() == (0, 0, 0)


def test_limit_reached_is_429_and_nothing_is_written(user: Any, token_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits", daily_submission_limit=1)
    SubmissionFactory.create(challenge=challenge, contributor=user)
    before = written_rows()

    response = post(token_client)

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "submission_limit_reached"
    assert body["detail"].startswith("You have used all 1 submissions allowed today; more open at ")
    assert written_rows() == before


def test_closed_challenge_is_409_and_nothing_is_written(token_client: APIClient) -> None:
    now = timezone.now()
    ChallengeFactory.create(
        slug="digits", title="Digits", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1)
    )

    response = post(token_client)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "'Digits' is closed: it does not take submissions now.",
        "code": "challenge_not_open",
    }
    assert written_rows() == (0, 0, 0)


def test_unknown_challenge_is_404(token_client: APIClient) -> None:
    response = post(token_client, challenge="nope")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no challenge 'nope'.", "code": "not_found"}
    assert written_rows() == (0, 0, 0)


def test_citing_a_missing_submission_is_404_and_nothing_is_written(token_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    response = post(token_client, builds_on_submissions=[424242])

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Submission #424242 does not exist or is not published, so it cannot be cited.",
        "code": "not_found",
        "field": "builds_on_submissions",
    }
    assert written_rows() == (0, 0, 0)


def test_missing_model_file_is_400_naming_the_field(token_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    response = token_client.post(URL, {"challenge": "digits"}, format="multipart")

    assert response.status_code == 400
    assert "model_file" in response.json()
    assert written_rows() == (0, 0, 0)


def test_a_bad_source_archive_is_400(token_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    response = post(token_client, source_archive=model_upload("source.exe", b"MZ"))

    assert response.status_code == 400
    assert response.json()["field"] == "source_archive"
    assert written_rows() == (0, 0, 0)
