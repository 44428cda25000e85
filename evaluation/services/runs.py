"""Bookkeeping of evaluation runs: attempts, heartbeats, progress, and the reaper for lost workers."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bounties.models import FailureKind, Submission, SubmissionStatus
from bounties.services.submissions import (
    submission_mark_failed,
    submission_mark_queued,
    submission_mark_running,
)
from evaluation.models import EvaluationRun

logger = logging.getLogger(__name__)


def evaluation_run_prepare(*, submission: Submission) -> EvaluationRun:
    """Create the run record when a submission is queued (idempotent)."""
    run, _ = EvaluationRun.objects.get_or_create(
        submission=submission, defaults={"queue": submission.challenge.evaluation_queue}
    )
    return run


def evaluation_run_claim(*, submission_id: int, worker: str, isolation: str) -> bool:
    """Take a queued submission for this worker; False when another worker has it or it is finished."""
    with transaction.atomic():
        if not submission_mark_running(submission_id=submission_id):
            return False
        EvaluationRun.objects.filter(submission_id=submission_id).update(
            attempts=F("attempts") + 1,
            worker=worker,
            isolation=isolation,
            heartbeat_at=timezone.now(),
            progress_done=0,
            progress_total=0,
        )
    return True


def evaluation_run_heartbeat(
    *, submission_id: int, worker: str, done: int | None = None, total: int | None = None
) -> None:
    """Tell the reaper this run is alive; only the worker that holds the run may beat for it."""
    changes: dict[str, object] = {"heartbeat_at": timezone.now()}
    if done is not None and total is not None:
        changes.update(progress_done=done, progress_total=total)
    EvaluationRun.objects.filter(
        submission_id=submission_id, worker=worker, submission__status=SubmissionStatus.RUNNING
    ).update(**changes)


def requeue_stalled_runs() -> list[int]:
    """Re-queue running submissions whose heartbeat stopped, or fail them after too many attempts.

    Returns the ids re-queued, for the caller to send to the workers again.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.EVAL_HEARTBEAT_TIMEOUT)
    stalled = EvaluationRun.objects.filter(
        submission__status=SubmissionStatus.RUNNING, heartbeat_at__lt=cutoff
    )
    requeued: list[int] = []
    for run in stalled.select_related("submission"):
        if run.attempts >= settings.EVAL_MAX_ATTEMPTS:
            submission_mark_failed(
                submission_id=run.submission_id,
                reason=f"Evaluation lost its worker {run.attempts} times; please submit again (this one does not count).",
                kind=FailureKind.INFRASTRUCTURE,
            )
            logger.warning("submission %s failed after %s lost runs", run.submission_id, run.attempts)
        elif submission_mark_queued(submission_id=run.submission_id):
            requeued.append(run.submission_id)
            logger.warning(
                "submission %s re-queued: worker %s stopped beating", run.submission_id, run.worker
            )
    return requeued
