"""The escrow's pools and payouts, from the mirror."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bounties.models import Challenge
from governance.chain.escrow import ChallengeState
from governance.models import (
    ChainDeployment,
    ChallengeOnChain,
    PoolAttestation,
    PoolCommitment,
    PoolMirror,
    PoolMovement,
)

PAYOUT_KINDS = (PoolMovement.Kind.CLAIM, PoolMovement.Kind.REFUND, PoolMovement.Kind.SWEEP)


@dataclass(frozen=True)
class PoolSummary:
    """One pool; amounts in base units of the prize token."""

    challenge_id: str
    spec_hash: str
    state: str  # ChallengeState name; an open pool past its submission deadline reads "closed"
    funded: int
    awarded: int
    claimed: int
    refunded: int
    swept: int
    left: int


@dataclass(frozen=True)
class PoolDetail:
    """A pool with its funders, awards, payouts, commitments and attestations."""

    summary: PoolSummary
    pool: PoolMirror
    funders: list[tuple[str, int]]  # (funder, total funded), largest first
    movements: list[PoolMovement]  # in chain order
    commitments: list[PoolCommitment]
    attestations: list[PoolAttestation]


def pool_state(pool: PoolMirror, now: int) -> str:
    """The state the escrow reports now (CLOSED is derived from the deadline, as on chain)."""
    state = ChallengeState(pool.state)
    if state == ChallengeState.OPEN and now > pool.submission_deadline:
        state = ChallengeState.CLOSED
    return state.name.lower()


def _summary(pool: PoolMirror, now: int) -> PoolSummary:
    return PoolSummary(
        challenge_id=pool.challenge_id,
        spec_hash=pool.spec_hash,
        state=pool_state(pool, now),
        funded=pool.funded,
        awarded=pool.awarded,
        claimed=pool.claimed,
        refunded=pool.refunded,
        swept=pool.swept,
        left=pool.left,
    )


def treasury_pools(*, deployment: ChainDeployment, now: int | None = None) -> list[PoolSummary]:
    """Every pool, newest first (one query)."""
    moment = int(time.time()) if now is None else now
    pools = PoolMirror.objects.filter(deployment=deployment).order_by("-created_block", "-id")
    return [_summary(pool, moment) for pool in pools]


def treasury_payouts(*, deployment: ChainDeployment, limit: int = 100) -> list[PoolMovement]:
    """Money paid out of pools (claims, refunds, sweeps), newest first, with pool loaded (one query)."""
    return list(
        PoolMovement.objects.filter(pool__deployment=deployment, kind__in=PAYOUT_KINDS)
        .select_related("pool")
        .order_by("-block_number", "-log_index")[:limit]
    )


def challenges_by_escrow_id(escrow_ids: list[str]) -> dict[str, Challenge]:
    """The platform challenge of each escrow challenge id (decimal strings), in one query."""
    # An id the mirror read from the chain may be any uint256; one past 18 digits is no stored id and
    # would overflow the database's integer, so it is left out rather than queried.
    numbers = [int(i) for i in escrow_ids if i.isdigit() and len(i) < 19]
    rows = ChallengeOnChain.objects.filter(escrow_challenge_id__in=numbers).select_related("challenge")
    return {str(row.escrow_challenge_id): row.challenge for row in rows}


def pool_detail(
    *, deployment: ChainDeployment, challenge_id: str, now: int | None = None
) -> PoolDetail | None:
    """One pool with everything recorded about it (four queries), or None when unknown."""
    pool = PoolMirror.objects.filter(deployment=deployment, challenge_id=challenge_id).first()
    if pool is None:
        return None
    movements = list(pool.movements.order_by("block_number", "log_index"))
    funded: dict[str, int] = {}
    for movement in movements:
        if movement.kind == PoolMovement.Kind.FUNDING:
            funded[movement.account] = funded.get(movement.account, 0) + movement.amount
    return PoolDetail(
        summary=_summary(pool, int(time.time()) if now is None else now),
        pool=pool,
        funders=sorted(funded.items(), key=lambda item: (-item[1], item[0])),
        movements=movements,
        commitments=list(pool.commitments.order_by("block_number", "id")),
        attestations=list(pool.attestations.order_by("block_number", "id")),
    )
