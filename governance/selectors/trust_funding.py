"""Who funded a challenge's escrow pool and how much it holds, read from the chain (no mirror yet).

Until the indexer mirrors funding, the page reads the escrow: the pool from `getChallenge`, the funders
from its `ChallengeFunded` events and what each still has in from `funded`. The answer is cached briefly
so a busy page does not query the node on every view; with the node down the page says so and shows
nothing it cannot vouch for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from eth_typing import ChecksumAddress
from web3 import Web3

from bounties.models import Challenge
from governance.chain.client import ChainClient
from governance.chain.errors import ContractRevertError
from governance.models import ChallengeOnChain
from governance.services.challenges import escrow_of
from governance.services.connection import chain_client
from governance.services.trust_common import CHAIN_UNAVAILABLE, logger

FUNDING_CACHE_SECONDS = 15
UNREADABLE: tuple[type[Exception], ...] = (*CHAIN_UNAVAILABLE, ContractRevertError)


@dataclass(frozen=True)
class Funder:
    address: ChecksumAddress
    amount: int  # base units still in the pool (refunds taken out)


@dataclass(frozen=True)
class ChallengeFunding:
    """The pool as the escrow holds it; `available` is False when the node could not be read."""

    available: bool
    escrowed: int = 0
    funders: list[Funder] = field(default_factory=list)


def challenge_funding(*, challenge: Challenge) -> ChallengeFunding | None:
    """The escrow pool and its funders, largest first; None before the challenge is in the escrow."""
    record = (
        ChallengeOnChain.objects.filter(challenge=challenge, escrow_challenge_id__isnull=False)
        .select_related("create_transaction__deployment")
        .first()
    )
    if record is None:
        return None
    key = f"trust:funding:{record.pk}"
    cached = cache.get(key)
    if isinstance(cached, ChallengeFunding):
        return cached
    try:
        funding = _read_funding(record, chain_client())
    except UNREADABLE as error:
        logger.info("funding of challenge %s unreadable: %s", challenge.pk, type(error).__name__)
        funding = ChallengeFunding(available=False)  # cached too: a hanging node slows one view, not all
    cache.set(key, funding, FUNDING_CACHE_SECONDS)
    return funding


def _read_funding(record: ChallengeOnChain, client: ChainClient) -> ChallengeFunding:
    assert record.escrow_challenge_id is not None and record.create_transaction is not None
    escrow, escrow_id = escrow_of(record, client), record.escrow_challenge_id
    deployment = record.create_transaction.deployment
    # Through the escrow wrapper's contract object (the one client); a wrapper method can take this over.
    events = escrow.contract.events.ChallengeFunded().get_logs(
        from_block=deployment.first_block, argument_filters={"id": escrow_id}
    )
    # Trust boundary: the node's logs name who funded; the amounts are re-read from the escrow's state.
    addresses = sorted({Web3.to_checksum_address(event["args"]["funder"]) for event in events})
    funders = [
        Funder(address, escrow.funded(challenge_id=escrow_id, funder=address)) for address in addresses
    ]
    funders = sorted((f for f in funders if f.amount > 0), key=lambda f: (-f.amount, f.address))
    return ChallengeFunding(available=True, escrowed=escrow.challenge(escrow_id).escrowed, funders=funders)
