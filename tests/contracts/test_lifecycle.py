"""The whole life of a prize, through the real DAO: fund, commit, attest, vote, queue, execute, claim."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from governance.chain.errors import ContractRevertError
from governance.chain.escrow import ChallengeState
from governance.chain.governor import ProposalState, VoteSupport
from tests.contracts.helpers import CLAIM_WINDOW, PRIZE, Dao, results, spec_hash


def _create_and_fund(dao: Dao, label: str, amount: int) -> int:
    now = dao.client.latest_timestamp()
    escrow = dao.escrow
    challenge_id = escrow.create_challenge(
        sender=dao.actors.outsider,
        spec_hash=spec_hash(label),
        submission_deadline=now + 3600,
        award_deadline=now + 30 * 86400,
    )
    sponsor = dao.actors.members[4]
    dao.token.approve(sender=sponsor, spender=escrow.address, amount=amount)
    escrow.fund(sender=sponsor, challenge_id=challenge_id, amount=amount)
    return challenge_id


def _commit_and_attest(dao: Dao, challenge_id: int, leaderboard: bytes) -> None:
    escrow, actors = dao.escrow, dao.actors
    first, second = actors.funders[0], actors.funders[1]
    # The platform commits one batch of submission hashes before the deadline; each keeps its proof.
    submissions = [keccak(text=f"{contributor.address} repo@abc") for contributor in (first, second)]
    batch = escrow.commit(sender=actors.relayer, challenge_id=challenge_id, submission_hashes=submissions)
    committed = dao.client.latest_timestamp()
    for submission in submissions:
        assert (
            escrow.commitment_time(
                challenge_id=challenge_id,
                committer=actors.relayer.address,
                submission_hash=submission,
                batch=batch,
            )
            == committed
        )

    # After the deadline two of the three evaluators attest the leaderboard; the relayer pays the gas.
    signatures = [
        escrow.sign_attestation(
            evaluator=e, challenge_id=challenge_id, results_hash=leaderboard, spec_hash=spec_hash("cifar")
        )
        for e in actors.evaluators[:2]
    ]
    dao.chain.advance(3601)
    escrow.attest_results(
        sender=actors.relayer, challenge_id=challenge_id, results_hash=leaderboard, attestations=signatures
    )
    assert escrow.state(challenge_id) == ChallengeState.ATTESTED


def _vote_directly_and_by_relayed_signatures(dao: Dao, proposal_id: int) -> None:
    governor, actors = dao.governor, dao.actors
    # One member votes directly; two sign ballots that the relayer submits (one with a reason).
    governor.cast_vote(
        sender=actors.members[0], proposal_id=proposal_id, support=VoteSupport.FOR, reason="reproduced"
    )
    for voter, reason in ((actors.members[1], None), (actors.members[2], "scores match the report")):
        ballot = governor.ballot_for(
            proposal_id=proposal_id, voter=voter.address, support=VoteSupport.FOR, reason=reason
        )
        signature = governor.sign_ballot(voter=voter, ballot=ballot)
        assert governor.ballot_signer(ballot=ballot, signature=signature) == voter.address
        governor.cast_vote_by_sig(relayer=actors.relayer, ballot=ballot, signature=signature)
    # Three members' full weight at the snapshot, which is more than quorum.
    snapshot = governor.proposal_snapshot(proposal_id)
    weight = dao.token.get_past_votes(account=actors.members[0].address, timepoint=snapshot)
    assert governor.proposal_votes(proposal_id) == (0, 3 * weight, 0)
    assert 3 * weight >= governor.quorum(snapshot)


def test_a_prize_goes_from_funding_to_winners_through_a_vote(dao: Dao) -> None:
    escrow, governor, token, actors = dao.escrow, dao.governor, dao.token, dao.actors
    first, second = actors.funders[0], actors.funders[1]
    challenge_id = _create_and_fund(dao, "cifar", PRIZE)
    other_id = _create_and_fund(dao, "mnist", 2 * PRIZE)

    leaderboard = results("cifar final")
    _commit_and_attest(dao, challenge_id, leaderboard)

    # A member proposes the award, bound to the attested results hash.
    award = escrow.award_action(
        challenge_id=challenge_id,
        results_hash=leaderboard,
        recipients=[first.address, second.address],
        amounts=[600 * 10**18, 300 * 10**18],
        claim_window=CLAIM_WINDOW,
    )
    proposal, proposal_id = dao.propose([award], "# Prize: cifar\n\nresults: " + leaderboard.hex())
    assert governor.state(proposal_id) == ProposalState.PENDING
    dao.open_vote(proposal_id)

    _vote_directly_and_by_relayed_signatures(dao, proposal_id)

    dao.close_vote(proposal_id)
    assert governor.state(proposal_id) == ProposalState.SUCCEEDED
    governor.queue(sender=actors.relayer, proposal=proposal)
    with pytest.raises(ContractRevertError) as early:
        governor.execute(sender=actors.relayer, proposal=proposal)
    assert early.value.name == "TimelockUnexpectedOperationState"
    dao.chain.advance(dao.params.timelock_delay + 1)
    governor.execute(sender=actors.relayer, proposal=proposal)
    assert governor.state(proposal_id) == ProposalState.EXECUTED
    assert escrow.state(challenge_id) == ChallengeState.AWARDED

    # Winners are paid: one by a single relayed claim, one through a batch.
    first_before, second_before = token.balance_of(first.address), token.balance_of(second.address)
    escrow.claim(sender=actors.relayer, challenge_id=challenge_id, account=first.address)
    escrow.claim_batch(sender=actors.relayer, challenge_id=challenge_id, accounts=[second.address])
    assert token.balance_of(first.address) - first_before == 600 * 10**18
    assert token.balance_of(second.address) - second_before == 300 * 10**18
    record = escrow.challenge(challenge_id)
    assert (record.escrowed, record.awarded, record.claimed) == (PRIZE, 900 * 10**18, 900 * 10**18)

    # The other challenge was not touched, and the escrow still holds exactly its pool plus the remainder.
    other = escrow.challenge(other_id)
    assert (other.escrowed, other.awarded, other.claimed, other.stored_state) == (
        2 * PRIZE,
        0,
        0,
        ChallengeState.OPEN,
    )
    assert token.balance_of(escrow.address) == 2 * PRIZE + 100 * 10**18
