"""Template context about the chain: whether pages should say it cannot be reached."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from governance.chain.client import CHAIN_UNREACHABLE_ERRORS, ChainIdMismatchError
from governance.services.connection import chain_client

_CACHE_KEY = "governance:chain-reachable"


def chain_status(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """`chain_unreachable`: true while the configured node does not answer (or serves another chain).

    A callable, so only pages that show the banner ask; the answer is cached for a few seconds and the
    check waits briefly, so a down chain slows no page by more than that, once per cache period.
    """
    return {"chain_unreachable": chain_unreachable}


def chain_unreachable() -> bool:
    """Whether the configured chain cannot be reached now (False when no chain is configured)."""
    if not settings.CHAIN_RPC_URL:
        return False
    reachable = cache.get(_CACHE_KEY)
    if reachable is None:
        reachable = _node_answers()
        cache.set(_CACHE_KEY, reachable, settings.CHAIN_STATUS_CACHE_SECONDS)
    return not reachable


def _node_answers() -> bool:
    try:
        client = chain_client(request_timeout=settings.CHAIN_STATUS_TIMEOUT)
        client.chain_id  # noqa: B018 (reading it checks the node's chain id)
        client.block_number()
    except ChainIdMismatchError:
        return False
    except CHAIN_UNREACHABLE_ERRORS:
        return False
    return True
