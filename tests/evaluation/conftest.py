"""Fixtures for evaluation tests: the real digits hidden set, real model files, a real sandbox."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from sklearn.datasets import load_digits

from bounties.models import Challenge, Submission
from bounties.services.datasets import hidden_dataset_upload
from bounties.services.submissions import submission_create
from evaluation import examples
from evaluation.services import worker_context
from tests.factories import ChallengeFactory, UserFactory


@pytest.fixture(autouse=True)
def fresh_worker_context(settings: LazySettings, tmp_path: Path) -> Iterator[None]:
    """Each test gets its own work folder, sandbox pool and hidden-set cache."""
    settings.EVAL_WORK_ROOT = tmp_path / "eval"
    # In-process tests hold the database in one transaction; heartbeats from a side thread would wait on it.
    settings.EVAL_HEARTBEAT_SECONDS = 3600
    worker_context.sandbox_pool.cache_clear()
    worker_context.hidden_set_cache.cache_clear()
    yield
    worker_context.sandbox_pool().shutdown()
    worker_context.sandbox_pool.cache_clear()
    worker_context.hidden_set_cache.cache_clear()


def digits_npz() -> bytes:
    digits = load_digits()
    buffer = io.BytesIO()
    np.savez(buffer, inputs=digits.data.astype(np.float32), labels=digits.target.astype(np.int64))
    return buffer.getvalue()


@pytest.fixture
def digits_challenge(db: Any) -> Challenge:
    challenge = ChallengeFactory.create(
        slug="digits-test",
        published_at=None,
        architectures=examples.DIGITS_ARCHITECTURES,
        eval_time_limit_seconds=60,
        daily_submission_limit=50,
    )
    hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("digits.npz", digits_npz()))
    Challenge.objects.filter(pk=challenge.pk).update(published_at=challenge.starts_at)
    challenge.refresh_from_db()
    return challenge


@pytest.fixture(scope="session")
def trained_mlp() -> Any:
    return examples.train_on_digits(examples.seeded_model("mlp", examples.DIGITS_MLP))


def submit_file(challenge: Challenge, path: Path, contributor: Any = None) -> Submission:
    return submission_create(
        challenge=challenge,
        contributor=contributor or UserFactory.create(),
        model_file=SimpleUploadedFile(path.name, path.read_bytes()),
    )


def weights(model: Any, tmp_path: Path) -> Path:
    """`model` saved as safetensors weights of the registry's MLP."""
    return examples.save_weights(model, tmp_path / "m.safetensors", "mlp")


def evaluated(challenge: Challenge, path: Path) -> Submission:
    """Submit the model file at `path`, score it in this process with the real sandbox, and re-read it."""
    from evaluation.services.scoring import evaluate_submission

    submission = submit_file(challenge, path)
    evaluate_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


def failed_as_ours(submission: Submission) -> bool:
    """Failed as the platform's failure: the fixed text, and no quota spent."""
    from bounties.models import FailureKind, SubmissionStatus
    from evaluation.scoring.errors import FAILURE_TEXTS, FailureClass

    return (submission.status, submission.failure_kind, submission.failure_reason) == (
        SubmissionStatus.FAILED,
        FailureKind.INFRASTRUCTURE,
        FAILURE_TEXTS[FailureClass.INFRASTRUCTURE],
    )
