"""Reward shares: how a prize is split between its winner and the work the winner built on.

Pure arithmetic, no Django: the callers turn citations into the plain values below. The rule:

- The winning work's citations are level 1, their citations level 2, and so on down to `depth` levels.
  Each work counts once, at the shallowest level it is reached (a visited set, so cycles end).
- A citation of the citing work's own author (a self-citation) earns nothing and is not followed, and no
  work by the winner earns a share: both would only pay the winner's side again.
- `share_bps` of the prize (basis points, rounded down) is the pot. A work at level k weighs 2**(depth - k):
  each level deeper weighs half as much as the one above. Each work gets pot * weight // total weight;
  the units left by rounding go one each to the works in order (level, kind, id), so the result is
  exact and the same for the same input.
- The winner keeps the prize minus the shares: the shares and the winner's part always sum to the prize.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

BASIS_POINTS = 10_000


@dataclass(frozen=True, order=True)
class Work:
    """A citable work: a submission or a clue, by its id."""

    kind: str  # "clue" or "submission"
    id: int


@dataclass(frozen=True)
class Share:
    """What one cited work earns from one prize, and how far from the winner it sits."""

    work: Work
    author: Hashable
    level: int
    amount: int


@dataclass(frozen=True)
class PrizeSplit:
    winner_amount: int
    shares: tuple[Share, ...]  # in order (level, kind, id); none with a zero amount


def split_prize(
    *,
    prize: int,
    winning_work: Work,
    winner: Hashable,
    cites: Mapping[Work, Sequence[Work]],
    authors: Mapping[Work, Hashable],
    share_bps: int,
    depth: int,
) -> PrizeSplit:
    """Split `prize` (integer base units) between `winner` and the works `winning_work` builds on.

    `cites` maps a work to the works it cites; `authors` names each work's author (a work without an
    author is skipped). Raises ValueError for a negative prize, a share outside 0..10000 or a negative depth.
    """
    if prize < 0 or not 0 <= share_bps <= BASIS_POINTS or depth < 0:
        raise ValueError("the prize must be >= 0, the share 0..10000 basis points and the depth >= 0")
    levels = lineage_levels(
        winning_work=winning_work, winner=winner, cites=cites, authors=authors, depth=depth
    )
    if not levels:
        return PrizeSplit(winner_amount=prize, shares=())
    pot = prize * share_bps // BASIS_POINTS
    ordered = sorted(levels, key=lambda work: (levels[work], work))
    weights = [2 ** (depth - levels[work]) for work in ordered]
    total = sum(weights)
    amounts = [pot * weight // total for weight in weights]
    for index in range(pot - sum(amounts)):  # fewer than len(ordered) units: one each, in order
        amounts[index] += 1
    shares = tuple(
        Share(work=work, author=authors[work], level=levels[work], amount=amount)
        for work, amount in zip(ordered, amounts, strict=True)
        if amount > 0
    )
    return PrizeSplit(winner_amount=prize - sum(share.amount for share in shares), shares=shares)


def lineage_levels(
    *,
    winning_work: Work,
    winner: Hashable,
    cites: Mapping[Work, Sequence[Work]],
    authors: Mapping[Work, Hashable],
    depth: int,
) -> dict[Work, int]:
    """The works that earn a share, each with its level (1 = cited by the winning work), breadth first."""
    visited = {winning_work}
    levels: dict[Work, int] = {}
    frontier = [winning_work]
    for level in range(1, depth + 1):
        reached: list[Work] = []
        for citing in sorted(frontier):
            for cited in sorted(set(cites.get(citing, ()))):
                if cited in visited or not _earns(cited, citing, winner, authors):
                    continue
                visited.add(cited)
                levels[cited] = level
                reached.append(cited)
        frontier = reached
    return levels


def _earns(cited: Work, citing: Work, winner: Hashable, authors: Mapping[Work, Hashable]) -> bool:
    author = authors.get(cited)
    return author is not None and author != winner and author != authors.get(citing)
