"""The Ladder (Blum & Hardt, 2015): a public score moves only on a significant improvement.

An adaptive contributor who probes the public part with many small variations learns almost nothing:
a new score is shown only when it beats the contributor's best by more than the standard error of the
paired difference on the public rows. Non-decomposable metrics (macro-F1, ROC-AUC) use a paired bootstrap.
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

    With per-row losses (lower is better), the threshold is std(new - best) / sqrt(n); without them,
    `paired_difference_se` gives the standard error of the metric difference (bootstrap).
    """
    if best_score is None:
        return LadderStep(shown_score=new_score, improved=True)
    if new_losses is not None and best_losses is not None:
        # Compare in loss space (mean squared error for RMSE), where the paired test is defined.
        difference = new_losses - best_losses
        gain = -float(difference.mean())
        standard_error = float(np.std(difference) / np.sqrt(len(difference)))
    else:
        gain = new_score - best_score if higher_is_better else best_score - new_score
        standard_error = paired_difference_se() if paired_difference_se is not None else 0.0
    if gain > standard_error:
        return LadderStep(shown_score=new_score, improved=True)
    return LadderStep(shown_score=best_score, improved=False)


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
    differences = []
    for _ in range(BOOTSTRAP_RESAMPLES):
        rows = rng.integers(0, n, n)
        try:
            differences.append(
                metric(new_predictions[rows], labels[rows]) - metric(best_predictions[rows], labels[rows])
            )
        except Exception:  # noqa: S112 - a resample can miss a class; skip it like the others would
            continue
    return float(np.std(differences)) if differences else 0.0
