"""Proposals as pages show them, from the mirror: the chain may be down, the answer is the last synced."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from governance.chain.governor import ProposalState
from governance.models import ChainDeployment, ProposalMirror, VoteMirror


@dataclass(frozen=True)
class ProposalSummary:
    """One row of the proposals list. Amounts in base units; times unix seconds unless a datetime."""

    proposal_id: str
    title: str
    proposer: str
    state: str | None  # ProposalState name as the governor last said, None before the first read
    state_read_at: datetime | None
    time_left: int | None  # seconds to the next step: vote opening, vote closing or execution
    for_votes: int
    against_votes: int
    abstain_votes: int
    created_at: datetime


@dataclass(frozen=True)
class ProposalDetail:
    """A proposal with its votes, tallies and quorum line."""

    summary: ProposalSummary
    description: str
    actions: list[dict[str, str]]
    vote_start: int
    deadline: int  # in force (extended if quorum came late)
    extended: bool
    eta: int | None
    quorum: int | None  # at the snapshot; None until the snapshot is past and synced
    created_tx: str
    queued_tx: str
    executed_tx: str
    canceled_tx: str
    votes: list[VoteMirror]  # largest weight first


def proposal_title(description: str) -> str:
    """The first non-empty line of a description, without Markdown heading marks (at most 120 chars)."""
    for line in description.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return stripped[:120]
    return "(untitled)"


def _time_left(proposal: ProposalMirror, now: int) -> int | None:
    target = (
        {
            ProposalState.PENDING: proposal.vote_start,
            ProposalState.ACTIVE: proposal.deadline,
            ProposalState.QUEUED: proposal.eta,
        }.get(ProposalState(proposal.state))
        if proposal.state is not None
        else None
    )
    return None if target is None else max(0, target - now)


def _summary(proposal: ProposalMirror, now: int) -> ProposalSummary:
    return ProposalSummary(
        proposal_id=proposal.proposal_id,
        title=proposal_title(proposal.description),
        proposer=proposal.proposer,
        state=None if proposal.state is None else ProposalState(proposal.state).name.lower(),
        state_read_at=proposal.state_read_at,
        time_left=_time_left(proposal, now),
        for_votes=proposal.for_votes,
        against_votes=proposal.against_votes,
        abstain_votes=proposal.abstain_votes,
        created_at=proposal.created_at,
    )


def proposals_list(*, deployment: ChainDeployment, now: int | None = None) -> list[ProposalSummary]:
    """Every proposal of `deployment`, newest first (one query)."""
    moment = int(time.time()) if now is None else now
    rows = ProposalMirror.objects.filter(deployment=deployment).order_by("-created_block", "-id")
    return [_summary(row, moment) for row in rows]


def proposal_detail(
    *, deployment: ChainDeployment, proposal_id: str, now: int | None = None
) -> ProposalDetail | None:
    """One proposal with its votes (two queries), or None when the mirror has no such proposal."""
    proposal = ProposalMirror.objects.filter(deployment=deployment, proposal_id=proposal_id).first()
    if proposal is None:
        return None
    votes = sorted(proposal.votes.all(), key=lambda vote: (-vote.weight, vote.block_number, vote.voter))
    return ProposalDetail(
        summary=_summary(proposal, int(time.time()) if now is None else now),
        description=proposal.description,
        actions=list(proposal.actions),
        vote_start=proposal.vote_start,
        deadline=proposal.deadline,
        extended=proposal.extended_deadline is not None,
        eta=proposal.eta,
        quorum=proposal.quorum,
        created_tx=proposal.created_tx,
        queued_tx=proposal.queued_tx,
        executed_tx=proposal.executed_tx,
        canceled_tx=proposal.canceled_tx,
        votes=votes,
    )
