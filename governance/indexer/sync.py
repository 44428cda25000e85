"""Sync the log and the mirror with the chain: block ranges from the cursor, a re-checked reorg window."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from web3.exceptions import Web3Exception

from governance.chain.client import ChainClient, ChainIdMismatchError, NodeRequestError
from governance.indexer.decode import (
    INDEXED_CONTRACTS,
    DecodedLog,
    IndexedEvent,
    LogDecoder,
    LogFormatError,
)
from governance.indexer.inserts import events_insert
from governance.indexer.mirror import mirror_apply, mirror_clear, mirror_rebuild
from governance.indexer.states import proposal_states_refresh
from governance.models import ChainDeployment, ChainEvent, ChainSyncCursor
from governance.services.outbox import outgoing_transactions_confirm, outgoing_transactions_unconfirm

logger = logging.getLogger(__name__)
_CHAIN_ERRORS = (OSError, Web3Exception, NodeRequestError, LogFormatError, ChainIdMismatchError)


class IndexerError(Exception):
    """The chain could not be read (down, wrong chain, malformed answer): the mirror keeps what it had."""


@dataclass(frozen=True)
class SyncResult:
    """What one sync did."""

    last_block: int  # every block up to here is indexed
    events_added: int
    reorg_from: int | None  # the first block replaced by a reorg, when one was found


def block_ranges(first: int, last: int, size: int) -> Iterator[tuple[int, int]]:
    """Inclusive ranges of at most `size` blocks covering `first`..`last`."""
    for start in range(first, last + 1, size):
        yield start, min(start + size - 1, last)


def chain_sync(
    *, deployment: ChainDeployment, client: ChainClient, to_block: int | None = None
) -> SyncResult:
    """Index `deployment`'s events up to `to_block` (default: the head less CHAIN_CONFIRMATIONS).

    Each block range is stored and applied in its own transaction, so an interrupted sync keeps the
    ranges it finished. Raises IndexerError when the node cannot be read; nothing partial is stored.
    """
    try:
        return _sync(deployment, client, to_block)
    except _CHAIN_ERRORS as error:
        raise IndexerError(f"chain {deployment.chain_id} unreadable: {type(error).__name__}") from error


def _sync(deployment: ChainDeployment, client: ChainClient, to_block: int | None) -> SyncResult:
    contracts = {getattr(deployment, field): name for field, name in INDEXED_CONTRACTS.items()}
    reader = _Reader(deployment, client, LogDecoder(contracts), sorted(contracts))
    head = client.block_number() - settings.CHAIN_CONFIRMATIONS if to_block is None else to_block
    cursor, _ = ChainSyncCursor.objects.get_or_create(
        deployment=deployment, defaults={"last_block": deployment.first_block - 1}
    )
    reorg_from = reader.recheck_window(cursor.last_block, head)
    cursor.refresh_from_db()
    last, added = cursor.last_block, 0
    ranges = list(block_ranges(last + 1, head, settings.CHAIN_SYNC_BLOCK_RANGE))
    # The next range is fetched while this one is stored: the node works while the database does.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chain-fetch") as prefetch:
        pending = prefetch.submit(reader.fetch, *ranges[0]) if ranges else None
        for index, (start, end) in enumerate(ranges):
            assert pending is not None
            logs = pending.result()
            pending = prefetch.submit(reader.fetch, *ranges[index + 1]) if index + 1 < len(ranges) else None
            stored = reader.store_range(start, end, logs)
            if stored is None:
                break  # another sync moved the cursor meanwhile: it carries on from there
            added, last = added + stored, end
    proposal_states_refresh(deployment=deployment, client=client)
    return SyncResult(last_block=last, events_added=added, reorg_from=reorg_from)


class _Reader:
    """Reads one deployment's logs and writes them to the log and the mirror."""

    def __init__(
        self, deployment: ChainDeployment, client: ChainClient, decoder: LogDecoder, addresses: Sequence[str]
    ) -> None:
        self.deployment, self.client, self.decoder, self.addresses = deployment, client, decoder, addresses

    def fetch(self, start: int, end: int) -> list[DecodedLog]:
        return self.decoder.decode(self.client.get_logs(self.addresses, start, end))

    def events(self, logs: Sequence[DecodedLog]) -> list[IndexedEvent]:
        # One header request for the blocks whose logs came without their timestamp.
        missing = sorted({d.log.block_number for d in logs if d.log.block_timestamp is None})
        headers = self.client.block_headers(missing)
        times: dict[int, datetime] = {}
        events = []
        for item in logs:
            log = item.log
            block_time = times.get(log.block_number)
            if block_time is None:
                stamp = headers[log.block_number][1] if log.block_timestamp is None else log.block_timestamp
                block_time = times[log.block_number] = datetime.fromtimestamp(stamp, tz=UTC)
            events.append(
                IndexedEvent(
                    item.contract,
                    item.name,
                    item.args,
                    log.tx_hash,
                    log.block_number,
                    log.log_index,
                    log.block_hash,
                    block_time,
                )
            )
        return events

    def store_range(self, start: int, end: int, logs: Sequence[DecodedLog]) -> int | None:
        """Store and apply the events of blocks `start`..`end`; None when the cursor is not at `start`."""
        events = self.events(logs)
        with transaction.atomic():
            cursor = ChainSyncCursor.objects.select_for_update().get(deployment=self.deployment)
            if cursor.last_block != start - 1:
                return None
            known = set(
                ChainEvent.objects.filter(
                    deployment=self.deployment, block_number__gte=start, block_number__lte=end
                ).values_list("tx_hash", "log_index")
            )
            fresh = [e for e in events if (e.tx_hash, e.log_index) not in known]
            events_insert(self.deployment.pk, fresh)
            mirror_apply(deployment=self.deployment, events=fresh)
            outgoing_transactions_confirm(tx_hashes=sorted({e.tx_hash for e in fresh}))
            cursor.last_block = end
            cursor.save(update_fields=["last_block", "synced_at"])
        return len(fresh)

    def recheck_window(self, last_block: int, head: int) -> int | None:
        """Compare the last CHAIN_REORG_WINDOW indexed blocks with the chain; on a difference (or a chain
        now shorter than the cursor), replace the events from the first differing block and rebuild the
        mirror. Returns that block, or None."""
        start = max(self.deployment.first_block, last_block + 1 - settings.CHAIN_REORG_WINDOW)
        if start > last_block:
            return None
        logs = [
            log
            for range_start, range_end in block_ranges(
                start, min(last_block, head), settings.CHAIN_SYNC_BLOCK_RANGE
            )
            for log in self.fetch(range_start, range_end)
        ]
        on_chain = {(d.log.block_number, d.log.block_hash, d.log.tx_hash, d.log.log_index) for d in logs}
        stored = set(
            ChainEvent.objects.filter(
                deployment=self.deployment, block_number__gte=start, block_number__lte=last_block
            ).values_list("block_number", "block_hash", "tx_hash", "log_index")
        )
        differing = {position[0] for position in on_chain ^ stored}
        if head < last_block:
            differing.add(head + 1)  # blocks we indexed no longer exist
        if not differing:
            return None
        fork = min(differing)
        events = self.events([d for d in logs if d.log.block_number >= fork])
        with transaction.atomic():
            cursor = ChainSyncCursor.objects.select_for_update().get(deployment=self.deployment)
            if cursor.last_block != last_block:
                return None
            dropped = ChainEvent.objects.filter(deployment=self.deployment, block_number__gte=fork)
            kept = {e.tx_hash for e in events}
            orphaned = set(dropped.values_list("tx_hash", flat=True)) - kept
            dropped.delete()
            events_insert(self.deployment.pk, events)
            mirror_rebuild(deployment=self.deployment)
            # Rows whose events the new branch lacks are not mined any more: the sender broadcasts them again.
            outgoing_transactions_unconfirm(tx_hashes=sorted(orphaned))
            outgoing_transactions_confirm(tx_hashes=sorted(kept))
            cursor.last_block = min(last_block, head)
            cursor.save(update_fields=["last_block", "synced_at"])
        logger.warning("chain %s reorganised from block %s: mirror rebuilt", self.deployment.chain_id, fork)
        return fork


def chain_reindex(*, deployment: ChainDeployment, client: ChainClient) -> SyncResult:
    """Forget the log, the cursor and the mirror of `deployment`, then sync from its first block."""
    with transaction.atomic():
        mirror_clear(deployment=deployment)
        ChainEvent.objects.filter(deployment=deployment)._raw_delete(ChainEvent.objects.db)
        ChainSyncCursor.objects.filter(deployment=deployment).delete()
    return chain_sync(deployment=deployment, client=client)
