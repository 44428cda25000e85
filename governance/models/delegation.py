"""Who delegates to whom, and each delegate's voting power, from the token's events."""

from __future__ import annotations

from django.db import models

from governance.models.deployment import ChainDeployment
from governance.models.mirror import UintField


class DelegationMirror(models.Model):
    """A token holder's current delegate (the zero address: none)."""

    deployment = models.ForeignKey(ChainDeployment, on_delete=models.CASCADE, related_name="delegations")
    delegator = models.CharField(max_length=42)
    delegate = models.CharField(max_length=42, db_index=True)
    tx_hash = models.CharField(max_length=66)
    block_number = models.PositiveBigIntegerField()
    block_time = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "delegator"], name="delegation_mirror_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} -> {self.delegate}"


class DelegateMirror(models.Model):
    """A delegate's current voting power in base units (the token's last DelegateVotesChanged)."""

    deployment = models.ForeignKey(ChainDeployment, on_delete=models.CASCADE, related_name="delegates")
    address = models.CharField(max_length=42)
    power = UintField()
    block_number = models.PositiveBigIntegerField()
    block_time = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "address"], name="delegate_mirror_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.address}: {self.power}"
