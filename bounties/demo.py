"""The demo challenge that `make run` seeds: faded-ink digits, a public training split and a starter kit.

The hidden set is made here from a secret seed that is drawn at seed time and never stored or shown
(see `bounties.demo_data`); the training split and the starter script are offered on the Data tab.
Everything goes through the same services as an organizer's challenge in the admin.
"""

from __future__ import annotations

import io
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.services import user_get_or_create_verified
from bounties.demo_data import DigitsData, make_digits_data
from bounties.demo_names import DEMO_BASELINE, DEMO_ORGANIZER, DEMO_SLUG
from bounties.models import Challenge, ModelFormat, PublishPolicy, ResourceKind
from bounties.services.challenge_settings import ChallengeSettings
from bounties.services.challenges import challenge_create, challenge_publish
from bounties.services.datasets import hidden_dataset_upload
from bounties.services.resources import challenge_resource_add
from bounties.services.submissions import submission_create
from evaluation.examples import DIGITS_CNN
from evaluation.scoring.metrics import Metric
from starter import digits_starter

BASELINE_EPOCHS = 4
STARTER_SCRIPT = Path(settings.BASE_DIR) / "starter" / "digits_starter.py"
TRAIN_FILENAME = "digits-train.npz"
DEMO_DESCRIPTION = """\
Read handwritten digits from faded, scratched 8x8 scans.

Like the letters on the Vesuvius scrolls, these digits are hard to read: the ink has faded unevenly, the
page is grainy, the digits sit up to a pixel off their place and stray strokes cross some of them.

## Data
Each input is one image flattened to **64 float32 values** from 0 to 16 (ink), row by row.
The **Data** tab offers the public training split (`digits-train.npz`, arrays `inputs` and `labels`) and a
starter script that trains a model on it and exports it in both accepted formats in seconds.

The hidden test set was made when this challenge was created, from a secret seed that was never stored:
other images than the training split's, degraded the same way. 30% of it scores the live (public)
leaderboard; the other 70% stays private until the challenge closes and decides the prizes.

## What to submit
- a model that maps a batch of inputs of shape `[n, 64]` to class scores of shape `[n, 10]`, as
  **safetensors weights** for one of the registered architectures (`mlp` or `cnn`, configs in the rules)
  or as an **ONNX** file;
- the **source code** that trained it (a `.zip` or `.tar.gz`): required for a prize;
- a short **write-up** of what you tried. Cite the clues and submissions you built on.

## Scoring
Accuracy of the arg-max class. Ties go to the earlier submission.
"""
# The starter script exports weights for its `mlp` config, so the challenge registers that config.
DEMO_ARCHITECTURES: dict[str, dict[str, Any]] = {"mlp": digits_starter.MLP_CONFIG, "cnn": DIGITS_CNN}


def _npz(name: str, inputs: np.ndarray, labels: np.ndarray) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    np.savez(buffer, inputs=inputs, labels=labels)
    return SimpleUploadedFile(name, buffer.getvalue())


def demo_settings() -> ChallengeSettings:
    now = timezone.now()
    return ChallengeSettings(
        slug=DEMO_SLUG,
        title="Handwritten digits",
        summary="Read faded, scratched handwritten digits. A small, fast warm-up challenge.",
        description=DEMO_DESCRIPTION,
        # Opened a week ago: the demo's contributors' work is spread over that week (governance.demo).
        starts_at=now - timedelta(days=8),
        ends_at=now + timedelta(days=30),
        input_shape=(64,),
        input_dtype="float32",
        output_shape=(10,),
        metric=Metric.ACCURACY,
        accepted_formats=(ModelFormat.SAFETENSORS, ModelFormat.ONNX),
        architectures=DEMO_ARCHITECTURES,
        daily_submission_limit=10,
        total_submission_limit=200,
        publish_policy=PublishPolicy.IMMEDIATELY,
        prize_pool=10_000 * 10**18,
    )


@transaction.atomic
def seed_demo_challenge() -> tuple[Challenge, bool]:
    """Create and publish the demo challenge once; later calls return it unchanged. (challenge, created)."""
    existing = Challenge.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    organizer, _ = get_user_model().objects.get_or_create(
        username=DEMO_ORGANIZER, defaults={"email": "organizer@clueboard.invalid"}
    )
    challenge, data = digits_challenge_publish(organizer=organizer, settings=demo_settings())
    _submit_baselines(challenge, data)
    return challenge, True


def digits_challenge_publish(*, organizer: Any, settings: ChallengeSettings) -> tuple[Challenge, DigitsData]:
    """A published digits challenge with its own hidden set (from a fresh secret seed), training split and
    starter script; returns it with the data drawn (the hidden part is already stored, not kept)."""
    # Drawn here, used once, never stored or shown: nobody can make the hidden rows again.
    data = make_digits_data(secrets.randbits(128))
    challenge = challenge_create(organizer=organizer, settings=settings)
    hidden_dataset_upload(
        challenge=challenge,
        upload=_npz("digits-hidden.npz", data.hidden_inputs, data.hidden_labels),
        public_fraction=0.3,
    )
    _attach_resources(challenge, data)
    return challenge_publish(challenge=challenge), data


def _attach_resources(challenge: Challenge, data: DigitsData) -> None:
    challenge_resource_add(
        challenge=challenge,
        upload=_npz(TRAIN_FILENAME, data.train_inputs, data.train_labels),
        title="Training split",
        description=f"{len(data.train_labels):,} labelled images as arrays `inputs` ({len(data.train_labels):,} "
        "x 64 float32) and `labels` (0 to 9), degraded like the hidden set. Other images than the hidden set's.",
        kind=ResourceKind.TRAINING_DATA,
    )
    challenge_resource_add(
        challenge=challenge,
        upload=SimpleUploadedFile(STARTER_SCRIPT.name, STARTER_SCRIPT.read_bytes()),
        title="Starter script",
        description=f"`python {STARTER_SCRIPT.name} {TRAIN_FILENAME}` trains a small network in seconds on a "
        "CPU and writes it as `models/digits-mlp.onnx` and `models/digits-mlp.safetensors`, ready to submit. "
        "Needs numpy, torch, onnx and safetensors.",
        kind=ResourceKind.STARTER_KIT,
    )


def _submit_baselines(challenge: Challenge, data: DigitsData) -> None:
    """Two real models from the starter script, queued like anyone's, so the leaderboard fills once a
    worker runs."""
    baseline = user_get_or_create_verified(username=DEMO_BASELINE, email="baseline@clueboard.invalid")
    quick = digits_starter.train(data.train_inputs, data.train_labels, epochs=2)
    # Short of the starter's 20 epochs, so that the demo's contributors, who train longer, overtake it.
    full = digits_starter.train(data.train_inputs, data.train_labels, epochs=BASELINE_EPOCHS)
    with tempfile.TemporaryDirectory() as folder:
        quick_weights, _ = digits_starter.export(quick, Path(folder) / "quick")
        _, full_graph = digits_starter.export(full, Path(folder) / "full")
        for path, title in (
            (quick_weights, "Starter MLP, 2 epochs"),
            (full_graph, f"Starter MLP, {BASELINE_EPOCHS} epochs, as ONNX"),
        ):
            submission_create(
                challenge=challenge,
                contributor=baseline,
                model_file=SimpleUploadedFile(path.name, path.read_bytes()),
                title=title,
                writeup=f"Platform baseline: {title.lower()}, made with the starter script on the training split.",
            )
