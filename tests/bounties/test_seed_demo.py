"""The demo challenge that `make run` seeds: a hidden set made from a secret seed, a training split, a starter."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command
from sklearn.datasets import load_digits

from bounties import hidden_data
from bounties.models import Challenge, ChallengeStatus, HiddenDataset, ResourceKind
from bounties.services.artifacts import artifact_path
from bounties.services.datasets import hidden_dataset_path

pytestmark = pytest.mark.django_db
STARTER = Path(settings.BASE_DIR) / "starter" / "digits_starter.py"


def rows_of(inputs: np.ndarray) -> set[bytes]:
    return {row.astype(np.float32).tobytes() for row in inputs.reshape(len(inputs), -1)}


def test_seed_demo_creates_the_open_digits_challenge_once() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    challenge = Challenge.objects.get(slug="digits")
    assert Challenge.objects.count() == HiddenDataset.objects.count() == 1
    assert challenge.status == ChallengeStatus.OPEN
    assert (challenge.metric, challenge.input_spec, challenge.output_spec) == (
        "accuracy",
        {"shape": [64], "dtype": "float32"},
        {"shape": [10]},
    )
    dataset = challenge.hidden_dataset
    assert (dataset.n_rows, dataset.n_public, dataset.n_private) == (1594, 478, 1116)
    arrays = hidden_data.read_hidden_arrays(hidden_dataset_path(dataset), dataset.file_format)
    assert arrays.inputs.dtype == np.float32 and arrays.inputs.shape == (1594, 64)
    assert set(np.unique(arrays.labels)) == set(range(10))


def test_the_hidden_rows_are_no_public_rows_and_the_split_and_starter_are_offered() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    challenge = Challenge.objects.get(slug="digits")
    dataset = challenge.hidden_dataset
    hidden = hidden_data.read_hidden_arrays(hidden_dataset_path(dataset), dataset.file_format)
    training, starter = challenge.resources.order_by("id")

    assert (training.filename, training.kind) == ("digits-train.npz", ResourceKind.TRAINING_DATA)
    with np.load(artifact_path(training.artifact), allow_pickle=False) as split:
        assert split["inputs"].shape == (3000, 64) and set(np.unique(split["labels"])) == set(range(10))
        public_rows = rows_of(split["inputs"])
    assert not rows_of(hidden.inputs) & (public_rows | rows_of(load_digits().data))
    assert (starter.filename, starter.kind) == ("digits_starter.py", ResourceKind.STARTER_KIT)
    assert artifact_path(starter.artifact).read_bytes() == STARTER.read_bytes()


def test_the_secret_seed_is_neither_stored_nor_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = 271828182845904523536028747135266249775
    monkeypatch.setattr("bounties.demo.secrets.randbits", lambda bits: secret)
    shown = io.StringIO()
    call_command("seed_demo", stdout=shown)
    stored = io.StringIO()
    call_command("dumpdata", "bounties", "evaluation", stdout=stored)
    assert str(secret) not in shown.getvalue() + stored.getvalue()
    assert format(secret, "x") not in stored.getvalue()


def test_seed_demo_queues_real_baseline_models_made_by_the_starter() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    challenge = Challenge.objects.get(slug="digits")
    baselines = list(challenge.submissions.order_by("id"))
    assert [s.model_format for s in baselines] == ["safetensors", "onnx"]
    assert all(s.status == "queued" and s.contributor.username == "baseline" for s in baselines)
    assert set(challenge.architectures) == {"mlp", "cnn"}
