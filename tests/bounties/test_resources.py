"""A challenge's public resources: stored content-addressed, named once per challenge, never a hidden set."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile

from bounties.errors import FileTooLarge, InvalidUpload
from bounties.models import Artifact, ChallengeResource, ResourceKind
from bounties.services.artifacts import artifact_path
from bounties.services.clues import clue_create
from bounties.services.datasets import hidden_dataset_upload
from bounties.services.resources import (
    challenge_resource_add,
    challenge_resource_remove,
    challenge_resource_update,
)
from bounties.services.submissions import submission_create
from tests.factories import ChallengeFactory, UserFactory, model_upload, npz_bytes

pytestmark = pytest.mark.django_db


def test_a_resource_is_stored_by_content_with_its_size_and_hash() -> None:
    challenge = ChallengeFactory.create()
    content = b"print('train')\n"
    resource = challenge_resource_add(
        challenge=challenge,
        upload=SimpleUploadedFile("dir/starter.py", content),
        description="Run it.",
        kind=ResourceKind.STARTER_KIT,
    )
    assert (resource.filename, resource.title, resource.kind) == ("starter.py", "starter.py", "starter_kit")
    assert resource.artifact.sha256 == hashlib.sha256(content).hexdigest()
    assert resource.artifact.size_bytes == len(content)
    assert artifact_path(resource.artifact).read_bytes() == content

    other = ChallengeFactory.create()
    again = challenge_resource_add(
        challenge=other, upload=SimpleUploadedFile("same.py", content), title="Same"
    )
    assert again.artifact_id == resource.artifact_id  # the same bytes are stored once


def test_a_name_is_offered_once_per_challenge() -> None:
    challenge = ChallengeFactory.create()
    challenge_resource_add(challenge=challenge, upload=SimpleUploadedFile("train.npz", b"a"))
    with pytest.raises(InvalidUpload, match=r"already offers a file named 'train\.npz'"):
        challenge_resource_add(challenge=challenge, upload=SimpleUploadedFile("train.npz", b"b"))
    assert ChallengeResource.objects.count() == 1


def test_a_hidden_test_set_is_never_accepted_as_a_resource(settings: LazySettings) -> None:
    rng = np.random.default_rng(0)
    hidden_bytes = npz_bytes(inputs=rng.random((20, 64), dtype=np.float32), labels=np.arange(20) % 10)
    hidden_dataset_upload(
        challenge=ChallengeFactory.create(published_at=None), upload=SimpleUploadedFile("h.npz", hidden_bytes)
    )
    with pytest.raises(InvalidUpload, match="is a hidden test set") as refused:
        challenge_resource_add(
            challenge=ChallengeFactory.create(), upload=SimpleUploadedFile("x.npz", hidden_bytes)
        )
    assert refused.value.field == "upload"
    assert not ChallengeResource.objects.exists() and not Artifact.objects.exists()
    assert not list(Path(settings.ARTIFACT_ROOT).rglob("*"))  # not even a stray copy in the served store


@pytest.mark.parametrize("path", ["clue attachment", "source archive"])
def test_no_other_upload_path_stores_a_hidden_sets_bytes_either(path: str, settings: LazySettings) -> None:
    """A hidden .npz is a zip: named .zip it would pass as a source archive, which is published."""
    rng = np.random.default_rng(2)
    hidden_bytes = npz_bytes(inputs=rng.random((20, 64), dtype=np.float32), labels=np.arange(20) % 10)
    hidden_dataset_upload(
        challenge=ChallengeFactory.create(published_at=None), upload=SimpleUploadedFile("h.npz", hidden_bytes)
    )
    challenge, author = ChallengeFactory.create(), UserFactory.create()
    with pytest.raises(InvalidUpload, match="is a hidden test set"):
        if path == "clue attachment":
            clue_create(
                challenge=challenge,
                author=author,
                title="Look",
                writeup="At this.",
                attachments=[SimpleUploadedFile("data.npz", hidden_bytes)],
            )
        else:
            submission_create(
                challenge=challenge,
                contributor=author,
                model_file=model_upload(),
                source_archive=SimpleUploadedFile("src.zip", hidden_bytes),
            )
    assert not Artifact.objects.filter(sha256=hashlib.sha256(hidden_bytes).hexdigest()).exists()
    stored = [p.read_bytes() for p in Path(settings.ARTIFACT_ROOT).rglob("*") if p.is_file()]
    assert hidden_bytes not in stored


def test_a_resource_over_the_size_limit_is_refused(settings: LazySettings) -> None:
    settings.MAX_HIDDEN_DATASET_BYTES = 10
    with pytest.raises(FileTooLarge):
        challenge_resource_add(
            challenge=ChallengeFactory.create(), upload=SimpleUploadedFile("big", b"x" * 11)
        )


def test_update_changes_the_words_and_remove_leaves_the_file_to_the_clean_up() -> None:
    resource = challenge_resource_add(
        challenge=ChallengeFactory.create(), upload=SimpleUploadedFile("t.npz", b"t")
    )
    challenge_resource_update(resource=resource, title="Training", description="All rows.", kind="other")
    resource.refresh_from_db()
    assert (resource.title, resource.description, resource.kind) == ("Training", "All rows.", "other")
    artifact = resource.artifact
    challenge_resource_remove(resource=resource)
    assert not ChallengeResource.objects.exists()
    assert Artifact.objects.filter(pk=artifact.pk).exists() and artifact_path(artifact).exists()
