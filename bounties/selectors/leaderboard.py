"""The leaderboard: each contributor's best scored submission, ranked.

While a challenge is open it ranks by public score and carries no private score at all; after close it
ranks by private score, among each contributor's final candidates only (their selection, or their best
public ones). Ties go to the earlier submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.expressions import OrderBy
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


def _ranking(challenge: Challenge, score_field: str) -> list[OrderBy]:
    score = F(score_field).desc() if challenge.higher_is_better else F(score_field).asc()
    return [score, F("created_at").asc(), F("id").asc()]


def _scored(challenge: Challenge) -> QuerySet[Submission]:
    return Submission.objects.filter(challenge=challenge, status=SubmissionStatus.SCORED)


def final_candidates(challenge: Challenge) -> QuerySet[Submission]:
    """The submissions that count in the private ranking: each contributor's selected ones or, without
    a selection, their best `final_selection_limit` by public score."""
    has_selection = Exists(
        _scored(challenge).filter(contributor=OuterRef("contributor"), selected_for_final=True)
    )
    public_place = Window(
        RowNumber(), partition_by=[F("contributor_id")], order_by=_ranking(challenge, "public_score")
    )
    counts = Case(
        When(has_selection=True, then=F("selected_for_final")),
        default=Q(public_place__lte=challenge.final_selection_limit),
        output_field=BooleanField(),
    )
    return (
        _scored(challenge)
        .exclude(public_score__isnull=True)
        .annotate(has_selection=has_selection, public_place=public_place)
        .annotate(counts=counts)
        .filter(counts=True)
    )


def _best_per_contributor(challenge: Challenge, score_field: str) -> QuerySet[Submission]:
    ranking = _ranking(challenge, score_field)
    scored_count = (
        _scored(challenge)
        .filter(contributor=OuterRef("contributor"))
        .values("contributor")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = _scored(challenge).exclude(**{f"{score_field}__isnull": True})
    if score_field == "private_score":
        rows = rows.filter(pk__in=final_candidates(challenge).values("pk"))
    return (
        rows.annotate(place=Window(RowNumber(), partition_by=[F("contributor_id")], order_by=ranking))
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
