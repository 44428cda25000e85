"""The Ladder (Blum & Hardt, 2015): a public score moves only on a significant improvement.

An adaptive contributor who probes the public part with many small variations learns almost nothing:
a new score is shown only when it beats the contributor's best by more than the standard error of the
paired difference on the public rows (floored at the new score's own standard error, see
`resolution_floor`). Non-decomposable metrics (macro-F1, ROC-AUC) use a paired bootstrap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_RESAMPLES = 200


@dataclass(frozen=True)
class LadderStep:
    shown_score: float  # what the leaderboard shows for this contributor after this submission
    improved: bool  # whether this submission became the contributor's new best


def ladder_step(
    *,
    new_score: float,
    new_losses: np.ndarray | None,
    best_score: float | None,
    best_losses: np.ndarray | None,
    higher_is_better: bool,
    paired_difference_se: Callable[[], float] | None = None,
) -> LadderStep:
    """Decide what to show after a new public evaluation.

    With per-row losses (lower is better), the bar is `resolution_floor` of the paired difference; without them,
    `paired_difference_se` gives the standard error of the metric difference (bootstrap).
    """
    if best_score is None:
        return LadderStep(shown_score=new_score, improved=True)
    if new_losses is not None and best_losses is not None:
        # Compared in loss space (mean squared error for RMSE), where the test is defined.
        difference = new_losses - best_losses
        gain = -float(difference.mean())
        standard_error = resolution_floor(difference, new_losses)
    else:
        gain = new_score - best_score if higher_is_better else best_score - new_score
        standard_error = paired_difference_se() if paired_difference_se is not None else 0.0
    if gain > standard_error:
        return LadderStep(shown_score=new_score, improved=True)
    return LadderStep(shown_score=best_score, improved=False)


def resolution_floor(difference: np.ndarray, new_losses: np.ndarray) -> float:
    """The bar a gain must clear: the paired difference's standard error, but never below the new
    submission's own standard error. A probe that changes only a few rows of the best has a tiny paired
    error, and without the floor could learn the public labels a few rows at a time."""
    spread = max(float(np.std(difference)), float(np.std(new_losses)))
    return spread / float(np.sqrt(len(difference)))


def bootstrap_difference_se(
    metric: Callable[[np.ndarray, np.ndarray], float],
    new_predictions: np.ndarray,
    best_predictions: np.ndarray,
    labels: np.ndarray,
    seed: int = 0,
) -> float:
    """Standard error of metric(new) - metric(best) over paired resamples of the same rows."""
    rng = np.random.default_rng(seed)
    n = len(labels)
    differences, new_scores = [], []
    for _ in range(BOOTSTRAP_RESAMPLES):
        rows = rng.integers(0, n, n)
        try:
            new_score = metric(new_predictions[rows], labels[rows])
            differences.append(new_score - metric(best_predictions[rows], labels[rows]))
        except Exception:  # noqa: S112 - a resample can miss a class; skip it like the others would
            continue
        new_scores.append(new_score)
    return max(float(np.std(differences)), float(np.std(new_scores))) if differences else 0.0
