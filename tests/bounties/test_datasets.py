"""Uploading hidden test sets through the service (the admin form: test_admin_challenge.py)."""

import hashlib
from pathlib import Path

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile

from bounties.errors import ApplicationError, InvalidUpload
from bounties.models import Challenge, HiddenDataset
from bounties.services.datasets import hidden_dataset_path, hidden_dataset_upload
from bounties.services.resources import challenge_resource_add
from tests.factories import ChallengeFactory, npz_bytes

pytestmark = pytest.mark.django_db


def digits_like(n_rows: int = 50) -> bytes:
    rng = np.random.default_rng(0)
    return npz_bytes(
        inputs=rng.random((n_rows, 64), dtype=np.float32), labels=rng.integers(0, 10, n_rows).astype(np.int64)
    )


def test_upload_stores_outside_served_dirs_with_hash_and_split(settings: LazySettings) -> None:
    challenge = ChallengeFactory.create(published_at=None)
    content = digits_like(50)
    dataset = hidden_dataset_upload(
        challenge=challenge, upload=SimpleUploadedFile("h.npz", content), public_fraction=0.2
    )
    assert dataset.sha256 == hashlib.sha256(content).hexdigest()
    assert (dataset.n_rows, dataset.n_public, dataset.n_private) == (50, 10, 40)
    stored = hidden_dataset_path(dataset)
    assert stored.read_bytes() == content
    assert stored.stat().st_mode & 0o077 == 0  # readable by the platform's user only
    assert Path(settings.HIDDEN_DATA_ROOT) in stored.parents
    assert not list(Path(settings.HIDDEN_DATA_ROOT).glob(".upload-*"))  # no temporary left behind


def test_input_shape_must_match_the_spec() -> None:
    challenge = ChallengeFactory.create(published_at=None, input_spec={"shape": [32], "dtype": "float32"})
    with pytest.raises(InvalidUpload, match=r"shape \[64\].*says \[32\]"):
        hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("h.npz", digits_like()))
    assert not HiddenDataset.objects.exists()


def test_replacing_is_allowed_in_draft_but_not_after_publishing() -> None:
    challenge = ChallengeFactory.create(published_at=None)
    hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("a.npz", digits_like(20)))
    second = hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("b.npz", digits_like(30)))
    assert HiddenDataset.objects.get().n_rows == second.n_rows == 30
    Challenge.objects.filter(pk=challenge.pk).update(published_at="2026-01-01T00:00:00Z")
    challenge.refresh_from_db()
    with pytest.raises(ApplicationError, match="cannot be replaced"):
        hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("c.npz", digits_like(40)))
    assert HiddenDataset.objects.get().n_rows == 30


def test_bytes_already_offered_publicly_cannot_become_a_hidden_set(settings: LazySettings) -> None:
    offered = ChallengeFactory.create()
    content = digits_like(30)
    challenge_resource_add(challenge=offered, upload=SimpleUploadedFile("train.npz", content))
    draft = ChallengeFactory.create(published_at=None)
    with pytest.raises(InvalidUpload, match="already stored as a public file"):
        hidden_dataset_upload(challenge=draft, upload=SimpleUploadedFile("hidden.npz", content))
    assert not HiddenDataset.objects.exists()
    assert not list(Path(settings.HIDDEN_DATA_ROOT).glob("*"))  # not even a temporary copy is kept
