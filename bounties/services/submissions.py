"""Receiving submissions under the limits, and the status machine that evaluation drives."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from bounties.content_hashes import submission_content_hash
from bounties.errors import (
    ApplicationError,
    ChallengeNotOpen,
    InvalidTransition,
    NotFound,
    SubmissionLimitReached,
)
from bounties.leaderboard_version import leaderboard_changed
from bounties.licenses import is_osi_license
from bounties.models import (
    Challenge,
    FailureKind,
    Submission,
    SubmissionStatus,
)
from bounties.selectors.quota import submission_quota
from bounties.services.accounts import require_verified_email
from bounties.services.artifacts import artifact_store
from bounties.services.best_submissions import best_submission_record
from bounties.services.citations import resolve_citations
from bounties.services.participation import participation_lock
from bounties.services.uploads import check_model_upload, check_source_archive

logger = logging.getLogger(__name__)

UNKNOWN_LICENSE = "Pick the source's license from the list of OSI-approved licenses (SPDX ids)."
LICENSE_WITHOUT_SOURCE = (
    "A license applies to the source archive: add the archive, or leave the license empty."
)
# Which statuses each status may move to. RUNNING -> QUEUED is a re-queue after a lost worker.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SubmissionStatus.RECEIVED: (SubmissionStatus.QUEUED, SubmissionStatus.REJECTED, SubmissionStatus.FAILED),
    SubmissionStatus.QUEUED: (SubmissionStatus.RUNNING, SubmissionStatus.REJECTED, SubmissionStatus.FAILED),
    SubmissionStatus.RUNNING: (SubmissionStatus.SCORED, SubmissionStatus.FAILED, SubmissionStatus.QUEUED),
    SubmissionStatus.SCORED: (),
    SubmissionStatus.FAILED: (),
    SubmissionStatus.REJECTED: (),
}


def submission_create(
    *,
    challenge: Challenge,
    contributor: Any,
    model_file: UploadedFile,
    source_archive: UploadedFile | None = None,
    source_license: str = "",
    title: str = "",
    writeup: str = "",
    builds_on_submission_ids: Sequence[int] = (),
    builds_on_clue_ids: Sequence[int] = (),
) -> Submission:
    """Check, store and queue a submission for evaluation, counting it against the limits atomically.

    `source_license` is the SPDX id of the source's OSI-approved license (`bounties.licenses`), or empty.
    Raises EmailNotVerified, ChallengeNotOpen, InvalidUpload, FileTooLarge, ApplicationError (a license
    that is not on the list, or one without a source), NotFound (a cited work), or SubmissionLimitReached;
    on any error no submission is written.
    """
    require_verified_email(user=contributor, action="submit a model")
    if not challenge.is_open:
        raise ChallengeNotOpen(
            f"'{challenge.title}' is {challenge.status}: it does not take submissions now."
        )
    model_format = check_model_upload(
        upload=model_file, accepted_formats=challenge.accepted_formats, output_spec=challenge.output_spec
    )
    _check_source_license(source_license, has_source=source_archive is not None)
    if source_archive is not None:
        check_source_archive(upload=source_archive)
    cited_submissions, cited_clues = resolve_citations(
        challenge=challenge,
        citing_created_at=timezone.now(),
        submission_ids=builds_on_submission_ids,
        clue_ids=builds_on_clue_ids,
    )
    _refuse_when_out_of_quota(challenge=challenge, contributor=contributor)  # before storing any file
    # Files first and outside the transaction: hashing and writing take the longest, and on SQLite a
    # write transaction holds the whole database's lock. Files of a refused submission are left for the
    # clean-up of unused artifacts.
    model_artifact = artifact_store(
        upload=model_file, max_bytes=settings.MAX_MODEL_FILE_BYTES, label="model file"
    )
    source_artifact = (
        artifact_store(
            upload=source_archive, max_bytes=settings.MAX_SOURCE_ARCHIVE_BYTES, label="source archive"
        )
        if source_archive is not None
        else None
    )
    with transaction.atomic():
        participation_lock(challenge=challenge, contributor=contributor)
        _refuse_when_out_of_quota(challenge=challenge, contributor=contributor)  # the count that holds
        submission = Submission.objects.create(
            challenge=challenge,
            contributor=contributor,
            model_format=model_format,
            model_artifact=model_artifact,
            model_filename=_base_name(model_file.name),
            source_artifact=source_artifact,
            source_filename=_base_name(source_archive.name) if source_archive is not None else "",
            source_license=source_license,
            title=title.strip(),
            writeup=writeup,
            content_hash=_content_hash(
                challenge, contributor, model_artifact.sha256, source_artifact, writeup
            ),
        )
        submission.builds_on_submissions.set(cited_submissions)
        submission.builds_on_clues.set(cited_clues)
        # Imported here: evaluation builds on bounties, so bounties reaches it only through its tasks.
        from evaluation.tasks import enqueue_evaluation

        enqueue_evaluation(submission=submission)
    submission.refresh_from_db(fields=["status", "queued_at"])
    return submission


def _check_source_license(source_license: str, *, has_source: bool) -> None:
    if source_license and not is_osi_license(source_license):
        raise ApplicationError(UNKNOWN_LICENSE, field="source_license")
    if source_license and not has_source:
        raise ApplicationError(LICENSE_WITHOUT_SOURCE, field="source_license")


def _refuse_when_out_of_quota(*, challenge: Challenge, contributor: Any) -> None:
    quota = submission_quota(challenge=challenge, contributor=contributor)
    if quota.remaining <= 0:
        raise SubmissionLimitReached(quota.exhausted_message())


def _content_hash(
    challenge: Challenge, contributor: Any, model_sha256: str, source_artifact: Any, writeup: str
) -> str:
    return submission_content_hash(
        challenge_slug=challenge.slug,
        contributor_id=contributor.pk,
        model_sha256=model_sha256,
        source_sha256=source_artifact.sha256 if source_artifact is not None else None,
        writeup=writeup,
    )


def _base_name(name: str | None) -> str:
    return (name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255]


def _move(submission_id: int, target: str, **changes: Any) -> bool:
    """Move a submission to `target` only from a status that allows it; False if it was not there.

    A conditional UPDATE, so a re-delivered task or a race between workers never applies a move twice.
    """
    sources = [status for status, targets in ALLOWED_TRANSITIONS.items() if target in targets]
    updated = Submission.objects.filter(pk=submission_id, status__in=sources).update(status=target, **changes)
    return updated == 1


def submission_mark_queued(*, submission_id: int) -> bool:
    """Queue a received submission, or re-queue a running one whose worker was lost."""
    return _move(submission_id, SubmissionStatus.QUEUED, queued_at=timezone.now(), started_at=None)


def submission_mark_running(*, submission_id: int) -> bool:
    return _move(submission_id, SubmissionStatus.RUNNING, started_at=timezone.now())


@transaction.atomic
def submission_record_scores(*, submission_id: int, public_score: float, private_score: float) -> bool:
    """Store the scores of a finished run, and the contributor's best submission with them. Raises
    InvalidTransition for a score that is not a number."""
    if not (math.isfinite(public_score) and math.isfinite(private_score)):
        raise InvalidTransition("Scores must be finite numbers.")
    moved = _move(
        submission_id,
        SubmissionStatus.SCORED,
        public_score=public_score,
        private_score=private_score,
        finished_at=timezone.now(),
    )
    if moved:
        submission = Submission.objects.select_related("challenge").get(pk=submission_id)
        best_submission_record(submission=submission)
        # The ranking and the chart changed: cached pages of them must not be served again.
        leaderboard_changed(submission.challenge_id)
    return moved


def submission_mark_failed(*, submission_id: int, reason: str, kind: str = FailureKind.CONTRIBUTOR) -> bool:
    """Fail a submission with a reason the contributor can read; infrastructure failures cost no quota."""
    return _move(
        submission_id,
        SubmissionStatus.FAILED,
        failure_reason=reason,
        failure_kind=kind,
        finished_at=timezone.now(),
    )


def submission_mark_rejected(*, submission_id: int, reason: str) -> bool:
    return _move(
        submission_id,
        SubmissionStatus.REJECTED,
        failure_reason=reason,
        failure_kind=FailureKind.CONTRIBUTOR,
        finished_at=timezone.now(),
    )


def submission_get(*, submission_id: int) -> Submission:
    try:
        return Submission.objects.select_related("challenge", "contributor").get(pk=submission_id)
    except Submission.DoesNotExist as exc:
        raise NotFound(f"There is no submission #{submission_id}.") from exc
