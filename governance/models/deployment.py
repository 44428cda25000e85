"""Where the DAO's contracts live on each chain the platform has used."""

from __future__ import annotations

from django.db import models


class ChainDeployment(models.Model):
    """One deployed, wired contract set on one chain; the chain itself stays the truth.

    A chain that was reset (anvil without its state, a re-created test net) has no code at these
    addresses any more: the record is then marked replaced and a new one becomes current. Only one record
    per chain id is current.
    """

    chain_id = models.PositiveBigIntegerField()
    token = models.CharField(max_length=42)  # checksummed addresses
    timelock = models.CharField(max_length=42)
    governor = models.CharField(max_length=42)
    escrow = models.CharField(max_length=42)
    prize_token = models.CharField(max_length=42)
    guardian = models.CharField(max_length=42)
    evaluators = models.JSONField(default=list)  # checksummed addresses, in the escrow's order
    evaluator_threshold = models.PositiveSmallIntegerField(default=1)
    first_block = models.PositiveBigIntegerField()  # the indexer starts here
    deployed_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)  # set when the chain no longer has this set

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chain_id"],
                condition=models.Q(replaced_at__isnull=True),
                name="chain_deployment_one_current_per_chain",
            ),
        ]

    def __str__(self) -> str:
        state = "current" if self.replaced_at is None else "replaced"
        return f"chain {self.chain_id}: escrow {self.escrow} ({state})"
