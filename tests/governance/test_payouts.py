"""After the vote: queue and execute through the relayer, then claims (relayed, batch) and refunds."""

from __future__ import annotations

import pytest

from governance.chain.client import ChainClient
from governance.chain.escrow import ChallengeState
from governance.chain.governor import ProposalState, VoteSupport
from governance.models import ChainDeployment, OutgoingTransaction, PrizeProposalDraft
from governance.services import payouts, proposal_execution
from governance.services.payouts import funder_refund_relay, prize_claim_batch, prize_claim_relay
from governance.services.proposal_execution import prize_proposal_advance
from governance.services.proposals import prize_proposal_draft_create, prize_proposal_submit_by_platform
from governance.services.relaying import RelayRefused
from tests.contracts.helpers import Dao
from tests.governance.dao_fixtures import *  # noqa: F403
from tests.governance.dao_fixtures import POOL, AttestedChallenge, send_outbox_row

pytestmark = pytest.mark.django_db


def _passed(dao: Dao, attested: AttestedChallenge, client: ChainClient) -> PrizeProposalDraft:
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    send_outbox_row(client, prize_proposal_submit_by_platform(draft=draft), dao.actors.members[1])
    draft.refresh_from_db()
    proposal_id = int(draft.proposal_id)
    dao.open_vote(proposal_id)
    for member in dao.actors.members[:3]:
        dao.governor.cast_vote(sender=member, proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)
    return draft


def _executed(dao: Dao, attested: AttestedChallenge, client: ChainClient) -> PrizeProposalDraft:
    draft = _passed(dao, attested, client)
    send_outbox_row(client, prize_proposal_advance(draft=draft), dao.actors.relayer)
    dao.chain.advance(dao.params.timelock_delay + 1)
    send_outbox_row(client, prize_proposal_advance(draft=draft), dao.actors.relayer)
    return draft


def test_queue_then_execute_after_the_timelock_delay_credits_the_award(
    dao: Dao, attested: AttestedChallenge, client: ChainClient
) -> None:
    draft = _passed(dao, attested, client)
    proposal_id = int(draft.proposal_id)

    queue = prize_proposal_advance(draft=draft)
    assert prize_proposal_advance(draft=draft).pk == queue.pk  # a second click before it is sent
    assert (queue.function, queue.purpose) == ("queue", f"queue:{draft.deployment_id}:{proposal_id}")
    send_outbox_row(client, queue, dao.actors.relayer)
    assert dao.governor.state(proposal_id) == ProposalState.QUEUED

    with pytest.raises(RelayRefused, match="timelock delay has not passed"):
        prize_proposal_advance(draft=draft)
    dao.chain.advance(dao.params.timelock_delay + 1)
    execute = prize_proposal_advance(draft=draft)
    send_outbox_row(client, execute, dao.actors.relayer)

    assert dao.governor.state(proposal_id) == ProposalState.EXECUTED
    assert dao.escrow.state(attested.escrow_challenge_id) == ChallengeState.AWARDED
    for recipient in draft.recipients:
        assert dao.escrow.owed(
            challenge_id=attested.escrow_challenge_id, account=recipient["address"]
        ) == int(recipient["amount"])
    with pytest.raises(RelayRefused, match="it is executed"):
        prize_proposal_advance(draft=draft)
    assert OutgoingTransaction.objects.filter(function__in=["queue", "execute"]).count() == 2


def test_a_proposal_still_being_voted_on_cannot_be_queued(
    dao: Dao, attested: AttestedChallenge, client: ChainClient
) -> None:
    draft = prize_proposal_draft_create(challenge=attested.challenge, created_by=attested.ranked[0])
    send_outbox_row(client, prize_proposal_submit_by_platform(draft=draft), dao.actors.members[1])
    draft.refresh_from_db()
    dao.open_vote(int(draft.proposal_id))

    with pytest.raises(RelayRefused) as refused:
        prize_proposal_advance(draft=draft)
    assert refused.value.message == proposal_execution.NOT_PASSED.format("active")
    assert not OutgoingTransaction.objects.filter(function__in=["queue", "execute"]).exists()


def test_a_winner_claims_gaslessly_and_the_tokens_arrive(
    dao: Dao, attested: AttestedChallenge, client: ChainClient
) -> None:
    _executed(dao, attested, client)
    winner = attested.wallets[attested.ranked[0].pk]
    before = dao.token.balance_of(winner)
    winner_eth = client.native_balance(winner)

    row = prize_claim_relay(
        deployment=attested_deployment(), escrow_challenge_id=attested.escrow_challenge_id, account=winner
    )
    send_outbox_row(client, row, dao.actors.relayer)

    assert dao.token.balance_of(winner) - before == POOL // 2
    assert client.native_balance(winner) == winner_eth  # the relayer paid the gas
    with pytest.raises(RelayRefused) as refused:
        prize_claim_relay(
            deployment=attested_deployment(), escrow_challenge_id=attested.escrow_challenge_id, account=winner
        )
    assert refused.value.message == payouts.NOTHING_OWED


def test_the_platform_batch_claims_for_every_winner_still_owed(
    dao: Dao, attested: AttestedChallenge, client: ChainClient
) -> None:
    _executed(dao, attested, client)
    first, second = (attested.wallets[user.pk] for user in attested.ranked[:2])
    before = [dao.token.balance_of(first), dao.token.balance_of(second)]
    stranger = dao.actors.outsider.address

    row = prize_claim_batch(
        deployment=attested_deployment(),
        escrow_challenge_id=attested.escrow_challenge_id,
        accounts=[second, first, stranger],
    )
    send_outbox_row(client, row, dao.actors.relayer)

    assert [dao.token.balance_of(first) - before[0], dao.token.balance_of(second) - before[1]] == [
        POOL // 2,
        POOL * 3 // 10,
    ]
    with pytest.raises(RelayRefused, match="None of these addresses"):
        prize_claim_batch(
            deployment=attested_deployment(),
            escrow_challenge_id=attested.escrow_challenge_id,
            accounts=[first, second],
        )


def test_the_funder_takes_back_the_unawarded_remainder(
    dao: Dao, attested: AttestedChallenge, client: ChainClient
) -> None:
    sponsor = attested.sponsor.address
    with pytest.raises(RelayRefused, match="nothing to take back"):  # not awarded yet: nothing to return
        funder_refund_relay(
            deployment=attested_deployment(), escrow_challenge_id=attested.escrow_challenge_id, funder=sponsor
        )
    _executed(dao, attested, client)
    before = dao.token.balance_of(sponsor)

    row = funder_refund_relay(
        deployment=attested_deployment(), escrow_challenge_id=attested.escrow_challenge_id, funder=sponsor
    )
    send_outbox_row(client, row, dao.actors.relayer)

    assert dao.token.balance_of(sponsor) - before == POOL * 20 // 100  # rank 3 had no wallet
    with pytest.raises(RelayRefused) as refused:
        funder_refund_relay(
            deployment=attested_deployment(), escrow_challenge_id=attested.escrow_challenge_id, funder=sponsor
        )
    assert refused.value.message == payouts.NOTHING_REFUNDABLE


def attested_deployment() -> ChainDeployment:
    return ChainDeployment.objects.get()
