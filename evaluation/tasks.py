"""Celery tasks of the evaluation workers. Thin: they take ids and call services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from bounties.models import Submission
from bounties.services.submissions import submission_mark_queued
from evaluation.services.runs import evaluation_run_prepare, requeue_stalled_runs
from evaluation.services.scoring import evaluate_submission

logger = logging.getLogger(__name__)

# Only errors of the platform are retried; a model's own failure is a result, not an error.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    name="evaluation.tasks.evaluate_submission",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=5,
)
def evaluate_submission_task(submission_id: int) -> str:
    return evaluate_submission(submission_id=submission_id).status


@shared_task(name="evaluation.tasks.requeue_stalled_evaluations", acks_late=True)
def requeue_stalled_evaluations() -> list[int]:
    requeued = requeue_stalled_runs()
    for submission_id in requeued:
        send_evaluation(submission_id)
    return requeued


def send_evaluation(submission_id: int) -> None:
    queue = Submission.objects.values_list("challenge__evaluation_queue", flat=True).get(pk=submission_id)
    transaction.on_commit(lambda: evaluate_submission_task.apply_async(args=[submission_id], queue=queue))


def enqueue_evaluation(*, submission: Submission) -> None:
    """Queue a received submission; the message leaves only when the surrounding transaction commits."""
    evaluation_run_prepare(submission=submission)
    if submission_mark_queued(submission_id=submission.pk):
        send_evaluation(submission.pk)
