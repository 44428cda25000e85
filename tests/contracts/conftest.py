"""Fixtures for the contract suite: one anvil for the session, a snapshot reverted after every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.escrow import PrizeEscrow
from governance.chain.token import Erc20
from tests.contracts.helpers import TEST_PARAMS_EVALUATOR_THRESHOLD, Actors, Dao, EscrowLab


@pytest.fixture(scope="session")
def client() -> Iterator[ChainClient]:
    """A fresh anvil on a free loopback port, stopped when the session ends."""
    with AnvilProcess(accounts=20) as chain_client:
        yield chain_client


@pytest.fixture(scope="session")
def chain(client: ChainClient) -> DevChain:
    """Snapshots and time travel."""
    return DevChain(client)


@pytest.fixture(scope="session")
def actors() -> Actors:
    """Who is who."""
    return Actors.from_accounts(dev_accounts(20))


@pytest.fixture(scope="session")
def dao(client: ChainClient, chain: DevChain, actors: Actors) -> Dao:
    """The full set, deployed once for the session (every test reverts to it)."""
    return Dao.deploy(client, chain, actors)


def _lab(client: ChainClient, chain: DevChain, dao: Dao, token_artifact: str) -> EscrowLab:
    actors, owner = dao.actors, dao.actors.deployer
    token_address = client.deploy(token_artifact, sender=owner)
    evaluators = [e.address for e in actors.evaluators]
    escrow_address = client.deploy(
        "PrizeEscrow",
        token_address,
        owner.address,
        actors.outsider.address,  # a treasury we can read the balance of
        dao.deployment.governor,  # award deadlines leave room for the real governance cycle
        actors.guardian.address,
        evaluators,
        TEST_PARAMS_EVALUATOR_THRESHOLD,
        sender=owner,
    )
    token = Erc20(client, token_address, artifact=token_artifact)
    return EscrowLab(client, chain, PrizeEscrow(client, escrow_address), token, owner, actors)


@pytest.fixture(scope="session")
def plain_lab(client: ChainClient, chain: DevChain, dao: Dao) -> EscrowLab:
    """An escrow over a plain ERC20, owned by an account standing in for the timelock."""
    return _lab(client, chain, dao, "PlainToken")


@pytest.fixture(scope="session")
def hostile_lab(client: ChainClient, chain: DevChain, dao: Dao) -> EscrowLab:
    """An escrow over a token that blocks, takes fees and re-enters."""
    return _lab(client, chain, dao, "HostileToken")


@pytest.fixture(autouse=True)
def _isolated(chain: DevChain, dao: Dao, plain_lab: EscrowLab, hostile_lab: EscrowLab) -> Iterator[None]:
    """Every test starts from the same deployed state and leaves nothing behind (clock included)."""
    snapshot = chain.snapshot()
    yield
    chain.revert(snapshot)
