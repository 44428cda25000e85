"""What the proposal pages show beyond the mirror's selectors: bars, the viewer's vote box, the draft.

Everything here reads the database only (the mirror and the platform's rows), so pages render with the
chain down. The voter's power is the mirror's current delegate power: the governor counts the power at
the snapshot, and a ballot with none is refused server-side with its fixed message anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from governance.models import ChainDeployment, DelegateMirror, PrizeProposalDraft, ProposalMirror
from governance.selectors.proposals import ProposalDetail
from governance.selectors.wallets import wallet_of_user


@dataclass(frozen=True)
class Tally:
    """For/against/abstain as percentages of the votes cast, and the quorum line (of the quorum votes)."""

    for_pct: float
    against_pct: float
    abstain_pct: float
    quorum_pct: float | None  # where the quorum line sits on the for+abstain bar, capped at 100
    quorum_reached: bool | None


@dataclass(frozen=True)
class VoteBox:
    """Whether the viewer may vote here, and if not the one reason shown instead of the box."""

    can_vote: bool
    reason: str
    address: str | None
    power: int


def tally(detail: ProposalDetail) -> Tally:
    s = detail.summary
    cast = s.for_votes + s.against_votes + s.abstain_votes
    counted = s.for_votes + s.abstain_votes  # OpenZeppelin's quorum counts for and abstain

    def pct(part: int) -> float:
        return round(100 * part / cast, 1) if cast else 0.0

    quorum = detail.quorum
    return Tally(
        for_pct=pct(s.for_votes),
        against_pct=pct(s.against_votes),
        abstain_pct=pct(s.abstain_votes),
        quorum_pct=None if not quorum else min(100.0, round(100 * quorum / max(cast, quorum), 1)),
        quorum_reached=None if quorum is None else counted >= quorum,
    )


def vote_box(*, user: Any, deployment: ChainDeployment, detail: ProposalDetail) -> VoteBox:
    """The viewer's box: one fixed reason when they cannot vote (two queries at most)."""
    if not user.is_authenticated:
        return VoteBox(False, "Log in and link a wallet to vote.", None, 0)
    link = wallet_of_user(user=user)
    if link is None:
        return VoteBox(False, "Link a wallet in your account settings to vote.", None, 0)
    stored = (
        DelegateMirror.objects.filter(deployment=deployment, address=link.address)
        .values_list("power", flat=True)
        .first()
    )
    power = int(stored or 0)
    if detail.summary.state != "active":
        return VoteBox(False, "Voting is not open on this proposal.", link.address, power)
    if any(vote.voter == link.address for vote in detail.votes):
        return VoteBox(False, "Your wallet has voted on this proposal.", link.address, power)
    if power == 0:
        return VoteBox(
            False,
            "Your wallet has no voting power: delegate your tokens (to yourself or a delegate) first.",
            link.address,
            power,
        )
    return VoteBox(True, "", link.address, power)


def draft_of(*, deployment: ChainDeployment, proposal_id: str) -> PrizeProposalDraft | None:
    """The prize draft this proposal was submitted from, if the platform drafted it (one query)."""
    return (
        PrizeProposalDraft.objects.filter(deployment=deployment, proposal_id=proposal_id)
        .select_related("challenge", "deployment", "created_by")
        .first()
    )


def award_matches(detail: ProposalDetail, draft: PrizeProposalDraft | None) -> bool:
    """Whether the proposal's single call is byte for byte the draft's award (so its recipients apply)."""
    if draft is None or len(detail.actions) != 1:
        return False
    action = detail.actions[0]
    return (
        str(action.get("target", "")).lower() == draft.target.lower()
        and str(action.get("calldata", "")).lower() == draft.call_data.lower()
    )


@dataclass(frozen=True)
class Step:
    """One step of a proposal's life on chain: created, queued, executed or canceled."""

    name: str
    tx_hash: str
    block: int | None
    at: Any  # datetime | None


def steps_of(*, deployment: ChainDeployment, proposal_id: str) -> list[Step]:
    """The steps that happened, in order (one query; the selector's detail carries only the hashes)."""
    row = (
        ProposalMirror.objects.filter(deployment=deployment, proposal_id=proposal_id)
        .values(*(f"{step}_{field}" for step in _STEPS for field in ("tx", "block", "at")))
        .first()
    )
    if row is None:
        return []
    return [
        Step(step, row[f"{step}_tx"], row[f"{step}_block"], row[f"{step}_at"])
        for step in _STEPS
        if row[f"{step}_tx"]
    ]


_STEPS = ("created", "queued", "executed", "canceled")
