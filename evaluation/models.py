"""What the evaluation workers record about a submission: the run itself and the signed score."""

from __future__ import annotations

from django.db import models

from bounties.models import Submission


class EvaluationRun(models.Model):
    """The trusted side's record of scoring one submission: progress, heartbeats, attempts, timings."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="evaluation")
    queue = models.CharField(max_length=16)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Runs started, re-queues included.")
    worker = models.CharField(max_length=255, blank=True)
    isolation = models.CharField(max_length=32, blank=True)
    device = models.CharField(max_length=16, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True, db_index=True)
    seconds = models.FloatField(
        null=True, blank=True, help_text="Load, sandbox, inference, metric and store."
    )
    # Trusted-only values: never serialised, never rendered to contributors.
    raw_public_score = models.FloatField(null=True, blank=True)
    ladder_improved = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"evaluation of submission {self.submission_id}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class ScoreAttestation(models.Model):
    """The evaluator's EIP-712 signature over the score, so anyone can check who vouched for it."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="attestation")
    signer = models.CharField(max_length=42)
    typed_data = models.JSONField(help_text="The full EIP-712 document that was signed.")
    signature = models.CharField(max_length=132)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"attestation of submission {self.submission_id} by {self.signer}"
