"""The outbox takes a call as a row first: encoded without the node, one row per purpose."""

from __future__ import annotations

import pytest
from web3 import Web3

from governance.chain.abi import load_artifact
from governance.models import ChainDeployment, OutgoingTransaction
from governance.services.outbox import outgoing_transaction_enqueue, outgoing_transactions_confirm

pytestmark = pytest.mark.django_db

ESCROW = Web3.to_checksum_address("0x" + "e5" * 20)
CLAIMANT = Web3.to_checksum_address("0x" + "c1" * 20)


@pytest.fixture
def deployment() -> ChainDeployment:
    # Addresses only: enqueueing needs no node, which is the point (the chain may be down).
    return ChainDeployment.objects.create(
        chain_id=31337,
        token="0x" + "10" * 20,
        timelock="0x" + "11" * 20,
        governor="0x" + "12" * 20,
        escrow=ESCROW,
        prize_token="0x" + "10" * 20,
        guardian="0x" + "13" * 20,
        first_block=1,
    )


def test_enqueue_stores_the_exact_calldata_for_the_contract_address(deployment: ChainDeployment) -> None:
    row = outgoing_transaction_enqueue(
        purpose="claim:7:c1",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claim",
        args=[7, CLAIMANT],
    )

    escrow = Web3().eth.contract(abi=load_artifact("PrizeEscrow").abi)
    function, arguments = escrow.decode_function_input(row.call_data)
    assert (function.fn_name, arguments) == ("claim", {"id": 7, "account": CLAIMANT})
    assert (row.to_address, row.status, row.attempts, row.tx_hash) == (ESCROW, "queued", 0, "")


def test_the_same_purpose_twice_is_one_row_unchanged(deployment: ChainDeployment) -> None:
    first = outgoing_transaction_enqueue(
        purpose="claim:7:c1",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claim",
        args=[7, CLAIMANT],
    )
    again = outgoing_transaction_enqueue(
        purpose="claim:7:c1",
        deployment=deployment,
        contract="PrizeEscrow",
        function="claim",
        args=[8, CLAIMANT],
    )

    assert again.pk == first.pk and again.call_data == first.call_data
    assert OutgoingTransaction.objects.count() == 1


def test_unknown_contracts_and_wrong_arguments_are_refused(deployment: ChainDeployment) -> None:
    with pytest.raises(ValueError, match="no contract named"):
        outgoing_transaction_enqueue(
            purpose="x", deployment=deployment, contract="Unknown", function="claim", args=[]
        )
    with pytest.raises(ValueError, match="does not take these arguments"):
        outgoing_transaction_enqueue(
            purpose="y", deployment=deployment, contract="PrizeEscrow", function="claim", args=["seven"]
        )
    assert not OutgoingTransaction.objects.exists()


def test_confirming_marks_only_the_rows_sent_with_those_hashes(deployment: ChainDeployment) -> None:
    sent = outgoing_transaction_enqueue(
        purpose="a", deployment=deployment, contract="PrizeEscrow", function="claim", args=[1, CLAIMANT]
    )
    other = outgoing_transaction_enqueue(
        purpose="b", deployment=deployment, contract="PrizeEscrow", function="claim", args=[2, CLAIMANT]
    )
    OutgoingTransaction.objects.filter(pk=sent.pk).update(status="mined", tx_hash="0x" + "ab" * 32)
    OutgoingTransaction.objects.filter(pk=other.pk).update(status="sent", tx_hash="0x" + "cd" * 32)

    assert outgoing_transactions_confirm(tx_hashes=["0x" + "AB" * 32]) == 1
    assert outgoing_transactions_confirm(tx_hashes=["0x" + "ab" * 32]) == 0  # idempotent

    sent.refresh_from_db()
    other.refresh_from_db()
    assert (sent.status, sent.confirmed_at is not None) == ("confirmed", True)
    assert (other.status, other.confirmed_at) == ("sent", None)
