"""The outbox: every transaction the platform sends is a row here before it is a transaction."""

from __future__ import annotations

from django.db import models

from governance.models.deployment import ChainDeployment


class SenderRole(models.TextChoices):
    """Which of the platform's keys signs; the keys themselves live in the environment, never here."""

    RELAYER = "relayer", "Relayer"
    PROPOSER = "proposer", "Proposer"


class OutgoingTransaction(models.Model):
    """One call the platform must get mined: kept until it is, retried, then confirmed from its event.

    `purpose` is the idempotency key (for example `challenge-create:12`, `ballot:<proposal>:<voter>`): the
    same action asked for twice is one row and at most one mined transaction. The calldata is encoded when
    the row is made, so what is sent is exactly what was stored (and shown).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent, waiting to be mined"
        MINED = "mined", "Mined"
        CONFIRMED = "confirmed", "Confirmed by its event"
        FAILED = "failed", "Failed"

    purpose = models.CharField(max_length=200, unique=True)
    deployment = models.ForeignKey(ChainDeployment, on_delete=models.PROTECT, related_name="transactions")
    sender_role = models.CharField(max_length=16, choices=SenderRole.choices, default=SenderRole.RELAYER)
    contract = models.CharField(max_length=64)  # artifact name, e.g. "PrizeEscrow"
    to_address = models.CharField(max_length=42)
    function = models.CharField(max_length=64)  # e.g. "castVoteBySig"
    call_data = models.TextField()  # 0x-prefixed ABI-encoded call
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    # Fixed words chosen by the platform (a decoded custom error, "chain unreachable"), never a node's text.
    last_error = models.CharField(max_length=300, blank=True)
    sender = models.CharField(max_length=42, blank=True)
    nonce = models.PositiveBigIntegerField(null=True, blank=True)
    tx_hash = models.CharField(max_length=66, blank=True, db_index=True)  # lowercase 0x-hex
    raw_transaction = models.TextField(blank=True)  # the signed bytes, re-broadcast if the node drops them
    block_number = models.PositiveBigIntegerField(null=True, blank=True)
    block_timestamp = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    mined_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When a sender may next pick the row up: a lease while one works on it, then the retry backoff.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.contract}.{self.function} ({self.status})"
