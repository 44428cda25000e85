"""Queued operations: stale or cancelled awards refused by the escrow, expiry, the guardian as canceller."""

from __future__ import annotations

from governance.chain.escrow import ChallengeState
from governance.chain.governor import Proposal, ProposalAction, ProposalState, VoteSupport
from governance.chain.timelock import NO_PREDECESSOR, operation_salt
from tests.contracts.helpers import CLAIM_WINDOW, PRIZE, Dao, fresh_address, results, reverts, spec_hash


def _attested_challenge(dao: Dao, *, award_within: int) -> int:
    escrow, actors = dao.escrow, dao.actors
    now = dao.client.latest_timestamp()
    challenge_id = escrow.create_challenge(
        sender=actors.outsider,
        spec_hash=spec_hash("stale"),
        submission_deadline=now + 60,
        award_deadline=now + 60 + award_within,
    )
    dao.token.approve(sender=actors.members[4], spender=escrow.address, amount=PRIZE)
    escrow.fund(sender=actors.members[4], challenge_id=challenge_id, amount=PRIZE)
    dao.chain.advance(61)
    attestations = [
        escrow.sign_attestation(
            evaluator=e,
            challenge_id=challenge_id,
            results_hash=results("stale"),
            spec_hash=spec_hash("stale"),
        )
        for e in actors.evaluators[:2]
    ]
    escrow.attest_results(
        sender=actors.relayer,
        challenge_id=challenge_id,
        results_hash=results("stale"),
        attestations=attestations,
    )
    return challenge_id


def _award(dao: Dao, challenge_id: int) -> ProposalAction:
    return dao.escrow.award_action(
        challenge_id=challenge_id,
        results_hash=results("stale"),
        recipients=[fresh_address("winner")],
        amounts=[PRIZE],
        claim_window=CLAIM_WINDOW,
    )


def _queue(dao: Dao, actions: list[ProposalAction], description: str) -> Proposal:
    proposal, proposal_id = dao.propose(actions, description)
    dao.open_vote(proposal_id)
    for member in dao.actors.members[:3]:
        dao.governor.cast_vote(sender=member, proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)
    dao.governor.queue(sender=dao.actors.relayer, proposal=proposal)
    return proposal


def test_a_queued_award_for_a_stale_challenge_cannot_execute(dao: Dao) -> None:
    challenge_id = _attested_challenge(dao, award_within=3600)
    proposal = _queue(dao, [_award(dao, challenge_id)], "# Award, executed late")
    award_deadline = dao.escrow.challenge(challenge_id).award_deadline
    dao.chain.advance_to(award_deadline + 1)
    assert dao.governor.state(dao.governor.proposal_id(proposal)) == ProposalState.QUEUED  # not yet expired
    with reverts("AwardDeadlinePassed"):
        dao.governor.execute(sender=dao.actors.relayer, proposal=proposal)
    dao.escrow.cancel(sender=dao.actors.outsider, challenge_id=challenge_id)  # stale: anyone may cancel
    dao.escrow.refund(
        sender=dao.actors.relayer, challenge_id=challenge_id, funder=dao.actors.members[4].address
    )
    assert dao.token.balance_of(dao.escrow.address) == 0


def test_a_queued_proposal_expires_after_the_grace_period(dao: Dao) -> None:
    challenge_id = _attested_challenge(dao, award_within=30 * 86400)
    proposal = _queue(dao, [_award(dao, challenge_id)], "# Award, forgotten in the queue")
    governor, proposal_id = dao.governor, dao.governor.proposal_id(proposal)
    last_second = governor.proposal_eta(proposal_id) + governor.execution_grace_period()
    dao.chain.advance_to(last_second - 1)
    assert governor.state(proposal_id) == ProposalState.QUEUED
    dao.chain.advance_to(last_second + 1)
    assert governor.state(proposal_id) == ProposalState.EXPIRED
    with reverts("GovernorUnexpectedProposalState"):
        governor.execute(sender=dao.actors.relayer, proposal=proposal)
    # Nobody can run the operation on the timelock directly either: the governor is its only executor.
    targets, values, calldatas = proposal.call_lists()
    salt = operation_salt(governor=dao.deployment.governor, proposal=proposal)
    direct = dao.timelock.contract.functions.executeBatch(targets, values, calldatas, NO_PREDECESSOR, salt)
    with reverts("AccessControlUnauthorizedAccount"):
        dao.client.transact(direct, sender=dao.actors.outsider)
    assert dao.escrow.state(challenge_id) == ChallengeState.ATTESTED


def test_the_guardian_can_cancel_a_queued_operation_but_never_start_one(dao: Dao) -> None:
    challenge_id = _attested_challenge(dao, award_within=30 * 86400)
    proposal = _queue(dao, [_award(dao, challenge_id)], "# Award to a sock puppet, low turnout")
    guardian, timelock = dao.actors.guardian, dao.timelock
    operation = timelock.operation_id(governor=dao.deployment.governor, proposal=proposal)
    assert timelock.is_operation_pending(operation)
    timelock.cancel(sender=guardian, operation_id=operation)
    assert dao.governor.state(dao.governor.proposal_id(proposal)) == ProposalState.CANCELED
    dao.chain.advance(dao.params.timelock_delay + 1)
    with reverts("GovernorUnexpectedProposalState"):
        dao.governor.execute(sender=dao.actors.relayer, proposal=proposal)
    assert dao.escrow.state(challenge_id) == ChallengeState.ATTESTED

    targets, values, calldatas = proposal.call_lists()
    functions = timelock.contract.functions
    schedule = functions.scheduleBatch(targets, values, calldatas, NO_PREDECESSOR, b"\1" * 32, 120)
    execute = functions.executeBatch(targets, values, calldatas, NO_PREDECESSOR, b"\1" * 32)
    for call in (schedule, execute):
        with reverts("AccessControlUnauthorizedAccount"):
            dao.client.transact(call, sender=guardian)


def test_a_queued_award_for_a_cancelled_challenge_cannot_execute(dao: Dao) -> None:
    challenge_id = _attested_challenge(dao, award_within=30 * 86400)
    award = _queue(dao, [_award(dao, challenge_id)], "# Award")
    cancel = _queue(dao, [dao.escrow.cancel_action(challenge_id=challenge_id)], "# Cancel: leakage found")
    dao.chain.advance(dao.params.timelock_delay + 1)
    dao.governor.execute(sender=dao.actors.relayer, proposal=cancel)
    assert dao.escrow.state(challenge_id) == ChallengeState.CANCELLED
    with reverts("WrongState") as error:
        dao.governor.execute(sender=dao.actors.relayer, proposal=award)
    assert "Cancelled" in str(error.value)
