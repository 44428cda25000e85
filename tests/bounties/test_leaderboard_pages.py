"""The leaderboard as the pages read it: a page at a time, cached until a score lands, always equal to the
ranking computed from the submissions (ties, the switch at close, scores landing through the service)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.test import override_settings
from django.utils import timezone

from bounties.leaderboard_version import leaderboard_version
from bounties.models import Challenge, SubmissionStatus
from bounties.selectors.leaderboard import leaderboard_for, score_history
from bounties.selectors.leaderboard_pages import (
    LeaderboardRanking,
    leaderboard_size,
    leaderboard_top,
    score_points,
)
from bounties.services.challenges import challenge_close_now
from bounties.services.final_selection import submission_set_final_selection
from bounties.services.submissions import submission_record_scores
from evaluation.scoring.metrics import Metric
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def scored(challenge: Challenge, who: Any, public: float, private: float = 0.5, minutes_ago: int = 0) -> Any:
    return ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=who,
        public_score=public,
        private_score=private,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def ranking(challenge: Challenge) -> list[tuple[int, str, float, int]]:
    return [(e.rank, e.contributor_username, e.score, e.entries) for e in leaderboard_for(challenge).entries]


def cached(challenge: Challenge) -> list[tuple[int, str, float, int]]:
    return [(e.rank, e.contributor_username, e.score, e.entries) for e in LeaderboardRanking(challenge)]


def test_pages_continue_the_ranks_and_keep_ties_across_a_page_boundary() -> None:
    challenge = ChallengeFactory.create()
    people = [UserFactory.create(username=f"p{n}") for n in range(7)]
    for n, who in enumerate(people):
        # p0..p3 tie at 0.5 (earlier submission first), the others below; each has a worse extra try.
        scored(challenge, who, 0.5 if n < 4 else 0.4 - n / 100, minutes_ago=100 - n)
        scored(challenge, who, 0.1, minutes_ago=5)

    pages = Paginator(LeaderboardRanking(challenge), 3)
    flat = [entry for number in pages.page_range for entry in pages.page(number).object_list]

    assert pages.count == leaderboard_size(challenge) == 7
    assert [(e.rank, e.contributor_username, e.score, e.entries) for e in flat] == ranking(challenge)
    assert [e.contributor_username for e in flat][:4] == ["p0", "p1", "p2", "p3"]
    assert [e.rank for e in pages.page(2).object_list] == [4, 5, 6]


def test_a_score_landing_through_the_service_replaces_the_cached_pages() -> None:
    challenge = ChallengeFactory.create()
    ada, bob = UserFactory.create(username="ada"), UserFactory.create(username="bob")
    scored(challenge, ada, 0.6)
    running = SubmissionFactory.create(challenge=challenge, contributor=bob, status=SubmissionStatus.RUNNING)
    assert cached(challenge) == ranking(challenge) == [(1, "ada", 0.6, 1)]
    assert [p.score for p in score_points(challenge)] == [0.6]

    assert submission_record_scores(submission_id=running.pk, public_score=0.9, private_score=0.1)

    assert cached(challenge) == ranking(challenge) == [(1, "bob", 0.9, 1), (2, "ada", 0.6, 1)]
    assert leaderboard_top(challenge, limit=1).entries[0].contributor_username == "bob"
    assert leaderboard_size(challenge) == 2
    assert sorted(p.score for p in score_points(challenge)) == [0.6, 0.9]


def test_a_second_score_of_the_same_contributor_updates_best_and_entries() -> None:
    challenge = ChallengeFactory.create(metric=Metric.RMSE)
    ada = UserFactory.create(username="ada")
    scored(challenge, ada, 2.0, minutes_ago=10)
    assert cached(challenge) == [(1, "ada", 2.0, 1)]
    running = SubmissionFactory.create(challenge=challenge, contributor=ada, status=SubmissionStatus.RUNNING)
    assert cached(challenge) == [(1, "ada", 2.0, 1)]  # not scored yet: not an entry

    submission_record_scores(submission_id=running.pk, public_score=1.5, private_score=1.5)

    assert cached(challenge) == ranking(challenge) == [(1, "ada", 1.5, 2)]


def test_closing_serves_the_private_ranking_not_the_cached_public_one() -> None:
    challenge = ChallengeFactory.create()
    ada, bob = UserFactory.create(username="ada"), UserFactory.create(username="bob")
    scored(challenge, ada, 0.8, private=0.6)
    scored(challenge, bob, 0.7, private=0.9)
    assert [e.contributor_username for e in LeaderboardRanking(challenge)] == ["ada", "bob"]

    closed = challenge_close_now(challenge=challenge)

    assert cached(closed) == ranking(closed) == [(1, "bob", 0.9, 1), (2, "ada", 0.6, 1)]


def test_a_final_selection_gives_the_challenge_a_new_score_version() -> None:
    challenge = ChallengeFactory.create()
    ada = UserFactory.create(username="ada")
    submission = scored(challenge, ada, 0.8)
    before = leaderboard_version(challenge.pk)

    submission_set_final_selection(submission_id=submission.pk, contributor=ada, selected=True)

    assert leaderboard_version(challenge.pk) == before + 1


def test_a_score_stored_by_another_process_shows_at_once() -> None:
    """The worker that stores a score has a cache of its own (the default, per process): the web process
    must still stop serving its cached pages."""
    challenge = ChallengeFactory.create()
    ada, bob = UserFactory.create(username="ada"), UserFactory.create(username="bob")
    scored(challenge, ada, 0.6)
    running = SubmissionFactory.create(challenge=challenge, contributor=bob, status=SubmissionStatus.RUNNING)
    assert cached(challenge) == [(1, "ada", 0.6, 1)]

    worker_cache = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "worker"}
    }
    with override_settings(CACHES=worker_cache):
        assert submission_record_scores(submission_id=running.pk, public_score=0.9, private_score=0.1)

    assert cached(challenge) == [(1, "bob", 0.9, 1), (2, "ada", 0.6, 1)]
    assert leaderboard_size(challenge) == 2


def test_the_chart_is_bounded_and_keeps_every_improvement() -> None:
    challenge = ChallengeFactory.create()
    who = UserFactory.create()
    scores = [0.1, 0.3, 0.2, 0.25, 0.5, 0.4, 0.45, 0.35, 0.6, 0.55, 0.58, 0.52]
    for n, value in enumerate(scores):
        scored(challenge, who, value, minutes_ago=100 - n)

    points = score_history(challenge, samples=4)  # every 3rd submission, plus the improvements

    improvements = [0.1, 0.3, 0.5, 0.6]
    every_third = [scores[n] for n in range(2, len(scores), 3)]
    assert [p.score for p in points] == [v for v in scores if v in improvements or v in every_third]
    assert [p.best_so_far for p in points] == [0.1, 0.3, 0.3, 0.5, 0.5, 0.6, 0.6]
    assert len(score_history(challenge)) == len(scores)  # under the bound: every submission
