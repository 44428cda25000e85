"""The governor's proposals and votes, as the indexed events describe them."""

from __future__ import annotations

from django.db import models

from governance.models.deployment import ChainDeployment
from governance.models.mirror import UintField


class ProposalMirror(models.Model):
    """One proposal. Times are unix seconds (the governor's clock is the timestamp); amounts in base units.

    `state` is the governor's own answer (it depends on the clock, quorum and timelock), read at sync
    time and cached so that pages work with the chain down; `state_read_at` says when.
    """

    deployment = models.ForeignKey(ChainDeployment, on_delete=models.CASCADE, related_name="proposals")
    proposal_id = models.CharField(max_length=78)  # uint256 as a decimal string
    proposer = models.CharField(max_length=42)
    description = models.TextField()
    actions = models.JSONField(default=list)  # [{"target", "value", "signature", "calldata"}]
    vote_start = models.PositiveBigIntegerField()  # the voting power snapshot
    vote_end = models.PositiveBigIntegerField()  # as created; `extended_deadline` when quorum came late
    extended_deadline = models.PositiveBigIntegerField(null=True, blank=True)
    eta = models.PositiveBigIntegerField(null=True, blank=True)
    for_votes = UintField()
    against_votes = UintField()
    abstain_votes = UintField()
    created_tx = models.CharField(max_length=66)
    created_block = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    queued_tx = models.CharField(max_length=66, blank=True)
    queued_block = models.PositiveBigIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    executed_tx = models.CharField(max_length=66, blank=True)
    executed_block = models.PositiveBigIntegerField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    canceled_tx = models.CharField(max_length=66, blank=True)
    canceled_block = models.PositiveBigIntegerField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    state = models.PositiveSmallIntegerField(null=True, blank=True)  # governance.chain.governor.ProposalState
    state_read_at = models.DateTimeField(null=True, blank=True)
    quorum = UintField(null=True, blank=True, default=None)  # at the snapshot, once it is in the past

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "proposal_id"], name="proposal_mirror_unique"),
        ]

    def __str__(self) -> str:
        return f"proposal {self.proposal_id[:12]}…"

    @property
    def deadline(self) -> int:
        """The voting deadline in force (extended when quorum was reached late)."""
        return self.extended_deadline if self.extended_deadline is not None else self.vote_end


class VoteMirror(models.Model):
    """One vote as cast (direct, by signature, or with params); weight is the voter's power at the snapshot."""

    proposal = models.ForeignKey(ProposalMirror, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=42)
    support = models.PositiveSmallIntegerField()  # governance.chain.governor.VoteSupport
    weight = UintField()
    reason = models.TextField(blank=True)
    tx_hash = models.CharField(max_length=66)
    block_number = models.PositiveBigIntegerField()
    block_time = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="vote_mirror_one_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.voter} on {self.proposal_id}: {self.support}"
