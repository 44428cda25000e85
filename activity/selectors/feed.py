"""A challenge's activity feed: every source merged by time, newest first, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from activity.items import FeedItem
from activity.selectors.sources import SOURCES, Window
from bounties.models import Challenge

PAGE_SIZE = 20
# Each page reads the first page * size rows of every source (one query each, whatever the page), so
# deep pages cost more; past this one the feed stops offering older pages.
MAX_PAGE = 25


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def challenge_feed(
    *,
    challenge: Challenge,
    limit: int = PAGE_SIZE,
    after: datetime | None = None,
    until: datetime | None = None,
) -> list[FeedItem]:
    """The newest `limit` items of the challenge, optionally only those after `after` and up to `until`.

    One query per source (six or seven in all), whatever the challenge's size. The caller has checked
    that the viewer may see the challenge; what each item reveals is decided by its source.
    """
    window = Window(limit=limit, after=after, until=until)
    items = [item for source in SOURCES for item in source(challenge, window)]
    return sorted(items, key=FeedItem.sort_key, reverse=True)[:limit]


def challenge_feed_page(*, challenge: Challenge, number: int, size: int = PAGE_SIZE) -> FeedPage:
    """Page `number` (from 1, clamped to 1..MAX_PAGE) of the feed, newest first."""
    number = min(max(number, 1), MAX_PAGE)
    items = challenge_feed(challenge=challenge, limit=number * size + 1)
    start = (number - 1) * size
    return FeedPage(
        items=items[start : start + size],
        number=number,
        has_next=len(items) > number * size and number < MAX_PAGE,
    )
