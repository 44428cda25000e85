"""Scoring one submission end to end: claim it, run the sandboxed pipeline, store, attest.

Every failure ends the run once, as a failed submission with the fixed text of its failure class (the
detail stays in this worker's log); an unexpected exception is the platform's failure, never a run left
RUNNING for the reaper to retry. Only the worker holding the current attempt may finish it, so a run
that a reaper gave to another worker can never be scored twice.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bounties import hidden_data
from bounties.models import EvaluationQueue, FailureKind, Submission, SubmissionStatus
from bounties.services.artifacts import artifact_path
from bounties.services.datasets import hidden_dataset_path
from bounties.services.submissions import submission_mark_failed, submission_record_scores
from evaluation.models import EvaluationRun
from evaluation.pipeline import HiddenSet, ScoreResult, ScoringSpec, score_in_sandbox
from evaluation.sandbox.runner import SandboxLimits
from evaluation.scoring.contract import ContractError, output_shape_of
from evaluation.scoring.errors import FailureClass, ScoringError
from evaluation.services.attestations import attestation_document, attestation_sign
from evaluation.services.ladder import ladder_apply, store_public_predictions
from evaluation.services.runs import evaluation_run_claim, evaluation_run_heartbeat
from evaluation.services.worker_context import eval_threads, hidden_set_cache, sandbox_pool, worker_name

logger = logging.getLogger(__name__)
PROGRESS_STEPS = 10


@dataclass(frozen=True)
class EvaluationOutcome:
    submission_id: int
    status: str
    reason: str = ""


def scoring_spec_for(submission: Submission, *, use_gpu: bool) -> ScoringSpec:
    """How to score this submission here; raises ScoringError(INFRASTRUCTURE) when it cannot be.

    A challenge without an output shape, or a GPU challenge on a worker without a GPU, is the platform's
    problem and costs the contributor nothing.
    """
    challenge = submission.challenge
    try:
        output_shape = output_shape_of(challenge.output_spec)
    except ContractError as exc:
        raise ScoringError(FailureClass.INFRASTRUCTURE, f"{challenge.slug}: {exc}") from exc
    if challenge.evaluation_queue == EvaluationQueue.GPU and not use_gpu:
        raise ScoringError(FailureClass.INFRASTRUCTURE, "an eval-gpu job reached a worker without a GPU")
    return ScoringSpec(
        metric=challenge.metric,
        model_format=submission.model_format,
        architectures=challenge.architectures,
        input_dtype=challenge.input_spec.get("dtype", "float32"),
        output_shape=output_shape,
        limits=SandboxLimits(
            wall_seconds=challenge.eval_time_limit_seconds,
            memory_bytes=challenge.eval_memory_limit_mb * 1024**2,
            gpu_memory_fraction=settings.EVAL_GPU_MEMORY_FRACTION,
        ),
        threads=eval_threads(),
        device="cuda" if use_gpu else "cpu",
        batch_size=settings.EVAL_BATCH_SIZE,
    )


def hidden_set_for(submission: Submission) -> HiddenSet:
    """The decoded hidden set; raises ScoringError(INFRASTRUCTURE) when it cannot be read here."""
    dataset = submission.challenge.hidden_dataset
    try:
        return hidden_set_cache().get(
            path=hidden_dataset_path(dataset),
            file_format=dataset.file_format,
            sha256=dataset.sha256,
            split_seed=dataset.split_seed,
            fraction=dataset.public_fraction,
            dtype=submission.challenge.input_spec.get("dtype", "float32"),
        )
    except (hidden_data.HiddenDataError, OSError) as exc:
        logger.error("hidden set of %s unreadable on this worker: %s", submission.challenge.slug, exc)
        raise ScoringError(
            FailureClass.INFRASTRUCTURE, "The hidden test set is not available to this worker."
        ) from exc


class Heartbeat:
    """Beats for a run from a side thread while the sandbox works, and records progress."""

    def __init__(self, submission_id: int, worker: str) -> None:
        self.submission_id, self.worker = submission_id, worker
        self.progress: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def on_progress(self, done: int, total: int) -> None:
        # Shown to the contributor: in tenths only, so the sandbox's numbers carry almost nothing out.
        self.progress = (total * (PROGRESS_STEPS * done // total) // PROGRESS_STEPS, total)

    def _beat(self) -> None:
        from django.db import DatabaseError, connection

        try:
            while not self._stop.wait(settings.EVAL_HEARTBEAT_SECONDS):
                done, total = self.progress or (None, None)
                try:
                    evaluation_run_heartbeat(
                        submission_id=self.submission_id, worker=self.worker, done=done, total=total
                    )
                except DatabaseError:
                    # A missed beat is retried at the next one; the run itself must not fail for it.
                    logger.warning(
                        "heartbeat of submission %s not recorded", self.submission_id, exc_info=True
                    )
        finally:
            connection.close()


def evaluate_submission(*, submission_id: int) -> EvaluationOutcome:
    """Score a queued submission once. A re-delivered task finds it taken or finished and does nothing."""
    pool = sandbox_pool()
    worker = worker_name()
    try:
        isolation = pool.isolation().level.name.lower()
    except ScoringError as exc:
        logger.error("refusing untrusted work: %s", exc.detail)
        raise
    if not evaluation_run_claim(submission_id=submission_id, worker=worker, isolation=isolation):
        return EvaluationOutcome(
            submission_id, "skipped", "not queued (finished, or taken by another worker)"
        )
    submission = Submission.objects.select_related(
        "challenge__hidden_dataset", "model_artifact", "contributor"
    ).get(pk=submission_id)
    attempt = EvaluationRun.objects.values_list("attempts", flat=True).get(submission_id=submission_id)
    started = time.perf_counter()
    try:
        hidden = hidden_set_for(submission)
        with Heartbeat(submission_id, worker) as heartbeat:
            result = score_in_sandbox(
                pool=pool,
                model_path=artifact_path(submission.model_artifact),
                hidden=hidden,
                spec=scoring_spec_for(submission, use_gpu=pool.use_gpu),
                on_progress=heartbeat.on_progress,
            )
        return _finish(submission, worker, attempt, hidden, result, started)
    except ScoringError as exc:
        return _fail(submission, worker, attempt, exc)
    except Exception as exc:  # ours: ended here, once, rather than left RUNNING for the reaper
        logger.exception("submission %s: evaluation broke on this worker", submission_id)
        error = ScoringError(FailureClass.INFRASTRUCTURE, f"unexpected {type(exc).__name__}")
        return _fail(submission, worker, attempt, error)


def _owns_attempt(submission_id: int, worker: str, attempt: int) -> bool:
    """Lock the run and check it is still this worker's attempt (a reaper may have moved it on)."""
    run = EvaluationRun.objects.select_for_update().get(submission_id=submission_id)
    return run.worker == worker and run.attempts == attempt


def _fail(submission: Submission, worker: str, attempt: int, error: ScoringError) -> EvaluationOutcome:
    kind = FailureKind.CONTRIBUTOR if error.is_contributors_fault else FailureKind.INFRASTRUCTURE
    with transaction.atomic():
        if not _owns_attempt(submission.pk, worker, attempt):
            return EvaluationOutcome(submission.pk, "skipped", "attempt superseded")
        # Trust boundary: the contributor reads the class's fixed text; the detail is for this log only.
        submission_mark_failed(submission_id=submission.pk, reason=error.reason, kind=kind)
    log = logger.warning if kind == FailureKind.INFRASTRUCTURE else logger.info
    log("submission %s failed: %s (%r)", submission.pk, error.failure, error.detail)
    return EvaluationOutcome(submission.pk, SubmissionStatus.FAILED, error.reason)


def _finish(
    submission: Submission, worker: str, attempt: int, hidden: HiddenSet, result: ScoreResult, started: float
) -> EvaluationOutcome:
    public_labels = hidden.labels[hidden.public_mask]
    with transaction.atomic():
        if not _owns_attempt(submission.pk, worker, attempt):
            return EvaluationOutcome(submission.pk, "skipped", "attempt superseded")
        step = ladder_apply(
            submission=submission,
            raw_public_score=result.public_score,
            public_predictions=result.public_predictions,
            public_labels=public_labels,
        )
        store_public_predictions(submission, result.public_predictions)
        submission_record_scores(
            submission_id=submission.pk, public_score=step.shown_score, private_score=result.private_score
        )
        document = attestation_document(
            submission=submission,
            dataset_sha256=hidden.sha256,
            public_score=result.public_score,
            private_score=result.private_score,
            scored_at=timezone.now(),
        )
        attestation_sign(submission=submission, document=document)
        EvaluationRun.objects.filter(submission_id=submission.pk).update(
            raw_public_score=result.public_score,
            ladder_improved=step.improved,
            device=result.device,
            progress_done=result.n_public + result.n_private,
            progress_total=result.n_public + result.n_private,
            seconds=time.perf_counter() - started,
            heartbeat_at=timezone.now(),
        )
    return EvaluationOutcome(submission.pk, SubmissionStatus.SCORED)
