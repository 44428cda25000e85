"""The selectors pages read: exact values from the synced mirror, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.chain.client import ChainClient
from governance.chain.governor import VoteSupport
from governance.indexer.sync import chain_sync
from governance.models import ChainDeployment, PoolMovement
from governance.selectors.delegates import delegates_list
from governance.selectors.members import member_profile
from governance.selectors.proposals import proposal_detail, proposal_title, proposals_list
from governance.selectors.treasury import (
    challenges_by_escrow_id,
    pool_detail,
    treasury_payouts,
    treasury_pools,
)
from tests.contracts.helpers import MEMBER_STAKE, PRIZE, Dao
from tests.governance.pages_support import challenge_on_escrow
from tests.governance.test_indexer_support import *  # noqa: F403 (its fixtures)
from tests.governance.test_indexer_support import UNIT, Lifecycle

pytestmark = pytest.mark.django_db


def _queries(read: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def test_proposals_list_and_detail(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)

    listed = proposals_list(deployment=deployment)
    assert [(p.proposal_id, p.state, p.time_left) for p in listed] == [
        (str(lifecycle.withdrawn_id), "canceled", None),
        (str(lifecycle.proposal_id), "executed", None),
    ]
    detail = proposal_detail(deployment=deployment, proposal_id=str(lifecycle.proposal_id))
    assert detail is not None
    assert detail.summary.title == "Prize: cifar"
    assert (detail.summary.for_votes, detail.summary.abstain_votes, detail.extended) == (
        2 * MEMBER_STAKE,
        MEMBER_STAKE,
        True,
    )
    assert detail.quorum == dao.governor.quorum(detail.vote_start) and detail.executed_tx
    members = dao.actors.members
    # Equal weights: in the order they were cast.
    assert [(v.voter, v.support, v.weight, v.reason) for v in detail.votes] == [
        (members[0].address, VoteSupport.FOR, MEMBER_STAKE, "reproduced"),
        (members[1].address, VoteSupport.FOR, MEMBER_STAKE, ""),
        (members[2].address, VoteSupport.ABSTAIN, MEMBER_STAKE, "no opinion"),
    ]
    assert proposal_detail(deployment=deployment, proposal_id="1") is None


def test_time_left_follows_the_cached_state(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    award = dao.escrow.cancel_action(challenge_id=lifecycle.awarded_id)
    _, pending_id = dao.propose([award], "# Later\n\nbody")
    chain_sync(deployment=deployment, client=client)
    now = client.latest_timestamp()

    (pending, *_) = proposals_list(deployment=deployment, now=now)

    snapshot = dao.governor.proposal_snapshot(pending_id)
    assert (pending.proposal_id, pending.state, pending.time_left) == (
        str(pending_id),
        "pending",
        snapshot - now,
    )
    assert pending.title == "Later" and proposal_title("\n\n") == "(untitled)"


def test_delegates_treasury_and_profile(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)
    actors = dao.actors
    members = actors.members

    delegates = {
        d.address: (d.power, d.votes_cast, d.delegators) for d in delegates_list(deployment=deployment)
    }
    assert delegates == {
        members[0].address: (2 * MEMBER_STAKE - PRIZE + 100 * UNIT, 1, 2),
        members[1].address: (MEMBER_STAKE, 1, 1),
        members[2].address: (MEMBER_STAKE, 1, 1),
        members[3].address: (MEMBER_STAKE, 0, 1),
    }
    pools = {
        p.challenge_id: (p.state, p.funded, p.awarded, p.claimed, p.left)
        for p in treasury_pools(deployment=deployment)
    }
    assert pools == {
        str(lifecycle.awarded_id): ("finalized", PRIZE, 900 * UNIT, 600 * UNIT, 0),
        str(lifecycle.cancelled_id): ("cancelled", 2 * PRIZE, 0, 0, 0),
    }
    payouts = [
        (p.kind, p.pool.challenge_id, p.account, p.amount) for p in treasury_payouts(deployment=deployment)
    ]
    kind, awarded, cancelled = PoolMovement.Kind, str(lifecycle.awarded_id), str(lifecycle.cancelled_id)
    assert payouts == [
        (kind.REFUND, cancelled, members[3].address, 2 * PRIZE),
        (kind.SWEEP, awarded, "", 300 * UNIT),
        (kind.REFUND, awarded, members[4].address, 100 * UNIT),
        (kind.CLAIM, awarded, actors.funders[0].address, 600 * UNIT),
    ]
    assert all(
        p.tx_hash.startswith("0x") and len(p.tx_hash) == 66 for p in treasury_payouts(deployment=deployment)
    )
    detail = pool_detail(deployment=deployment, challenge_id=awarded)
    assert detail is not None
    assert detail.funders == [(members[4].address, PRIZE)]
    assert [c.batch for c in detail.commitments] == [1, 2] and len(detail.attestations) == 1
    assert pool_detail(deployment=deployment, challenge_id="99") is None

    winner = member_profile(deployment=deployment, address=actors.funders[0].address.lower())
    assert (winner.power, winner.delegate, winner.votes, winner.rewarded, winner.claimed) == (
        0,
        None,
        [],
        600 * UNIT,
        600 * UNIT,
    )
    voter = member_profile(deployment=deployment, address=members[4].address)
    assert (voter.power, voter.delegate, voter.rewarded) == (0, members[0].address, 0)
    first = member_profile(deployment=deployment, address=members[0].address)
    assert [(v.proposal.proposal_id, v.reason) for v in first.votes] == [
        (str(lifecycle.proposal_id), "reproduced")
    ]
    with pytest.raises(ValueError):
        member_profile(deployment=deployment, address="0x1234")


def _all_reads(deployment: ChainDeployment, lifecycle: Lifecycle, address: str) -> list[int]:
    return [
        _queries(lambda: proposals_list(deployment=deployment)),
        _queries(lambda: proposal_detail(deployment=deployment, proposal_id=str(lifecycle.proposal_id))),
        _queries(lambda: delegates_list(deployment=deployment)),
        _queries(lambda: treasury_pools(deployment=deployment)),
        _queries(lambda: treasury_payouts(deployment=deployment)),
        _queries(lambda: pool_detail(deployment=deployment, challenge_id=str(lifecycle.awarded_id))),
        _queries(
            lambda: [
                v.proposal.proposal_id for v in member_profile(deployment=deployment, address=address).votes
            ]
        ),
    ]


def test_query_counts_do_not_grow_with_the_mirror(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    member = dao.actors.members[0].address
    chain_sync(deployment=deployment, client=client, to_block=deployment.first_block + 25)  # a few rows
    early = _all_reads(deployment, lifecycle, member)
    chain_sync(deployment=deployment, client=client)  # the whole lifecycle
    full = _all_reads(deployment, lifecycle, member)

    assert full == [1, 2, 3, 1, 1, 4, 4]
    assert early[0] == 1 and early[2:5] == [3, 1, 1]  # before the proposal and pool exist: fewer, never more


def test_challenges_by_escrow_id_in_one_query_leaving_out_ids_no_row_can_hold() -> None:
    first, second = challenge_on_escrow(7, "first"), challenge_on_escrow(12, "second")

    asked = ["12", "7", "99", "x", str(2**255)]

    assert challenges_by_escrow_id(asked) == {"7": first, "12": second}
    assert _queries(lambda: challenges_by_escrow_id(asked)) == 1
