"""Derive the mirror from the stored log: apply new events, or rebuild everything from the log."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q

from governance.indexer import handlers_governance, handlers_treasury  # noqa: F401 (register handlers)
from governance.indexer.apply import MirrorBatch
from governance.indexer.decode import IndexedEvent
from governance.models import (
    ChainDeployment,
    ChainEvent,
    DelegateMirror,
    DelegationMirror,
    PoolAttestation,
    PoolCommitment,
    PoolMirror,
    PoolMovement,
    ProposalMirror,
    VoteMirror,
)

REBUILD_BATCH = 5_000
EVENT_FIELDS = (
    "contract",
    "name",
    "args",
    "tx_hash",
    "block_number",
    "log_index",
    "block_hash",
    "block_time",
)  # events per batch when the mirror is rebuilt from the log


def mirror_apply(*, deployment: ChainDeployment, events: Sequence[IndexedEvent]) -> None:
    """Apply `events` (in chain order, all newer than what the mirror has seen) to the mirror."""
    if events:
        MirrorBatch(deployment).apply(events)


def mirror_clear(*, deployment: ChainDeployment) -> None:
    """Delete every mirror row of `deployment` (not the log)."""
    # Children first, each with one DELETE: no cascade collected in Python for large mirrors.
    VoteMirror.objects.filter(proposal__deployment=deployment)._raw_delete(VoteMirror.objects.db)
    for child in (PoolMovement, PoolCommitment, PoolAttestation):
        child.objects.filter(pool__deployment=deployment)._raw_delete(child.objects.db)
    for model in (ProposalMirror, PoolMirror, DelegationMirror, DelegateMirror):
        model.objects.filter(deployment=deployment)._raw_delete(model.objects.db)


@transaction.atomic
def mirror_rebuild(*, deployment: ChainDeployment) -> int:
    """Rebuild the whole mirror of `deployment` from its stored log, in order; returns events applied."""
    mirror_clear(deployment=deployment)
    # Proposal states read from the governor are kept by the sync that follows; the rebuild clears them.
    applied, after = 0, (-1, -1)
    while True:
        events = [
            IndexedEvent(*row)
            for row in ChainEvent.objects.filter(deployment=deployment)
            .filter(_after(after))
            .order_by("block_number", "log_index")
            .values_list(*EVENT_FIELDS)[:REBUILD_BATCH]
        ]
        if not events:
            return applied
        MirrorBatch(deployment).apply(events)
        applied += len(events)
        after = (events[-1].block_number, events[-1].log_index)


def _after(position: tuple[int, int]) -> Q:
    block, log_index = position
    return Q(block_number__gt=block) | Q(block_number=block, log_index__gt=log_index)
