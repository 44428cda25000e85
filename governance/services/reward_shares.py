"""Who a prize proposal pays: each ranked contributor's prize by the split, less the clue share that goes
to the work the winning submission built on (bounties.shares does the arithmetic).

A cited author without a linked wallet cannot be paid on chain: their share stays with the winner (it was
the winner's prize before it was shared), and the draft lists it under `unpayable` so members see it. A
winner without a wallet is not paid, as before; the authors they cite who have wallets still are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from web3 import Web3

from bounties.models import Challenge
from bounties.selectors.lineage import Lineage, challenge_lineage
from bounties.shares import Share, Work, split_prize
from governance.services import prize_inputs


def prize_recipients(
    *,
    challenge: Challenge,
    ranking: Sequence[int],
    winning_submissions: Sequence[int | None],
    split: Sequence[int],
    pool: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The paid entries (rank order; each winner, then the authors sharing in their prize) and the unpaid.

    Rank r gets split[r-1] percent of the pool, rounded down; the dust and the shares of ranks nobody can
    receive stay unawarded, which the escrow gives back to the funders pro rata.
    """
    lineage = challenge_lineage(challenge=challenge) if challenge.clue_share_bps else None
    prizes = [
        (rank, user_id, percent, pool * percent // 100)
        for rank, (user_id, percent) in enumerate(zip(ranking, split, strict=False), start=1)
    ]
    shares = {
        rank: _shares(lineage, user_id, _winning(winning_submissions, rank), prize, challenge)
        for rank, user_id, _, prize in prizes
    }
    user_ids = set(ranking[: len(split)]) | {s.author for rank_shares in shares.values() for s in rank_shares}
    users = get_user_model().objects.in_bulk(user_ids)
    wallets = {user_id: _checksummed(prize_inputs.wallet_address_of(user)) for user_id, user in users.items()}
    paid: list[dict[str, Any]] = []
    unpaid: list[dict[str, Any]] = []
    for rank, user_id, percent, prize in prizes:
        username = str(users[user_id].get_username())
        winner = {"rank": rank, "user_id": user_id, "username": username, "share": percent}
        share_paid, share_unpaid = _share_entries(rank, shares[rank], users, wallets, username)
        unpaid += share_unpaid
        winner_amount = prize - sum(int(e["amount"]) for e in share_paid)
        kept = sum(int(e["amount"]) for e in share_unpaid)
        address = wallets[user_id]
        if address is None:
            unpaid.append(winner)
        elif winner_amount > 0:
            paid.append(winner | _kept(kept) | {"address": address, "amount": str(winner_amount)})
        paid += share_paid
    return paid, unpaid


def _share_entries(
    rank: int, shares: Sequence[Share], users: dict[Any, Any], wallets: dict[Any, str | None], winner: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One entry per cited author: paid to their wallet, or kept by the winner when they have none."""
    paid: list[dict[str, Any]] = []
    unpaid: list[dict[str, Any]] = []
    for author_id, works in _by_author(shares).items():
        entry = _share_entry(rank, users[author_id], works, sum(s.amount for s in works))
        address = wallets[author_id]
        if address is None:
            unpaid.append(entry | {"kept_by": winner})
        else:
            paid.append(entry | {"address": address})
    return paid, unpaid


def _checksummed(address: str | None) -> str | None:
    return Web3.to_checksum_address(address) if address is not None else None


def award_lists(recipients: Sequence[dict[str, Any]]) -> tuple[list[str], list[int]]:
    """The escrow's `award` arguments: one amount per address (repeats added up), in first-seen order."""
    totals: dict[str, int] = {}
    for entry in recipients:
        totals[entry["address"]] = totals.get(entry["address"], 0) + int(entry["amount"])
    return list(totals), list(totals.values())


def _winning(winning_submissions: Sequence[int | None], rank: int) -> int | None:
    return winning_submissions[rank - 1] if rank <= len(winning_submissions) else None


def _shares(
    lineage: Lineage | None, user_id: int, submission_id: int | None, prize: int, challenge: Challenge
) -> tuple[Share, ...]:
    if lineage is None or submission_id is None:
        return ()
    return split_prize(
        prize=prize,
        winning_work=Work("submission", submission_id),
        winner=user_id,
        cites=lineage.cites,
        authors=lineage.authors,
        share_bps=challenge.clue_share_bps,
        depth=challenge.share_depth,
    ).shares


def _by_author(shares: Sequence[Share]) -> dict[int, list[Share]]:
    grouped: dict[int, list[Share]] = defaultdict(list)
    for share in shares:
        grouped[int(share.author)].append(share)  # type: ignore[call-overload]
    return dict(grouped)


def _share_entry(rank: int, user: Any, works: Sequence[Share], amount: int) -> dict[str, Any]:
    return {
        "rank": rank,
        "kind": "share",
        "user_id": user.pk,
        "username": user.get_username(),
        "works": [
            {"kind": s.work.kind, "id": s.work.id, "level": s.level, "amount": str(s.amount)} for s in works
        ],
        "amount": str(amount),
    }


def _kept(kept: int) -> dict[str, str]:
    return {"kept_shares": str(kept)} if kept else {}
