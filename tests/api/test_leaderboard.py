"""The leaderboard: public scores while open, private ranking only after close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bounties.models import SubmissionStatus
from evaluation.scoring.metrics import Metric
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db

DISTINCTIVE_PRIVATE = 0.123456


def test_open_challenge_ranks_best_public_score_per_contributor(anon_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    ada, bob = UserFactory.create(username="ada"), UserFactory.create(username="bob")
    ScoredSubmissionFactory.create(challenge=challenge, contributor=ada, public_score=0.7, private_score=0.9)
    best = ScoredSubmissionFactory.create(
        challenge=challenge, contributor=ada, public_score=0.8, private_score=0.1
    )
    bobs = ScoredSubmissionFactory.create(
        challenge=challenge, contributor=bob, public_score=0.75, private_score=0.95
    )
    SubmissionFactory.create(challenge=challenge, contributor=bob, status=SubmissionStatus.QUEUED)

    response = anon_client.get("/api/v1/challenges/digits/leaderboard/")

    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == "public"
    assert body["higher_is_better"] is True
    assert [
        (e["rank"], e["contributor"], e["score"], e["submission"], e["entries"]) for e in body["entries"]
    ] == [
        (1, "ada", 0.8, best.pk, 2),
        (2, "bob", 0.75, bobs.pk, 1),
    ]
    assert body["entries"][0]["submitted_at"]


def test_lower_is_better_metric_ranks_ascending(anon_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="houses", metric=Metric.RMSE)
    ScoredSubmissionFactory.create(
        challenge=challenge, contributor=UserFactory.create(username="ada"), public_score=3.0
    )
    ScoredSubmissionFactory.create(
        challenge=challenge, contributor=UserFactory.create(username="bob"), public_score=2.0
    )

    body = anon_client.get("/api/v1/challenges/houses/leaderboard/").json()

    assert body["higher_is_better"] is False
    assert [e["contributor"] for e in body["entries"]] == ["bob", "ada"]


def test_open_leaderboard_carries_no_private_information(anon_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    ScoredSubmissionFactory.create(challenge=challenge, public_score=0.5, private_score=DISTINCTIVE_PRIVATE)

    response = anon_client.get("/api/v1/challenges/digits/leaderboard/")

    text = response.content.decode()
    assert "123456" not in text
    assert "private_score" not in text
    assert response.json()["entries"][0]["score"] == 0.5


def test_closed_challenge_ranks_by_private_score(anon_client: APIClient) -> None:
    now = timezone.now()
    challenge = ChallengeFactory.create(
        slug="digits", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1)
    )
    ada, bob = UserFactory.create(username="ada"), UserFactory.create(username="bob")
    ScoredSubmissionFactory.create(challenge=challenge, contributor=ada, public_score=0.9, private_score=0.2)
    ScoredSubmissionFactory.create(
        challenge=challenge, contributor=bob, public_score=0.1, private_score=DISTINCTIVE_PRIVATE + 0.5
    )

    body = anon_client.get("/api/v1/challenges/digits/leaderboard/").json()

    assert body["phase"] == "private"
    assert [(e["contributor"], e["score"]) for e in body["entries"]] == [("bob", 0.623456), ("ada", 0.2)]


def test_limit_keeps_the_top_entries_and_is_validated(anon_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    for score in (0.1, 0.2, 0.3):
        ScoredSubmissionFactory.create(challenge=challenge, public_score=score)

    top = anon_client.get("/api/v1/challenges/digits/leaderboard/", {"limit": 2}).json()
    bad = anon_client.get("/api/v1/challenges/digits/leaderboard/", {"limit": 0})

    assert [e["score"] for e in top["entries"]] == [0.3, 0.2]
    assert bad.status_code == 400


def test_unknown_challenge_leaderboard_is_404(anon_client: APIClient) -> None:
    response = anon_client.get("/api/v1/challenges/nope/leaderboard/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
