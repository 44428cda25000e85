"""The chain's clock, for pages that show the chain's periods and offer a step once its time allows it."""

from __future__ import annotations

import time

from django.conf import settings

from governance.chain.client import CHAIN_UNREACHABLE_ERRORS, ChainIdMismatchError
from governance.context_processors import chain_unreachable
from governance.services.connection import chain_client


def chain_time() -> int:
    """The earliest time the chain's next block can have: the latest block's timestamp or this machine's
    clock, whichever is later.

    The governor and the timelock judge periods by block timestamps. A development chain's clock can run
    far ahead of this machine's (its time was moved forward); on any chain the latest block can be older
    than now, and the next one is not. Without a node that answers (the banner's cached check, then a
    brief wait) this machine's clock is all there is.
    """
    now = int(time.time())
    if not settings.CHAIN_RPC_URL or chain_unreachable():
        return now
    try:
        latest = chain_client(request_timeout=settings.CHAIN_STATUS_TIMEOUT).latest_timestamp()
    except ChainIdMismatchError:
        return now
    except CHAIN_UNREACHABLE_ERRORS:
        return now
    return max(now, latest)
