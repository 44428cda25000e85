"""The escrow's prize pools: one per challenge, with every movement of money and the trust-chain records."""

from __future__ import annotations

from django.db import models

from governance.models.deployment import ChainDeployment
from governance.models.mirror import UintField


class PoolMirror(models.Model):
    """One escrow challenge and its pool. Amounts in base units of the prize token; times unix seconds.

    `state` follows the stored state (governance.chain.escrow.ChallengeState, never CLOSED): an OPEN
    pool past its submission deadline reads CLOSED, as on the chain (see the treasury selectors).
    """

    deployment = models.ForeignKey(ChainDeployment, on_delete=models.CASCADE, related_name="pools")
    challenge_id = models.CharField(max_length=78)  # uint256 as a decimal string
    creator = models.CharField(max_length=42)
    spec_hash = models.CharField(max_length=66)
    submission_deadline = UintField()
    award_deadline = UintField()
    claim_deadline = UintField(null=True, blank=True, default=None)
    state = models.PositiveSmallIntegerField()
    results_hash = models.CharField(max_length=66, blank=True)
    round = models.PositiveIntegerField(default=0)
    funded = UintField()
    awarded = UintField()
    claimed = UintField()
    refunded = UintField()
    swept = UintField()
    created_tx = models.CharField(max_length=66)
    created_block = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "challenge_id"], name="pool_mirror_unique"),
        ]

    def __str__(self) -> str:
        return f"pool {self.challenge_id}"

    @property
    def left(self) -> int:
        """What the escrow still holds for this pool."""
        return self.funded - self.claimed - self.refunded - self.swept


class PoolMovement(models.Model):
    """Money into or out of a pool, or credited inside it, one row per event."""

    class Kind(models.TextChoices):
        FUNDING = "funding", "Funding"  # account: the funder
        AWARD = "award", "Award credited"  # account: the recipient
        CLAIM = "claim", "Claim paid"
        CLAIM_FAILED = "claim_failed", "Claim failed (credit kept)"
        REFUND = "refund", "Refund"  # account: the funder
        SWEEP = "sweep", "Unclaimed swept to the treasury"  # account: empty

    pool = models.ForeignKey(PoolMirror, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    account = models.CharField(max_length=42, blank=True, db_index=True)
    amount = UintField()
    tx_hash = models.CharField(max_length=66)
    block_number = models.PositiveBigIntegerField()
    log_index = models.PositiveIntegerField()
    block_time = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["pool", "kind"], name="pool_movement_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on pool {self.pool_id}"


class PoolCommitment(models.Model):
    """A Merkle root of submission hashes committed to a challenge; `batch` counts the committer's roots."""

    pool = models.ForeignKey(PoolMirror, on_delete=models.CASCADE, related_name="commitments")
    committer = models.CharField(max_length=42)
    root = models.CharField(max_length=66)
    batch = models.PositiveIntegerField()  # 1 for the committer's first root on this challenge
    tx_hash = models.CharField(max_length=66)
    block_number = models.PositiveBigIntegerField()
    block_time = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "committer", "root"], name="pool_commitment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.root} by {self.committer}"


class PoolAttestation(models.Model):
    """Evaluators' signed results hash for one round of a challenge."""

    pool = models.ForeignKey(PoolMirror, on_delete=models.CASCADE, related_name="attestations")
    round = models.PositiveIntegerField()
    results_hash = models.CharField(max_length=66)
    signers = models.JSONField(default=list)  # checksummed addresses
    tx_hash = models.CharField(max_length=66)
    block_number = models.PositiveBigIntegerField()
    block_time = models.DateTimeField()

    def __str__(self) -> str:
        return f"round {self.round} of pool {self.pool_id}: {self.results_hash}"
