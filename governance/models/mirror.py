"""The indexed event log and the indexer's cursor: everything else in the mirror is derived from the log."""

from __future__ import annotations

from typing import Any

from django.db import models

from governance.models.deployment import ChainDeployment


class UintField(models.CharField):
    """An unsigned 256-bit integer, exact on every database: stored as its decimal string, read as int.

    DecimalField cannot hold it on SQLite (values past 2**63 become floats there), and the mirror must
    compare equal to the chain to the last base unit.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 78)  # 2**256 has 78 digits
        kwargs.setdefault("default", 0)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> int | None:
        return None if value is None else int(value)

    def to_python(self, value: Any) -> int | None:
        return None if value is None else int(value)

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else str(int(value))


class ChainEvent(models.Model):
    """One log of the DAO's contracts exactly as the chain gave it, decoded once.

    Unique per deployment on (transaction hash, log index): an anvil that was reset can mine a
    transaction with the same hash again, for another deployment.
    """

    deployment = models.ForeignKey(ChainDeployment, on_delete=models.CASCADE, related_name="events")
    block_number = models.PositiveBigIntegerField()
    block_hash = models.CharField(max_length=66)  # lowercase 0x-hex
    block_time = models.DateTimeField()
    tx_hash = models.CharField(max_length=66)  # looked up with its deployment: the unique index
    log_index = models.PositiveIntegerField()
    contract = models.CharField(max_length=32)  # artifact name: ClueToken, ClueGovernor, PrizeEscrow
    name = models.CharField(max_length=64)  # the event's name
    args = models.JSONField()  # integers as decimal strings, bytes as 0x-hex, addresses checksummed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "tx_hash", "log_index"], name="chain_event_unique_log"
            ),
        ]
        indexes = [models.Index(fields=["deployment", "block_number", "log_index"], name="chain_event_order")]

    def __str__(self) -> str:
        return f"{self.contract}.{self.name} at {self.block_number}:{self.log_index}"


class ChainSyncCursor(models.Model):
    """How far the log of one deployment is complete: every block up to `last_block` is indexed."""

    deployment = models.OneToOneField(ChainDeployment, on_delete=models.CASCADE, related_name="sync_cursor")
    last_block = models.PositiveBigIntegerField()
    synced_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.deployment_id}: up to block {self.last_block}"
