"""Applying the Ladder to a contributor's new public score, with trusted storage of public predictions."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
from django.conf import settings

from bounties.models import Participation, Submission, SubmissionStatus
from evaluation.models import EvaluationRun
from evaluation.scoring.ladder import LadderStep, bootstrap_difference_se, ladder_step
from evaluation.scoring.metrics import compute_metric, per_row_losses


def public_predictions_path(submission: Submission) -> Path:
    """Trusted storage beside the hidden sets: the public rows' predictions, needed for paired tests."""
    return (
        Path(settings.HIDDEN_DATA_ROOT)
        / "public-predictions"
        / str(submission.challenge_id)
        / f"{submission.pk}.npy"
    )


def store_public_predictions(submission: Submission, predictions: np.ndarray) -> None:
    path = public_predictions_path(submission)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(temporary, predictions, allow_pickle=False)
    os.replace(temporary, path)


def ladder_apply(
    *,
    submission: Submission,
    raw_public_score: float,
    public_predictions: np.ndarray,
    public_labels: np.ndarray,
) -> LadderStep:
    """What the leaderboard shows for this contributor now. Call inside a transaction.

    The contributor's participation row is locked so that two of their submissions finishing together
    are compared one after the other.
    """
    challenge = submission.challenge
    if not challenge.use_ladder:
        return LadderStep(shown_score=raw_public_score, improved=True)
    Participation.objects.select_for_update().filter(
        challenge=challenge, contributor=submission.contributor
    ).first()
    best = (
        EvaluationRun.objects.filter(
            submission__challenge=challenge,
            submission__contributor=submission.contributor,
            submission__status=SubmissionStatus.SCORED,
            ladder_improved=True,
        )
        .select_related("submission")
        .order_by("-submission__finished_at", "-submission_id")
        .first()
    )
    if best is None or best.raw_public_score is None:
        return LadderStep(shown_score=raw_public_score, improved=True)
    best_predictions = np.load(public_predictions_path(best.submission), allow_pickle=False)
    metric = challenge.metric
    new_losses = per_row_losses(metric, public_predictions, public_labels)
    best_losses = per_row_losses(metric, best_predictions, public_labels)
    return ladder_step(
        new_score=raw_public_score,
        new_losses=new_losses,
        best_score=best.raw_public_score,
        best_losses=best_losses,
        higher_is_better=challenge.higher_is_better,
        paired_difference_se=functools.partial(
            bootstrap_difference_se,
            functools.partial(compute_metric, metric),
            public_predictions,
            best_predictions,
            public_labels,
        ),
    )
