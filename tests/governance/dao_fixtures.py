"""A deployed DAO on a real anvil for the governance services' tests; outbox rows go through the real sender.

Import with `from tests.governance.dao_fixtures import *` (one anvil per test module). Every test starts
from the same chain state (snapshot and revert) and its own database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import LazySettings
from django.utils import timezone
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3.types import TxReceipt

from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.deploy import TOKEN_UNIT
from governance.models import ChainDeployment, OutgoingTransaction
from governance.services import prize_inputs
from governance.services.outbox_sender import outgoing_transaction_send
from tests.contracts.helpers import TEST_PARAMS_EVALUATOR_THRESHOLD, Actors, Dao
from tests.factories import ChallengeFactory, UserFactory

__all__ = [
    "POOL",
    "AttestedChallenge",
    "_chain_isolated",
    "actors",
    "anvil",
    "attested",
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
    """The full set, deployed once on the module's anvil (every test reverts to it)."""
    return Dao.deploy(client, chain, actors)


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
    settings.RELAYER_PRIVATE_KEY = "0x" + bytes(actors.relayer.key).hex()
    settings.PROPOSER_PRIVATE_KEY = "0x" + bytes(actors.members[1].key).hex()
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
    """Send a queued outbox row through the real outbox sender and return its receipt.

    `sender` is the account the test expects to pay (its role's key in `platform_on_anvil`). Fails the test
    when the row did not end mined.
    """
    status = outgoing_transaction_send(transaction_id=row.pk)
    row.refresh_from_db()
    if status == OutgoingTransaction.Status.FAILED:
        raise AssertionError(f"the contract refused {row.function}: {row.last_error}")
    assert status == OutgoingTransaction.Status.MINED, (status, row.last_error)
    assert row.sender == sender.address
    receipt = client.mined_receipt(row.tx_hash)
    assert receipt is not None
    return receipt


@dataclass(frozen=True)
class AttestedChallenge:
    """A closed challenge whose pool is funded and whose results are attested in the DAO's escrow."""

    challenge: Any
    escrow_challenge_id: int
    leaderboard: prize_inputs.FinalLeaderboard
    attestation: prize_inputs.ChallengeAttestation
    ranked: tuple[Any, ...]  # users, rank 1 first
    wallets: dict[int, str]  # user id -> address (rank 3 has none)
    sponsor: LocalAccount


POOL = 1_000 * TOKEN_UNIT


@pytest.fixture
def attested(dao: Dao, deployment: ChainDeployment, monkeypatch: pytest.MonkeyPatch) -> AttestedChallenge:
    """Three ranked contributors, the first two with linked wallets; 1,000 CLUE escrowed by member 5."""
    now = timezone.now()
    challenge = ChallengeFactory.create(
        slug="houses", title="Houses", starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=1)
    )
    ranked = tuple(UserFactory.create(username=name) for name in ("ada", "grace", "alan"))
    wallets: dict[int, str] = {
        ranked[0].pk: dao.actors.funders[0].address,
        ranked[1].pk: dao.actors.funders[1].address,
    }
    spec = keccak(text="spec:houses")
    canonical = json.dumps({"challenge": "houses", "ranking": ["ada", "grace", "alan"]}).encode()
    results_hash = keccak(canonical)

    escrow, sponsor = dao.escrow, dao.actors.members[4]
    start = dao.client.latest_timestamp()
    escrow_id = escrow.create_challenge(
        sender=dao.actors.outsider,
        spec_hash=spec,
        submission_deadline=start + 3600,
        award_deadline=start + 30 * 86400,
    )
    dao.token.approve(sender=sponsor, spender=escrow.address, amount=POOL)
    escrow.fund(sender=sponsor, challenge_id=escrow_id, amount=POOL)
    dao.chain.advance(3601)
    signatures = [
        escrow.sign_attestation(
            evaluator=e, challenge_id=escrow_id, results_hash=results_hash, spec_hash=spec
        )
        for e in dao.actors.evaluators[:2]
    ]
    escrow.attest_results(
        sender=dao.actors.relayer, challenge_id=escrow_id, results_hash=results_hash, attestations=signatures
    )
    attestation = prize_inputs.ChallengeAttestation(
        escrow_challenge_id=escrow_id,
        spec_hash=spec,
        results_hash=results_hash,
        evaluators=tuple(e.address for e in dao.actors.evaluators[:2]),
        attested_at=datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
    )
    leaderboard = prize_inputs.FinalLeaderboard(
        canonical_json=canonical,
        results_hash=results_hash,
        sha256=hashlib.sha256(canonical).hexdigest(),
        url="https://clueboard.example/challenges/houses/final-leaderboard.json",
        ranking=tuple(user.pk for user in ranked),
    )
    # The trust chain and wallets are other areas: their facts come in through prize_inputs only.
    monkeypatch.setattr(prize_inputs, "challenge_attestation", lambda c: attestation)
    monkeypatch.setattr(prize_inputs, "final_leaderboard_document", lambda c: leaderboard)
    monkeypatch.setattr(prize_inputs, "wallet_address_of", lambda user: wallets.get(user.pk))
    return AttestedChallenge(challenge, escrow_id, leaderboard, attestation, ranked, wallets, sponsor)
