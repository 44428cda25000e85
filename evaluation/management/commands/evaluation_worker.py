"""`manage.py evaluation_worker`: a Celery worker for evaluations, on the GPU queue when CUDA is here.

One evaluation at a time per worker (it uses every core, or the GPU); start more workers, here or on
other machines, to score more submissions at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from clueboard.celery import app
from evaluation.services.worker_context import cuda_available


class Command(BaseCommand):
    help = "Run an evaluation worker: eval-gpu (when CUDA is present), eval-cpu and maintenance tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="evaluator", help="Worker name; the host is appended.")
        parser.add_argument(
            "--beat", action="store_true", help="Also run the periodic reaper (one per site)."
        )
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        queues = (["eval-gpu"] if cuda_available() else []) + ["eval-cpu", "default"]
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
