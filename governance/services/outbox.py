"""Putting a transaction in the outbox: a row first, sent later by the outbox task."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from web3 import Web3
from web3.exceptions import Web3Exception

from governance.chain.abi import load_artifact
from governance.models import ChainDeployment, OutgoingTransaction, SenderRole

_CONTRACT_ADDRESS_FIELD = {
    "ClueToken": "token",
    "TimelockController": "timelock",
    "ClueGovernor": "governor",
    "PrizeEscrow": "escrow",
}


def outgoing_transaction_enqueue(
    *,
    purpose: str,
    deployment: ChainDeployment,
    contract: str,
    function: str,
    args: Sequence[Any],
    sender_role: SenderRole = SenderRole.RELAYER,
) -> OutgoingTransaction:
    """Store the call `contract.function(*args)` on `deployment` to be sent; idempotent on `purpose`.

    The calldata is encoded now, without the node, so the chain may be down. Asking again with the same
    purpose returns the existing row unchanged. A new row is handed to the send task when the surrounding
    transaction commits (the beat task picks up any that message misses). Raises ValueError for an unknown contract or arguments
    the ABI does not accept.
    """
    existing = OutgoingTransaction.objects.filter(purpose=purpose).first()
    if existing is not None:
        return existing
    if contract not in _CONTRACT_ADDRESS_FIELD:
        raise ValueError(f"the platform sends to no contract named {contract}")
    address = getattr(deployment, _CONTRACT_ADDRESS_FIELD[contract])
    encoder = Web3().eth.contract(abi=load_artifact(contract).abi)
    try:
        call_data = encoder.encode_abi(function, args=list(args))
    except Web3Exception as error:
        raise ValueError(f"{contract}.{function} does not take these arguments: {error}") from error
    try:
        with transaction.atomic():
            row = OutgoingTransaction.objects.create(
                purpose=purpose,
                deployment=deployment,
                sender_role=sender_role,
                contract=contract,
                to_address=address,
                function=function,
                call_data=call_data,
            )
    except IntegrityError:
        return OutgoingTransaction.objects.get(purpose=purpose)  # a concurrent caller stored it first
    transaction.on_commit(lambda: _send_soon(row.pk))
    return row


def _send_soon(transaction_id: int) -> None:
    # Imported here: the tasks module imports the sender, which imports this app's services.
    from governance.tasks import send_outgoing_transaction

    send_outgoing_transaction.delay(transaction_id)


def outgoing_transactions_confirm(*, tx_hashes: Sequence[str]) -> int:
    """Mark the outbox rows sent as `tx_hashes` confirmed: their event was indexed. Returns rows changed.

    The indexer calls this for every transaction hash it stored an event of; rows already confirmed or
    not ours are left alone, so it is safe to call again for the same blocks (idempotent).
    """
    hashes = [tx_hash.lower() for tx_hash in tx_hashes]
    return (
        OutgoingTransaction.objects.filter(tx_hash__in=hashes)
        .exclude(status=OutgoingTransaction.Status.CONFIRMED)
        .update(status=OutgoingTransaction.Status.CONFIRMED, confirmed_at=timezone.now())
    )


def outgoing_transactions_unconfirm(*, tx_hashes: Sequence[str]) -> int:
    """Send the rows sent as `tx_hashes` back to SENT: a reorg orphaned their events. Returns rows changed.

    The indexer calls this with the hashes whose events it dropped and that the new branch does not
    carry. The row keeps its signed bytes and nonce, so the sender's next re-check broadcasts the very
    same transaction (same hash, mined at most once); its events then confirm it again.
    """
    hashes = [tx_hash.lower() for tx_hash in tx_hashes]
    done = (OutgoingTransaction.Status.MINED, OutgoingTransaction.Status.CONFIRMED)
    return (
        OutgoingTransaction.objects.filter(tx_hash__in=hashes, status__in=done)
        .exclude(raw_transaction="")  # rows without stored bytes were not sent by the platform's sender
        .update(
            status=OutgoingTransaction.Status.SENT,
            confirmed_at=None,
            mined_at=None,
            block_number=None,
            block_timestamp=None,
            next_attempt_at=None,
        )
    )
