"""Shared set-up for the trust-chain tests: one anvil per module, a deployed DAO, and a stand-in sender.

`send_queued` sends the queued outbox rows through the real outbox sender, so the tests prove that path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from eth_account.signers.local import LocalAccount

from bounties.models import Challenge
from bounties.services.challenges import challenge_publish
from bounties.services.datasets import hidden_dataset_upload
from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.deploy import TOKEN_UNIT, Deployment, GovernanceParams, deploy_contracts
from governance.chain.escrow import PrizeEscrow
from governance.models import ChainDeployment, OutgoingTransaction
from governance.services.outbox_sender import outgoing_transaction_send
from tests.factories import ChallengeFactory, npz_bytes

EVALUATOR_THRESHOLD = 2


@dataclass(frozen=True)
class TrustChain:
    """A running anvil with the DAO deployed: its client, clock, accounts and escrow."""

    anvil: AnvilProcess
    client: ChainClient
    chain: DevChain
    deployment: Deployment
    accounts: list[LocalAccount]

    @property
    def evaluators(self) -> list[LocalAccount]:
        return self.accounts[6:9]

    @property
    def relayer(self) -> LocalAccount:
        return self.accounts[10]

    @property
    def escrow(self) -> PrizeEscrow:
        return PrizeEscrow(self.client, self.deployment.escrow)


@pytest.fixture(scope="module")
def trust_chain() -> Iterator[TrustChain]:
    """One anvil for the module, the DAO deployed with three evaluators (two must sign)."""
    accounts = dev_accounts(20)
    anvil = AnvilProcess(accounts=20)
    client = anvil.start()
    try:
        params = GovernanceParams(
            evaluators=tuple(a.address for a in accounts[6:9]),
            evaluator_threshold=EVALUATOR_THRESHOLD,
            guardian=accounts[9].address,
        )
        members: dict[str, int] = {accounts[1].address: 200_000 * TOKEN_UNIT}
        deployment = deploy_contracts(client=client, deployer=accounts[0], members=members, params=params)
        yield TrustChain(anvil, client, DevChain(client), deployment, accounts)
    finally:
        anvil.stop()


@pytest.fixture
def chain_settings(trust_chain: TrustChain, settings: LazySettings) -> Iterator[TrustChain]:
    """The platform pointed at the module's anvil, two evaluator keys configured; the chain is reverted
    after the test (clock included)."""
    settings.CHAIN_RPC_URL = trust_chain.anvil.rpc_url
    settings.CHAIN_ID = trust_chain.client.chain_id
    settings.RELAYER_PRIVATE_KEY = "0x" + bytes(trust_chain.relayer.key).hex()
    settings.EVALUATOR_PRIVATE_KEYS = [
        "0x" + bytes(e.key).hex() for e in trust_chain.evaluators[:EVALUATOR_THRESHOLD]
    ]
    snapshot = trust_chain.chain.snapshot()
    yield trust_chain
    trust_chain.chain.revert(snapshot)


@pytest.fixture
def deployment_row(trust_chain: TrustChain) -> ChainDeployment:
    """The deployment as the platform records it (deploy_contracts' management command does this)."""
    deployed = trust_chain.deployment
    return ChainDeployment.objects.create(
        chain_id=deployed.chain_id,
        token=deployed.token,
        timelock=deployed.timelock,
        governor=deployed.governor,
        escrow=deployed.escrow,
        prize_token=deployed.prize_token,
        guardian=trust_chain.accounts[9].address,
        evaluators=list(deployed.evaluators),
        evaluator_threshold=EVALUATOR_THRESHOLD,
        first_block=deployed.first_block,
    )


def hidden_upload(seed: int = 0, n_rows: int = 40) -> SimpleUploadedFile:
    """A small scorable hidden test set; another seed gives other bytes (another sha256)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    inputs = rng.random((n_rows, 64), dtype=np.float32)
    return SimpleUploadedFile("hidden.npz", npz_bytes(inputs=inputs, labels=np.arange(n_rows) % 10))


def publish_challenge(**fields: object) -> Challenge:
    """A draft with a hidden test set, published through the bounties service (the hook runs)."""
    challenge = ChallengeFactory.create(published_at=None, **fields)
    hidden_dataset_upload(challenge=challenge, upload=hidden_upload())
    return challenge_publish(challenge=challenge)


def send_queued(trust_chain: TrustChain) -> list[OutgoingTransaction]:
    """Send every queued outbox row, oldest first, through the real outbox sender (the relayer key of
    `chain_settings`); returns them, each checked to be mined."""
    sent = send_queued_rows()
    assert all(row.sender == trust_chain.relayer.address for row in sent)
    return sent


def send_queued_rows() -> list[OutgoingTransaction]:
    """Send every queued outbox row, oldest first, through the real outbox sender with whatever keys the
    settings hold, as the chain worker's task would; returns them, each checked to be mined."""
    ids = list(
        OutgoingTransaction.objects.filter(status=OutgoingTransaction.Status.QUEUED)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        status = outgoing_transaction_send(transaction_id=pk)
        row = OutgoingTransaction.objects.get(pk=pk)
        assert status == OutgoingTransaction.Status.MINED, (pk, row.function, status, row.last_error)
    return list(OutgoingTransaction.objects.filter(pk__in=ids).order_by("id"))
