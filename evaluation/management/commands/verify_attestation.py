"""`manage.py verify_attestation <submission-id>`: check the evaluator's signature over a stored score."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evaluation.models import ScoreAttestation
from evaluation.services.attestations import attestation_recover_signer, attestation_verify


class Command(BaseCommand):
    help = "Verify the EIP-712 score attestation of a submission against its stored scores and hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("submission_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        attestation = (
            ScoreAttestation.objects.select_related(
                "submission__challenge__hidden_dataset", "submission__evaluation"
            )
            .filter(submission_id=options["submission_id"])
            .first()
        )
        if attestation is None:
            raise CommandError(f"Submission #{options['submission_id']} has no score attestation.")
        problems = attestation_verify(attestation=attestation)
        self.stdout.write(json.dumps(attestation.typed_data["message"], indent=2))
        self.stdout.write(
            f"signer: {attestation.signer} (recovered {attestation_recover_signer(attestation)})"
        )
        if problems:
            raise CommandError("attestation does NOT verify: " + "; ".join(problems))
        self.stdout.write(self.style.SUCCESS("attestation verifies"))
