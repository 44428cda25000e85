"""Shared by the indexer and mirror-selector tests: one anvil per module with a full prize lifecycle on it.

No tests here: the fixtures are imported by `test_indexer*.py` and `test_mirror_selectors*.py`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_utils import keccak

from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.governor import Proposal, VoteSupport
from governance.models import (
    ChainDeployment,
    DelegateMirror,
    DelegationMirror,
    PoolAttestation,
    PoolCommitment,
    PoolMirror,
    PoolMovement,
    ProposalMirror,
    VoteMirror,
)
from tests.contracts.helpers import CLAIM_WINDOW, PRIZE, Actors, Dao, results, spec_hash

UNIT = 10**18
# What `from ... import *` brings into a test module: the fixtures.
__all__ = ["_isolated_chain", "chain", "client", "dao", "deployment", "lifecycle"]


@dataclass(frozen=True)
class Lifecycle:
    """What the lifecycle did on chain, for exact assertions."""

    awarded_id: int  # challenge funded, attested, awarded by a vote, claimed, refunded, swept
    cancelled_id: int  # challenge funded, then cancelled and refunded
    proposal: Proposal  # the award, passed after a late-quorum extension and executed
    proposal_id: int
    withdrawn_id: int  # a second proposal its proposer cancelled while pending
    leaderboard: bytes
    roots: tuple[bytes, bytes]  # the relayer's two commitment batches


def dead_rpc_url() -> str:
    """An address where no node answers: a loopback port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def client() -> Iterator[ChainClient]:
    with AnvilProcess(accounts=20) as chain_client:
        yield chain_client


@pytest.fixture(scope="module")
def chain(client: ChainClient) -> DevChain:
    return DevChain(client)


@pytest.fixture(scope="module")
def dao(client: ChainClient, chain: DevChain) -> Dao:
    return Dao.deploy(client, chain, Actors.from_accounts(dev_accounts(20)))


def _challenge(dao: Dao, label: str, funder_index: int, amount: int, award_within: int) -> int:
    now = dao.client.latest_timestamp()
    challenge_id = dao.escrow.create_challenge(
        sender=dao.actors.outsider,
        spec_hash=spec_hash(label),
        submission_deadline=now + 3600,
        award_deadline=now + 3600 + award_within,
    )
    funder = dao.actors.members[funder_index]
    dao.token.approve(sender=funder, spender=dao.escrow.address, amount=amount)
    dao.escrow.fund(sender=funder, challenge_id=challenge_id, amount=amount)
    return challenge_id


def _votes(dao: Dao, proposal_id: int) -> None:
    governor, members, relayer = dao.governor, dao.actors.members, dao.actors.relayer
    # Quorum is first reached 30 s before the deadline: the governor extends the vote (late quorum).
    dao.chain.advance_to(governor.proposal_deadline(proposal_id) - 30)
    governor.cast_vote(
        sender=members[0], proposal_id=proposal_id, support=VoteSupport.FOR, reason="reproduced"
    )
    plain = governor.ballot_for(proposal_id=proposal_id, voter=members[1].address, support=VoteSupport.FOR)
    governor.cast_vote_by_sig(
        relayer=relayer, ballot=plain, signature=governor.sign_ballot(voter=members[1], ballot=plain)
    )
    reasoned = governor.ballot_for(
        proposal_id=proposal_id, voter=members[2].address, support=VoteSupport.ABSTAIN, reason="no opinion"
    )
    governor.cast_vote_by_sig(
        relayer=relayer, ballot=reasoned, signature=governor.sign_ballot(voter=members[2], ballot=reasoned)
    )


def run_lifecycle(dao: Dao) -> Lifecycle:
    """Every event kind the mirror follows, through the real DAO."""
    escrow, governor, actors = dao.escrow, dao.governor, dao.actors
    first, second = actors.funders[0], actors.funders[1]
    awarded_id = _challenge(dao, "cifar", 4, PRIZE, 30 * 86400)
    cancelled_id = _challenge(dao, "mnist", 3, 2 * PRIZE, 7 * 86400)
    roots = []
    for batch in (("a", "b"), ("c",)):
        hashes = [keccak(text=f"submission {name}") for name in batch]
        roots.append(
            escrow.commit(sender=actors.relayer, challenge_id=awarded_id, submission_hashes=hashes).root
        )
    leaderboard = results("cifar final")
    dao.chain.advance(3601)
    escrow.attest_results(
        sender=actors.relayer,
        challenge_id=awarded_id,
        results_hash=leaderboard,
        attestations=[
            escrow.sign_attestation(
                evaluator=e, challenge_id=awarded_id, results_hash=leaderboard, spec_hash=spec_hash("cifar")
            )
            for e in actors.evaluators[:2]
        ],
    )
    award = escrow.award_action(
        challenge_id=awarded_id,
        results_hash=leaderboard,
        recipients=[first.address, second.address],
        amounts=[600 * UNIT, 300 * UNIT],
        claim_window=CLAIM_WINDOW,
    )
    proposal, proposal_id = dao.propose([award], "# Prize: cifar\n\nresults attested")
    _, withdrawn_id = dao.propose([award], "# Prize: cifar (draft)")
    governor.cancel(
        sender=actors.members[0],
        proposal=Proposal.by(actors.members[0].address, [award], "# Prize: cifar (draft)"),
    )
    _votes(dao, proposal_id)
    dao.close_vote(proposal_id)
    governor.queue(sender=actors.relayer, proposal=proposal)
    dao.chain.advance(dao.params.timelock_delay + 1)
    governor.execute(sender=actors.relayer, proposal=proposal)
    escrow.claim(sender=actors.relayer, challenge_id=awarded_id, account=first.address)
    escrow.refund(sender=actors.relayer, challenge_id=awarded_id, funder=actors.members[4].address)
    dao.chain.advance(CLAIM_WINDOW + 1)
    escrow.sweep_unclaimed(sender=actors.relayer, challenge_id=awarded_id)
    escrow.cancel(sender=actors.outsider, challenge_id=cancelled_id)
    escrow.refund(sender=actors.relayer, challenge_id=cancelled_id, funder=actors.members[3].address)
    dao.token.delegate(sender=actors.members[4], delegatee=actors.members[0].address)
    return Lifecycle(
        awarded_id, cancelled_id, proposal, proposal_id, withdrawn_id, leaderboard, (roots[0], roots[1])
    )


@pytest.fixture(scope="module")
def lifecycle(dao: Dao) -> Lifecycle:
    return run_lifecycle(dao)


@pytest.fixture(autouse=True)
def _isolated_chain(chain: DevChain, lifecycle: Lifecycle) -> Iterator[None]:
    """Every test starts from the chain just after the lifecycle, and leaves nothing behind."""
    snapshot = chain.snapshot()
    yield
    chain.revert(snapshot)


@pytest.fixture
def deployment(db: None, dao: Dao) -> ChainDeployment:
    d = dao.deployment
    return ChainDeployment.objects.create(
        chain_id=d.chain_id,
        token=d.token,
        timelock=d.timelock,
        governor=d.governor,
        escrow=d.escrow,
        prize_token=d.prize_token,
        guardian=dao.actors.guardian.address,
        evaluators=list(d.evaluators),
        evaluator_threshold=2,
        first_block=d.first_block,
    )


def _rows(queryset: Any, *, exclude: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    model = queryset.model
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", *exclude)]
    return sorted(tuple(str(value) for value in row) for row in queryset.values_list(*names))


def mirror_dump(deployment: ChainDeployment) -> dict[str, list[tuple[Any, ...]]]:
    """Every mirror row of `deployment`, by natural keys (no primary keys), in a stable order."""
    pools = PoolMirror.objects.filter(deployment=deployment)
    return {
        "proposals": _rows(ProposalMirror.objects.filter(deployment=deployment), exclude=("state_read_at",)),
        "votes": _rows(
            VoteMirror.objects.filter(proposal__deployment=deployment).annotate(), exclude=("proposal_id",)
        )
        + sorted(
            (str(p), v)
            for p, v in VoteMirror.objects.filter(proposal__deployment=deployment).values_list(
                "proposal__proposal_id", "voter"
            )
        ),
        "delegations": _rows(DelegationMirror.objects.filter(deployment=deployment)),
        "delegates": _rows(DelegateMirror.objects.filter(deployment=deployment)),
        "pools": _rows(pools),
        "movements": _rows(PoolMovement.objects.filter(pool__in=pools), exclude=("pool_id",))
        + sorted(PoolMovement.objects.filter(pool__in=pools).values_list("pool__challenge_id", "log_index")),
        "commitments": _rows(PoolCommitment.objects.filter(pool__in=pools), exclude=("pool_id",)),
        "attestations": _rows(PoolAttestation.objects.filter(pool__in=pools), exclude=("pool_id",)),
    }
