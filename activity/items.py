"""The typed items of a challenge's activity feed, shared by the page, the Atom feed and the digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ItemKind(StrEnum):
    CLUE = "clue"
    BEST_SCORE = "best_score"
    COMMITMENT = "commitment"
    PROPOSAL = "proposal"
    VOTE = "vote"
    PAYOUT = "payout"
    FUNDING = "funding"


KIND_LABELS = {
    ItemKind.CLUE: "Clue",
    ItemKind.BEST_SCORE: "New best",
    ItemKind.COMMITMENT: "Commitment",
    ItemKind.PROPOSAL: "Proposal",
    ItemKind.VOTE: "Vote",
    ItemKind.PAYOUT: "Payout",
    ItemKind.FUNDING: "Funding",
}


@dataclass(frozen=True)
class FeedItem:
    """One thing that happened to a challenge.

    `headline` is plain text: fixed wording around names and figures (which may come from contributors or
    the chain, so every output escapes it). `key` is unique within the challenge's feed and stable, so
    Atom ids and digest records can name the item. `path` is site-relative.
    """

    kind: ItemKind
    key: str
    at: datetime
    headline: str
    path: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def sort_key(self) -> tuple[datetime, str]:
        return (self.at, self.key)
