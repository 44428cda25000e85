"""Contributor profile reads: who they are, their clues, and their best score per challenge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from bounties.errors import NotFound
from bounties.models import Challenge, Clue, Submission, SubmissionStatus
from bounties.selectors.leaderboard import PRIVATE, PUBLIC
from bounties.selectors.visibility import can_view_submission, private_scores_revealed


def contributor_get(*, username: str) -> Any:
    """An active user by username; raises NotFound."""
    contributor = get_user_model().objects.filter(username=username, is_active=True).first()
    if contributor is None:
        raise NotFound(f"There is no contributor '{username}'.")
    return contributor


def active_contributor_id(*, username: str) -> tuple[int] | None:
    """An active user's id, or None: what a profile kept for signed-out readers depends on besides time."""
    user_model = get_user_model()
    try:
        return user_model.objects.values_list("pk").get(username=username, is_active=True)
    except user_model.DoesNotExist:
        return None


def clues_by_author(*, author: Any) -> QuerySet[Clue]:
    return Clue.objects.filter(author=author, challenge__published_at__isnull=False).select_related(
        "challenge", "author"
    )


@dataclass(frozen=True)
class BestScore:
    challenge: Challenge
    phase: str  # which leaderboard the score belongs to: PUBLIC while open, PRIVATE after close
    score: float
    submission_id: int | None  # None when the viewer may not open it: an id would tell it exists


def contributor_best_scores(*, contributor: Any, viewer: Any) -> list[BestScore]:
    """One query. Ranks by the private score only where the challenge has revealed it, as the leaderboard does."""
    scored = (
        Submission.objects.filter(
            contributor=contributor, status=SubmissionStatus.SCORED, challenge__published_at__isnull=False
        )
        .select_related("challenge")
        .order_by("challenge_id", "created_at", "id")
    )
    best: dict[int, BestScore] = {}
    for submission in scored:
        challenge = submission.challenge
        phase = PRIVATE if private_scores_revealed(challenge) else PUBLIC
        score = submission.private_score if phase == PRIVATE else submission.public_score
        if score is None:
            continue
        current = best.get(challenge.pk)
        if current is not None and not _beats(score, current.score, challenge.higher_is_better):
            continue
        best[challenge.pk] = BestScore(
            challenge=challenge,
            phase=phase,
            score=score,
            submission_id=submission.pk
            if can_view_submission(submission=submission, viewer=viewer)
            else None,
        )
    return sorted(best.values(), key=lambda entry: entry.challenge.ends_at, reverse=True)


def _beats(score: float, other: float, higher_is_better: bool) -> bool:
    # Strictly better only: a tie keeps the earlier submission, as on the leaderboard.
    return score > other if higher_is_better else score < other
