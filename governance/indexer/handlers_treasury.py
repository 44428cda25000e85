"""How the escrow's events change the pools: funding, awards, claims, refunds, commitments, attestations."""

from __future__ import annotations

from governance.chain.escrow import ChallengeState
from governance.indexer.apply import MirrorBatch, event_fields, handles
from governance.indexer.decode import IndexedEvent
from governance.models import PoolAttestation, PoolCommitment, PoolMirror, PoolMovement

Kind = PoolMovement.Kind


@handles("PrizeEscrow", "ChallengeCreated")
def challenge_created(batch: MirrorBatch, event: IndexedEvent) -> None:
    args = event.args
    if batch.pools.get(args["id"]) is not None:
        return
    batch.pools.add(
        PoolMirror(
            deployment=batch.deployment,
            challenge_id=args["id"],
            creator=args["creator"],
            spec_hash=args["specHash"],
            submission_deadline=int(args["submissionDeadline"]),
            award_deadline=int(args["awardDeadline"]),
            state=ChallengeState.OPEN,
            created_tx=event.tx_hash,
            created_block=event.block_number,
            created_at=event.block_time,
        )
    )


def _movement(batch: MirrorBatch, event: IndexedEvent, kind: str, account: str, total: str | None) -> None:
    """Record a movement of `amount` and add it to the pool's `total` field (None: counted nowhere)."""
    pool = batch.pools.get(event.args["id"])
    if pool is None:
        return
    amount = int(event.args["amount"])
    if total is not None:
        setattr(pool, total, getattr(pool, total) + amount)
        batch.pools.touch(pool)
    batch.add_child(
        PoolMovement(
            pool=pool,
            kind=kind,
            account=account,
            amount=amount,
            log_index=event.log_index,
            **event_fields(event),
        )
    )


@handles("PrizeEscrow", "ChallengeFunded")
def challenge_funded(batch: MirrorBatch, event: IndexedEvent) -> None:
    _movement(batch, event, Kind.FUNDING, event.args["funder"], "funded")


@handles("PrizeEscrow", "PrizeCredited")
def prize_credited(batch: MirrorBatch, event: IndexedEvent) -> None:
    _movement(batch, event, Kind.AWARD, event.args["account"], None)  # PrizeAwarded carries the total


@handles("PrizeEscrow", "PrizeClaimed")
def prize_claimed(batch: MirrorBatch, event: IndexedEvent) -> None:
    _movement(batch, event, Kind.CLAIM, event.args["account"], "claimed")


@handles("PrizeEscrow", "ClaimFailed")
def claim_failed(batch: MirrorBatch, event: IndexedEvent) -> None:
    _movement(batch, event, Kind.CLAIM_FAILED, event.args["account"], None)


@handles("PrizeEscrow", "Refunded")
def refunded(batch: MirrorBatch, event: IndexedEvent) -> None:
    _movement(batch, event, Kind.REFUND, event.args["funder"], "refunded")


@handles("PrizeEscrow", "UnclaimedSwept")
def unclaimed_swept(batch: MirrorBatch, event: IndexedEvent) -> None:
    _movement(batch, event, Kind.SWEEP, "", "swept")
    _set_state(batch, event, ChallengeState.FINALIZED)


@handles("PrizeEscrow", "PrizeAwarded")
def prize_awarded(batch: MirrorBatch, event: IndexedEvent) -> None:
    pool = _set_state(batch, event, ChallengeState.AWARDED)
    if pool is not None:
        pool.awarded = int(event.args["total"])
        pool.claim_deadline = int(event.args["claimDeadline"])


@handles("PrizeEscrow", "ChallengeCancelled")
def challenge_cancelled(batch: MirrorBatch, event: IndexedEvent) -> None:
    _set_state(batch, event, ChallengeState.CANCELLED)


@handles("PrizeEscrow", "ResultsAttested")
def results_attested(batch: MirrorBatch, event: IndexedEvent) -> None:
    pool = _set_state(batch, event, ChallengeState.ATTESTED)
    if pool is None:
        return
    pool.results_hash, pool.round = event.args["resultsHash"], int(event.args["round"])
    batch.add_child(
        PoolAttestation(
            pool=pool,
            round=pool.round,
            results_hash=pool.results_hash,
            signers=event.args["signers"],
            **event_fields(event),
        )
    )


@handles("PrizeEscrow", "ResultsReopened")
def results_reopened(batch: MirrorBatch, event: IndexedEvent) -> None:
    pool = _set_state(batch, event, ChallengeState.OPEN)  # reads CLOSED past the deadline, as on chain
    if pool is not None:
        pool.results_hash, pool.round = "", int(event.args["round"])


@handles("PrizeEscrow", "SubmissionsCommitted")
def submissions_committed(batch: MirrorBatch, event: IndexedEvent) -> None:
    pool = batch.pools.get(event.args["id"])
    if pool is None:
        return
    key = (pool.challenge_id, event.args["committer"])
    batch.commitment_counts[key] = batch.commitment_counts.get(key, 0) + 1
    batch.add_child(
        PoolCommitment(
            pool=pool,
            committer=event.args["committer"],
            root=event.args["root"],
            batch=batch.commitment_counts[key],
            **event_fields(event),
        )
    )


def _set_state(batch: MirrorBatch, event: IndexedEvent, state: ChallengeState) -> PoolMirror | None:
    pool = batch.pools.get(event.args["id"])
    if pool is not None:
        pool.state = state
        batch.pools.touch(pool)
    return pool
