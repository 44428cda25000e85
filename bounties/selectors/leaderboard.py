"""The leaderboard: each contributor's best scored submission, ranked.

While a challenge is open it ranks by public score and carries no private score at all; after close it
ranks by private score. Ties go to the earlier submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from bounties.models import Challenge, Submission, SubmissionStatus
from bounties.selectors.visibility import private_scores_revealed, submission_is_published

PUBLIC = "public"
PRIVATE = "private"


@dataclass(frozen=True)
class LeaderboardEntry:
    rank: int
    contributor_id: int
    contributor_username: str
    score: float
    submission_id: int | None  # None until the submission is published: an id would tell it exists
    submitted_at: datetime
    entries: int
    submission_published: bool


@dataclass(frozen=True)
class Leaderboard:
    challenge: Challenge
    phase: str  # PUBLIC while open, PRIVATE after close
    higher_is_better: bool
    entries: list[LeaderboardEntry]


def leaderboard_phase(challenge: Challenge) -> str:
    return PRIVATE if private_scores_revealed(challenge) else PUBLIC


def _best_per_contributor(challenge: Challenge, score_field: str) -> QuerySet[Submission]:
    score = F(score_field).desc() if challenge.higher_is_better else F(score_field).asc()
    ranking = [score, F("created_at").asc(), F("id").asc()]
    scored_count = (
        Submission.objects.filter(
            challenge=challenge, contributor=OuterRef("contributor"), status=SubmissionStatus.SCORED
        )
        .values("contributor")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Submission.objects.filter(challenge=challenge, status=SubmissionStatus.SCORED)
        .exclude(**{f"{score_field}__isnull": True})
        .annotate(place=Window(RowNumber(), partition_by=[F("contributor_id")], order_by=ranking))
        .filter(place=1)
        .annotate(entries=Subquery(scored_count))
        .select_related("contributor")
        .order_by(*ranking)
    )


def leaderboard_for(challenge: Challenge, *, limit: int | None = None) -> Leaderboard:
    """Ranked entries in two queries whatever the number of contributors."""
    phase = leaderboard_phase(challenge)
    score_field = "private_score" if phase == PRIVATE else "public_score"
    rows = _best_per_contributor(challenge, score_field)
    if limit is not None:
        rows = rows[:limit]
    published = submission_is_published(Submission(challenge=challenge))
    entries = [
        LeaderboardEntry(
            rank=place,
            contributor_id=row.contributor_id,
            contributor_username=row.contributor.username,
            score=getattr(row, score_field),
            submission_id=row.pk if published else None,
            submitted_at=row.created_at,
            entries=row.entries,  # type: ignore[attr-defined]
            submission_published=published,
        )
        for place, row in enumerate(rows, start=1)
    ]
    return Leaderboard(
        challenge=challenge, phase=phase, higher_is_better=challenge.higher_is_better, entries=entries
    )


@dataclass(frozen=True)
class ScorePoint:
    submitted_at: datetime
    score: float
    best_so_far: float


def score_history(challenge: Challenge) -> list[ScorePoint]:
    """Every public score over time with the running best, for the chart. Public scores only, always."""
    rows = (
        Submission.objects.filter(
            challenge=challenge, status=SubmissionStatus.SCORED, public_score__isnull=False
        )
        .order_by("created_at", "id")
        .values_list("created_at", "public_score")
    )
    pick = max if challenge.higher_is_better else min
    points: list[ScorePoint] = []
    best: float | None = None
    for submitted_at, score in rows:
        assert score is not None  # filtered in the query
        best = score if best is None else pick(best, score)
        points.append(ScorePoint(submitted_at=submitted_at, score=score, best_so_far=best))
    return points
