"""Fixtures for the chain-bound platform tests: a real anvil per module, the settings pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import LazySettings

from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.deploy import Deployment, deploy_contracts
from governance.models import ChainDeployment
from governance.services.deployment import governance_params
from tests.governance.pages_support import browser, on_anvil, signed_in  # noqa: F401 (the page fixtures)

# Nothing listens here: connections are refused at once (a chain that is down).
DEAD_RPC_URL = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def anvil_node() -> Iterator[AnvilProcess]:
    """An anvil on a free port (chain id 31337) for the module's tests."""
    node = AnvilProcess(accounts=20)
    node.start()
    yield node
    node.stop()


@pytest.fixture(scope="module")
def node_client(anvil_node: AnvilProcess) -> ChainClient:
    """A plain client of the module's anvil (node nonces), for checking what happened on the chain."""
    return ChainClient.connect(anvil_node.rpc_url, chain_id=31337)


@pytest.fixture
def on_chain(
    settings: LazySettings, anvil_node: AnvilProcess, node_client: ChainClient
) -> Iterator[DevChain]:
    """The platform's settings point at the module's anvil; the chain is put back after the test."""
    settings.CHAIN_RPC_URL = anvil_node.rpc_url
    settings.CHAIN_ID = 31337
    chain = DevChain(node_client)
    snapshot = chain.snapshot()
    yield chain
    chain.revert(snapshot)


@pytest.fixture(scope="module")
def deployed_set(node_client: ChainClient) -> Deployment:
    """The contract set deployed once per module with the settings' parameters (no demo members)."""
    deployer = dev_accounts(1)[0]
    return deploy_contracts(client=node_client, deployer=deployer, members={}, params=governance_params())


@pytest.fixture
def deployment(on_chain: DevChain, deployed_set: Deployment, db: None) -> ChainDeployment:
    """The module's contract set, recorded as the current deployment."""
    params = governance_params()
    return ChainDeployment.objects.create(
        chain_id=deployed_set.chain_id,
        token=deployed_set.token,
        timelock=deployed_set.timelock,
        governor=deployed_set.governor,
        escrow=deployed_set.escrow,
        prize_token=deployed_set.prize_token,
        guardian=params.guardian or "",
        evaluators=list(deployed_set.evaluators),
        evaluator_threshold=params.evaluator_threshold,
        first_block=deployed_set.first_block,
    )
