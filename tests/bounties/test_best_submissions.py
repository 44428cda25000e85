"""`BestSubmission`, the open leaderboard kept as scores land, always equals the ranking computed from the
submissions: ties (an equal score goes to the earlier submission, then the lower id), scores landing out of
submission order, both metric directions, and the backfill of submissions scored before it existed."""

from __future__ import annotations

import importlib
import random
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from bounties.models import BestSubmission, Challenge, SubmissionStatus
from bounties.selectors.leaderboard import (
    computed_leaderboard_for,
    leaderboard_for,
    own_rank,
    ranked_contributors,
)
from bounties.services.challenges import challenge_close_now
from bounties.services.submissions import submission_record_scores
from evaluation.scoring.metrics import Metric
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, SubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(challenge: Challenge, *, computed: bool = False) -> list[tuple[Any, ...]]:
    board = computed_leaderboard_for(challenge) if computed else leaderboard_for(challenge)
    return [
        (e.rank, e.contributor_id, e.score, e.submission_id, e.submitted_at, e.entries) for e in board.entries
    ]


@pytest.mark.parametrize("metric", [Metric.ACCURACY, Metric.RMSE])
def test_scores_landing_in_any_order_keep_the_table_equal_to_the_computed_ranking(metric: str) -> None:
    challenge = ChallengeFactory.create(metric=metric)
    people = [UserFactory.create() for _ in range(6)]
    pick = random.Random(7)
    start = timezone.now() - timedelta(days=1)
    waiting = [
        SubmissionFactory.create(
            challenge=challenge,
            contributor=pick.choice(people),
            status=SubmissionStatus.RUNNING,
            # Some share a moment, so the tie-break falls through to the id.
            created_at=start + timedelta(minutes=pick.randrange(10)),
        )
        for _ in range(40)
    ]
    pick.shuffle(waiting)  # scored in another order than submitted
    for n, submission in enumerate(waiting):
        # Few distinct values: many ties, between and within contributors.
        score = pick.choice([1.0, 2.0, 3.0])
        assert submission_record_scores(submission_id=submission.pk, public_score=score, private_score=0.5)
        if n % 7 == 0:
            assert rows(challenge) == rows(challenge, computed=True)

    assert rows(challenge) == rows(challenge, computed=True)
    assert ranked_contributors(challenge) == len({s.contributor_id for s in waiting})


def test_a_tie_goes_to_the_earlier_submission_even_when_it_is_scored_later() -> None:
    challenge = ChallengeFactory.create()
    ada = UserFactory.create()
    early = SubmissionFactory.create(
        challenge=challenge, contributor=ada, status=SubmissionStatus.RUNNING,
        created_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    late = SubmissionFactory.create(
        challenge=challenge, contributor=ada, status=SubmissionStatus.RUNNING,
        created_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    submission_record_scores(submission_id=late.pk, public_score=0.7, private_score=0.1)
    submission_record_scores(submission_id=early.pk, public_score=0.7, private_score=0.1)

    best = BestSubmission.objects.get(challenge=challenge, contributor=ada)

    assert (best.submission_id, best.entries) == (early.pk, 2)
    assert rows(challenge) == rows(challenge, computed=True)


def test_a_redelivered_score_is_counted_once() -> None:
    challenge = ChallengeFactory.create()
    running = SubmissionFactory.create(challenge=challenge, status=SubmissionStatus.RUNNING)
    assert submission_record_scores(submission_id=running.pk, public_score=0.4, private_score=0.4)
    assert not submission_record_scores(submission_id=running.pk, public_score=0.9, private_score=0.9)

    best = BestSubmission.objects.get(challenge=challenge)

    assert (best.public_score, best.entries) == (0.4, 1)


def test_the_backfill_rebuilds_the_table_from_the_scored_submissions() -> None:
    challenge = ChallengeFactory.create(metric=Metric.RMSE)
    people = [UserFactory.create() for _ in range(4)]
    for n in range(12):
        ScoredSubmissionFactory.create(
            challenge=challenge, contributor=people[n % 4], public_score=float(n % 3),
            created_at=timezone.now() - timedelta(minutes=n % 5),
        )  # fmt: skip
    SubmissionFactory.create(challenge=challenge, contributor=people[0], status=SubmissionStatus.FAILED)
    kept = rows(challenge)
    BestSubmission.objects.all().delete()
    migration = importlib.import_module("bounties.migrations.0009_leaderboard_indexes")

    migration.backfill_best_submissions(apps, None)

    assert rows(challenge) == kept == rows(challenge, computed=True)


def test_own_rank_is_the_place_on_the_open_leaderboard_and_none_after_close() -> None:
    challenge = ChallengeFactory.create()
    people = [UserFactory.create() for _ in range(5)]
    for n, who in enumerate(people):
        # Two tie at 0.5: the earlier submission ranks first.
        ScoredSubmissionFactory.create(
            challenge=challenge, contributor=who, public_score=[0.9, 0.5, 0.5, 0.2, 0.7][n],
            created_at=timezone.now() - timedelta(minutes=10 - n),
        )  # fmt: skip
    places = {e.contributor_id: e.rank for e in leaderboard_for(challenge).entries}

    assert (
        [own_rank(challenge, who) for who in people] == [places[who.pk] for who in people] == [1, 3, 4, 5, 2]
    )
    assert own_rank(challenge, UserFactory.create()) is None
    assert own_rank(challenge_close_now(challenge=challenge), people[0]) is None
