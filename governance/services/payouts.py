"""Prize payouts through the relayer: a winner's claim (gasless), the platform's batch claim, and a
funder's refund of what an award left unawarded. Each checks the escrow first, so nothing is sent that
would pay nobody."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from governance.chain.client import ChainClient
from governance.chain.errors import ContractRevertError
from governance.chain.escrow import PrizeEscrow
from governance.models import ChainDeployment, OutgoingTransaction, SenderRole
from governance.services.connection import chain_client, platform_account
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.relaying import RelayRefused, parse_address, simulate

NOTHING_OWED = "Nothing is owed to this address for this challenge (already claimed, or never awarded)."
NOBODY_OWED = "None of these addresses is owed anything for this challenge."
NOTHING_REFUNDABLE = "This funder has nothing to take back from this challenge now."
WOULD_REVERT = "The escrow would refuse this now: {}. Nothing was sent."


def prize_claim_relay(
    *, deployment: ChainDeployment, escrow_challenge_id: int, account: str, client: ChainClient | None = None
) -> OutgoingTransaction:
    """Have the relayer pay `account` its prize (the prize always goes to `account`); idempotent.

    Raises RelayRefused when nothing is owed or the escrow would refuse (paused, window over).
    """
    account = parse_address(account, field="account")
    escrow = PrizeEscrow(client or chain_client(), deployment.escrow)
    if escrow.owed(challenge_id=escrow_challenge_id, account=account) == 0:
        raise RelayRefused(NOTHING_OWED)
    _simulate(escrow, "claim", [escrow_challenge_id, account])
    return outgoing_transaction_enqueue(
        purpose=f"claim:{deployment.pk}:{escrow_challenge_id}:{account}",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claim",
        args=[escrow_challenge_id, account],
    )


def prize_claim_batch(
    *,
    deployment: ChainDeployment,
    escrow_challenge_id: int,
    accounts: Sequence[str],
    client: ChainClient | None = None,
) -> OutgoingTransaction:
    """Pay every listed winner still owed something in one relayed transaction; idempotent per set.

    Raises RelayRefused when none is owed anything or the escrow would refuse.
    """
    escrow = PrizeEscrow(client or chain_client(), deployment.escrow)
    chosen = sorted({parse_address(a, field="accounts") for a in accounts})
    owed = [a for a in chosen if escrow.owed(challenge_id=escrow_challenge_id, account=a) > 0]
    if not owed:
        raise RelayRefused(NOBODY_OWED)
    _simulate(escrow, "claimBatch", [escrow_challenge_id, owed])
    fingerprint = hashlib.sha256(",".join(owed).encode()).hexdigest()[:16]
    return outgoing_transaction_enqueue(
        purpose=f"claim-batch:{deployment.pk}:{escrow_challenge_id}:{fingerprint}",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claimBatch",
        args=[escrow_challenge_id, owed],
    )


def funder_refund_relay(
    *, deployment: ChainDeployment, escrow_challenge_id: int, funder: str, client: ChainClient | None = None
) -> OutgoingTransaction:
    """Have the relayer pay `funder` back its share of what was not awarded (or all of it after a cancel).

    Raises RelayRefused when nothing is refundable or the escrow would refuse.
    """
    funder = parse_address(funder, field="funder")
    escrow = PrizeEscrow(client or chain_client(), deployment.escrow)
    if escrow.refundable(challenge_id=escrow_challenge_id, funder=funder) == 0:
        raise RelayRefused(NOTHING_REFUNDABLE)
    _simulate(escrow, "refund", [escrow_challenge_id, funder])
    return outgoing_transaction_enqueue(
        purpose=f"refund:{deployment.pk}:{escrow_challenge_id}:{funder}",
        deployment=deployment,
        contract="PrizeEscrow",
        function="refund",
        args=[escrow_challenge_id, funder],
    )


def _simulate(escrow: PrizeEscrow, function: str, args: list[object]) -> None:
    try:
        simulate(
            escrow.contract.get_function_by_name(function)(*args),
            sender=platform_account(SenderRole.RELAYER).address,
        )
    except ContractRevertError as error:
        raise RelayRefused(WOULD_REVERT.format(error.revert.message)) from error
