"""The outbox when things go wrong between signing and mining: the chain down, a worker killed after
signing, a node refusing the bytes. The row waits, the same bytes go out later, no nonce is left unused."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.utils import timezone

from governance.chain.anvil import DevChain, dev_accounts
from governance.chain.client import ChainClient, SentTransaction
from governance.models import ChainDeployment, OutgoingTransaction, RelayerNonce
from governance.services import outbox_sender
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.outbox_sender import (
    CHAIN_UNREACHABLE,
    REJECTED,
    outgoing_transaction_send,
    outgoing_transactions_due,
)
from tests.governance.conftest import DEAD_RPC_URL
from tests.governance.outbox_helpers import RELAYER, backoff_over, delegate_of_relayer, delegation

pytestmark = pytest.mark.django_db


def test_while_the_chain_is_down_the_row_waits_and_is_sent_later(
    settings: LazySettings, deployment: ChainDeployment, node_client: ChainClient
) -> None:
    nonce, target = node_client.pending_nonce(RELAYER.address), dev_accounts(5)[4].address
    anvil_url = settings.CHAIN_RPC_URL
    settings.CHAIN_RPC_URL = DEAD_RPC_URL
    row = delegation(deployment, target)

    assert outgoing_transaction_send(transaction_id=row.pk) == "queued"

    row.refresh_from_db()
    assert (row.attempts, row.last_error, row.tx_hash, row.raw_transaction) == (1, CHAIN_UNREACHABLE, "", "")
    assert row.next_attempt_at is not None and row.next_attempt_at > timezone.now()
    assert outgoing_transactions_due() == []  # backing off
    assert outgoing_transaction_send(transaction_id=row.pk) == "queued"  # not before its time
    assert OutgoingTransaction.objects.get(pk=row.pk).attempts == 1

    settings.CHAIN_RPC_URL = anvil_url
    backoff_over(row)
    assert outgoing_transactions_due() == [row.pk]
    assert outgoing_transaction_send(transaction_id=row.pk) == "mined"
    assert node_client.pending_nonce(RELAYER.address) == nonce + 1
    assert delegate_of_relayer(node_client, deployment) == target


def test_a_crash_between_signing_and_broadcasting_rebroadcasts_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch, deployment: ChainDeployment, node_client: ChainClient
) -> None:
    nonce, target = node_client.pending_nonce(RELAYER.address), dev_accounts(5)[4].address
    row = delegation(deployment, target)

    def worker_dies(self: ChainClient, sent: SentTransaction) -> None:
        raise SystemExit("the worker was killed after signing")

    with monkeypatch.context() as patch:
        patch.setattr(ChainClient, "recheck", worker_dies)
        with pytest.raises(SystemExit):
            outgoing_transaction_send(transaction_id=row.pk)

    row.refresh_from_db()
    signed_hash = row.tx_hash
    assert (row.status, row.nonce) == ("sent", nonce) and row.raw_transaction.startswith("0x")
    assert node_client.mined_receipt(signed_hash) is None  # it never left the worker
    assert node_client.pending_nonce(RELAYER.address) == nonce
    backoff_over(row)  # the dead worker's lease is over

    assert outgoing_transaction_send(transaction_id=row.pk) == "mined"

    row.refresh_from_db()
    assert (row.tx_hash, row.nonce, row.attempts) == (signed_hash, nonce, 2)
    assert node_client.pending_nonce(RELAYER.address) == nonce + 1
    assert delegate_of_relayer(node_client, deployment) == target


def test_a_chain_lost_after_signing_gets_the_same_transaction_later(
    monkeypatch: pytest.MonkeyPatch,
    deployment: ChainDeployment,
    node_client: ChainClient,
) -> None:
    nonce = node_client.pending_nonce(RELAYER.address)
    row = delegation(deployment, dev_accounts(5)[4].address)
    signed: list[str] = []
    original = outbox_sender._store_signature

    def store_then_lose_the_chain(row: OutgoingTransaction, sent: SentTransaction) -> None:
        original(row, sent)
        signed.append(row.tx_hash)
        monkeypatch.setattr(ChainClient, "recheck", _unreachable)

    monkeypatch.setattr(outbox_sender, "_store_signature", store_then_lose_the_chain)
    assert outgoing_transaction_send(transaction_id=row.pk) == "sent"
    row.refresh_from_db()
    assert (row.last_error, row.tx_hash) == (CHAIN_UNREACHABLE, signed[0])

    monkeypatch.undo()
    backoff_over(row)
    assert outgoing_transaction_send(transaction_id=row.pk) == "mined"
    row.refresh_from_db()
    assert (row.tx_hash, node_client.pending_nonce(RELAYER.address)) == (signed[0], nonce + 1)


def _unreachable(self: ChainClient, sent: SentTransaction) -> None:
    raise ConnectionError("connection refused")  # what requests raises is an OSError like this one


def test_a_relayer_without_gas_money_waits_and_leaves_no_nonce_gap(
    on_chain: DevChain, deployment: ChainDeployment, node_client: ChainClient
) -> None:
    nonce, balance = node_client.pending_nonce(RELAYER.address), node_client.native_balance(RELAYER.address)
    row = delegation(deployment, dev_accounts(5)[4].address)
    on_chain.set_balance(RELAYER.address, 0)

    assert outgoing_transaction_send(transaction_id=row.pk) == "queued"

    row.refresh_from_db()
    # anvil estimates without fees, so the signed bytes are what it refuses; their nonce stays the row's.
    assert (row.last_error, row.nonce, row.raw_transaction, row.tx_hash) == (REJECTED, nonce, "", "")
    assert node_client.pending_nonce(RELAYER.address) == nonce
    on_chain.set_balance(RELAYER.address, balance)
    backoff_over(row)

    assert outgoing_transaction_send(transaction_id=row.pk) == "mined"
    row.refresh_from_db()
    assert (row.nonce, node_client.pending_nonce(RELAYER.address)) == (nonce, nonce + 1)


def test_a_held_nonce_is_used_up_when_its_row_fails(
    deployment: ChainDeployment, node_client: ChainClient
) -> None:
    # The row was signed with this nonce and refused by the node; now its call reverts. Without a filler
    # the relayer's next transactions would wait behind the unused nonce forever.
    nonce = node_client.pending_nonce(RELAYER.address)
    RelayerNonce.objects.create(chain_id=31337, sender=RELAYER.address, next_nonce=nonce + 1)
    failing = outgoing_transaction_enqueue(
        purpose="claim:999",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claim",
        args=[999, RELAYER.address],
    )
    OutgoingTransaction.objects.filter(pk=failing.pk).update(nonce=nonce, sender=RELAYER.address)
    later = delegation(deployment, dev_accounts(5)[4].address)

    assert outgoing_transaction_send(transaction_id=failing.pk) == "failed"
    assert node_client.pending_nonce(RELAYER.address) == nonce + 1  # the filler took it
    assert outgoing_transaction_send(transaction_id=later.pk) == "mined"
    assert OutgoingTransaction.objects.get(pk=later.pk).nonce == nonce + 1
