"""The treasury page: every escrow pool, the payouts, and the timelock's balance of the prize token."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance.chain.client import CHAIN_UNREACHABLE_ERRORS, ChainIdMismatchError, NodeRequestError
from governance.chain.token import Erc20
from governance.models import ChainDeployment
from governance.selectors.chain_clock import chain_time
from governance.selectors.deployment import current_deployment
from governance.selectors.treasury import challenges_by_escrow_id, treasury_payouts, treasury_pools
from governance.services.connection import ChainNotConfiguredError, chain_client

# The balance changes only by governance actions: a minute of staleness costs nothing, and a down chain
# is asked at most once a minute (briefly), never on every page view.
BALANCE_CACHE_SECONDS = 60
BALANCE_TIMEOUT_SECONDS = 2.0
_UNKNOWN = "unknown"
_UNREADABLE: tuple[type[BaseException], ...] = (
    ChainNotConfiguredError,
    ChainIdMismatchError,
    NodeRequestError,
    *CHAIN_UNREACHABLE_ERRORS,
)


def treasury_balance(deployment: ChainDeployment) -> int | None:
    """The timelock's prize-token balance, cached; None when the chain cannot be read now."""
    key = f"governance:treasury-balance:{deployment.pk}"
    cached = cache.get(key)
    if cached is None:
        try:
            client = chain_client(request_timeout=BALANCE_TIMEOUT_SECONDS)
            cached = Erc20(client, deployment.prize_token).balance_of(deployment.timelock)
        except _UNREADABLE:
            cached = _UNKNOWN
        seconds = BALANCE_CACHE_SECONDS if cached != _UNKNOWN else settings.CHAIN_STATUS_CACHE_SECONDS
        cache.set(key, cached, seconds)
    return None if cached == _UNKNOWN else int(cached)


@require_GET
def treasury_view(request: HttpRequest) -> HttpResponse:
    deployment = current_deployment()
    context: dict[str, object] = {"deployment": deployment}
    if deployment is not None:
        pools = treasury_pools(deployment=deployment, now=chain_time())  # deadlines by the chain's clock
        payouts = treasury_payouts(deployment=deployment)
        challenges = challenges_by_escrow_id([p.challenge_id for p in pools])
        context.update(
            pools=[(pool, challenges.get(pool.challenge_id)) for pool in pools],
            payouts=[(payout, challenges.get(payout.pool.challenge_id)) for payout in payouts],
            balance=treasury_balance(deployment),
        )
    return render(request, "governance/treasury.html", context)
