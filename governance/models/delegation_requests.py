"""Signed delegations the platform relays, so that delegating costs a member no gas."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from governance.models.deployment import ChainDeployment
from governance.models.outbox import OutgoingTransaction


class RelayedDelegation(models.Model):
    """A holder's EIP-712 `Delegation` as signed in the browser, checked, then relayed through the outbox.

    One row per holder and token nonce: the token accepts each nonce once, so a second request with the
    same nonce is the same delegation.
    """

    deployment = models.ForeignKey(ChainDeployment, on_delete=models.PROTECT, related_name="+")
    delegator = models.CharField(max_length=42)  # checksummed
    delegatee = models.CharField(max_length=42)
    nonce = models.CharField(max_length=78)  # uint256, decimal
    expiry = models.PositiveBigIntegerField()  # unix seconds
    signature = models.CharField(max_length=132)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outgoing = models.OneToOneField(OutgoingTransaction, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "delegator", "nonce"], name="relayed_delegation_one_per_nonce"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} delegates to {self.delegatee} (nonce {self.nonce})"
