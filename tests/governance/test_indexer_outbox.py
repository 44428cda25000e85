"""A reorg that orphans an outbox row's transaction sends the row back to SENT; the sender's re-check then
broadcasts the same signed bytes, and their events confirm the row again."""

from __future__ import annotations

from django.conf import LazySettings
from hexbytes import HexBytes

from governance.chain.anvil import DevChain
from governance.chain.client import ChainClient
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, OutgoingTransaction
from governance.services.outbox_sender import outgoing_transaction_send
from tests.contracts.helpers import Dao
from tests.governance.test_indexer_support import *  # noqa: F403 (its fixtures)
from tests.governance.test_indexer_support import Lifecycle

Status = OutgoingTransaction.Status


def test_a_reorg_that_orphans_a_confirmed_row_sends_it_back_and_the_same_bytes_are_mined_again(
    client: ChainClient,
    chain: DevChain,
    dao: Dao,
    lifecycle: Lifecycle,
    deployment: ChainDeployment,
    settings: LazySettings,
) -> None:
    chain_sync(deployment=deployment, client=client)
    fork_point = chain.snapshot()
    member, delegatee = dao.actors.members[1], dao.actors.members[2]
    receipt = dao.token.delegate(sender=member, delegatee=delegatee.address)
    tx_hash = receipt["transactionHash"].to_0x_hex().lower()
    raw = client._request("eth_getRawTransactionByHash", [tx_hash])
    row = OutgoingTransaction.objects.create(
        purpose="delegate:reorg",
        deployment=deployment,
        contract="ClueToken",
        to_address=deployment.token,
        function="delegate",
        call_data="0x",
        status=Status.SENT,
        sender=member.address,
        nonce=client.w3.eth.get_transaction(HexBytes(tx_hash))["nonce"],
        tx_hash=tx_hash,
        raw_transaction=raw,
    )
    chain_sync(deployment=deployment, client=client)
    row.refresh_from_db()
    assert row.status == Status.CONFIRMED and row.confirmed_at is not None

    chain.revert(fork_point)  # the node switches to a branch without the transaction
    chain.advance(1)
    assert client.mined_receipt(tx_hash) is None
    result = chain_sync(deployment=deployment, client=client)

    row.refresh_from_db()
    assert result.reorg_from is not None
    assert (row.status, row.confirmed_at, row.block_number, row.tx_hash, row.raw_transaction) == (
        Status.SENT,
        None,
        None,
        tx_hash,
        raw,
    )
    assert dao.token.delegates(member.address) == member.address

    settings.CHAIN_RPC_URL = client.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    settings.CHAIN_ID = client.chain_id
    settings.RELAYER_PRIVATE_KEY = "0x" + bytes(dao.actors.relayer.key).hex()
    assert outgoing_transaction_send(transaction_id=row.pk) == Status.MINED  # the stored bytes, again
    assert client.mined_receipt(tx_hash) is not None
    assert dao.token.delegates(member.address) == delegatee.address
    chain_sync(deployment=deployment, client=client)
    row.refresh_from_db()
    assert (row.status, row.tx_hash) == (Status.CONFIRMED, tx_hash)
    assert OutgoingTransaction.objects.count() == 1
