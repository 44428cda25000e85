"""Evaluation worker start-up: refuse to serve without a signing key or with too little isolation,
warm a sandbox, reap lost runs."""

from __future__ import annotations

import logging
from typing import Any

from celery.signals import worker_ready, worker_shutting_down

from evaluation.scoring.errors import ScoringError

logger = logging.getLogger(__name__)


@worker_ready.connect
def prepare_evaluation_worker(sender: Any = None, **kwargs: Any) -> None:
    from django.conf import settings

    from evaluation.services.worker_context import GPU_QUEUE, gpu_queue_refusal, sandbox_pool
    from evaluation.tasks import requeue_stalled_evaluations

    if not served_queues(sender) & {GPU_QUEUE, "eval-cpu"}:
        return  # a worker for other queues (the chain worker) neither evaluates nor needs a sandbox
    if not settings.EVALUATOR_PRIVATE_KEY:
        logger.critical(
            "EVALUATOR_PRIVATE_KEY is not set: this worker could score but not attest; not starting"
        )
        raise SystemExit(1)
    pool = sandbox_pool()
    try:
        pool.warm_up()
        refusal = gpu_queue_refusal(pool) if GPU_QUEUE in served_queues(sender) else None
    except ScoringError as exc:
        logger.critical("this worker will not evaluate models: %s", exc.detail)
        raise SystemExit(1) from exc
    if refusal is not None:
        # No quiet CPU fallback for GPU work: a GPU queue served without the GPU is refused outright.
        logger.critical("this worker will not serve the %s queue: %s; not starting", GPU_QUEUE, refusal)
        raise SystemExit(1)
    # A worker that starts after a crash picks up the runs the crashed one left behind.
    requeue_stalled_evaluations.delay()


def served_queues(consumer: Any) -> set[str]:
    """The names of the queues this worker consumes from."""
    task_consumer = getattr(consumer, "task_consumer", None)
    return {queue.name for queue in getattr(task_consumer, "queues", [])}


@worker_shutting_down.connect
def stop_sandboxes(sender: Any = None, **kwargs: Any) -> None:
    from evaluation.services.worker_context import sandbox_pool

    sandbox_pool().shutdown()
