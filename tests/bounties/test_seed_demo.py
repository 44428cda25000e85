"""The demo challenge that `make run` seeds."""

import numpy as np
import pytest
from django.core.management import call_command

from bounties import hidden_data
from bounties.models import Challenge, ChallengeStatus, HiddenDataset
from bounties.services.datasets import hidden_dataset_path

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_open_digits_challenge_once() -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    challenge = Challenge.objects.get(slug="digits")
    assert Challenge.objects.count() == HiddenDataset.objects.count() == 1
    assert challenge.status == ChallengeStatus.OPEN
    assert challenge.metric == "accuracy"
    dataset = challenge.hidden_dataset
    assert (dataset.n_rows, dataset.n_public, dataset.n_private) == (1797, 539, 1258)
    arrays = hidden_data.read_hidden_arrays(hidden_dataset_path(dataset), dataset.file_format)
    assert arrays.inputs.dtype == np.float32
    assert arrays.inputs.shape == (1797, 64)
    assert set(np.unique(arrays.labels)) == set(range(10))


def test_seed_demo_queues_real_baseline_models() -> None:
    call_command("seed_demo")
    challenge = Challenge.objects.get(slug="digits")
    baselines = list(challenge.submissions.order_by("id"))
    assert [s.model_format for s in baselines] == ["safetensors", "onnx"]
    assert all(s.status == "queued" and s.contributor.username == "baseline" for s in baselines)
    assert set(challenge.architectures) == {"mlp", "cnn"}
