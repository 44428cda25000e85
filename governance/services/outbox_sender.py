"""Sending the outbox: one row at a time, from its role's key, with the signed bytes stored before they leave.

A row goes queued -> sent (signed, stored, handed to the node) -> mined, or failed when the contract refuses
it. The signed bytes and their nonce are committed before the broadcast, so a worker that dies in between
leaves a row that the next attempt re-broadcasts byte for byte: same hash, mined at most once, and no nonce
left as a gap. While the chain is unreachable a row only waits (attempts and a backoff), never fails.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3
from web3.types import TxReceipt

from governance.chain.client import (
    CHAIN_UNREACHABLE_ERRORS,
    ChainClient,
    ChainIdMismatchError,
    FeeCapExceededError,
    ReceiptTimeoutError,
    SentTransaction,
    TransactionRejectedError,
)
from governance.chain.errors import ContractRevertError, DecodedRevert
from governance.models import OutgoingTransaction
from governance.services.connection import ChainNotConfiguredError, chain_client, platform_account

Status = OutgoingTransaction.Status
ACTIVE_STATUSES = (Status.QUEUED, Status.SENT)

# The only words a row's last_error holds besides a decoded custom error: nothing a node says is shown.
CHAIN_UNREACHABLE = "chain unreachable"
NOT_MINED_YET = "not mined yet: the same signed transaction is checked again"
FEES_ABOVE_CAP = "network fees are above the platform's cap: waiting for them to fall"
WRONG_CHAIN = "the node serves another chain: nothing is sent to it"
REJECTED = "the node refused the signed transaction: it is signed again"
NODE_REFUSED = "the node refused the call: the sending account may lack gas money"
CHAIN_RESET = "the chain was reset: this contract set no longer exists"
NOT_CONFIGURED = "the chain or this role's key is not configured"
UNKNOWN_REVERT = "the contract refused the call, without a known reason"


class _AlreadySigned(Exception):
    """Another worker stored signed bytes for the row first: this one signs nothing."""


class _Retry(Exception):
    """The row waits and is tried again later, with `words` as its last error."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


def outgoing_transaction_send(*, transaction_id: int) -> str:
    """Send or re-check outbox row `transaction_id`; returns its status afterwards.

    Idempotent: a row that is done, or that another worker holds (its lease not yet over), is left alone.
    Failures of the node or the network leave the row retryable after a backoff.
    """
    if not _claim(transaction_id):
        return str(OutgoingTransaction.objects.values_list("status", flat=True).get(pk=transaction_id))
    row = OutgoingTransaction.objects.select_related("deployment").get(pk=transaction_id)
    try:
        _send(row)
    except _Retry as retry:
        _retry_later(row, retry.words)
    except CHAIN_UNREACHABLE_ERRORS:
        _retry_later(row, CHAIN_UNREACHABLE)
    except ContractRevertError as error:
        _fail(row, _revert_words(error.revert))
    row.refresh_from_db()
    return row.status


def outgoing_transactions_due(*, limit: int = 100) -> list[int]:
    """Ids of the rows on the configured chain that wait to be sent or re-checked now, oldest first."""
    now = timezone.now()
    return list(
        OutgoingTransaction.objects.filter(status__in=ACTIVE_STATUSES, deployment__chain_id=settings.CHAIN_ID)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def _claim(transaction_id: int) -> bool:
    # A conditional update: of two workers picking the same row, exactly one gets it until its lease ends.
    now = timezone.now()
    lease = now + timedelta(seconds=settings.OUTBOX_RECEIPT_TIMEOUT + 30)
    claimed = (
        OutgoingTransaction.objects.filter(pk=transaction_id, status__in=ACTIVE_STATUSES)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, next_attempt_at=lease)
    )
    return claimed == 1


def _send(row: OutgoingTransaction) -> None:
    if row.deployment.replaced_at is not None:
        _fail(row, CHAIN_RESET)
        return
    try:
        client = chain_client()
        client.receipt_timeout = settings.OUTBOX_RECEIPT_TIMEOUT
        if client.chain_id != row.deployment.chain_id:
            raise ChainIdMismatchError(f"the row is for chain {row.deployment.chain_id}")
        account = platform_account(row.sender_role)
    except ChainIdMismatchError as error:
        raise _Retry(WRONG_CHAIN) from error
    except ChainNotConfiguredError as error:
        raise _Retry(NOT_CONFIGURED) from error
    try:
        sent = _stored_signature(row) or _sign_and_store(client, row, account)
    except _AlreadySigned:
        return  # the other worker broadcasts it
    except FeeCapExceededError as error:
        raise _Retry(FEES_ABOVE_CAP) from error
    except TransactionRejectedError as error:
        raise _Retry(NODE_REFUSED) from error
    _record_receipt(client, row, _broadcast_and_wait(client, row, sent))


def _stored_signature(row: OutgoingTransaction) -> SentTransaction | None:
    if not row.raw_transaction or row.nonce is None:
        return None
    raw = bytes.fromhex(row.raw_transaction.removeprefix("0x"))
    sender = Web3.to_checksum_address(row.sender)
    return SentTransaction(HexBytes(row.tx_hash), raw, sender, row.nonce)


def _sign_and_store(client: ChainClient, row: OutgoingTransaction, account: LocalAccount) -> SentTransaction:
    """Sign the stored call and commit the bytes with their nonce before anything is broadcast."""
    try:
        params = client.prepare_stored_call(to=row.to_address, data=row.call_data, sender=account.address)
    except ContractRevertError:
        if row.nonce is not None:
            _fill_nonce(client, account, row.nonce)
        raise
    if row.nonce is not None:
        # Signed before and refused by the node while the nonce stayed unused: the nonce is still ours.
        with transaction.atomic():
            _lock_unsigned(row.pk)
            sent = client.sign_prepared(params, sender=account, nonce=row.nonce)
            _store_signature(row, sent)
        return sent
    with client.nonces.reserve(client, account.address) as nonce:
        _lock_unsigned(row.pk)  # raising here leaves the nonce unused
        sent = client.sign_prepared(params, sender=account, nonce=nonce)
        _store_signature(row, sent)
    return sent


def _fill_nonce(client: ChainClient, account: LocalAccount, nonce: int) -> None:
    """Use up a nonce this row held but will never send with: a transfer of nothing to the sender itself.

    Otherwise every later transaction of the account would wait behind the unused nonce forever.
    """
    if client.nonce_used(account.address, nonce):
        return
    params = client.prepare_stored_call(to=account.address, data="0x", sender=account.address)
    client.recheck(client.sign_prepared(params, sender=account, nonce=nonce))


def _lock_unsigned(pk: int) -> None:
    locked = OutgoingTransaction.objects.select_for_update().only("raw_transaction").get(pk=pk)
    if locked.raw_transaction:
        raise _AlreadySigned


def _store_signature(row: OutgoingTransaction, sent: SentTransaction) -> None:
    row.sender, row.nonce = sent.sender, sent.nonce
    row.tx_hash = sent.tx_hash.to_0x_hex().lower()
    row.raw_transaction = "0x" + sent.raw.hex()
    row.status, row.sent_at = Status.SENT, timezone.now()
    row.save(update_fields=["sender", "nonce", "tx_hash", "raw_transaction", "status", "sent_at"])


def _broadcast_and_wait(client: ChainClient, row: OutgoingTransaction, sent: SentTransaction) -> TxReceipt:
    try:
        return client.recheck(sent)  # broadcasts the stored bytes unless the node already has them
    except ReceiptTimeoutError as error:
        if client.nonce_used(sent.sender, sent.nonce) and client.mined_receipt(row.tx_hash) is None:
            _forget_signature(row, keep_nonce=False)  # another transaction took the nonce: sign anew
        raise _Retry(NOT_MINED_YET) from error
    except TransactionRejectedError as error:
        _forget_signature(row, keep_nonce=not client.nonce_used(sent.sender, sent.nonce))
        raise _Retry(REJECTED) from error


def _forget_signature(row: OutgoingTransaction, *, keep_nonce: bool) -> None:
    # Only for bytes that can never be mined: refused by the node, or their nonce used by another one.
    fields = {"raw_transaction": "", "tx_hash": "", "status": Status.QUEUED}
    if not keep_nonce:
        fields["nonce"] = None  # type: ignore[assignment]
    OutgoingTransaction.objects.filter(pk=row.pk, tx_hash=row.tx_hash).update(**fields)


def _record_receipt(client: ChainClient, row: OutgoingTransaction, receipt: TxReceipt) -> None:
    block_number = int(receipt["blockNumber"])
    block_time = datetime.fromtimestamp(client.block_timestamp(block_number), tz=UTC)
    included = OutgoingTransaction.objects.filter(pk=row.pk)
    if receipt["status"] == 1:
        # One transaction: a row whose lease is cleared while it still reads as sent could be claimed by
        # another sender in between, and checked a second time. A confirmed row stays confirmed.
        with transaction.atomic():
            included.update(block_number=block_number, block_timestamp=block_time, next_attempt_at=None)
            included.filter(status__in=ACTIVE_STATUSES).update(
                status=Status.MINED, mined_at=timezone.now(), last_error=""
            )
        return
    # The lease holds until `_fail` ends it: replaying the revert is one more call to the node.
    included.update(block_number=block_number, block_timestamp=block_time)
    revert = client.replay_revert(
        to=row.to_address, data=row.call_data, sender=row.sender, block_number=block_number
    )
    _fail(row, _revert_words(revert))


def _revert_words(revert: DecodedRevert | None) -> str:
    if revert is None or revert.name == "UnknownError":
        return UNKNOWN_REVERT
    return revert.message[:300]


def _fail(row: OutgoingTransaction, words: str) -> None:
    OutgoingTransaction.objects.filter(pk=row.pk, status__in=ACTIVE_STATUSES).update(
        status=Status.FAILED, last_error=words, next_attempt_at=None
    )


def _retry_later(row: OutgoingTransaction, words: str) -> None:
    # Exponential backoff from the task's first retry interval, capped so a long outage is noticed soon.
    attempts = OutgoingTransaction.objects.values_list("attempts", flat=True).get(pk=row.pk)
    delay = min(
        settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS
    )
    OutgoingTransaction.objects.filter(pk=row.pk, status__in=ACTIVE_STATUSES).update(
        last_error=words, next_attempt_at=timezone.now() + timedelta(seconds=delay)
    )
