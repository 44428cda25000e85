"""A deployed DAO on a real anvil for the governance services' tests, and a stand-in for the outbox sender.

Import with `from tests.governance.dao_fixtures import *` (one anvil per test module). Every test starts
from the same chain state (snapshot and revert) and its own database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import LazySettings
from django.utils import timezone
from eth_account.signers.local import LocalAccount
from web3.types import TxReceipt

from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.deploy import GovernanceParams, deploy_contracts
from governance.models import ChainDeployment, OutgoingTransaction
from tests.contracts.helpers import MEMBER_STAKE, TEST_PARAMS_EVALUATOR_THRESHOLD, Actors, Dao

__all__ = [
    "_chain_isolated",
    "actors",
    "anvil",
    "chain",
    "client",
    "dao",
    "deployment",
    "open_proposal",
    "platform_on_anvil",
    "send_outbox_row",
]


@pytest.fixture(scope="module")
def anvil() -> Iterator[AnvilProcess]:
    """One anvil for the test module."""
    process = AnvilProcess(accounts=20)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client(anvil: AnvilProcess) -> ChainClient:
    """A plain client on the module's anvil (node nonces: the tests send one at a time)."""
    return ChainClient.connect(anvil.rpc_url)


@pytest.fixture(scope="module")
def chain(client: ChainClient) -> DevChain:
    return DevChain(client)


@pytest.fixture(scope="module")
def actors() -> Actors:
    return Actors.from_accounts(dev_accounts(20))


@pytest.fixture(scope="module")
def dao(client: ChainClient, chain: DevChain, actors: Actors) -> Dao:
    """The full set deployed and wired as production would be, with members self-delegated."""
    params = GovernanceParams(
        evaluators=tuple(e.address for e in actors.evaluators),
        evaluator_threshold=TEST_PARAMS_EVALUATOR_THRESHOLD,
        guardian=actors.guardian.address,
    )
    members = {member.address: MEMBER_STAKE for member in actors.members}
    deployed = deploy_contracts(client=client, deployer=actors.deployer, members=members, params=params)
    dao = Dao(client, chain, deployed, params, actors)
    for member in actors.members:
        dao.token.delegate(sender=member, delegatee=member.address)
    chain.advance(1)
    return dao


@pytest.fixture(autouse=True)
def _chain_isolated(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test of a module that uses the DAO starts from the same chain state, clock included."""
    if "dao" not in request.fixturenames:
        yield
        return
    chain: DevChain = request.getfixturevalue("chain")
    snapshot = chain.snapshot()
    yield
    chain.revert(snapshot)


@pytest.fixture
def platform_on_anvil(settings: LazySettings, anvil: AnvilProcess, actors: Actors) -> Actors:
    """The platform's settings point at the module's anvil; the relayer pays gas, member 2 proposes."""
    settings.CHAIN_RPC_URL = anvil.rpc_url
    settings.CHAIN_ID = 31337
    settings.RELAYER_PRIVATE_KEY = actors.relayer.key.to_0x_hex()
    settings.PROPOSER_PRIVATE_KEY = actors.members[1].key.to_0x_hex()
    return actors


@pytest.fixture
def deployment(dao: Dao, db: None, platform_on_anvil: Actors) -> ChainDeployment:
    """The DAO recorded as the platform's current deployment."""
    deployed = dao.deployment
    return ChainDeployment.objects.create(
        chain_id=deployed.chain_id,
        token=deployed.token,
        timelock=deployed.timelock,
        governor=deployed.governor,
        escrow=deployed.escrow,
        prize_token=deployed.prize_token,
        guardian=dao.actors.guardian.address,
        evaluators=list(deployed.evaluators),
        evaluator_threshold=TEST_PARAMS_EVALUATOR_THRESHOLD,
        first_block=deployed.first_block,
    )


@pytest.fixture
def open_proposal(dao: Dao) -> int:
    """A proposal (skim the escrow) whose vote is open; returns its id."""
    _proposal, proposal_id = dao.propose([dao.escrow.skim_action()], "Skim the escrow")
    dao.open_vote(proposal_id)
    return proposal_id


def send_outbox_row(client: ChainClient, row: OutgoingTransaction, sender: LocalAccount) -> TxReceipt:
    """Send a queued outbox row's stored calldata as the outbox sender will, and mark it mined.

    Raises ContractRevertError (decoded) when the call reverts; the row is then left queued.
    """
    contract = client.contract(row.contract, row.to_address)
    function, arguments = contract.decode_function_input(row.call_data)
    assert function.fn_name == row.function
    receipt = client.transact(contract.get_function_by_name(row.function)(*arguments.values()), sender=sender)
    OutgoingTransaction.objects.filter(pk=row.pk).update(
        status=OutgoingTransaction.Status.MINED,
        sender=sender.address,
        tx_hash=receipt["transactionHash"].to_0x_hex(),
        block_number=receipt["blockNumber"],
        mined_at=timezone.now(),
    )
    return receipt
