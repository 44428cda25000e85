"""One metric registry in the scoring core: the challenge form, the lists and the workers all read it."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from bounties.admin_forms import ChallengeAdminForm
from bounties.api.filters import ChallengeFilter
from bounties.forms import ChallengeFilterForm
from bounties.models import Challenge
from evaluation.scoring.metrics import METRICS, Task, compute_metric, metric_choices, per_row_losses


def test_bounties_keeps_no_metric_list_of_its_own() -> None:
    assert importlib.util.find_spec("bounties.metrics") is None


def test_every_choice_of_a_metric_is_the_registrys() -> None:
    registry = [(spec.name.value, spec.label) for spec in METRICS.values()]
    assert metric_choices() == registry
    assert list(Challenge._meta.get_field("metric").choices or []) == registry
    assert list(ChallengeAdminForm.base_fields["metric"].choices) == registry  # type: ignore[attr-defined]
    assert list(ChallengeFilterForm.base_fields["metric"].choices)[1:] == registry  # type: ignore[attr-defined]
    assert list(ChallengeFilter.base_filters["metric"].extra["choices"]) == registry


@pytest.mark.parametrize("name", list(METRICS))
def test_the_direction_of_a_challenge_is_its_metrics(name: str) -> None:
    assert Challenge(metric=name).higher_is_better is METRICS[name].higher_is_better


@pytest.mark.parametrize("name", list(METRICS))
def test_each_metric_computes_and_says_what_it_needs(name: str) -> None:
    spec = METRICS[name]
    rng = np.random.default_rng(0)
    labels: np.ndarray
    if spec.task == Task.CLASSIFICATION:
        labels = np.arange(30) % 3
        predictions = rng.normal(size=(30, 3)).astype(np.float32)
        assert "one score per class" in spec.predictions_needed
    else:
        labels = rng.normal(size=30)
        predictions = rng.normal(size=(30, 1)).astype(np.float32)
        assert "one value per row" in spec.predictions_needed
    assert math.isfinite(compute_metric(name, predictions, labels))
    direction = "higher is better" if spec.higher_is_better else "lower is better"
    assert spec.label in spec.description and direction in spec.description
    losses = per_row_losses(name, predictions, labels)
    assert losses is None or losses.shape == (30,)
