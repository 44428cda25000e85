"""The demo challenge that `make run` seeds: scikit-learn's handwritten digits as the hidden test set."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from sklearn.datasets import load_digits

from accounts.services import user_get_or_create_verified
from bounties.metrics import Metric
from bounties.models import Challenge, ModelFormat, PublishPolicy
from bounties.services.challenges import challenge_publish
from bounties.services.datasets import hidden_dataset_upload
from bounties.services.submissions import submission_create

DEMO_SLUG = "digits"
DEMO_ORGANIZER = "clueboard"
DEMO_BASELINE = "baseline"
DEMO_DESCRIPTION = """\
Recognise handwritten digits from 8x8 grey-scale images.

## Data
Each input is one image flattened to **64 float32 pixel values** from 0 to 16, in row-major order.
The hidden test set is scikit-learn's `digits` data set (1,797 images). 30% of it scores the live
(public) leaderboard; the other 70% stays private until the challenge closes and decides the prizes.

## What to submit
- a model that maps a batch of inputs of shape `[n, 64]` to class scores of shape `[n, 10]`, as
  **safetensors weights** for one of the platform's registered architectures or as an **ONNX** file;
- the **source code** that trained it (a `.zip` or `.tar.gz`) — required for a prize;
- a short **write-up** of what you tried. Cite the clues and submissions you built on.

## Scoring
Accuracy of the arg-max class. Ties go to the earlier submission.
"""


def _digits_npz() -> SimpleUploadedFile:
    digits = load_digits()
    buffer = io.BytesIO()
    np.savez(buffer, inputs=digits.data.astype(np.float32), labels=digits.target.astype(np.int64))
    return SimpleUploadedFile("digits.npz", buffer.getvalue())


@transaction.atomic
def seed_demo_challenge() -> tuple[Challenge, bool]:
    """Create and publish the demo challenge once; later calls return it unchanged. (challenge, created)."""
    existing = Challenge.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    organizer, _ = get_user_model().objects.get_or_create(
        username=DEMO_ORGANIZER, defaults={"email": "organizer@clueboard.invalid"}
    )
    now = timezone.now()
    challenge = Challenge.objects.create(
        slug=DEMO_SLUG,
        title="Handwritten digits",
        summary="Classify 8x8 images of handwritten digits. A small, fast warm-up challenge.",
        description=DEMO_DESCRIPTION,
        organizer=organizer,
        metric=Metric.ACCURACY,
        input_spec={"shape": [64], "dtype": "float32"},
        output_spec={"shape": [10]},
        accepted_formats=[ModelFormat.SAFETENSORS, ModelFormat.ONNX],
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=30),
        daily_submission_limit=10,
        total_submission_limit=200,
        publish_policy=PublishPolicy.IMMEDIATELY,
        prize_pool=10_000 * 10**18,
        architectures=_demo_architectures(),
        eval_time_limit_seconds=60,
        eval_memory_limit_mb=4096,
    )
    hidden_dataset_upload(challenge=challenge, upload=_digits_npz(), public_fraction=0.3)
    challenge = challenge_publish(challenge=challenge)
    _submit_baselines(challenge)
    return challenge, True


def _demo_architectures() -> dict[str, Any]:
    from evaluation.examples import DIGITS_ARCHITECTURES

    return DIGITS_ARCHITECTURES


def _submit_baselines(challenge: Challenge) -> None:
    """Two real baseline models, queued like anyone's, so the leaderboard and chart fill once a worker runs."""
    import tempfile
    from pathlib import Path

    from evaluation import examples

    baseline = user_get_or_create_verified(username=DEMO_BASELINE, email="baseline@clueboard.invalid")
    with tempfile.TemporaryDirectory() as folder:
        mlp = examples.train_on_digits(examples.seeded_model("mlp", examples.DIGITS_MLP), epochs=5)
        cnn = examples.train_on_digits(examples.seeded_model("cnn", examples.DIGITS_CNN), epochs=40)
        files = [
            (examples.save_weights(mlp, Path(folder) / "mlp-5-epochs.safetensors", "mlp"), "MLP, 5 epochs"),
            (examples.export_onnx(cnn, Path(folder) / "small-cnn.onnx", (64,)), "Small CNN as ONNX"),
        ]
        for path, title in files:
            submission_create(
                challenge=challenge,
                contributor=baseline,
                model_file=SimpleUploadedFile(path.name, path.read_bytes()),
                title=title,
                writeup=f"Platform baseline: {title.lower()}, trained with `evaluation/examples.py`.",
            )
