"""Delegates and their voting power, from the mirror."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from governance.models import ChainDeployment, DelegateMirror, DelegationMirror, VoteMirror

ZERO_ADDRESS = "0x" + "0" * 40


@dataclass(frozen=True)
class DelegateSummary:
    """A delegate: voting power in base units, votes cast, accounts delegating to it (itself included)."""

    address: str
    power: int
    votes_cast: int
    delegators: int


def delegates_list(*, deployment: ChainDeployment) -> list[DelegateSummary]:
    """Every delegate with power or delegators, most power first (three queries)."""
    powers = dict(DelegateMirror.objects.filter(deployment=deployment).values_list("address", "power"))
    delegators = dict(
        DelegationMirror.objects.filter(deployment=deployment)
        .exclude(delegate=ZERO_ADDRESS)
        .values("delegate")
        .annotate(n=Count("id"))
        .values_list("delegate", "n")
    )
    votes = dict(
        VoteMirror.objects.filter(proposal__deployment=deployment)
        .values("voter")
        .annotate(n=Count("id"))
        .values_list("voter", "n")
    )
    addresses = {a for a, power in powers.items() if power} | set(delegators)
    summaries = [
        DelegateSummary(a, int(powers.get(a, 0)), votes.get(a, 0), delegators.get(a, 0)) for a in addresses
    ]
    return sorted(summaries, key=lambda d: (-d.power, d.address))
