"""`manage.py evaluation_worker`: a Celery worker for evaluations, on the GPU queue when CUDA is here.

Serving the GPU queue, it refuses to start unless a sandbox reaches CUDA and each job gets a memory cgroup
(see `gpu_queue_refusal`).

One evaluation at a time per worker (it uses every core, or the GPU); start more workers, here or on
other machines, to score more submissions at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clueboard.celery import app
from evaluation.scoring.errors import ScoringError
from evaluation.services.worker_context import GPU_QUEUE, gpu_queue_refusal, sandbox_pool, worker_uses_gpu


class Command(BaseCommand):
    help = "Run an evaluation worker: eval-gpu (when CUDA is present, EVAL_DEVICE), eval-cpu and maintenance tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="evaluator", help="Worker name; the host is appended.")
        parser.add_argument(
            "--beat", action="store_true", help="Also run the periodic reaper (one per site)."
        )
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        if worker_uses_gpu():
            check_gpu_queue()
        queues = ([GPU_QUEUE] if worker_uses_gpu() else []) + ["eval-cpu", "default"]
        argv = [
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            ",".join(queues),
            "-n",
            f"{options['name']}@%h",
        ]
        argv += ["--without-gossip", "--without-mingle", f"--loglevel={options['loglevel']}"]
        if options["beat"]:
            argv.append("-B")
        self.stdout.write(f"evaluation worker consuming {', '.join(queues)}")
        app.worker_main(argv)


def check_gpu_queue() -> None:
    """Refuse to start (exit status 1) rather than serve the GPU queue without the GPU in the sandbox.

    The worker's start-up signal checks the same for workers started with `celery worker` directly; here
    it is done before Celery starts, so that the refusal is this command's exit status. The warm spare
    it starts is the one the worker then uses.
    """
    pool = sandbox_pool()
    try:
        refusal = gpu_queue_refusal(pool)
    except ScoringError as exc:
        refusal = exc.detail
    if refusal is not None:
        pool.shutdown()
        raise CommandError(f"this worker will not serve the {GPU_QUEUE} queue: {refusal}")
