"""A member's governance profile: power, delegate, votes, rewards, and the claims the owner can make."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance.chain.escrow import ChallengeState
from governance.chain.governor import VoteSupport
from governance.models import ChainDeployment, PoolMirror, PoolMovement
from governance.selectors.chain_clock import chain_time
from governance.selectors.deployment import current_deployment
from governance.selectors.members import MemberProfile, member_profile
from governance.selectors.treasury import challenges_by_escrow_id
from governance.selectors.wallets import user_of_wallet, wallet_of_user

ADDRESS_PATTERN = r"[0-9a-zA-Z]{1,64}"  # anything address-like reaches the view, which answers 404 if bad
_REFUNDING = (ChallengeState.CANCELLED, ChallengeState.AWARDED, ChallengeState.FINALIZED)


@dataclass(frozen=True)
class Owed:
    """What the account can ask the escrow for on one pool now (`amount` in base units)."""

    pool: PoolMirror
    amount: int


def prizes_owed(profile: MemberProfile, now: int) -> list[Owed]:
    """Awards not yet claimed on pools still paying out (AWARDED, claim window open)."""
    pools: dict[int, PoolMirror] = {}
    owed: dict[int, int] = {}
    for award in profile.rewards:
        pools[award.pool_id] = award.pool
        owed[award.pool_id] = owed.get(award.pool_id, 0) + award.amount
    for claim in profile.claims:
        owed[claim.pool_id] = owed.get(claim.pool_id, 0) - claim.amount
    return [
        Owed(pools[pid], amount)
        for pid, amount in owed.items()
        if amount > 0
        and pools[pid].state == ChallengeState.AWARDED
        and (pools[pid].claim_deadline is None or now <= pools[pid].claim_deadline)
    ]


def refunds_owed(*, deployment: ChainDeployment, address: str) -> tuple[list[Owed], bool]:
    """The unawarded share of each pool the address funded and was not refunded yet (one query).

    The share is the escrow's rule (pool left after awards, pro rata of funding); the second value says
    whether the address funded anything at all (a funder's profile exists even without votes).
    """
    rows = PoolMovement.objects.filter(
        pool__deployment=deployment,
        account=address,
        kind__in=(PoolMovement.Kind.FUNDING, PoolMovement.Kind.REFUND),
    ).select_related("pool")
    funded: dict[int, int] = {}
    pools: dict[int, PoolMirror] = {}
    refunded: set[int] = set()
    for row in rows:
        pools[row.pool_id] = row.pool
        if row.kind == PoolMovement.Kind.REFUND:
            refunded.add(row.pool_id)
        else:
            funded[row.pool_id] = funded.get(row.pool_id, 0) + row.amount
    owed = []
    for pid, amount in funded.items():
        pool = pools[pid]
        if pid in refunded or pool.state not in _REFUNDING or not pool.funded:
            continue
        share = (pool.funded - pool.awarded) * amount // pool.funded
        if share > 0:
            owed.append(Owed(pool, share))
    return owed, bool(pools)


@require_GET
def member_view(request: HttpRequest, address: str) -> HttpResponse:
    deployment = current_deployment()
    if deployment is None:
        raise Http404("No contracts are deployed.")
    try:
        profile = member_profile(deployment=deployment, address=address)
    except ValueError:
        raise Http404("Not an address.") from None
    refunds, funded = refunds_owed(deployment=deployment, address=profile.address)
    linked = user_of_wallet(address=profile.address)
    known = profile.power or profile.delegate or profile.votes or profile.rewards or funded or linked
    if not known:
        raise Http404("Nothing is known about this address.")
    wallet = wallet_of_user(user=request.user)
    owner = wallet is not None and wallet.address == profile.address
    # Claimable by the chain's clock (a development chain's may run days ahead): the escrow judges the
    # claim window by block time. Asked only for the owner, who alone is offered the Claim button.
    prizes = prizes_owed(profile, chain_time()) if owner else []
    movements = [*profile.rewards, *profile.claims]
    challenges = challenges_by_escrow_id([m.pool.challenge_id for m in movements])
    context = {
        "profile": profile,
        "linked_user": linked,
        "votes": [(vote, VoteSupport(vote.support).name.lower()) for vote in profile.votes],
        "movements": [(m, challenges.get(m.pool.challenge_id)) for m in movements],
        "prizes_owed": [(o, challenges.get(o.pool.challenge_id)) for o in prizes],
        "refunds_owed": refunds if owner else [],
    }
    return render(request, "governance/member.html", context)
