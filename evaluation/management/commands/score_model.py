"""`manage.py score_model <challenge-slug> <model-file>`: the worker's pipeline, run locally as a dry run.

Nothing is stored: the organizer sees what a submission of this file would score, as one JSON object.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bounties.models import Challenge
from evaluation.services.dry_run import score_model_dry_run


class Command(BaseCommand):
    help = "Score a model file against a challenge's hidden test set without storing anything; prints JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("challenge_slug")
        parser.add_argument("model_file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        challenge = (
            Challenge.objects.select_related("hidden_dataset").filter(slug=options["challenge_slug"]).first()
        )
        if challenge is None:
            raise CommandError(f"There is no challenge '{options['challenge_slug']}'.")
        if not options["model_file"].is_file():
            raise CommandError(f"{options['model_file']} is not a file.")
        started = time.perf_counter()
        report = score_model_dry_run(challenge=challenge, model_path=options["model_file"])
        report["seconds"] = round(time.perf_counter() - started, 3)
        self.stdout.write(json.dumps(report))
