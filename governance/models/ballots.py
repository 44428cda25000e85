"""Signed ballots the platform relays: stored before any gas is paid, one per proposal and voter."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from governance.models.deployment import ChainDeployment
from governance.models.outbox import OutgoingTransaction


class RelayedBallot(models.Model):
    """A voter's EIP-712 ballot as signed in the browser, checked, then relayed through the outbox.

    The vote counts from the chain's `VoteCast` event (the indexer's mirror), never from this row. A ballot
    that arrived while the chain could not be asked waits as AWAITING_CHAIN and is checked and relayed later.
    """

    class Status(models.TextChoices):
        AWAITING_CHAIN = "awaiting_chain", "Stored, waiting for the chain to check it"
        RELAYING = "relaying", "Checked and handed to the outbox"
        REFUSED = "refused", "Refused when it was checked later"

    deployment = models.ForeignKey(ChainDeployment, on_delete=models.PROTECT, related_name="+")
    proposal_id = models.CharField(max_length=78)  # uint256, decimal
    voter = models.CharField(max_length=42)  # checksummed
    support = models.PositiveSmallIntegerField()  # 0 against, 1 for, 2 abstain
    # None and "" differ: a plain Ballot, or an ExtendedBallot whose reason is empty (another signature).
    reason = models.TextField(null=True, blank=True)  # noqa: DJ001
    nonce = models.CharField(max_length=78)  # uint256, decimal
    signature = models.CharField(max_length=132)  # 0x-hex, 65 bytes
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RELAYING)
    refusal = models.CharField(max_length=200, blank=True)  # a fixed message, when refused later
    outgoing = models.OneToOneField(
        OutgoingTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "proposal_id", "voter"], name="relayed_ballot_one_per_voter"
            ),
        ]

    def __str__(self) -> str:
        return f"ballot of {self.voter} on {self.proposal_id} ({self.status})"
