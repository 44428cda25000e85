"""Each source of a challenge's feed, one query apiece, newest first, as typed feed items.

Visibility is decided here, once for every output (page, Atom, digest): a new best public score names its
submission only once the submission is published, and private scores are never read at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Count, Exists, F, Max, Min, OuterRef, QuerySet, Value
from django.db.models import Window as SqlWindow
from django.db.models.expressions import RowRange
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse

from activity.items import FeedItem, ItemKind
from bounties.leaderboard_version import leaderboard_version
from bounties.models import Challenge, Clue, Submission, SubmissionStatus
from bounties.selectors.visibility import submission_is_published
from bounties.templatetags.clueboard import score, tokens
from clueboard.caching import cached
from governance.chain.governor import VoteSupport
from governance.models import (
    ChallengeOnChain,
    CommitmentBatch,
    OutgoingTransaction,
    PoolMovement,
    PrizeProposalDraft,
    ProposalMirror,
    VoteMirror,
)
from governance.selectors.proposals import proposal_title
from governance.templatetags.governance_tags import short_address

FLOAT_BOUND = 1e308  # beyond any score: the best "before" the first one


@dataclass(frozen=True)
class Window:
    """Items after `after` (exclusive) up to `until` (inclusive), at most `limit` of each source."""

    limit: int
    after: datetime | None = None
    until: datetime | None = None

    def bound(self, rows: QuerySet, field: str) -> QuerySet:
        if self.after is not None:
            rows = rows.filter(**{f"{field}__gt": self.after})
        if self.until is not None:
            rows = rows.filter(**{f"{field}__lte": self.until})
        return rows

    def holds(self, moment: datetime) -> bool:
        return (self.after is None or moment > self.after) and (self.until is None or moment <= self.until)


def clue_items(challenge: Challenge, window: Window) -> list[FeedItem]:
    rows = window.bound(Clue.objects.filter(challenge=challenge), "created_at")
    rows = rows.select_related("author").order_by("-created_at", "-id")[: window.limit]
    return [
        FeedItem(
            kind=ItemKind.CLUE,
            key=f"clue-{clue.pk}",
            at=clue.created_at,
            headline=f"New clue “{clue.title}” by {clue.author.username}",
            path=reverse("bounties:clue-detail", args=[clue.pk]),
        )
        for clue in rows
    ]


BEST_SCORES_CACHE_SECONDS = 600  # a safety net: a score landing makes a new key at once


def best_score_items(challenge: Challenge, window: Window) -> list[FeedItem]:
    """Scores that beat every public score shown before them: the moment each one took the lead.

    Finding them walks every score of the challenge, so the newest ones (the challenge page's panel and
    the feed's pages, without time bounds) are cached under the challenge's score version: any score
    landing makes a new key (`bounties.leaderboard_version`).
    """
    if window.after is not None or window.until is not None:
        return _best_score_items(challenge, window)
    published = submission_is_published(Submission(challenge=challenge))
    key = (
        f"feed-best-scores:{challenge.pk}:{leaderboard_version(challenge.pk)}:"
        f"{int(published)}:{int(challenge.higher_is_better)}:{window.limit}"
    )
    return list(cached(key, lambda: _best_score_items(challenge, window), seconds=BEST_SCORES_CACHE_SECONDS))


def _best_score_items(challenge: Challenge, window: Window) -> list[FeedItem]:
    scored = Submission.objects.filter(
        challenge=challenge, status=SubmissionStatus.SCORED, public_score__isnull=False
    ).annotate(shown_at=Coalesce("finished_at", "created_at"))
    # The best score shown before each row, by one window over the challenge in show order (a correlated
    # subquery per row made the challenge page quadratic in its submissions). No earlier score counts as
    # the worst possible one, so the first score always leads.
    best, worst = (Max, -FLOAT_BOUND) if challenge.higher_is_better else (Min, FLOAT_BOUND)
    before = RowRange(start=None, end=-1)
    show_order = [F("shown_at").asc(), F("id").asc()]
    best_before = Coalesce(SqlWindow(best("public_score"), order_by=show_order, frame=before), Value(worst))
    beats = "public_score__gt" if challenge.higher_is_better else "public_score__lt"
    # The lead changes over the whole history first; only then the feed's time window, or a window
    # that starts late would forget the scores shown before it.
    leads = scored.annotate(best_before=best_before).filter(**{beats: F("best_before")}).values("id")
    rows = scored.filter(id__in=leads)
    rows = window.bound(rows, "shown_at").select_related("contributor").order_by("-shown_at", "-id")
    # Published or not is one answer for the whole challenge (its policy and dates).
    published = submission_is_published(Submission(challenge=challenge))
    return [_best_score_item(challenge, row, published) for row in rows[: window.limit]]


def _best_score_item(challenge: Challenge, row: Submission, published: bool) -> FeedItem:
    shown_at: datetime = row.shown_at  # type: ignore[attr-defined]
    headline = f"New best public score {score(row.public_score)} by {row.contributor.username}"
    if published:
        path = reverse("bounties:submission-detail", args=[row.pk])
        if row.title:
            headline += f" with “{row.title}”"
    else:
        # Like the leaderboard: the score is public, the unpublished submission behind it is not named.
        path = reverse("bounties:challenge-detail", args=[challenge.slug]) + "#leaderboard-heading"
    return FeedItem(
        kind=ItemKind.BEST_SCORE,
        # Not the submission's id: that would tell an unpublished submission exists. Stable once published.
        key=f"score-{row.contributor_id}-{shown_at.timestamp():.6f}",
        at=shown_at,
        headline=headline,
        path=path,
    )


def commitment_items(challenge: Challenge, window: Window) -> list[FeedItem]:
    mined = (OutgoingTransaction.Status.MINED, OutgoingTransaction.Status.CONFIRMED)
    rows = CommitmentBatch.objects.filter(
        challenge_on_chain__challenge=challenge, commit_transaction__status__in=mined
    ).annotate(
        committed_at=Coalesce("commit_transaction__block_timestamp", "commit_transaction__mined_at"),
        n_members=Count("members"),
    )
    rows = rows.filter(committed_at__isnull=False)  # a row put back in the queue has lost its times
    rows = window.bound(rows, "committed_at").order_by("-committed_at", "-id")[: window.limit]
    path = reverse("bounties:challenge-detail", args=[challenge.slug]) + "#trust-heading"
    return [
        FeedItem(
            kind=ItemKind.COMMITMENT,
            key=f"commitment-{batch.pk}",
            at=batch.committed_at,
            headline=f"{_count(batch.n_members, 'submission')} committed on chain (root {batch.root[:10]}…)",
            path=path,
        )
        for batch in rows
    ]


def _prize_proposals_q(challenge: Challenge) -> Exists:
    """Proposals the platform drafted for this challenge's prizes (the draft names the proposal id)."""
    return Exists(
        PrizeProposalDraft.objects.filter(
            challenge=challenge, deployment=OuterRef("deployment"), proposal_id=OuterRef("proposal_id")
        )
    )


PROPOSAL_STEPS = (
    ("created_at", "created", "Prize proposal “{title}” submitted to the vote"),
    ("queued_at", "queued", "Prize proposal “{title}” passed and was queued in the timelock"),
    ("executed_at", "executed", "Prize proposal “{title}” executed: the prizes are credited"),
    ("canceled_at", "canceled", "Prize proposal “{title}” canceled"),
)


def proposal_items(challenge: Challenge, window: Window) -> list[FeedItem]:
    """Each step of the challenge's prize proposals; a challenge has a handful at most (one per result)."""
    rows = ProposalMirror.objects.filter(_prize_proposals_q(challenge)).order_by("-created_at", "-id")
    return sorted(_proposal_steps(rows, window), key=FeedItem.sort_key, reverse=True)[: window.limit]


def _proposal_steps(rows: Iterable[ProposalMirror], window: Window) -> Iterable[FeedItem]:
    for proposal in rows:
        title = proposal_title(proposal.description)
        path = reverse("governance:proposal-detail", kwargs={"proposal_id": proposal.proposal_id})
        for field, step, wording in PROPOSAL_STEPS:
            moment = getattr(proposal, field)
            if moment is not None and window.holds(moment):
                key = f"proposal-{proposal.deployment_id}-{proposal.proposal_id}-{step}"
                yield FeedItem(ItemKind.PROPOSAL, key, moment, wording.format(title=title), path)


SUPPORT_WORDS = {VoteSupport.FOR: "for", VoteSupport.AGAINST: "against", VoteSupport.ABSTAIN: "abstaining on"}


def vote_items(challenge: Challenge, window: Window) -> list[FeedItem]:
    proposals = ProposalMirror.objects.filter(_prize_proposals_q(challenge))
    rows = window.bound(VoteMirror.objects.filter(proposal__in=proposals), "block_time")
    rows = rows.select_related("proposal").order_by("-block_time", "-id")[: window.limit]
    return [
        FeedItem(
            kind=ItemKind.VOTE,
            key=f"vote-{vote.pk}",
            at=vote.block_time,
            headline=(
                f"{short_address(vote.voter)} voted {SUPPORT_WORDS.get(vote.support, 'on')} "
                f"“{proposal_title(vote.proposal.description)}” with {tokens(vote.weight)} votes"
            ),
            path=reverse("governance:proposal-detail", kwargs={"proposal_id": vote.proposal.proposal_id}),
        )
        for vote in rows
    ]


PAYOUT_WORDING = {
    PoolMovement.Kind.FUNDING: "{account} added {amount} tokens to the prize pool",
    PoolMovement.Kind.AWARD: "{amount} tokens awarded to {account}",
    PoolMovement.Kind.CLAIM: "{account} claimed {amount} tokens",
}


def payout_items(challenge: Challenge, window: Window) -> list[FeedItem]:
    """Money into the challenge's escrow pool, prizes credited and prizes claimed."""
    # The pool is the escrow's record with this challenge's escrow id, on the deployment that created it.
    this_challenge = (
        ChallengeOnChain.objects.filter(
            challenge=challenge, create_transaction__deployment=OuterRef("pool__deployment")
        )
        .annotate(escrow_id=Cast("escrow_challenge_id", CharField(max_length=78)))
        .filter(escrow_id=OuterRef("pool__challenge_id"))
    )
    rows = PoolMovement.objects.filter(Exists(this_challenge), kind__in=list(PAYOUT_WORDING))
    rows = window.bound(rows, "block_time").order_by("-block_time", "-log_index", "-id")[: window.limit]
    path = reverse("governance:treasury")
    return [
        FeedItem(
            kind=ItemKind.FUNDING if movement.kind == PoolMovement.Kind.FUNDING else ItemKind.PAYOUT,
            key=f"payout-{movement.pk}",
            at=movement.block_time,
            headline=PAYOUT_WORDING[PoolMovement.Kind(movement.kind)].format(
                account=short_address(movement.account), amount=tokens(movement.amount)
            ),
            path=path,
        )
        for movement in rows
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


SOURCES = (clue_items, best_score_items, commitment_items, proposal_items, vote_items, payout_items)
