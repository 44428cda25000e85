"""Lists make the same number of queries whatever their size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from bounties.models import SubmissionStatus
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 14


def queries_for(client: APIClient, url: str, assert_max: Any) -> int:
    with assert_max(MAX_QUERIES) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def assert_same_count(
    client: APIClient, make_rows: Callable[[int], str], assert_max: Any, few: int = 1, many: int = 12
) -> None:
    few_count = queries_for(client, make_rows(few), assert_max)
    many_count = queries_for(client, make_rows(many), assert_max)
    assert few_count == many_count


def test_challenge_list_query_count_is_fixed(
    anon_client: APIClient, django_assert_max_num_queries: Any
) -> None:
    def make_rows(n: int) -> str:
        for _ in range(n):
            SubmissionFactory.create(challenge=ChallengeFactory.create(summary=f"batch-{n}"))
        return f"/api/v1/challenges/?search=batch-{n}"

    assert_same_count(anon_client, make_rows, django_assert_max_num_queries)


def test_submission_list_query_count_is_fixed(
    token_client: APIClient, user: Any, django_assert_max_num_queries: Any
) -> None:
    def make_rows(n: int) -> str:
        challenge = ChallengeFactory.create()
        cited = ScoredSubmissionFactory.create(challenge=challenge)
        for i in range(n):
            status = SubmissionStatus.QUEUED if i % 2 else SubmissionStatus.SCORED
            submission = SubmissionFactory.create(challenge=challenge, contributor=user, status=status)
            submission.builds_on_submissions.set([cited])
        return f"/api/v1/submissions/?challenge={challenge.slug}"

    assert_same_count(token_client, make_rows, django_assert_max_num_queries, few=2)


def test_leaderboard_query_count_is_fixed(anon_client: APIClient, django_assert_max_num_queries: Any) -> None:
    def make_rows(n: int) -> str:
        challenge = ChallengeFactory.create()
        ScoredSubmissionFactory.create_batch(n, challenge=challenge)
        return f"/api/v1/challenges/{challenge.slug}/leaderboard/"

    assert_same_count(anon_client, make_rows, django_assert_max_num_queries)


def test_clue_list_query_count_is_fixed(anon_client: APIClient, django_assert_max_num_queries: Any) -> None:
    def make_rows(n: int) -> str:
        challenge = ChallengeFactory.create()
        ClueFactory.create_batch(n, challenge=challenge)
        return f"/api/v1/clues/?challenge={challenge.slug}"

    assert_same_count(anon_client, make_rows, django_assert_max_num_queries)
