"""Nonces for accounts that several workers send from, handed out under a database row lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from eth_typing import ChecksumAddress

from governance.chain.client import ChainClient
from governance.models import RelayerNonce


class DatabaseNonces:
    """One nonce manager for every sender: a row per (chain id, sender), locked while a nonce is used.

    The lock is held from reading the nonce until the node accepted the signed transaction, so a second
    worker waits and then reads the next one. On PostgreSQL it is the row lock (SELECT ... FOR UPDATE); on
    SQLite, whose transactions here begin IMMEDIATE, the database write lock. Use it outside a request's
    transaction (a Celery task), or the lock is held until the request ends.
    """

    @contextmanager
    def reserve(self, client: ChainClient, sender: ChecksumAddress) -> Iterator[int]:
        """Yield the nonce to sign with; it is consumed only if the block ends without an exception.

        The node's pending count wins when it is ahead (something else sent from the account); the row
        wins when the node has not seen our last transaction yet (another node behind a load balancer).
        """
        chain_id = client.chain_id
        self._ensure_row(chain_id, sender)
        with transaction.atomic():
            row = RelayerNonce.objects.select_for_update().get(chain_id=chain_id, sender=sender)
            nonce = max(row.next_nonce, client.pending_nonce(sender))
            yield nonce
            row.next_nonce = nonce + 1
            row.save(update_fields=["next_nonce", "updated_at"])

    @staticmethod
    def _ensure_row(chain_id: int, sender: ChecksumAddress) -> None:
        # Two workers may both see no row; the unique constraint lets exactly one insert it.
        if RelayerNonce.objects.filter(chain_id=chain_id, sender=sender).exists():
            return
        try:
            with transaction.atomic():
                RelayerNonce.objects.create(chain_id=chain_id, sender=sender)
        except IntegrityError:
            pass  # the other worker created it first
