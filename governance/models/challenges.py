"""A platform challenge's life in the escrow: its spec hash, its escrow id, and its attested results."""

from __future__ import annotations

from django.db import models

from governance.models.outbox import OutgoingTransaction


class ChallengeOnChain(models.Model):
    """What the platform committed to when it published a challenge, and where the escrow keeps it.

    The spec document is frozen at publish time: the page shows it next to the spec hash, so anyone can
    recompute the hash and compare it with the escrow's. The escrow assigns its own challenge ids, so
    `escrow_challenge_id` is only known once `create_transaction` is mined (read from its event).
    """

    challenge = models.OneToOneField("bounties.Challenge", on_delete=models.PROTECT, related_name="on_chain")
    spec_document = models.TextField()  # the canonical JSON bytes (ASCII) the spec hash is taken of
    spec_hash = models.CharField(max_length=66)  # 0x-hex keccak256 of spec_document
    # sha256 of the spec's inputs as written, at publish: pages compare it instead of rebuilding the spec.
    rules_fingerprint = models.CharField(max_length=64, blank=True, default="")
    submission_deadline = models.PositiveBigIntegerField()  # unix seconds, as sent to the escrow
    award_deadline = models.PositiveBigIntegerField()
    create_transaction = models.OneToOneField(
        OutgoingTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escrow_challenge_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"challenge {self.challenge_id} -> escrow {self.escrow_challenge_id or '(pending)'}"


class ChallengeResults(models.Model):
    """The canonical final leaderboard of a closed challenge, frozen, and the evaluators' attestation.

    The bytes are stored as published for download: the results hash the evaluators sign is the keccak
    of exactly these bytes, whatever the leaderboard code becomes later.
    """

    challenge = models.OneToOneField(
        "bounties.Challenge", on_delete=models.PROTECT, related_name="final_results"
    )
    document = models.TextField()  # canonical JSON (ASCII only: json.dumps ensure_ascii)
    results_hash = models.CharField(max_length=66)  # 0x-hex keccak256 of document
    escrow_round = models.PositiveIntegerField(null=True, blank=True)
    signers = models.JSONField(default=list)  # evaluator addresses, ascending, as the escrow requires
    signatures = models.JSONField(default=list)  # 0x-hex, in the signers' order
    attest_transaction = models.OneToOneField(
        OutgoingTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "challenge results"

    def __str__(self) -> str:
        return f"results of challenge {self.challenge_id}: {self.results_hash}"
