"""The leaderboard: each contributor's best scored submission, ranked.

While a challenge is open it ranks by public score and carries no private score at all; after close it
ranks by private score, among each contributor's final candidates only (their selection, or their best
public ones). Ties go to the earlier submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.expressions import OrderBy, RowRange
from django.db.models.functions import RowNumber

from bounties.models import BestSubmission, Challenge, Submission, SubmissionStatus
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


def _eligible(challenge: Challenge, score_field: str) -> Q:
    """The rows that may be a contributor's ranked entry: scored in this phase and, after close, final."""
    eligible = Q(**{f"{score_field}__isnull": False})
    if score_field == "private_score":
        eligible &= Q(pk__in=final_candidates(challenge).values("pk"))
    return eligible


def _best_per_contributor(challenge: Challenge, score_field: str) -> QuerySet[Submission]:
    """Each contributor's best eligible row, ranked: one window over the challenge's scored rows.

    The window reads only the columns of the (challenge, status, contributor, score, created_at) indexes,
    so the database answers it from an index without touching the table.
    """
    ranking = _ranking(challenge, score_field)
    place = Window(RowNumber(), partition_by=[F("contributor_id")], order_by=ranking)
    return (
        _scored(challenge)
        .filter(_eligible(challenge, score_field))
        .annotate(place=place)
        .filter(place=1)
        .order_by(*ranking)
    )


def _page(challenge: Challenge, score_field: str, offset: int, limit: int | None) -> QuerySet[Submission]:
    """The rows of one page of the ranking, with their contributor and how many scored submissions they
    made. The count is a correlated subquery for the page's rows only (an index range each), not for
    every submission of the challenge."""
    best = _best_per_contributor(challenge, score_field).values("pk")
    best = best[offset : offset + limit] if limit is not None else best[offset:]
    scored_count = (
        _scored(challenge)
        .filter(contributor=OuterRef("contributor"))
        .values("contributor")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Submission.objects.filter(pk__in=best)
        .select_related("contributor")
        .annotate(entries=Subquery(scored_count))
        .order_by(*_ranking(challenge, score_field))
    )


def ranked_contributors(challenge: Challenge) -> int:
    """How many contributors the leaderboard ranks: the rows of `BestSubmission` while open, an index
    range of the submissions after close."""
    if leaderboard_phase(challenge) == PUBLIC:
        return BestSubmission.objects.filter(challenge=challenge).count()
    eligible = _scored(challenge).filter(_eligible(challenge, "private_score"))
    return eligible.values("contributor_id").distinct().count()


def leaderboard_for(challenge: Challenge, *, limit: int | None = None, offset: int = 0) -> Leaderboard:
    """Ranked entries in one query whatever the number of contributors; `offset` and `limit` take a page
    of the ranking (ranks count from the top, not from the page).

    While open, the ranking is read from `BestSubmission` (kept as scores land, an index range); after
    close it is computed from the submissions, as the final selection decides what counts.
    """
    if leaderboard_phase(challenge) == PRIVATE:
        return computed_leaderboard_for(challenge, limit=limit, offset=offset)
    score = F("public_score").desc() if challenge.higher_is_better else F("public_score").asc()
    rows = (
        BestSubmission.objects.filter(challenge=challenge)
        .select_related("contributor")
        .order_by(score, "submitted_at", "submission_id")
    )
    rows = rows[offset : offset + limit] if limit is not None else rows[offset:]
    published = submission_is_published(Submission(challenge=challenge))
    entries = [
        LeaderboardEntry(
            rank=place,
            contributor_id=row.contributor_id,
            contributor_username=row.contributor.username,
            score=row.public_score,
            submission_id=row.submission_id if published else None,
            submitted_at=row.submitted_at,
            entries=row.entries,
            submission_published=published,
        )
        for place, row in enumerate(rows, start=offset + 1)
    ]
    return Leaderboard(
        challenge=challenge, phase=PUBLIC, higher_is_better=challenge.higher_is_better, entries=entries
    )


def own_rank(challenge: Challenge, contributor: Any) -> int | None:
    """The contributor's place on the open leaderboard, or None (not ranked, or the challenge has closed:
    the private ranking is computed, not kept). Two index lookups: their row, and how many rank before it."""
    if leaderboard_phase(challenge) == PRIVATE:
        return None
    own = BestSubmission.objects.filter(challenge=challenge, contributor=contributor).first()
    if own is None:
        return None
    better = "public_score__gt" if challenge.higher_is_better else "public_score__lt"
    same = {"public_score": own.public_score}
    ahead = (
        Q(**{better: own.public_score})
        | Q(**same, submitted_at__lt=own.submitted_at)
        | Q(**same, submitted_at=own.submitted_at, submission_id__lt=own.submission_id)
    )
    return BestSubmission.objects.filter(ahead, challenge=challenge).count() + 1


def computed_leaderboard_for(
    challenge: Challenge, *, limit: int | None = None, offset: int = 0
) -> Leaderboard:
    """The ranking of the challenge's phase computed from its submissions (one window over them): the
    private ranking after close, and what `BestSubmission` must always equal while open."""
    phase = leaderboard_phase(challenge)
    score_field = "private_score" if phase == PRIVATE else "public_score"
    rows = _page(challenge, score_field, offset, limit)
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
        for place, row in enumerate(rows, start=offset + 1)
    ]
    return Leaderboard(
        challenge=challenge, phase=phase, higher_is_better=challenge.higher_is_better, entries=entries
    )


@dataclass(frozen=True)
class ScorePoint:
    submitted_at: datetime
    score: float
    best_so_far: float


CHART_SAMPLES = 500


def score_history(challenge: Challenge, *, samples: int = CHART_SAMPLES) -> list[ScorePoint]:
    """Public scores over time with the running best, for the chart; public scores only, always.

    Bounded whatever the number of submissions: every `ceil(n / samples)`-th scored submission in time
    order, plus every one that reached the best so far (so the best-so-far steps are exact). With up to
    `samples` submissions that is every one of them. Two queries (the count, the points), whatever the
    number of submissions; the database keeps the rest.
    """
    rows = Submission.objects.filter(
        challenge=challenge, status=SubmissionStatus.SCORED, public_score__isnull=False
    )
    total = rows.count()
    if total == 0:
        return []
    stride = max(1, -(-total // samples))
    order = [F("created_at").asc(), F("id").asc()]
    best = Max if challenge.higher_is_better else Min
    points = (
        rows.annotate(
            position=Window(RowNumber(), order_by=order),
            best_so_far=Window(best("public_score"), order_by=order, frame=RowRange(start=None, end=0)),
        )
        .annotate(slot=F("position") % stride)
        # A score equal to the best so far is the best (a tie with it at worst, an extra point only).
        .filter(Q(slot=0) | Q(position=1) | Q(public_score=F("best_so_far")))
        .order_by(*order)
        .values_list("created_at", "public_score", "best_so_far")
    )
    return [
        ScorePoint(submitted_at=submitted_at, score=score, best_so_far=best_so_far)
        for submitted_at, score, best_so_far in points
        if score is not None  # filtered in the query
    ]
