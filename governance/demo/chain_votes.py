"""The demo story's governance: a round's prize proposal drafted and submitted by the platform, voted on by
demo members with their own keys, queued, executed and claimed; the other round's left open for a vote.

The chain's clock is moved only as far as the governor asks (its voting delay, voting period and timelock
delay, read from the deployed contracts), never by days more.
"""

from __future__ import annotations

from typing import Any

from bounties.models import Challenge, ChallengeStatus
from bounties.services.challenges import challenge_mark_awarded
from governance.chain.anvil import DevChain
from governance.chain.client import ChainClient
from governance.chain.escrow import PrizeEscrow
from governance.chain.governor import Governor, ProposalState, VoteSupport
from governance.demo import cast
from governance.demo.waiting import DemoStuck, Log, rows_mined
from governance.models import ChainDeployment, PrizeProposalDraft
from governance.services.payouts import prize_claim_batch
from governance.services.proposal_execution import prize_proposal_advance
from governance.services.proposals import prize_proposal_draft_create, prize_proposal_submit_by_platform

# Two members' stakes pass the quorum (DEMO_MEMBER_STAKE); the third abstains, so the tally shows all kinds.
PAYING_VOTES = (
    (cast.MEMBERS[0], VoteSupport.FOR, "The attested ranking matches the leaderboard; pay it."),
    (cast.MEMBERS[1], VoteSupport.FOR, ""),
    (cast.MEMBERS[2], VoteSupport.ABSTAIN, "Abstaining: I submitted to this round's challenge myself."),
)
# One vote for the open proposal, short of the quorum: the visitor's vote (one more member) decides.
OPEN_VOTES = ((cast.MEMBERS[0], VoteSupport.FOR, "Same evaluators, same checks as round 1: in favour."),)


def proposal_submitted(
    challenge: Challenge, *, deployment: ChainDeployment, client: ChainClient, log: Log
) -> PrizeProposalDraft:
    """The round's prize proposal, drafted from its attested results and proposed by the platform."""
    challenge.refresh_from_db()  # closed by an earlier step of this run, or of an earlier one
    draft = prize_proposal_draft_create(challenge=challenge, created_by=challenge.organizer, client=client)
    if draft.submission is None:
        log(f"Drafted the prize proposal of '{challenge.slug}'; the platform's proposer submits it.")
    row = prize_proposal_submit_by_platform(draft=draft, client=client)
    rows_mined([row], what=f"proposing the prizes of '{challenge.slug}'")
    draft.refresh_from_db()
    return draft


def proposal_paid_out(
    draft: PrizeProposalDraft, *, client: ChainClient, member_client: ChainClient, log: Log
) -> None:
    """Take a submitted proposal through voting, queue and execute, then have every winner paid."""
    governor = Governor(client, draft.deployment.governor)
    proposal_id = int(draft.proposal_id)
    for _ in range(12):  # at most one pass per state, twice over; each pass moves it on or raises
        state = governor.state(proposal_id)
        if state == ProposalState.EXECUTED:
            break
        if state == ProposalState.PENDING:
            _clock_past(client, governor.proposal_snapshot(proposal_id), log, "its vote opens")
        elif state == ProposalState.ACTIVE:
            _votes_cast(draft, PAYING_VOTES, member_client=member_client, log=log)
            _clock_past(client, governor.proposal_deadline(proposal_id), log, "its vote closes")
        elif state == ProposalState.QUEUED and client.latest_timestamp() < governor.proposal_eta(proposal_id):
            _clock_past(client, governor.proposal_eta(proposal_id) - 1, log, "the timelock delay is over")
        elif state in (ProposalState.SUCCEEDED, ProposalState.QUEUED):
            row = prize_proposal_advance(draft=draft, client=client)
            rows_mined([row], what=f"{row.function} of the prize proposal")
            log(f"The relayer sent {row.function} for the prize proposal of '{draft.challenge.slug}'.")
        else:
            raise DemoStuck(f"the prize proposal of '{draft.challenge.slug}' is {state.name.lower()}")
    else:
        raise DemoStuck(f"the prize proposal of '{draft.challenge.slug}' did not reach execution")
    _prizes_claimed(draft, client=client, log=log)


def proposal_open_for_votes(
    draft: PrizeProposalDraft, *, client: ChainClient, member_client: ChainClient, log: Log
) -> None:
    """Open the proposal's vote now (past the voting delay) with one member's vote cast."""
    governor = Governor(client, draft.deployment.governor)
    proposal_id = int(draft.proposal_id)
    if governor.state(proposal_id) == ProposalState.PENDING:
        _clock_past(client, governor.proposal_snapshot(proposal_id), log, "its vote opens")
    state = governor.state(proposal_id)
    if state != ProposalState.ACTIVE:
        log(
            f"The prize proposal of '{draft.challenge.slug}' is {state.name.lower()} now, no longer open for votes."
        )
        return
    _votes_cast(draft, OPEN_VOTES, member_client=member_client, log=log)


def _votes_cast(draft: PrizeProposalDraft, votes: Any, *, member_client: ChainClient, log: Log) -> None:
    governor = Governor(member_client, draft.deployment.governor)
    proposal_id = int(draft.proposal_id)
    for member, support, reason in votes:
        if governor.has_voted(proposal_id=proposal_id, voter=member.account.address):
            continue
        governor.cast_vote(sender=member.account, proposal_id=proposal_id, support=support, reason=reason)
        log(
            f"{member.username} voted '{support.name.lower()}' on the prize proposal of '{draft.challenge.slug}'."
        )


def _clock_past(client: ChainClient, timepoint: int, log: Log, what: str) -> None:
    now = client.latest_timestamp()
    if now <= timepoint:
        DevChain(client).advance(timepoint + 1 - now)
        log(f"Moved the local chain's clock {timepoint + 1 - now} s on: {what}.")


def _prizes_claimed(draft: PrizeProposalDraft, *, client: ChainClient, log: Log) -> None:
    """The platform's batch claim pays every winner still owed (the relayer pays the gas)."""
    escrow = PrizeEscrow(client, draft.deployment.escrow)
    addresses = sorted({entry["address"] for entry in draft.recipients})
    if any(escrow.owed(challenge_id=draft.escrow_challenge_id, account=a) > 0 for a in addresses):
        row = prize_claim_batch(
            deployment=draft.deployment,
            escrow_challenge_id=draft.escrow_challenge_id,
            accounts=addresses,
            client=client,
        )
        rows_mined([row], what=f"paying the winners of '{draft.challenge.slug}'")
        log(f"Paid the winners of '{draft.challenge.slug}': {len(addresses)} wallets claimed their prizes.")
    challenge = draft.challenge
    challenge.refresh_from_db()
    if challenge.status == ChallengeStatus.CLOSED:
        challenge_mark_awarded(challenge=challenge)
