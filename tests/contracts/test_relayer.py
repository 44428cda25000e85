"""The relayer's side of sending: one nonce per transaction across workers, receipts re-checked by hash,
a fee cap, and the node's chain id checked."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from governance.chain.client import (
    DEFAULT_FEE_CAP_WEI,
    GWEI,
    ChainClient,
    ChainIdMismatchError,
    FeeCapExceededError,
    NonceSource,
    ReceiptTimeoutError,
    SentTransaction,
)
from governance.chain.token import Erc20
from governance.models import RelayerNonce
from governance.nonces import DatabaseNonces
from tests.contracts.helpers import EscrowLab, fresh_address

PER_WORKER = 6


def _worker_client(
    client: ChainClient,
    *,
    nonces: NonceSource | None = None,
    receipt_timeout: float = 120.0,
    fee_cap_wei: int = DEFAULT_FEE_CAP_WEI,
) -> ChainClient:
    """A client of its own (its own HTTP session), as another worker process would have."""
    url = client.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    return ChainClient.connect(
        url, chain_id=client.chain_id, nonces=nonces, receipt_timeout=receipt_timeout, fee_cap_wei=fee_cap_wei
    )


@contextmanager
def _base_fee(lab: EscrowLab, wei: int) -> Iterator[None]:
    """The next block's base fee is `wei` inside; afterwards what it was (a refused send mines nothing,
    and a snapshot revert does not undo the setting)."""
    before = int(lab.client.w3.eth.get_block("pending")["baseFeePerGas"])
    lab.chain.set_next_base_fee(wei)
    try:
        yield
    finally:
        lab.chain.set_next_base_fee(before)


def _mint_many(
    client: ChainClient, token: str, sender: LocalAccount, label: str, start: threading.Barrier
) -> None:
    try:
        erc20 = Erc20(client, token)
        start.wait(timeout=30)
        for i in range(PER_WORKER):
            erc20.mint(sender=sender, to=fresh_address(f"{label} {i}"), amount=1)
    finally:
        connection.close()  # each thread has its own database connection


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_from_one_account_never_share_a_nonce(plain_lab: EscrowLab) -> None:
    relayer, client = plain_lab.actors.relayer, plain_lab.client
    first_nonce = client.pending_nonce(relayer.address)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def run(label: str) -> None:
        try:
            _mint_many(
                _worker_client(client, nonces=DatabaseNonces()),
                plain_lab.token.address,
                relayer,
                label,
                start,
            )
        except BaseException as error:  # reported below, with the worker's traceback
            failures.append(error)

    workers = [threading.Thread(target=run, args=(f"worker {n}",)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not failures, failures
    # Every transaction of both workers was mined, with consecutive nonces and no replacement.
    assert client.pending_nonce(relayer.address) == first_nonce + 2 * PER_WORKER
    minted = [
        plain_lab.token.balance_of(fresh_address(f"worker {n} {i}"))
        for n in (1, 2)
        for i in range(PER_WORKER)
    ]
    assert minted == [1] * (2 * PER_WORKER)
    row = RelayerNonce.objects.get(chain_id=client.chain_id, sender=relayer.address)
    assert row.next_nonce == first_nonce + 2 * PER_WORKER


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_does_not_use_up_a_nonce(plain_lab: EscrowLab) -> None:
    relayer = plain_lab.actors.relayer
    worker = _worker_client(plain_lab.client, nonces=DatabaseNonces())
    erc20 = Erc20(worker, plain_lab.token.address)
    erc20.mint(sender=relayer, to=fresh_address("first"), amount=1)
    row = RelayerNonce.objects.get(sender=relayer.address)
    with _base_fee(plain_lab, 10**6 * GWEI), pytest.raises(FeeCapExceededError):
        erc20.mint(sender=relayer, to=fresh_address("second"), amount=1)  # refused before taking the nonce
    row.refresh_from_db()
    assert row.next_nonce == plain_lab.client.pending_nonce(relayer.address)


@contextmanager
def _unanswered_mint(
    lab: EscrowLab, winner: str, amount: int
) -> Iterator[tuple[ChainClient, SentTransaction]]:
    """A mint sent while nothing is mined, so its receipt timed out; blocks are mined again afterwards."""
    impatient = _worker_client(lab.client, receipt_timeout=0.5)
    lab.chain.set_automine(False)
    try:
        with pytest.raises(ReceiptTimeoutError) as timeout:
            Erc20(impatient, lab.token.address).mint(sender=lab.actors.relayer, to=winner, amount=amount)
        yield impatient, timeout.value.sent
    finally:
        lab.chain.set_automine(True)


def _assert_mined_once(
    lab: EscrowLab, sent: SentTransaction, receipt: TxReceipt, winner: str, amount: int
) -> None:
    assert (receipt["transactionHash"], receipt["status"]) == (sent.tx_hash, 1)
    assert lab.token.balance_of(winner) == amount
    assert lab.client.pending_nonce(lab.actors.relayer.address) == sent.nonce + 1


def test_a_receipt_timeout_is_rechecked_by_hash_not_sent_again(plain_lab: EscrowLab) -> None:
    winner = fresh_address("paid once")
    with _unanswered_mint(plain_lab, winner, 7) as (impatient, sent):
        plain_lab.chain.mine()  # the transaction was only slow
        receipt = impatient.recheck(sent)
    _assert_mined_once(plain_lab, sent, receipt, winner, 7)


def test_a_dropped_transaction_is_rebroadcast_with_the_same_hash(plain_lab: EscrowLab) -> None:
    winner = fresh_address("dropped")
    with _unanswered_mint(plain_lab, winner, 3) as (impatient, sent):
        plain_lab.chain.drop_transaction(sent.tx_hash.to_0x_hex())
    receipt = impatient.recheck(sent)  # the node forgot it: the same signed bytes go out again
    _assert_mined_once(plain_lab, sent, receipt, winner, 3)


def test_the_relayer_pays_no_more_than_its_fee_cap(plain_lab: EscrowLab) -> None:
    lab, relayer = plain_lab, plain_lab.actors.relayer
    capped = _worker_client(lab.client, fee_cap_wei=50 * GWEI)
    nonce = lab.client.pending_nonce(relayer.address)
    with _base_fee(lab, 60 * GWEI), pytest.raises(FeeCapExceededError):
        Erc20(capped, lab.token.address).mint(sender=relayer, to=fresh_address("spike"), amount=1)
    assert lab.client.pending_nonce(relayer.address) == nonce  # nothing was sent
    lab.chain.set_next_base_fee(30 * GWEI)
    receipt = Erc20(capped, lab.token.address).mint(sender=relayer, to=fresh_address("calm"), amount=1)
    sent = lab.client.w3.eth.get_transaction(receipt["transactionHash"])
    assert sent["maxFeePerGas"] <= 50 * GWEI


def test_a_node_of_another_chain_is_refused(plain_lab: EscrowLab) -> None:
    url = plain_lab.client.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    with pytest.raises(ChainIdMismatchError, match="serves chain 31337"):
        ChainClient.connect(url, chain_id=8453)
