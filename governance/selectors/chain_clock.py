"""The chain's clock, for pages that offer a step only once the chain's time allows it."""

from __future__ import annotations

import time

from django.conf import settings

from governance.chain.client import CHAIN_UNREACHABLE_ERRORS, ChainIdMismatchError
from governance.services.connection import ChainNotConfiguredError, chain_client


def chain_time() -> int:
    """The latest block's timestamp: the clock the governor and the timelock read, and the one the
    platform's own checks use (`proposal_advance` refuses an execution before the eta by it).

    A development chain's clock can run ahead of this machine's (its time was moved forward) or behind
    (no block mined for a while), so the machine's clock answers only when the node does not (waiting
    briefly, as the chain banner does).
    """
    try:
        return chain_client(request_timeout=settings.CHAIN_STATUS_TIMEOUT).latest_timestamp()
    except (ChainNotConfiguredError, ChainIdMismatchError):
        return int(time.time())
    except CHAIN_UNREACHABLE_ERRORS:
        return int(time.time())
