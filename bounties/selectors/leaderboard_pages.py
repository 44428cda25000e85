"""The leaderboard and the score chart as the pages read them: a page of the ranking at a time, cached
until the challenge's scores change (`bounties.leaderboard_version`).

The cache only saves repeating the ranking; a cold read is the same indexed query as `leaderboard_for`.
Keys also carry what the ranking depends on besides the scores (phase, publication, direction, the final
selection limit), so closing a challenge or editing its metric never serves the previous ranking.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from bounties.leaderboard_version import leaderboard_version
from bounties.models import Challenge, Submission
from bounties.selectors.leaderboard import (
    Leaderboard,
    LeaderboardEntry,
    ScorePoint,
    leaderboard_for,
    leaderboard_phase,
    ranked_contributors,
    score_history,
)
from bounties.selectors.visibility import submission_is_published
from clueboard.caching import cached

# A safety net only: every change to the scores makes a new key at once.
CACHE_SECONDS = 600


def _key(challenge: Challenge, *parts: object) -> str:
    published = submission_is_published(Submission(challenge=challenge))
    state = (
        leaderboard_phase(challenge),
        int(published),
        int(challenge.higher_is_better),
        challenge.final_selection_limit,
    )
    fields = ":".join(str(part) for part in (*state, *parts))
    return f"leaderboard:{challenge.pk}:{leaderboard_version(challenge.pk)}:{fields}"


def leaderboard_entries(challenge: Challenge, *, offset: int, limit: int) -> list[LeaderboardEntry]:
    def read() -> list[LeaderboardEntry]:
        return leaderboard_for(challenge, offset=offset, limit=limit).entries

    return list(cached(_key(challenge, "entries", offset, limit), read, seconds=CACHE_SECONDS))


def leaderboard_size(challenge: Challenge) -> int:
    """How many contributors are ranked."""
    return cached(_key(challenge, "size"), lambda: ranked_contributors(challenge), seconds=CACHE_SECONDS)


def leaderboard_top(challenge: Challenge, *, limit: int) -> Leaderboard:
    return Leaderboard(
        challenge=challenge,
        phase=leaderboard_phase(challenge),
        higher_is_better=challenge.higher_is_better,
        entries=leaderboard_entries(challenge, offset=0, limit=limit),
    )


def score_points(challenge: Challenge) -> list[ScorePoint]:
    return list(cached(_key(challenge, "chart"), lambda: score_history(challenge), seconds=CACHE_SECONDS))


@dataclass(frozen=True)
class LeaderboardRanking:
    """The whole ranking as a lazy sequence for Django's and DRF's paginators: `count()` and slicing
    read only the size and the page asked for."""

    challenge: Challenge

    def count(self) -> int:
        return leaderboard_size(self.challenge)

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> LeaderboardEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[LeaderboardEntry]: ...
    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, step = index.indices(self.count())
        if step != 1:
            raise ValueError("A leaderboard page is a contiguous range.")
        if stop <= start:
            return []
        return leaderboard_entries(self.challenge, offset=start, limit=stop - start)

    def __iter__(self) -> Iterator[LeaderboardEntry]:
        return iter(self[:])
