"""Governance pitfalls: snapshots, signed ballots, late quorum, quorum size, clocks, who may do what,
copied proposals."""

from __future__ import annotations

from dataclasses import replace

import pytest
from web3.logs import DISCARD

from governance.chain.eip712 import sign_typed_data
from governance.chain.governor import Proposal, ProposalAction, ProposalState, VoteSupport
from governance.chain.timelock import PROPOSER_ROLE
from tests.contracts.helpers import MEMBER_STAKE, Dao, reverts


def _noop_proposal(dao: Dao) -> tuple[ProposalAction, ...]:
    # Lifting a pause that is not there does nothing, which makes a harmless action to vote on.
    return (dao.escrow.unpause_action(),)


def _active_proposal(dao: Dao, description: str = "# Housekeeping") -> int:
    _, proposal_id = dao.propose(_noop_proposal(dao), description)
    dao.open_vote(proposal_id)
    return proposal_id


def test_voting_power_bought_after_the_snapshot_does_not_count(dao: Dao) -> None:
    seller, buyer = dao.actors.members[3], dao.actors.outsider
    proposal_id = _active_proposal(dao)
    dao.token.transfer(sender=seller, to=buyer.address, amount=MEMBER_STAKE)
    dao.token.delegate(sender=buyer, delegatee=buyer.address)
    assert dao.token.get_votes(buyer.address) == MEMBER_STAKE

    dao.governor.cast_vote(sender=buyer, proposal_id=proposal_id, support=VoteSupport.AGAINST)
    dao.governor.cast_vote(sender=seller, proposal_id=proposal_id, support=VoteSupport.FOR)
    # The buyer's vote weighs nothing; the seller still votes with what it held at the snapshot.
    assert dao.governor.proposal_votes(proposal_id) == (0, MEMBER_STAKE, 0)


def test_the_clock_is_seconds_not_blocks(dao: Dao) -> None:
    _, proposal_id = dao.propose(_noop_proposal(dao), "# Clock")
    dao.chain.advance(dao.params.voting_delay + 1)  # one block, sixty-one seconds
    assert dao.governor.state(proposal_id) == ProposalState.ACTIVE


def test_quorum_cannot_be_read_while_the_proposal_is_pending(dao: Dao) -> None:
    _, proposal_id = dao.propose(_noop_proposal(dao), "# Pending")
    with reverts("ERC5805FutureLookup") as error:
        dao.governor.quorum(dao.governor.proposal_snapshot(proposal_id))
    assert "has not happened yet" in str(error.value)


def test_quorum_is_reachable_with_the_treasury_holding_most_tokens(dao: Dao) -> None:
    total = dao.token.total_supply()
    treasury = dao.token.balance_of(dao.deployment.timelock)
    assert treasury * 100 // total == 60
    proposal_id = _active_proposal(dao)
    quorum = dao.governor.quorum(dao.governor.proposal_snapshot(proposal_id))
    assert quorum == total * dao.params.quorum_percent // 100
    assert quorum * 100 // (total - treasury) == 10  # 10% of the circulating supply

    # A turnout of one member in five (20% of circulating) carries the vote.
    dao.governor.cast_vote(sender=dao.actors.members[0], proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)
    assert dao.governor.state(proposal_id) == ProposalState.SUCCEEDED


def test_a_turnout_below_quorum_defeats_the_proposal(dao: Dao) -> None:
    small_holder = dao.actors.outsider
    dao.token.transfer(sender=dao.actors.members[4], to=small_holder.address, amount=MEMBER_STAKE // 4)
    dao.token.delegate(sender=small_holder, delegatee=small_holder.address)
    proposal_id = _active_proposal(dao)
    dao.governor.cast_vote(sender=small_holder, proposal_id=proposal_id, support=VoteSupport.FOR)
    dao.close_vote(proposal_id)
    assert dao.governor.state(proposal_id) == ProposalState.DEFEATED


def test_a_late_whale_reaching_quorum_extends_the_deadline(dao: Dao) -> None:
    proposal_id = _active_proposal(dao)
    original_deadline = dao.governor.proposal_deadline(proposal_id)
    dao.chain.advance_to(original_deadline - 30)  # late, with room for a slow machine to send the vote
    receipt = dao.governor.cast_vote(
        sender=dao.actors.members[0], proposal_id=proposal_id, support=VoteSupport.FOR
    )
    extended = dao.governor.contract.events.ProposalExtended().process_receipt(receipt, errors=DISCARD)
    vote_time = dao.client.block_timestamp(receipt["blockNumber"])
    assert [e["args"]["extendedDeadline"] for e in extended] == [vote_time + dao.params.late_quorum_extension]
    assert dao.governor.proposal_deadline(proposal_id) > original_deadline
    dao.chain.advance_to(original_deadline + 1)
    assert dao.governor.state(proposal_id) == ProposalState.ACTIVE  # others still have time to answer
    dao.governor.cast_vote(sender=dao.actors.members[1], proposal_id=proposal_id, support=VoteSupport.AGAINST)
    dao.governor.cast_vote(sender=dao.actors.members[2], proposal_id=proposal_id, support=VoteSupport.AGAINST)
    dao.close_vote(proposal_id)
    assert dao.governor.state(proposal_id) == ProposalState.DEFEATED


def test_a_relayed_ballot_cannot_be_replayed(dao: Dao) -> None:
    voter, governor = dao.actors.members[0], dao.governor
    proposal_id = _active_proposal(dao)
    ballot = governor.ballot_for(proposal_id=proposal_id, voter=voter.address, support=VoteSupport.FOR)
    signature = governor.sign_ballot(voter=voter, ballot=ballot)
    governor.cast_vote_by_sig(relayer=dao.actors.relayer, ballot=ballot, signature=signature)
    with reverts("GovernorInvalidSignature"):
        governor.cast_vote_by_sig(relayer=dao.actors.relayer, ballot=ballot, signature=signature)
    assert governor.proposal_votes(proposal_id) == (0, MEMBER_STAKE, 0)


def test_a_ballot_signed_by_someone_else_is_refused(dao: Dao) -> None:
    voter, forger, governor = dao.actors.members[0], dao.actors.outsider, dao.governor
    proposal_id = _active_proposal(dao)
    ballot = governor.ballot_for(proposal_id=proposal_id, voter=voter.address, support=VoteSupport.AGAINST)
    forged = governor.sign_ballot(voter=forger, ballot=ballot)
    assert governor.ballot_signer(ballot=ballot, signature=forged) != voter.address  # the relayer's own check
    with reverts("GovernorInvalidSignature"):
        governor.cast_vote_by_sig(relayer=dao.actors.relayer, ballot=ballot, signature=forged)
    assert not governor.has_voted(proposal_id=proposal_id, voter=voter.address)


def test_a_ballot_signed_for_another_chain_or_contract_is_refused(dao: Dao) -> None:
    voter, governor = dao.actors.members[0], dao.governor
    proposal_id = _active_proposal(dao)
    ballot = governor.ballot_for(proposal_id=proposal_id, voter=voter.address, support=VoteSupport.FOR)
    domain = governor.domain()
    for wrong in (replace(domain, chain_id=1), replace(domain, verifying_contract=dao.deployment.escrow)):
        signature = sign_typed_data(voter, ballot.typed_data(wrong))
        with reverts("GovernorInvalidSignature"):
            governor.cast_vote_by_sig(relayer=dao.actors.relayer, ballot=ballot, signature=signature)


def test_signed_ballots_for_different_proposals_can_be_relayed_in_any_order(dao: Dao) -> None:
    voter, governor = dao.actors.members[0], dao.governor
    _, first_id = dao.propose(_noop_proposal(dao), "# One")
    _, second_id = dao.propose(_noop_proposal(dao), "# Two")
    dao.open_vote(second_id)
    ballots = [
        governor.ballot_for(proposal_id=pid, voter=voter.address, support=VoteSupport.FOR)
        for pid in (first_id, second_id)
    ]
    signatures = [governor.sign_ballot(voter=voter, ballot=ballot) for ballot in ballots]
    # Keyed nonces: the second ballot goes first, and a direct vote elsewhere invalidates neither.
    governor.cast_vote_by_sig(relayer=dao.actors.relayer, ballot=ballots[1], signature=signatures[1])
    governor.cast_vote_by_sig(relayer=dao.actors.relayer, ballot=ballots[0], signature=signatures[0])
    assert governor.has_voted(proposal_id=first_id, voter=voter.address)
    assert governor.has_voted(proposal_id=second_id, voter=voter.address)


def test_a_second_vote_is_refused(dao: Dao) -> None:
    voter = dao.actors.members[0]
    proposal_id = _active_proposal(dao)
    dao.governor.cast_vote(sender=voter, proposal_id=proposal_id, support=VoteSupport.FOR)
    with reverts("GovernorAlreadyCastVote"):
        dao.governor.cast_vote(sender=voter, proposal_id=proposal_id, support=VoteSupport.AGAINST)


def test_only_the_governor_can_schedule_on_the_timelock(dao: Dao) -> None:
    timelock = dao.timelock
    schedule = timelock.contract.functions.schedule(
        dao.deployment.escrow, 0, b"", b"\x00" * 32, b"\x00" * 32, 120
    )
    for account in (dao.actors.deployer, dao.actors.members[0]):
        with reverts("AccessControlUnauthorizedAccount") as error:
            dao.client.transact(schedule, sender=account)
        assert error.value.revert.args["neededRole"] == PROPOSER_ROLE


def test_only_the_timelock_can_award_or_mint(dao: Dao) -> None:
    escrow_award = dao.escrow.contract.functions.award(
        1, b"\x01" * 32, [dao.actors.deployer.address], [1], 3600
    )
    with reverts("OwnableUnauthorizedAccount"):
        dao.client.transact(escrow_award, sender=dao.actors.deployer)
    with reverts("OwnableUnauthorizedAccount"):
        dao.token.mint(sender=dao.actors.deployer, to=dao.actors.deployer.address, amount=1)


def test_a_member_can_delegate_by_signature_without_paying_gas(dao: Dao) -> None:
    holder, delegate = dao.actors.outsider, dao.actors.members[0]
    dao.token.transfer(sender=dao.actors.members[4], to=holder.address, amount=1_000)
    expiry = dao.client.latest_timestamp() + 3600
    nonce, signature = dao.token.sign_delegation(holder=holder, delegatee=delegate.address, expiry=expiry)
    dao.token.delegate_by_sig(
        relayer=dao.actors.relayer,
        delegatee=delegate.address,
        nonce=nonce,
        expiry=expiry,
        signature=signature,
    )
    assert dao.token.delegates(holder.address) == delegate.address
    assert dao.token.get_votes(delegate.address) == MEMBER_STAKE + 1_000
    with reverts("InvalidAccountNonce"):  # the same signature cannot be replayed
        dao.token.delegate_by_sig(
            relayer=dao.actors.relayer,
            delegatee=delegate.address,
            nonce=nonce,
            expiry=expiry,
            signature=signature,
        )


def test_a_copied_pending_proposal_can_be_neither_submitted_nor_cancelled_by_the_copier(dao: Dao) -> None:
    proposer, copier = dao.actors.members[0], dao.actors.members[1]  # the copier even holds votes
    proposal = Proposal.by(proposer.address, _noop_proposal(dao), "# Award the prize")
    # The copier front-runs the pending transaction with the very same arguments.
    copy = dao.governor.contract.functions.propose(*proposal.call_lists(), proposal.description)
    with reverts("GovernorRestrictedProposer"):
        dao.client.transact(copy, sender=copier)
    proposal_id = dao.governor.propose(sender=proposer, proposal=proposal)
    with reverts("GovernorUnableToCancel"):
        dao.governor.cancel(sender=copier, proposal=proposal)
    assert dao.governor.state(proposal_id) == ProposalState.PENDING


def test_proposing_needs_the_threshold_of_votes(dao: Dao) -> None:
    stranger = dao.actors.outsider  # holds no votes
    with reverts("GovernorInsufficientProposerVotes") as error:
        dao.governor.propose(
            sender=stranger, proposal=Proposal.by(stranger.address, _noop_proposal(dao), "# Spam")
        )
    assert error.value.revert.args["threshold"] == dao.params.proposal_threshold > 0


def test_the_wrapper_refuses_a_description_without_the_senders_suffix(dao: Dao) -> None:
    proposer = dao.actors.members[0]
    elsewhere = Proposal.by(dao.actors.members[1].address, _noop_proposal(dao), "# Theirs").description
    nonce = dao.client.pending_nonce(proposer.address)
    for description in ("# No suffix: anyone could take it over", elsewhere):
        with pytest.raises(ValueError, match="#proposer="):
            dao.governor.propose(sender=proposer, proposal=Proposal(_noop_proposal(dao), description))
    assert dao.client.pending_nonce(proposer.address) == nonce
