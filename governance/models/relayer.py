"""The relayer's nonces: one locked row per sending account and chain."""

from __future__ import annotations

from django.db import models


class RelayerNonce(models.Model):
    """The next nonce of one sending account on one chain; the row is locked while a nonce is handed out.

    Every worker that sends from the account takes this row's lock first (`governance.nonces`), so two
    workers never sign two transactions with the same nonce.
    """

    chain_id = models.PositiveBigIntegerField()
    sender = models.CharField(max_length=42)  # checksummed address
    next_nonce = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain_id", "sender"], name="relayer_nonce_one_row_per_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} on chain {self.chain_id}: next nonce {self.next_nonce}"
