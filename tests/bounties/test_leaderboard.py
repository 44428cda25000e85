"""Leaderboard ranking, tie-breaks, the public/private switch at close, and query counts."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bounties.models import Challenge, SubmissionStatus
from bounties.selectors.leaderboard import PRIVATE, PUBLIC, leaderboard_for, score_history
from bounties.services.challenges import challenge_close_now
from evaluation.scoring.metrics import Metric
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def scored(challenge: Challenge, who: Any, public: float, private: float, minutes_ago: int = 0) -> Any:
    return ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=who,
        public_score=public,
        private_score=private,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_best_public_submission_per_contributor_while_open() -> None:
    challenge = ChallengeFactory.create()
    alice, bob = UserFactory.create(username="alice"), UserFactory.create(username="bob")
    scored(challenge, alice, 0.70, 0.99)
    alice_best = scored(challenge, alice, 0.80, 0.10)
    scored(challenge, bob, 0.75, 0.98)
    SubmissionFactory.create(challenge=challenge, contributor=bob, status=SubmissionStatus.FAILED)

    board = leaderboard_for(challenge)

    assert board.phase == PUBLIC
    assert [(e.rank, e.contributor_username, e.score) for e in board.entries] == [
        (1, "alice", 0.80),
        (2, "bob", 0.75),
    ]
    assert board.entries[0].submission_id == alice_best.pk
    assert board.entries[0].entries == 2


def test_private_ranking_after_close() -> None:
    challenge = ChallengeFactory.create()
    alice, bob = UserFactory.create(username="alice"), UserFactory.create(username="bob")
    scored(challenge, alice, 0.80, 0.60)
    scored(challenge, bob, 0.75, 0.90)
    challenge = challenge_close_now(challenge=challenge)

    board = leaderboard_for(challenge)

    assert board.phase == PRIVATE
    assert [(e.contributor_username, e.score) for e in board.entries] == [("bob", 0.90), ("alice", 0.60)]


def test_ties_go_to_the_earlier_submission() -> None:
    challenge = ChallengeFactory.create()
    late, early = UserFactory.create(username="late"), UserFactory.create(username="early")
    scored(challenge, late, 0.5, 0.5, minutes_ago=1)
    scored(challenge, early, 0.5, 0.5, minutes_ago=10)
    assert [e.contributor_username for e in leaderboard_for(challenge).entries] == ["early", "late"]


def test_lower_is_better_metrics_rank_ascending() -> None:
    challenge = ChallengeFactory.create(metric=Metric.RMSE)
    good, bad = UserFactory.create(username="good"), UserFactory.create(username="bad")
    scored(challenge, bad, 3.0, 3.0)
    scored(challenge, good, 1.0, 1.0)
    scored(challenge, good, 2.0, 2.0)
    board = leaderboard_for(challenge)
    assert not board.higher_is_better
    assert [(e.contributor_username, e.score) for e in board.entries] == [("good", 1.0), ("bad", 3.0)]


def test_private_scores_never_reach_the_open_leaderboard() -> None:
    challenge = ChallengeFactory.create()
    scored(challenge, UserFactory.create(), 0.5, 0.123456)
    board = leaderboard_for(challenge)
    assert "0.123456" not in repr(board)
    assert all(e.score == 0.5 for e in board.entries)


def test_private_best_differs_from_public_best_only_after_close() -> None:
    challenge = ChallengeFactory.create()
    alice = UserFactory.create()
    public_best = scored(challenge, alice, 0.9, 0.1)
    private_best = scored(challenge, alice, 0.2, 0.95)
    assert leaderboard_for(challenge).entries[0].submission_id == public_best.pk
    closed = challenge_close_now(challenge=challenge)
    assert leaderboard_for(closed).entries[0].submission_id == private_best.pk


def test_score_history_tracks_the_running_best_with_public_scores_only() -> None:
    challenge = ChallengeFactory.create()
    who = UserFactory.create()
    scored(challenge, who, 0.5, 0.111111, minutes_ago=30)
    scored(challenge, who, 0.7, 0.222222, minutes_ago=20)
    scored(challenge, who, 0.6, 0.333333, minutes_ago=10)
    points = score_history(challenge)
    assert [(p.score, p.best_so_far) for p in points] == [(0.5, 0.5), (0.7, 0.7), (0.6, 0.7)]


@pytest.mark.parametrize("rows", [3, 30])
def test_leaderboard_query_count_does_not_grow_with_rows(rows: int, django_assert_num_queries: Any) -> None:
    challenge = ChallengeFactory.create()
    for _ in range(rows):
        scored(challenge, UserFactory.create(), 0.5, 0.5)
    with django_assert_num_queries(1):
        board = leaderboard_for(challenge)
    assert len(board.entries) == rows
