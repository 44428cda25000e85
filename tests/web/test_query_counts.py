"""List pages and the leaderboard make the same number of queries for 3 rows as for 30."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_challenges(n: int) -> None:
    for _ in range(n):
        challenge = ChallengeFactory.create()
        ScoredSubmissionFactory.create(challenge=challenge)


def _add_leaderboard_rows(challenge: Any, n: int) -> None:
    for _ in range(n):
        ScoredSubmissionFactory.create(challenge=challenge)
        ClueFactory.create(challenge=challenge)


@pytest.mark.parametrize("logged_in", [False, True])
def test_challenge_list_query_count_does_not_grow(
    client: Client, django_assert_max_num_queries: Callable[..., Any], logged_in: bool
) -> None:
    if logged_in:
        client.force_login(UserFactory.create())
    url = reverse("bounties:challenge-list")
    _add_challenges(3)
    baseline = _queries_for(client, url)

    _add_challenges(27)

    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("logged_in", [False, True])
def test_challenge_detail_query_count_does_not_grow_with_the_leaderboard(
    client: Client, django_assert_max_num_queries: Callable[..., Any], logged_in: bool
) -> None:
    challenge = ChallengeFactory.create()
    if logged_in:
        viewer = UserFactory.create()
        client.force_login(viewer)
        ScoredSubmissionFactory.create(challenge=challenge, contributor=viewer)
    url = reverse("bounties:challenge-detail", args=[challenge.slug])
    _add_leaderboard_rows(challenge, 3)
    baseline = _queries_for(client, url)

    _add_leaderboard_rows(challenge, 27)

    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert len(response.context["leaderboard"].entries) == 30 + logged_in


def test_clue_list_and_profile_query_counts_do_not_grow(
    client: Client, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    author = UserFactory.create(username="bob")
    urls = [reverse("bounties:clue-list"), reverse("bounties:contributor-profile", args=["bob"])]

    def add(n: int) -> None:
        for _ in range(n):
            challenge = ChallengeFactory.create()
            ClueFactory.create(challenge=challenge, author=author)
            ScoredSubmissionFactory.create(challenge=challenge, contributor=author)

    add(3)
    baselines = [_queries_for(client, url) for url in urls]
    add(27)

    for url, baseline in zip(urls, baselines, strict=True):
        with django_assert_max_num_queries(baseline):
            assert client.get(url).status_code == 200
