"""Reads about evaluations: progress, the estimated start of a queued run, attestations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg
from django.utils import timezone

from bounties.models import Submission, SubmissionStatus
from evaluation.models import EvaluationRun, ScoreAttestation

DEFAULT_RUN_SECONDS = 30.0
RECENT_RUNS = 20
ACTIVE_WORKER_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class QueueEstimate:
    position: int
    estimated_start: datetime
    typical_run_seconds: float
    active_workers: int


def typical_run_seconds(queue: str) -> float:
    recent = (
        EvaluationRun.objects.filter(queue=queue, seconds__isnull=False)
        .order_by("-submission__finished_at")
        .values_list("seconds", flat=True)[:RECENT_RUNS]
    )
    mean = EvaluationRun.objects.filter(pk__in=recent.values("pk")).aggregate(mean=Avg("seconds"))["mean"]
    return float(mean) if mean else DEFAULT_RUN_SECONDS


def queue_estimate(submission: Submission, position: int) -> QueueEstimate:
    """When a queued submission should start: the runs ahead of it, shared among the workers seen lately."""
    queue = submission.challenge.evaluation_queue
    now = timezone.now()
    workers = (
        EvaluationRun.objects.filter(queue=queue, heartbeat_at__gte=now - ACTIVE_WORKER_WINDOW)
        .values("worker")
        .distinct()
        .count()
    )
    running = Submission.objects.filter(
        status=SubmissionStatus.RUNNING, challenge__evaluation_queue=queue
    ).count()
    per_run = typical_run_seconds(queue)
    active = max(workers, 1)
    seconds = (position - 1 + running) * per_run / active
    return QueueEstimate(position, now + timedelta(seconds=seconds), per_run, workers)


def evaluation_run_of(submission: Submission) -> EvaluationRun | None:
    return EvaluationRun.objects.filter(submission=submission).first()


def attestation_of(submission: Submission) -> ScoreAttestation | None:
    return ScoreAttestation.objects.filter(submission=submission).first()
