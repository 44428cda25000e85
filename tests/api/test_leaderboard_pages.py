"""The API leaderboard a page at a time: 100 entries by default, `limit` and `page`, links between pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import ChallengeFactory, ScoredSubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def fill(contributors: int) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    for n in range(contributors):
        who = UserFactory.create(username=f"p{n:03d}")
        ScoredSubmissionFactory.create(challenge=challenge, contributor=who, public_score=1 - n / 1000)


def test_the_default_page_holds_the_top_100_and_links_the_next(anon_client: APIClient) -> None:
    fill(102)

    body = anon_client.get("/api/v1/challenges/digits/leaderboard/").json()

    assert body["count"] == 102
    assert [e["rank"] for e in body["entries"]] == list(range(1, 101))
    assert body["previous"] is None
    assert body["next"].endswith("/api/v1/challenges/digits/leaderboard/?page=2")
    last = anon_client.get(body["next"]).json()
    assert [(e["rank"], e["contributor"]) for e in last["entries"]] == [(101, "p100"), (102, "p101")]
    assert last["next"] is None
    assert last["previous"] is not None


def test_limit_sets_the_page_size_and_pages_continue_the_ranks(anon_client: APIClient) -> None:
    fill(5)

    second = anon_client.get("/api/v1/challenges/digits/leaderboard/", {"limit": 2, "page": 2}).json()

    assert [(e["rank"], e["contributor"]) for e in second["entries"]] == [(3, "p002"), (4, "p003")]
    assert "limit=2" in second["next"] and "page=3" in second["next"]


@pytest.mark.parametrize("page", ["9", "0", "x", ""])
def test_a_page_that_is_not_there_is_refused(anon_client: APIClient, page: str) -> None:
    fill(3)

    response = anon_client.get(f"/api/v1/challenges/digits/leaderboard/?page={page}")

    assert response.status_code in (400, 404)


def test_an_empty_leaderboard_is_one_empty_page(anon_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    body = anon_client.get("/api/v1/challenges/digits/leaderboard/").json()

    assert (body["count"], body["entries"], body["next"], body["previous"]) == (0, [], None, None)
