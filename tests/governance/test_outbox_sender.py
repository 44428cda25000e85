"""The outbox sender: one row, one transaction, mined once, with its block and time; failed with the
contract's own reason; never sent to another chain or a replaced contract set."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import LazySettings
from django.db import connection
from django.utils import timezone
from hexbytes import HexBytes
from web3 import Web3
from web3.types import TxParams, Wei

from governance.chain.anvil import DevChain, dev_accounts
from governance.chain.client import GWEI, ChainClient
from governance.models import ChainDeployment, OutgoingTransaction
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.outbox_sender import (
    CHAIN_RESET,
    WRONG_CHAIN,
    outgoing_transaction_send,
    outgoing_transactions_due,
)
from governance.tasks import resend_outgoing_transactions, send_outgoing_transaction
from tests.governance.outbox_helpers import RELAYER, delegate_of_relayer, delegation

pytestmark = pytest.mark.django_db


def test_a_row_is_sent_and_mined_with_its_block_and_time(
    deployment: ChainDeployment, node_client: ChainClient, django_capture_on_commit_callbacks: Callable
) -> None:
    nonce = node_client.pending_nonce(RELAYER.address)
    target = dev_accounts(5)[4].address
    with django_capture_on_commit_callbacks() as callbacks:
        row = delegation(deployment, target)
    assert len(callbacks) == 1  # the send task is queued when the row is committed

    assert send_outgoing_transaction(row.pk) == "mined"

    row.refresh_from_db()
    receipt = node_client.w3.eth.get_transaction_receipt(row.tx_hash)  # type: ignore[arg-type]
    assert (receipt["status"], receipt["blockNumber"]) == (1, row.block_number)
    block_time = datetime.fromtimestamp(node_client.block_timestamp(receipt["blockNumber"]), tz=UTC)
    assert (row.block_timestamp, row.nonce, row.sender) == (block_time, nonce, RELAYER.address)
    assert (row.attempts, row.last_error, row.next_attempt_at) == (1, "", None)
    assert row.mined_at is not None and row.sent_at is not None
    assert delegate_of_relayer(node_client, deployment) == target
    assert outgoing_transactions_due() == []


def test_the_same_purpose_twice_is_one_transaction(
    deployment: ChainDeployment, node_client: ChainClient
) -> None:
    nonce = node_client.pending_nonce(RELAYER.address)
    first = delegation(deployment, dev_accounts(5)[4].address, purpose="once")
    again = delegation(deployment, dev_accounts(6)[5].address, purpose="once")

    statuses = [outgoing_transaction_send(transaction_id=row.pk) for row in (first, again, first)]

    assert statuses == ["mined", "mined", "mined"]
    assert node_client.pending_nonce(RELAYER.address) == nonce + 1
    assert OutgoingTransaction.objects.get().attempts == 1


def test_a_reverting_call_fails_with_the_decoded_error_and_sends_nothing(
    deployment: ChainDeployment, node_client: ChainClient
) -> None:
    nonce = node_client.pending_nonce(RELAYER.address)
    row = outgoing_transaction_enqueue(
        purpose="claim:999",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claim",
        args=[999, RELAYER.address],
    )

    assert outgoing_transaction_send(transaction_id=row.pk) == "failed"

    row.refresh_from_db()
    assert row.last_error == "ChallengeNotFound(id=999)"
    assert (row.tx_hash, row.raw_transaction, row.next_attempt_at) == ("", "", None)
    assert node_client.pending_nonce(RELAYER.address) == nonce
    assert outgoing_transaction_send(transaction_id=row.pk) == "failed"  # never retried
    assert OutgoingTransaction.objects.get(pk=row.pk).attempts == 1


def test_a_row_for_a_replaced_deployment_is_never_sent(
    deployment: ChainDeployment, node_client: ChainClient
) -> None:
    nonce = node_client.pending_nonce(RELAYER.address)
    row = delegation(deployment, dev_accounts(5)[4].address)
    ChainDeployment.objects.filter(pk=deployment.pk).update(replaced_at=timezone.now())

    assert outgoing_transaction_send(transaction_id=row.pk) == "failed"
    assert OutgoingTransaction.objects.get(pk=row.pk).last_error == CHAIN_RESET
    assert node_client.pending_nonce(RELAYER.address) == nonce


def test_nothing_is_signed_for_a_node_of_another_chain(
    settings: LazySettings, deployment: ChainDeployment, node_client: ChainClient
) -> None:
    nonce = node_client.pending_nonce(RELAYER.address)
    settings.CHAIN_ID = 1  # the node serves 31337
    row = delegation(deployment, dev_accounts(5)[4].address)

    assert outgoing_transaction_send(transaction_id=row.pk) == "queued"
    row.refresh_from_db()
    assert (row.last_error, row.raw_transaction) == (WRONG_CHAIN, "")
    assert node_client.pending_nonce(RELAYER.address) == nonce


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_never_share_a_nonce_nor_send_a_row_twice(
    deployment: ChainDeployment, node_client: ChainClient, on_chain: DevChain
) -> None:
    first_nonce = node_client.pending_nonce(RELAYER.address)
    rows = [delegation(deployment, dev_accounts(12)[i].address) for i in range(4, 10)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait(timeout=30)
            for row in rows:  # both senders try every row: each is claimed by one of them
                outgoing_transaction_send(transaction_id=row.pk)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    stored = list(OutgoingTransaction.objects.order_by("nonce").values_list("status", "nonce", "attempts"))
    assert stored == [("mined", first_nonce + i, 1) for i in range(6)]
    assert node_client.pending_nonce(RELAYER.address) == first_nonce + 6


def test_a_transaction_mined_reverted_fails_with_the_replayed_reason(
    monkeypatch: pytest.MonkeyPatch, deployment: ChainDeployment, node_client: ChainClient
) -> None:
    # The state moved between estimate and inclusion: here the estimate is skipped, so the call that
    # reverts is signed, mined with status 0, and replayed on its block's state for the reason.
    def no_estimate(self: ChainClient, *, to: str, data: str, sender: str) -> TxParams:
        return {
            "from": Web3.to_checksum_address(sender),
            "to": Web3.to_checksum_address(to),
            "data": HexBytes(data),
            "value": Wei(0),
            "chainId": 31337,
            "gas": 200_000,
            "maxFeePerGas": Wei(10 * GWEI),
            "maxPriorityFeePerGas": Wei(GWEI),
        }

    monkeypatch.setattr(ChainClient, "prepare_stored_call", no_estimate)
    nonce = node_client.pending_nonce(RELAYER.address)
    row = outgoing_transaction_enqueue(
        purpose="claim:999",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claim",
        args=[999, RELAYER.address],
    )

    assert outgoing_transaction_send(transaction_id=row.pk) == "failed"

    row.refresh_from_db()
    receipt = node_client.mined_receipt(row.tx_hash)
    assert receipt is not None and (receipt["status"], receipt["blockNumber"]) == (0, row.block_number)
    assert (row.last_error, row.nonce, row.next_attempt_at) == ("ChallengeNotFound(id=999)", nonce, None)
    assert node_client.pending_nonce(RELAYER.address) == nonce + 1


def test_the_beat_task_queues_a_send_for_each_row_whose_backoff_is_over(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch, deployment: ChainDeployment
) -> None:
    due, waiting, done = (delegation(deployment, dev_accounts(8)[i].address) for i in (4, 5, 6))
    OutgoingTransaction.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    OutgoingTransaction.objects.filter(pk=done.pk).update(status="mined")
    queued: list[int] = []
    monkeypatch.setattr(send_outgoing_transaction, "delay", queued.append)

    assert resend_outgoing_transactions() == [due.pk]

    assert queued == [due.pk]
    entry = settings.CELERY_BEAT_SCHEDULE["resend-outgoing-transactions"]
    assert entry["task"] == resend_outgoing_transactions.name
