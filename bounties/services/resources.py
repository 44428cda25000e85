"""A challenge's public resources: training data, a starter kit, any file the organizer offers.

Resources are stored content-addressed like every other artifact and served to anyone who may see the
challenge. The hidden test set is never one of them: bytes that are a hidden set are refused here.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from bounties.errors import ApplicationError, FileTooLarge, InvalidUpload
from bounties.models import Challenge, ChallengeResource, ResourceKind
from bounties.services.artifacts import artifact_store, refuse_hidden_set_bytes


def upload_sha256(upload: UploadedFile) -> str:
    """The sha256 of an upload's bytes, leaving its position at the start."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def resource_check_upload(*, upload: UploadedFile) -> None:
    """Raises FileTooLarge, or InvalidUpload when the bytes are a hidden test set of any challenge.

    The store refuses those bytes too; checking first names the form field, before anything is written.
    """
    limit = settings.MAX_HIDDEN_DATASET_BYTES
    if upload.size is not None and upload.size > limit:
        raise FileTooLarge(f"A resource may be at most {limit // (1024 * 1024)} MiB.", field="upload")
    try:
        refuse_hidden_set_bytes(upload_sha256(upload))
    except InvalidUpload as exc:
        raise InvalidUpload(exc.message, field="upload") from exc


@transaction.atomic
def challenge_resource_add(
    *,
    challenge: Challenge,
    upload: UploadedFile,
    title: str = "",
    description: str = "",
    kind: str = ResourceKind.TRAINING_DATA,
) -> ChallengeResource:
    """Store a file and offer it on the challenge's Data tab.

    Raises InvalidUpload (a hidden set, a name taken in this challenge), FileTooLarge or ApplicationError.
    """
    filename = _base_name(upload.name)
    if kind not in ResourceKind.values:
        raise ApplicationError("Choose what kind of file this is.", field="kind")
    if ChallengeResource.objects.filter(challenge=challenge, filename=filename).exists():
        raise InvalidUpload(f"This challenge already offers a file named '{filename}'.", field="upload")
    resource_check_upload(upload=upload)
    artifact = artifact_store(upload=upload, max_bytes=settings.MAX_HIDDEN_DATASET_BYTES, label="resource")
    return ChallengeResource.objects.create(
        challenge=challenge,
        artifact=artifact,
        filename=filename,
        title=title.strip() or filename,
        description=description,
        kind=kind,
    )


def challenge_resource_update(
    *, resource: ChallengeResource, title: str, description: str, kind: str
) -> ChallengeResource:
    """Change what the Data tab says about a resource; its file stays. Raises ApplicationError."""
    if kind not in ResourceKind.values:
        raise ApplicationError("Choose what kind of file this is.", field="kind")
    resource.title = title.strip() or resource.filename
    resource.description = description
    resource.kind = kind
    resource.save(update_fields=["title", "description", "kind"])
    return resource


def challenge_resource_remove(*, resource: ChallengeResource) -> None:
    """Stop offering a resource; its stored file goes with the periodic clean-up once nothing uses it."""
    resource.delete()


def _base_name(name: str | None) -> str:
    return (name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
