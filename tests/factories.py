"""factory_boy factories for the domain models, and helpers that make small real files."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from datetime import timedelta
from typing import Any

import factory
import numpy as np
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bounties.leaderboard_version import leaderboard_changed
from bounties.models import (
    Artifact,
    Challenge,
    Clue,
    HiddenDataset,
    ModelFormat,
    Submission,
    SubmissionStatus,
)
from bounties.services.best_submissions import best_submission_record
from evaluation.scoring.metrics import Metric


class UserFactory(factory.django.DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def email_verified(user: Any, create: bool, verified: bool | None, **kwargs: Any) -> None:
        """Users have confirmed their address unless a test says `email_verified=False`."""
        if create and verified is not False:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class ChallengeFactory(factory.django.DjangoModelFactory[Challenge]):
    """An open, published challenge unless told otherwise."""

    class Meta:
        model = Challenge

    slug = factory.Sequence(lambda n: f"challenge-{n}")
    title = factory.Sequence(lambda n: f"Challenge {n}")
    summary = "Classify the digits."
    description = "# Rules\n\nBe *kind*."
    organizer = factory.SubFactory(UserFactory)
    metric = Metric.ACCURACY
    input_spec = factory.LazyFunction(lambda: {"shape": [64], "dtype": "float32"})
    output_spec = factory.LazyFunction(lambda: {"shape": [10]})
    accepted_formats = factory.LazyFunction(lambda: [ModelFormat.SAFETENSORS, ModelFormat.ONNX])
    architectures = factory.LazyFunction(
        lambda: {"mlp": {"in_features": 64, "hidden": 16, "depth": 1, "n_outputs": 10}}
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    daily_submission_limit = 5
    total_submission_limit = 100
    prize_pool = 1000 * 10**18
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))


class ArtifactFactory(factory.django.DjangoModelFactory[Artifact]):
    class Meta:
        model = Artifact
        django_get_or_create = ("sha256",)

    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size_bytes = 100


class SubmissionFactory(factory.django.DjangoModelFactory[Submission]):
    class Meta:
        model = Submission
        skip_postgeneration_save = True  # the hook below writes nothing to the row

    challenge = factory.SubFactory(ChallengeFactory)
    contributor = factory.SubFactory(UserFactory)
    model_format = ModelFormat.SAFETENSORS
    model_artifact = factory.SubFactory(ArtifactFactory)
    model_filename = "model.safetensors"
    title = factory.Sequence(lambda n: f"Attempt {n}")
    writeup = "Tried a **small MLP**."
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    status = SubmissionStatus.RECEIVED

    class Params:
        # Source published under an OSI license: prize-eligible.
        open_source = factory.Trait(
            source_artifact=factory.SubFactory(ArtifactFactory),
            source_filename="source.zip",
            source_license="MIT",
        )

    @factory.post_generation
    def bump_leaderboard_version(obj: Submission, create: bool, extracted: Any, **kwargs: Any) -> None:
        """A submission written straight to the database changes the ranking as the scoring service's
        would: a scored one counts in its contributor's best submission, and cached leaderboard pages of
        its challenge must not be served again."""
        if create:
            best_submission_record(submission=obj)  # a no-op unless it is created scored
            leaderboard_changed(obj.challenge_id)


class ScoredSubmissionFactory(SubmissionFactory):
    status = SubmissionStatus.SCORED
    public_score = 0.5
    private_score = 0.5
    finished_at = factory.LazyFunction(timezone.now)


class ClueFactory(factory.django.DjangoModelFactory[Clue]):
    class Meta:
        model = Clue

    challenge = factory.SubFactory(ChallengeFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Clue {n}")
    writeup = "Normalising the pixels helps."


class HiddenDatasetFactory(factory.django.DjangoModelFactory[HiddenDataset]):
    """A dataset row without a file; use the upload service when the file matters."""

    class Meta:
        model = HiddenDataset

    challenge = factory.SubFactory(ChallengeFactory)
    stored_name = factory.Sequence(lambda n: f"{n:064x}.npz")
    original_name = "hidden.npz"
    file_format = "npz"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    size_bytes = 1000
    n_rows = 100
    input_shape = factory.LazyFunction(lambda: [64])
    input_dtype = "float32"
    public_fraction = 0.3
    split_seed = "seed"
    n_public = 30
    n_private = 70


def safetensors_bytes(tensors: dict[str, np.ndarray] | None = None) -> bytes:
    """A valid safetensors file, written by hand so tests do not depend on the writer's layout."""
    tensors = tensors or {"weight": np.zeros((10, 64), dtype=np.float32)}
    header: dict[str, object] = {}
    offset = 0
    payload = b""
    for name, array in tensors.items():
        raw = np.ascontiguousarray(array).tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        offset += len(raw)
        payload += raw
    header_bytes = json.dumps(header).encode()
    return struct.pack("<Q", len(header_bytes)) + header_bytes + payload


def model_upload(name: str = "model.safetensors", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, safetensors_bytes() if content is None else content)


def source_zip_upload(name: str = "source.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("train.py", "print('training')\n")
    return SimpleUploadedFile(name, buffer.getvalue())


def npz_bytes(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()
