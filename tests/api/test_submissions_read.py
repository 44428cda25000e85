"""Reading submissions: your own and published ones; private scores stay hidden until close."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bounties.models import PublishPolicy, SubmissionStatus
from tests.factories import (
    ArtifactFactory,
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DISTINCTIVE_PRIVATE = 0.123456


def at_close_challenge(**kwargs: Any) -> Any:
    return ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE, **kwargs)


def closed(**kwargs: Any) -> Any:
    now = timezone.now()
    return ChallengeFactory.create(
        starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1), **kwargs
    )


def ids(response: Any) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_anonymous_sees_only_published_submissions(anon_client: APIClient) -> None:
    published = SubmissionFactory.create(challenge=ChallengeFactory.create())
    SubmissionFactory.create(challenge=at_close_challenge())

    response = anon_client.get("/api/v1/submissions/")

    assert response.status_code == 200
    assert ids(response) == [published.pk]


def test_signed_in_caller_also_sees_own_unpublished(user: Any, token_client: APIClient) -> None:
    hidden_challenge = at_close_challenge()
    mine = SubmissionFactory.create(challenge=hidden_challenge, contributor=user)
    SubmissionFactory.create(challenge=hidden_challenge)
    published = SubmissionFactory.create()

    assert sorted(ids(token_client.get("/api/v1/submissions/"))) == sorted([mine.pk, published.pk])


def test_list_filters_by_challenge_contributor_and_status(anon_client: APIClient) -> None:
    digits = ChallengeFactory.create(slug="digits")
    ada = UserFactory.create(username="ada")
    scored = ScoredSubmissionFactory.create(challenge=digits, contributor=ada)
    queued = SubmissionFactory.create(challenge=digits, contributor=ada, status=SubmissionStatus.QUEUED)
    other = SubmissionFactory.create(challenge=digits)
    elsewhere = SubmissionFactory.create(contributor=ada)

    assert sorted(ids(anon_client.get("/api/v1/submissions/", {"challenge": "digits"}))) == sorted(
        [scored.pk, queued.pk, other.pk]
    )
    assert sorted(ids(anon_client.get("/api/v1/submissions/", {"contributor": "ada"}))) == sorted(
        [scored.pk, queued.pk, elsewhere.pk]
    )
    by_both = anon_client.get("/api/v1/submissions/", {"contributor": "ada", "status": "scored"})
    assert ids(by_both) == [scored.pk]


def test_list_is_paginated_and_orders_by_public_score_only(anon_client: APIClient) -> None:
    challenge = ChallengeFactory.create()
    for score in (0.3, 0.1, 0.2):
        ScoredSubmissionFactory.create(challenge=challenge, public_score=score, private_score=1 - score)
    SubmissionFactory.create_batch(25, challenge=challenge)

    page = anon_client.get("/api/v1/submissions/").json()
    by_public = anon_client.get(
        "/api/v1/submissions/", {"ordering": "public_score", "status": "scored"}
    ).json()
    by_private = anon_client.get(
        "/api/v1/submissions/", {"ordering": "private_score", "status": "scored"}
    ).json()  # answered with 400

    assert page["count"] == 28
    assert len(page["results"]) == 25
    assert [row["public_score"] for row in by_public["results"]] == [0.1, 0.2, 0.3]
    # Ordering by the private score is refused, naming what is allowed, so no order tells anything of it.
    assert by_private == {
        "ordering": [
            "Order by one or more of created_at, public_score, comma-separated; a leading '-' reverses one."
        ]
    }


def test_private_score_is_absent_before_close_everywhere(user: Any, token_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    mine = ScoredSubmissionFactory.create(
        challenge=challenge, contributor=user, private_score=DISTINCTIVE_PRIVATE
    )

    responses = [
        token_client.get("/api/v1/submissions/"),
        token_client.get(f"/api/v1/submissions/{mine.pk}/"),
        token_client.get("/api/v1/challenges/digits/leaderboard/"),
        token_client.get("/api/v1/challenges/digits/"),
    ]

    for response in responses:
        assert response.status_code == 200
        assert "123456" not in response.content.decode()
    assert responses[1].json()["private_score"] is None
    assert responses[0].json()["results"][0]["private_score"] is None


def test_private_score_is_shown_after_close(anon_client: APIClient) -> None:
    submission = ScoredSubmissionFactory.create(
        challenge=closed(slug="done"), private_score=DISTINCTIVE_PRIVATE
    )

    listed = anon_client.get("/api/v1/submissions/").json()["results"][0]
    detail = anon_client.get(f"/api/v1/submissions/{submission.pk}/").json()
    board = anon_client.get("/api/v1/challenges/done/leaderboard/").json()

    assert listed["private_score"] == DISTINCTIVE_PRIVATE
    assert detail["private_score"] == DISTINCTIVE_PRIVATE
    assert board["entries"][0]["score"] == DISTINCTIVE_PRIVATE


def test_detail_has_files_hashes_citations_and_queue_position(user: Any, token_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    cited = ScoredSubmissionFactory.create(challenge=challenge)
    clue = ClueFactory.create(challenge=challenge)
    SubmissionFactory.create(status=SubmissionStatus.QUEUED, created_at=timezone.now() - timedelta(hours=1))
    source = ArtifactFactory.create(sha256="b" * 64)
    mine = SubmissionFactory.create(
        challenge=challenge, contributor=user, source_artifact=source, source_filename="src.zip"
    )
    mine.builds_on_submissions.set([cited])
    mine.builds_on_clues.set([clue])

    body = token_client.get(f"/api/v1/submissions/{mine.pk}/").json()
    cited_body = token_client.get(f"/api/v1/submissions/{cited.pk}/").json()

    assert body["challenge"] == "digits"
    assert body["contributor"] == "alice"
    assert body["status"] == "received"
    assert body["queue_position"] == 2
    assert body["model_sha256"] == mine.model_artifact.sha256
    assert body["model_filename"] == "model.safetensors"
    assert body["model_format"] == "safetensors"
    assert (body["source_sha256"], body["source_filename"]) == ("b" * 64, "src.zip")
    assert body["content_hash"] == mine.content_hash
    assert body["builds_on_submissions"] == [cited.pk]
    assert body["builds_on_clues"] == [clue.pk]
    assert cited_body["cited_by_submissions"] == [mine.pk]
    assert cited_body["queue_position"] is None


def test_someone_elses_unpublished_submission_answers_like_a_missing_one(
    token_client: APIClient, anon_client: APIClient
) -> None:
    theirs = SubmissionFactory.create(challenge=at_close_challenge())
    missing = theirs.pk + 1000

    for client in (token_client, anon_client):
        unseen = client.get(f"/api/v1/submissions/{theirs.pk}/")
        absent = client.get(f"/api/v1/submissions/{missing}/")
        assert unseen.status_code == absent.status_code == 404
        assert unseen.json() == {"detail": f"There is no submission #{theirs.pk}.", "code": "not_found"}
        assert absent.json() == {"detail": f"There is no submission #{missing}.", "code": "not_found"}


def test_own_unpublished_submission_is_visible(user: Any, token_client: APIClient) -> None:
    mine = SubmissionFactory.create(challenge=at_close_challenge(), contributor=user)

    response = token_client.get(f"/api/v1/submissions/{mine.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == mine.pk


def test_unknown_submission_is_404(anon_client: APIClient) -> None:
    response = anon_client.get("/api/v1/submissions/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no submission #999999.", "code": "not_found"}


def test_submissions_cannot_be_changed_or_deleted(user: Any, token_client: APIClient) -> None:
    mine = SubmissionFactory.create(contributor=user)

    assert token_client.patch(f"/api/v1/submissions/{mine.pk}/", {"title": "x"}).status_code == 405
    assert token_client.put(f"/api/v1/submissions/{mine.pk}/", {"title": "x"}).status_code == 405
    assert token_client.delete(f"/api/v1/submissions/{mine.pk}/").status_code == 405


def test_citations_never_name_someone_elses_unpublished_work(anon_client: APIClient) -> None:
    from bounties.models import PublishPolicy

    public = ChallengeFactory.create(publish_policy=PublishPolicy.IMMEDIATELY)
    hidden = ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    cited = SubmissionFactory.create(challenge=public)
    unpublished = SubmissionFactory.create(challenge=hidden)
    unpublished.builds_on_submissions.set([cited])

    body = anon_client.get(f"/api/v1/submissions/{cited.pk}/").json()

    assert body["cited_by_submissions"] == []
    assert str(unpublished.pk) not in str(body["cited_by_submissions"])
