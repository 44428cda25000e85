"""Batched priority commitments: a Merkle root per batch of submission hashes, a proof per submission."""

from __future__ import annotations

from django.db import models

from governance.models.challenges import ChallengeOnChain
from governance.models.outbox import OutgoingTransaction


class CommitmentBatch(models.Model):
    """One Merkle root of submission and clue hashes, committed to the escrow in one transaction."""

    challenge_on_chain = models.ForeignKey(ChallengeOnChain, on_delete=models.PROTECT, related_name="batches")
    root = models.CharField(max_length=66)  # 0x-hex
    commit_transaction = models.OneToOneField(
        OutgoingTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge_on_chain", "root"], name="commitment_batch_one_root"),
        ]

    def __str__(self) -> str:
        return f"batch {self.root} of {self.challenge_on_chain}"


class SubmissionCommitment(models.Model):
    """A submission's place in exactly one batch: its hash as committed and its inclusion proof."""

    submission = models.OneToOneField(
        "bounties.Submission", on_delete=models.PROTECT, related_name="commitment"
    )
    batch = models.ForeignKey(CommitmentBatch, on_delete=models.PROTECT, related_name="members")
    submission_hash = models.CharField(max_length=66)  # 0x-hex of the submission's content hash
    proof = models.JSONField(default=list)  # 0x-hex sibling hashes, leaf to root

    def __str__(self) -> str:
        return f"submission {self.submission_id} in {self.batch.root}"


class ClueCommitment(models.Model):
    """A clue's place in exactly one batch, beside submissions: its content hash and inclusion proof."""

    clue = models.OneToOneField("bounties.Clue", on_delete=models.PROTECT, related_name="commitment")
    batch = models.ForeignKey(CommitmentBatch, on_delete=models.PROTECT, related_name="clue_members")
    clue_hash = models.CharField(max_length=66)  # 0x-hex of the clue's content hash
    proof = models.JSONField(default=list)  # 0x-hex sibling hashes, leaf to root

    def __str__(self) -> str:
        return f"clue {self.clue_id} in {self.batch.root}"
