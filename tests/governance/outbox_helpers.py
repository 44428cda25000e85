"""Helpers of the outbox tests: a call the relayer can always make, and time passing for a row."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from eth_account.signers.local import LocalAccount
from web3 import Web3

from governance.chain.anvil import dev_accounts
from governance.chain.client import ChainClient
from governance.chain.token import GovernanceToken
from governance.models import ChainDeployment, OutgoingTransaction
from governance.services.outbox import outgoing_transaction_enqueue

RELAYER: LocalAccount = dev_accounts(2)[1]


def delegation(deployment: ChainDeployment, delegatee: str, purpose: str = "") -> OutgoingTransaction:
    """A call the relayer can always make: delegate its (zero) votes to `delegatee`."""
    return outgoing_transaction_enqueue(
        purpose=purpose or f"test-delegate:{delegatee}",
        deployment=deployment,
        contract="ClueToken",
        function="delegate",
        args=[Web3.to_checksum_address(delegatee)],
    )


def delegate_of_relayer(client: ChainClient, deployment: ChainDeployment) -> str:
    return GovernanceToken(client, deployment.token).delegates(RELAYER.address)


def backoff_over(row: OutgoingTransaction) -> None:
    OutgoingTransaction.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
