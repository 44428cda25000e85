"""Publishing a clue: a finding with a write-up, optional code link and files, and its citations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from bounties.content_hashes import clue_content_hash
from bounties.errors import ApplicationError, ChallengeNotOpen
from bounties.models import Challenge, ChallengeStatus, Clue, ClueAttachment
from bounties.services.accounts import require_verified_email
from bounties.services.artifacts import artifact_store, check_upload_size
from bounties.services.citations import resolve_citations

MAX_ATTACHMENTS = 10


def clue_create(
    *,
    challenge: Challenge,
    author: Any,
    title: str,
    writeup: str,
    code_url: str = "",
    attachments: Sequence[UploadedFile] = (),
    builds_on_submission_ids: Sequence[int] = (),
    builds_on_clue_ids: Sequence[int] = (),
) -> Clue:
    """Publish a clue at once. Raises EmailNotVerified, ChallengeNotOpen, ApplicationError, NotFound or
    FileTooLarge; on any error no clue is written."""
    require_verified_email(user=author, action="share a clue")
    if challenge.status in (ChallengeStatus.DRAFT, ChallengeStatus.UPCOMING):
        raise ChallengeNotOpen("Clues can be shared once the challenge has opened.")
    if not title.strip() or not writeup.strip():
        raise ApplicationError(
            "A clue needs a title and a write-up.", field="title" if not title.strip() else "writeup"
        )
    if code_url:
        try:
            URLValidator(schemes=["http", "https"])(code_url)
        except ValidationError as exc:
            raise ApplicationError("The code link must be an http(s) URL.", field="code_url") from exc
    if len(attachments) > MAX_ATTACHMENTS:
        raise ApplicationError(f"Attach at most {MAX_ATTACHMENTS} files.", field="attachments")
    cited_submissions, cited_clues = resolve_citations(
        challenge=challenge,
        citing_created_at=timezone.now(),
        submission_ids=builds_on_submission_ids,
        clue_ids=builds_on_clue_ids,
    )
    for upload in attachments:  # every size first, so that a refused clue stores no file
        check_upload_size(upload=upload, max_bytes=settings.MAX_ATTACHMENT_BYTES, label="attachment")
    # Files outside the transaction, as for submissions: a write transaction locks SQLite whole.
    stored = [
        (
            artifact_store(upload=upload, max_bytes=settings.MAX_ATTACHMENT_BYTES, label="attachment"),
            upload.name,
        )
        for upload in attachments
    ]
    with transaction.atomic():
        clue = Clue.objects.create(
            challenge=challenge,
            author=author,
            title=title.strip(),
            writeup=writeup,
            code_url=code_url,
            content_hash=clue_content_hash(
                challenge_slug=challenge.slug,
                author_id=author.pk,
                title=title.strip(),
                writeup=writeup,
                code_url=code_url,
                attachment_sha256s=[artifact.sha256 for artifact, _ in stored],
            ),
        )
        for artifact, name in stored:
            ClueAttachment.objects.create(clue=clue, artifact=artifact, filename=(name or "file")[-255:])
        clue.builds_on_submissions.set(cited_submissions)
        clue.builds_on_clues.set(cited_clues)
    return clue
