"""Clues through the API: anyone reads them, signed-in contributors share them with files."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from bounties.models import Artifact, Clue, ClueAttachment
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/clues/"


def written_rows() -> tuple[int, int, int]:
    return Clue.objects.count(), ClueAttachment.objects.count(), Artifact.objects.count()


def test_anonymous_lists_clues_filtered_by_challenge(anon_client: APIClient) -> None:
    digits = ChallengeFactory.create(slug="digits")
    clue = ClueFactory.create(challenge=digits, author=UserFactory.create(username="ada"), title="Normalise")
    ClueFactory.create()
    ClueFactory.create(challenge=ChallengeFactory.create(published_at=None))

    everything = anon_client.get(URL).json()
    response = anon_client.get(URL, {"challenge": "digits"})

    assert everything["count"] == 2
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["challenge"], row["author"], row["title"]) == (
        clue.pk,
        "digits",
        "ada",
        "Normalise",
    )
    assert row["n_cited_by"] == 0


def test_detail_has_writeup_attachments_and_citations(anon_client: APIClient) -> None:
    clue = ClueFactory.create(writeup="Scale to [0, 1].")
    citing = ScoredSubmissionFactory.create(challenge=clue.challenge)
    citing.builds_on_clues.set([clue])

    response = anon_client.get(f"{URL}{clue.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["writeup"] == "Scale to [0, 1]."
    assert body["attachments"] == []
    assert body["cited_by_submissions"] == [citing.pk]


def test_unknown_clue_is_404(anon_client: APIClient) -> None:
    response = anon_client.get(f"{URL}999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no clue #999999.", "code": "not_found"}


def test_create_with_attachments_stores_them_hashed(user: Any, token_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    cited = ScoredSubmissionFactory.create(challenge=challenge)
    files = [SimpleUploadedFile("notes.txt", b"notes"), SimpleUploadedFile("plot.csv", b"a,b\n1,2\n")]

    response = token_client.post(
        URL,
        {
            "challenge": "digits",
            "title": "Pixels scale",
            "writeup": "Divide by 16.",
            "code_url": "https://example.org/repo",
            "attachments": files,
            "builds_on_submissions": [cited.pk],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"] == "alice"
    assert body["code_url"] == "https://example.org/repo"
    assert body["builds_on_submissions"] == [cited.pk]
    assert sorted((a["filename"], a["sha256"]) for a in body["attachments"]) == [
        ("notes.txt", hashlib.sha256(b"notes").hexdigest()),
        ("plot.csv", hashlib.sha256(b"a,b\n1,2\n").hexdigest()),
    ]
    assert Clue.objects.get(pk=body["id"]).author == user


def test_anonymous_create_is_401(anon_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    response = anon_client.post(
        URL, {"challenge": "digits", "title": "t", "writeup": "w"}, format="multipart"
    )

    assert response.status_code == 401
    assert written_rows() == (0, 0, 0)


@pytest.mark.parametrize("writeup", [None, "", " \n\t"])
def test_clue_without_a_visible_writeup_is_400_on_that_field(
    token_client: APIClient, writeup: str | None
) -> None:
    ChallengeFactory.create(slug="digits")
    fields = {"challenge": "digits", "title": "Idea"} | ({} if writeup is None else {"writeup": writeup})

    response = token_client.post(URL, fields, format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["writeup"]
    assert written_rows() == (0, 0, 0)


def test_clue_on_an_upcoming_challenge_is_409(token_client: APIClient) -> None:
    now = timezone.now()
    ChallengeFactory.create(slug="later", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=9))

    response = token_client.post(
        URL,
        {
            "challenge": "later",
            "title": "t",
            "writeup": "w",
            "attachments": [SimpleUploadedFile("a.txt", b"a")],
        },
        format="multipart",
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Clues can be shared once the challenge has opened.",
        "code": "challenge_not_open",
    }
    assert written_rows() == (0, 0, 0)


def test_attachment_over_the_limit_is_413_and_nothing_is_written(
    token_client: APIClient, settings: Any
) -> None:
    ChallengeFactory.create(slug="digits")
    settings.MAX_ATTACHMENT_BYTES = 10

    response = token_client.post(
        URL,
        {
            "challenge": "digits",
            "title": "t",
            "writeup": "w",
            "attachments": [SimpleUploadedFile("ok.txt", b"ok"), SimpleUploadedFile("big.txt", b"x" * 100)],
        },
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert written_rows() == (0, 0, 0)


def test_clue_on_unknown_challenge_is_404(token_client: APIClient) -> None:
    response = token_client.post(URL, {"challenge": "nope", "title": "t", "writeup": "w"}, format="multipart")

    assert response.status_code == 404
    assert written_rows() == (0, 0, 0)
