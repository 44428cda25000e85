"""The indexer against a real anvil: every mirrored kind with exact values, idempotence, reindex, reorgs."""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from governance.chain.anvil import DevChain
from governance.chain.client import ChainClient
from governance.chain.escrow import ChallengeState
from governance.chain.governor import ProposalState, VoteSupport
from governance.indexer.sync import IndexerError, block_ranges, chain_reindex, chain_sync
from governance.indexer.tasks import sync_chain
from governance.models import (
    ChainDeployment,
    ChainEvent,
    ChainSyncCursor,
    DelegateMirror,
    DelegationMirror,
    OutgoingTransaction,
    PoolMirror,
    PoolMovement,
    ProposalMirror,
)
from tests.contracts.helpers import MEMBER_STAKE, PRIZE, Dao, spec_hash
from tests.governance.test_indexer_support import *  # noqa: F403 (its fixtures)
from tests.governance.test_indexer_support import UNIT, Lifecycle, dead_rpc_url, mirror_dump

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
        {
            "target": dao.escrow.address,
            "value": "0",
            "signature": "",
            "calldata": "0x" + action.calldata.hex(),
        }
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
    assert proposal.queued_block is not None and proposal.executed_block is not None
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
    movements = list(
        awarded.movements.order_by("block_number", "log_index").values_list("kind", "account", "amount")
    )
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
    assert commitments == [
        (relayer, "0x" + lifecycle.roots[0].hex(), 1),
        (relayer, "0x" + lifecycle.roots[1].hex(), 2),
    ]
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
    delegations = dict(
        DelegationMirror.objects.filter(deployment=deployment).values_list("delegator", "delegate")
    )
    assert delegations == {m.address: m.address for m in members[:4]} | {
        members[4].address: members[0].address
    }
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
    small = (
        mirror_dump(deployment),
        list(ChainEvent.objects.order_by("id").values_list("tx_hash", "log_index", "args")),
    )
    chain_reindex(deployment=deployment, client=client)  # default range: everything in one request
    assert (
        mirror_dump(deployment),
        list(ChainEvent.objects.order_by("id").values_list("tx_hash", "log_index", "args")),
    ) == small


def _open_and_fund(dao: Dao, label: str, member: int, amount: int) -> int:
    now = dao.client.latest_timestamp()
    challenge_id = dao.escrow.create_challenge(
        sender=dao.actors.outsider,
        spec_hash=spec_hash(label),
        submission_deadline=now + 3600,
        award_deadline=now + 30 * 86400,
    )
    funder = dao.actors.members[member]
    dao.token.approve(sender=funder, spender=dao.escrow.address, amount=amount)
    dao.escrow.fund(sender=funder, challenge_id=challenge_id, amount=amount)
    return challenge_id


def test_a_reorg_in_the_window_is_replaced_and_the_mirror_follows_the_new_chain(
    client: ChainClient, chain: DevChain, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)
    fork_point = chain.snapshot()
    replaced_from = client.block_number() + 1
    orphan_id = _open_and_fund(dao, "orphan", 1, 5 * PRIZE)
    dao.token.delegate(sender=dao.actors.members[1], delegatee=dao.actors.members[2].address)
    chain_sync(deployment=deployment, client=client)
    assert PoolMirror.objects.get(deployment=deployment, challenge_id=str(orphan_id)).funded == 5 * PRIZE

    # The node switches to another branch from the same parent: shorter, with other transactions.
    chain.revert(fork_point)
    kept_id = _open_and_fund(dao, "kept", 2, 3 * PRIZE)
    assert kept_id == orphan_id and client.block_number() < replaced_from + 4

    result = chain_sync(deployment=deployment, client=client)

    assert result.reorg_from == replaced_from and result.last_block == client.block_number()
    pool = PoolMirror.objects.get(deployment=deployment, challenge_id=str(kept_id))
    assert (pool.spec_hash, pool.funded) == ("0x" + spec_hash("kept").hex(), 3 * PRIZE)
    assert list(pool.movements.values_list("account", "amount")) == [
        (dao.actors.members[2].address, 3 * PRIZE)
    ]
    delegate = DelegationMirror.objects.get(deployment=deployment, delegator=dao.actors.members[1].address)
    assert delegate.delegate == dao.actors.members[1].address  # the orphaned re-delegation is gone
    power = dict(DelegateMirror.objects.filter(deployment=deployment).values_list("address", "power"))
    assert power == {m.address: dao.token.get_votes(m.address) for m in dao.actors.members}
    replacement = ChainEvent.objects.filter(block_number__gte=replaced_from).order_by(
        "block_number", "log_index"
    )
    assert list(replacement.values_list("name", flat=True)) == [
        "ChallengeCreated",
        "Approval",
        "Transfer",
        "DelegateVotesChanged",
        "ChallengeFunded",
    ]
    following = mirror_dump(deployment)
    chain_reindex(deployment=deployment, client=client)
    assert mirror_dump(deployment) == following


def test_with_the_chain_down_sync_raises_cleanly_and_the_mirror_stays(
    client: ChainClient, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)
    before, events = mirror_dump(deployment), ChainEvent.objects.count()
    dead = ChainClient.connect(dead_rpc_url(), request_timeout=0.5)

    with pytest.raises(IndexerError, match="unreadable"):
        chain_sync(deployment=deployment, client=dead)

    assert mirror_dump(deployment) == before and ChainEvent.objects.count() == events


def test_the_beat_task_logs_and_returns_when_the_chain_is_down(
    settings: Any, lifecycle: Lifecycle, deployment: ChainDeployment, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CHAIN_RPC_URL, settings.CHAIN_REQUEST_TIMEOUT = dead_rpc_url(), 0.5

    assert sync_chain() is None

    assert "chain sync skipped" in caplog.text
    assert not ChainEvent.objects.exists() and not ChainSyncCursor.objects.exists()


def test_the_beat_task_and_the_commands_sync_the_current_deployment(
    settings: Any, client: ChainClient, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    settings.CHAIN_RPC_URL = client.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    head = client.block_number()

    assert sync_chain() == {
        "last_block": head,
        "events_added": ChainEvent.objects.count(),
        "reorg_from": None,
    }
    mirrored = mirror_dump(deployment)
    out = StringIO()
    call_command("sync_chain", stdout=out)
    assert out.getvalue() == f"synced to block {head}: 0 new events\n"
    call_command("reindex_chain", stdout=out)
    assert mirror_dump(deployment) == mirrored
    assert "sync-chain" in settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_BEAT_SCHEDULE["sync-chain"]["task"] == sync_chain.name


def test_outbox_rows_are_confirmed_by_their_indexed_events(
    client: ChainClient, dao: Dao, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)
    # A funding transaction is mined; the indexer has not seen it yet.
    challenge_id = _open_and_fund(dao, "outbox", 1, PRIZE)
    funded = client.get_logs([deployment.escrow], client.block_number(), client.block_number())
    (tx_hash,) = {log["transactionHash"] for log in funded}
    rows = [
        OutgoingTransaction.objects.create(
            purpose=purpose,
            deployment=deployment,
            contract="PrizeEscrow",
            to_address=deployment.escrow,
            function="fund",
            call_data="0x",
            status=OutgoingTransaction.Status.MINED,
            tx_hash=sent,
        )
        for purpose, sent in ((f"fund:{challenge_id}", tx_hash), ("other", "0x" + "ab" * 32))
    ]

    chain_sync(deployment=deployment, client=client)

    for row in rows:
        row.refresh_from_db()
    assert rows[0].status == OutgoingTransaction.Status.CONFIRMED and rows[0].confirmed_at is not None
    assert rows[1].status == OutgoingTransaction.Status.MINED  # no event of it: not confirmed


class _LogsWithoutTimestamps(ChainClient):
    """A node whose logs do not carry their block's timestamp (older geth, most providers)."""

    def get_logs(self, addresses: Sequence[str], from_block: int, to_block: int) -> list[dict[str, Any]]:
        logs = super().get_logs(addresses, from_block, to_block)
        for log in logs:
            del log["blockTimestamp"]
        return logs


def test_block_times_come_from_the_headers_when_logs_lack_them(
    client: ChainClient, lifecycle: Lifecycle, deployment: ChainDeployment
) -> None:
    chain_sync(deployment=deployment, client=client)
    with_stamps = list(ChainEvent.objects.order_by("id").values_list("block_number", "block_time"))
    plain = _LogsWithoutTimestamps(client.w3)

    chain_reindex(deployment=deployment, client=plain)

    assert list(ChainEvent.objects.order_by("id").values_list("block_number", "block_time")) == with_stamps
    block = client.w3.eth.get_block(deployment.first_block)
    assert client.block_headers([deployment.first_block]) == {
        deployment.first_block: (block["hash"].to_0x_hex(), block["timestamp"])
    }
