"""The indexer against a real anvil: every mirrored kind with exact values, idempotence, reindex, reorgs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test import override_settings

from governance.chain.client import ChainClient
from governance.chain.escrow import ChallengeState
from governance.chain.governor import ProposalState, VoteSupport
from governance.indexer.sync import block_ranges, chain_reindex, chain_sync
from governance.models import (
    ChainDeployment,
    ChainEvent,
    ChainSyncCursor,
    DelegateMirror,
    DelegationMirror,
    PoolMirror,
    PoolMovement,
    ProposalMirror,
)
from tests.contracts.helpers import MEMBER_STAKE, PRIZE, Dao
from tests.governance.test_indexer_support import (  # noqa: F401 (fixtures)
    UNIT,
    Lifecycle,
    _isolated_chain,
    chain,
    client,
    dao,
    deployment,
    lifecycle,
    mirror_dump,
)

pytestmark = pytest.mark.django_db


def test_every_proposal_event_lands_with_exact_values(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)

    proposal = ProposalMirror.objects.get(deployment=deployment, proposal_id=str(lifecycle.proposal_id))
    governor, members = dao.governor, dao.actors.members
    assert proposal.proposer == members[0].address
    assert proposal.description == lifecycle.proposal.description
    (action,) = lifecycle.proposal.actions
    assert proposal.actions == [
        {"target": dao.escrow.address, "value": "0", "signature": "", "calldata": "0x" + action.calldata.hex()}
    ]
    assert proposal.vote_start == governor.proposal_snapshot(lifecycle.proposal_id)
    assert proposal.extended_deadline == governor.proposal_deadline(lifecycle.proposal_id) > proposal.vote_end
    assert (proposal.for_votes, proposal.against_votes, proposal.abstain_votes) == (
        2 * MEMBER_STAKE,
        0,
        MEMBER_STAKE,
    )
    assert proposal.eta == governor.proposal_eta(lifecycle.proposal_id)
    assert proposal.queued_tx and proposal.executed_tx and not proposal.canceled_tx
    assert proposal.executed_block > proposal.queued_block > proposal.created_block
    assert proposal.state == ProposalState.EXECUTED
    assert proposal.quorum == governor.quorum(proposal.vote_start)
    votes = {v.voter: (v.support, v.weight, v.reason) for v in proposal.votes.all()}
    assert votes == {
        members[0].address: (VoteSupport.FOR, MEMBER_STAKE, "reproduced"),
        members[1].address: (VoteSupport.FOR, MEMBER_STAKE, ""),
        members[2].address: (VoteSupport.ABSTAIN, MEMBER_STAKE, "no opinion"),
    }
    withdrawn = ProposalMirror.objects.get(deployment=deployment, proposal_id=str(lifecycle.withdrawn_id))
    assert withdrawn.canceled_tx and withdrawn.state == ProposalState.CANCELED and withdrawn.eta is None


def test_every_pool_event_lands_with_exact_values(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)

    actors = dao.actors
    awarded = PoolMirror.objects.get(deployment=deployment, challenge_id=str(lifecycle.awarded_id))
    record = dao.escrow.challenge(lifecycle.awarded_id)
    assert (awarded.funded, awarded.awarded, awarded.claimed, awarded.refunded, awarded.swept) == (
        PRIZE,
        900 * UNIT,
        600 * UNIT,
        100 * UNIT,
        300 * UNIT,
    )
    assert (record.escrowed, record.claimed, record.refunded, record.swept) == (
        awarded.funded,
        awarded.claimed,
        awarded.refunded,
        awarded.swept,
    )
    assert awarded.left == 0 and awarded.state == ChallengeState.FINALIZED == record.stored_state
    assert awarded.spec_hash == "0x" + record.spec_hash.hex()
    assert awarded.results_hash == "0x" + lifecycle.leaderboard.hex() and awarded.round == 0
    assert (awarded.submission_deadline, awarded.award_deadline, awarded.claim_deadline) == (
        record.submission_deadline,
        record.award_deadline,
        record.claim_deadline,
    )
    assert awarded.creator == actors.outsider.address
    first, second, sponsor = actors.funders[0].address, actors.funders[1].address, actors.members[4].address
    movements = list(awarded.movements.order_by("block_number", "log_index").values_list("kind", "account", "amount"))
    kind = PoolMovement.Kind
    assert movements == [
        (kind.FUNDING, sponsor, PRIZE),
        (kind.AWARD, first, 600 * UNIT),
        (kind.AWARD, second, 300 * UNIT),
        (kind.CLAIM, first, 600 * UNIT),
        (kind.REFUND, sponsor, 100 * UNIT),
        (kind.SWEEP, "", 300 * UNIT),
    ]
    commitments = list(awarded.commitments.order_by("block_number").values_list("committer", "root", "batch"))
    relayer = actors.relayer.address
    assert commitments == [(relayer, "0x" + lifecycle.roots[0].hex(), 1), (relayer, "0x" + lifecycle.roots[1].hex(), 2)]
    (attestation,) = awarded.attestations.all()
    assert attestation.results_hash == awarded.results_hash and attestation.round == 0
    assert sorted(attestation.signers) == sorted(e.address for e in actors.evaluators[:2])

    cancelled = PoolMirror.objects.get(deployment=deployment, challenge_id=str(lifecycle.cancelled_id))
    assert (cancelled.state, cancelled.funded, cancelled.refunded, cancelled.left) == (
        ChallengeState.CANCELLED,
        2 * PRIZE,
        2 * PRIZE,
        0,
    )


def test_delegations_and_power_follow_the_token(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)

    members = dao.actors.members
    delegations = dict(DelegationMirror.objects.filter(deployment=deployment).values_list("delegator", "delegate"))
    assert delegations == {m.address: m.address for m in members[:4]} | {members[4].address: members[0].address}
    power = dict(DelegateMirror.objects.filter(deployment=deployment).values_list("address", "power"))
    assert power == {m.address: dao.token.get_votes(m.address) for m in members}
    # Its own stake and members[4]'s, less the prize members[4] put in and plus its refund.
    assert power[members[0].address] == 2 * MEMBER_STAKE - PRIZE + 100 * UNIT


def test_syncing_again_changes_nothing(
    client: ChainClient, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    first = chain_sync(deployment=deployment, client=client)
    before, events = mirror_dump(deployment), ChainEvent.objects.count()

    again = chain_sync(deployment=deployment, client=client)

    assert first.events_added == events > 0
    assert (again.events_added, again.reorg_from, again.last_block) == (0, None, first.last_block)
    assert mirror_dump(deployment) == before and ChainEvent.objects.count() == events


@override_settings(CHAIN_SYNC_BLOCK_RANGE=3)
def test_reindex_equals_incremental_sync_in_small_ranges(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    head = client.block_number()
    for stop in range(deployment.first_block + 5, head, 7):  # many syncs, each ending mid-lifecycle
        chain_sync(deployment=deployment, client=client, to_block=stop)
    chain_sync(deployment=deployment, client=client)
    incremental = mirror_dump(deployment)

    result = chain_reindex(deployment=deployment, client=client)

    assert result.last_block == head == ChainSyncCursor.objects.get(deployment=deployment).last_block
    assert mirror_dump(deployment) == incremental
    assert len(incremental["votes"]) == 6 and len(incremental["movements"]) == 2 * 8


def test_ranges_cover_every_block_once() -> None:
    assert list(block_ranges(5, 14, 4)) == [(5, 8), (9, 12), (13, 14)]
    assert list(block_ranges(5, 5, 4)) == [(5, 5)]
    assert list(block_ranges(6, 5, 4)) == []


def test_one_block_ranges_give_the_same_log_as_one_range(
    client: ChainClient, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    with override_settings(CHAIN_SYNC_BLOCK_RANGE=1):
        chain_sync(deployment=deployment, client=client)
    small = (mirror_dump(deployment), list(ChainEvent.objects.order_by("id").values_list("tx_hash", "log_index", "args")))
    chain_reindex(deployment=deployment, client=client)  # default range: everything in one request
    assert (mirror_dump(deployment), list(ChainEvent.objects.order_by("id").values_list("tx_hash", "log_index", "args"))) == small
