"""The Ladder keeps adaptive probing of the public part from climbing the leaderboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from bounties.models import Challenge
from evaluation import examples
from evaluation.models import EvaluationRun
from evaluation.scoring.ladder import LadderStep, bootstrap_difference_se, ladder_step
from evaluation.scoring.metrics import compute_metric
from evaluation.services.scoring import evaluate_submission
from tests.evaluation.conftest import submit_file
from tests.factories import UserFactory

N_PUBLIC, N_CLASSES, N_PROBES, ROWS_PER_PROBE = 539, 10, 300, 20


def hill_climb(labels: np.ndarray, *, use_ladder: bool, seed: int = 7) -> float:
    """An adaptive prober: re-guess a few public rows, keep the change when the board says it helped.

    Returns the true public accuracy the prober ends with.
    """
    rng = np.random.default_rng(seed)
    guess = rng.integers(0, N_CLASSES, len(labels))
    best_score: float | None = None
    best_losses: np.ndarray | None = None
    for _ in range(N_PROBES):
        candidate = guess.copy()
        rows = rng.choice(len(labels), size=ROWS_PER_PROBE, replace=False)
        candidate[rows] = rng.integers(0, N_CLASSES, ROWS_PER_PROBE)
        losses = (candidate != labels).astype(np.float64)
        score = 1 - losses.mean()
        if use_ladder:
            step = ladder_step(
                new_score=score,
                new_losses=losses,
                best_score=best_score,
                best_losses=best_losses,
                higher_is_better=True,
            )
            keep = step.improved
        else:
            keep = best_score is None or score > best_score
        if keep:
            guess, best_score, best_losses = candidate, score, losses
    return float((guess == labels).mean())


def test_noise_probing_climbs_a_plain_leaderboard_but_not_the_ladder() -> None:
    labels = np.random.default_rng(1).integers(0, N_CLASSES, N_PUBLIC)
    chance = 1 / N_CLASSES
    standard_error = np.sqrt(chance * (1 - chance) / N_PUBLIC)

    plain = hill_climb(labels, use_ladder=False)
    laddered = hill_climb(labels, use_ladder=True)

    assert plain > chance + 10 * standard_error  # exact feedback leaks the labels row by row
    assert laddered < chance + 3 * standard_error  # the Ladder's feedback does not


def test_the_boosting_attack_gains_nothing_through_the_ladder() -> None:
    """Blum & Hardt's attack: keep the probes the board said improved, then submit their majority vote."""
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 2, N_PUBLIC)
    guesses = [rng.integers(0, 2, N_PUBLIC) for _ in range(N_PROBES)]
    losses = [(g != labels).astype(np.float64) for g in guesses]

    plain_kept = [g for g, row_losses in zip(guesses, losses, strict=True) if 1 - row_losses.mean() > 0.5]
    boosted = (np.mean(plain_kept, axis=0) > 0.5).astype(int)
    plain_boosted_accuracy = float((boosted == labels).mean())

    best_losses: np.ndarray | None = None
    best_score: float | None = None
    ladder_kept = []
    for guess, row_losses in zip(guesses, losses, strict=True):
        step = ladder_step(
            new_score=1 - row_losses.mean(),
            new_losses=row_losses,
            best_score=best_score,
            best_losses=best_losses,
            higher_is_better=True,
        )
        if step.improved:
            ladder_kept.append(guess)
            best_score, best_losses = step.shown_score, row_losses
    ladder_boosted = (np.mean(ladder_kept, axis=0) > 0.5).astype(int)

    assert plain_boosted_accuracy > 0.6  # the attack works against a plain board
    assert float((ladder_boosted == labels).mean()) < 0.56
    assert len(ladder_kept) < 10  # almost no probe is reported as an improvement


def test_a_real_improvement_does_show() -> None:
    base = np.ones(N_PUBLIC)
    base[: N_PUBLIC // 2] = 0  # 50% correct
    better = np.zeros(N_PUBLIC)
    better[: N_PUBLIC // 10] = 1  # 90% correct
    step = ladder_step(
        new_score=0.9, new_losses=better, best_score=0.5, best_losses=base, higher_is_better=True
    )
    assert step == LadderStep(shown_score=0.9, improved=True)


def test_without_row_losses_a_paired_bootstrap_sets_the_bar() -> None:
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, 300)
    scores_a = rng.normal(size=(300, 3))
    scores_b = scores_a + rng.normal(scale=0.01, size=(300, 3))
    f1 = lambda p, y: compute_metric("macro_f1", p, y)  # noqa: E731
    se = bootstrap_difference_se(f1, scores_b, scores_a, labels)
    step = ladder_step(
        new_score=f1(scores_b, labels),
        new_losses=None,
        best_score=f1(scores_a, labels),
        best_losses=None,
        higher_is_better=True,
        paired_difference_se=lambda: se,
    )
    assert se > 0
    assert not step.improved


@pytest.mark.django_db
def test_the_leaderboard_shows_the_ladder_score(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    contributor = UserFactory.create()
    weak = examples.train_on_digits(examples.seeded_model("mlp", examples.DIGITS_MLP), epochs=3)
    nudged = examples.seeded_model("mlp", examples.DIGITS_MLP)
    nudged.load_state_dict(trained_mlp.state_dict())
    with torch.no_grad():
        nudged.get_parameter("layers.0.bias").add_(1e-3)
    shown: list[float] = []
    for index, model in enumerate((weak, trained_mlp, nudged)):
        path = examples.save_weights(model, tmp_path / f"m{index}.safetensors", "mlp")
        submission = submit_file(digits_challenge, path, contributor)
        evaluate_submission(submission_id=submission.pk)
        submission.refresh_from_db()
        run = EvaluationRun.objects.get(submission=submission)
        assert submission.public_score is not None and run.raw_public_score is not None
        if run.ladder_improved:
            assert submission.public_score == run.raw_public_score
        else:
            assert submission.public_score == shown[-1]
        shown.append(submission.public_score)
    runs = EvaluationRun.objects.order_by("submission_id")
    assert [run.ladder_improved for run in runs] == [True, True, False]
