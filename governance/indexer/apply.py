"""The mirror as a function of the log: events applied in chain order, a batch at a time.

A batch loads the rows its events touch in one query per model, changes them in memory, and writes
them back with bulk statements; applying the log in one batch or in many gives the same rows, which is
what makes `reindex_chain` equal to incremental syncs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db import models

from governance.indexer.decode import IndexedEvent
from governance.indexer.inserts import rows_insert
from governance.models import (
    ChainDeployment,
    DelegateMirror,
    DelegationMirror,
    PoolCommitment,
    PoolMirror,
    ProposalMirror,
)

M = TypeVar("M", bound=models.Model)
Handler = Callable[["MirrorBatch", IndexedEvent], None]
HANDLERS: dict[tuple[str, str], Handler] = {}


def handles(contract: str, *names: str) -> Callable[[Handler], Handler]:
    """Register a handler for events `names` of `contract`."""

    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[(contract, name)] = handler
        return handler

    return register


class Rows(Generic[M]):
    """Rows of one mirror model keyed by their natural key: loaded once, changed in memory, written in bulk."""

    def __init__(self, model: type[M], key_field: str, update_fields: Sequence[str]) -> None:
        self.model, self.key_field, self.update_fields = model, key_field, list(update_fields)
        self.rows: dict[str, M] = {}
        self.created: list[M] = []
        self.changed: dict[int, M] = {}

    def load(self, deployment: ChainDeployment, keys: Iterable[str]) -> None:
        wanted = set(keys) - self.rows.keys()
        if wanted:
            lookup = {"deployment": deployment, f"{self.key_field}__in": wanted}
            for row in self.model._default_manager.filter(**lookup):
                self.rows[getattr(row, self.key_field)] = row

    def get(self, key: str) -> M | None:
        return self.rows.get(key)

    def add(self, row: M) -> M:
        self.rows[getattr(row, self.key_field)] = row
        self.created.append(row)
        return row

    def touch(self, row: M) -> None:
        if row.pk is not None:
            self.changed[row.pk] = row

    def flush(self) -> None:
        self.model._default_manager.bulk_create(self.created)
        self.model._default_manager.bulk_update(list(self.changed.values()), self.update_fields)
        self.created, self.changed = [], {}


_PROPOSAL_FIELDS = [
    "extended_deadline",
    "eta",
    "for_votes",
    "against_votes",
    "abstain_votes",
    *(f"{step}_{part}" for step in ("queued", "executed", "canceled") for part in ("tx", "block", "at")),
]
_POOL_FIELDS = ["claim_deadline", "state", "results_hash", "round"]
_POOL_FIELDS += ["funded", "awarded", "claimed", "refunded", "swept"]


class MirrorBatch:
    """The mirror rows touched by one batch of events, and the rows the batch adds."""

    def __init__(self, deployment: ChainDeployment) -> None:
        self.deployment = deployment
        self.proposals = Rows(ProposalMirror, "proposal_id", _PROPOSAL_FIELDS)
        self.delegations = Rows(
            DelegationMirror, "delegator", ["delegate", "tx_hash", "block_number", "block_time"]
        )
        self.delegates = Rows(DelegateMirror, "address", ["power", "block_number", "block_time"])
        self.pools = Rows(PoolMirror, "challenge_id", _POOL_FIELDS)
        self.new_rows: list[models.Model] = []  # append-only children: votes, movements, commitments...
        self.commitment_counts: dict[tuple[str, str], int] = {}

    def apply(self, events: Sequence[IndexedEvent]) -> None:
        """Apply `events` (in chain order) and write the result."""
        self._load(events)
        for event in events:
            handler = HANDLERS.get((event.contract, event.name))
            if handler is not None:
                handler(self, event)
        for rows in (self.proposals, self.delegations, self.delegates, self.pools):
            rows.flush()
        by_model: dict[type[models.Model], list[models.Model]] = {}
        for row in self.new_rows:
            by_model.setdefault(type(row), []).append(row)
        for model, rows_of_model in by_model.items():
            rows_insert(model, rows_of_model)
        self.new_rows = []

    def _load(self, events: Sequence[IndexedEvent]) -> None:
        keys: dict[str, set[str]] = {"ClueGovernor": set(), "PrizeEscrow": set(), "delegator": set()}
        delegates: set[str] = set()
        for event in events:
            if event.contract == "ClueGovernor" and "proposalId" in event.args:
                keys["ClueGovernor"].add(event.args["proposalId"])
            elif event.contract == "PrizeEscrow" and "id" in event.args:
                keys["PrizeEscrow"].add(event.args["id"])
            elif event.name == "DelegateChanged":
                keys["delegator"].add(event.args["delegator"])
            elif event.name == "DelegateVotesChanged":
                delegates.add(event.args["delegate"])
        self.proposals.load(self.deployment, keys["ClueGovernor"])
        self.pools.load(self.deployment, keys["PrizeEscrow"])
        self.delegations.load(self.deployment, keys["delegator"])
        self.delegates.load(self.deployment, delegates)
        self._load_commitment_counts(events)

    def _load_commitment_counts(self, events: Sequence[IndexedEvent]) -> None:
        ids = {e.args["id"] for e in events if e.name == "SubmissionsCommitted"} - {
            pool for pool, _ in self.commitment_counts
        }
        if not ids:
            return
        counts = (
            PoolCommitment.objects.filter(pool__deployment=self.deployment, pool__challenge_id__in=ids)
            .values("pool__challenge_id", "committer")
            .annotate(n=models.Count("id"))
        )
        for row in counts:
            self.commitment_counts[(row["pool__challenge_id"], row["committer"])] = row["n"]

    def add_child(self, row: models.Model) -> None:
        """Queue an append-only row (its parent may be new in this batch: written first)."""
        self.new_rows.append(row)


def event_fields(event: IndexedEvent) -> dict[str, Any]:
    """Where and when an event happened, in the field names the mirror rows use."""
    return {"tx_hash": event.tx_hash, "block_number": event.block_number, "block_time": event.block_time}
