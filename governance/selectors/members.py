"""A member's governance profile, from the mirror."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from governance.models import ChainDeployment, DelegateMirror, DelegationMirror, PoolMovement, VoteMirror


@dataclass(frozen=True)
class MemberProfile:
    """An address's voting power (as a delegate), its own delegate, its votes, rewards and claims."""

    address: str
    power: int
    delegate: str | None  # None: never delegated (its tokens do not count as votes)
    votes: list[VoteMirror]  # newest first, each with its proposal loaded
    rewards: list[PoolMovement]  # awards credited to it, with pool loaded
    claims: list[PoolMovement]  # prizes paid to it
    rewarded: int  # total awarded
    claimed: int  # total paid


def member_profile(*, deployment: ChainDeployment, address: str) -> MemberProfile:
    """The profile of `address` (four queries); raises ValueError for a malformed address."""
    account = Web3.to_checksum_address(address)  # trust boundary: from a URL or a session
    power = (
        DelegateMirror.objects.filter(deployment=deployment, address=account)
        .values_list("power", flat=True)
        .first()
    )
    delegate = (
        DelegationMirror.objects.filter(deployment=deployment, delegator=account)
        .values_list("delegate", flat=True)
        .first()
    )
    votes = list(
        VoteMirror.objects.filter(proposal__deployment=deployment, voter=account)
        .select_related("proposal")
        .order_by("-block_number")
    )
    kinds = (PoolMovement.Kind.AWARD, PoolMovement.Kind.CLAIM)
    movements = list(
        PoolMovement.objects.filter(pool__deployment=deployment, account=account, kind__in=kinds)
        .select_related("pool")
        .order_by("-block_number", "-log_index")
    )
    rewards = [m for m in movements if m.kind == PoolMovement.Kind.AWARD]
    claims = [m for m in movements if m.kind == PoolMovement.Kind.CLAIM]
    return MemberProfile(
        address=account,
        power=int(power or 0),
        delegate=delegate,
        votes=votes,
        rewards=rewards,
        claims=claims,
        rewarded=sum(m.amount for m in rewards),
        claimed=sum(m.amount for m in claims),
    )
