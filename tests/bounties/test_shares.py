"""The reward-share arithmetic: exact, deterministic, never negative, no self-rewards, cycles end."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bounties.shares import Share, Work, lineage_levels, split_prize

WIN = Work("submission", 1)
A, B, C, D = Work("clue", 10), Work("clue", 11), Work("submission", 12), Work("clue", 13)


def test_the_share_halves_at_each_level_and_the_winner_keeps_the_rest() -> None:
    cites = {WIN: [A, C], A: [B], C: [D]}
    authors = {WIN: "win", A: "ann", B: "bob", C: "cat", D: "dan"}

    split = split_prize(
        prize=1_000, winning_work=WIN, winner="win", cites=cites, authors=authors, share_bps=1_200, depth=2
    )

    # pot 120; weights: A and C (level 1) 2 each, B and D (level 2) 1 each; total 6, so 40/40/20/20.
    assert split.shares == (
        Share(A, "ann", 1, 40),
        Share(C, "cat", 1, 40),
        Share(B, "bob", 2, 20),
        Share(D, "dan", 2, 20),
    )
    assert split.winner_amount == 880


def test_rounding_units_go_in_order_of_level_kind_and_id() -> None:
    cites = {WIN: [C, A, B]}
    authors = {WIN: "win", A: "ann", B: "bob", C: "cat"}

    split = split_prize(
        prize=100, winning_work=WIN, winner="win", cites=cites, authors=authors, share_bps=1_000, depth=1
    )

    # pot 10 over three equal weights: 3 each and one unit left, which goes to clue #10 first.
    assert [(s.work, s.amount) for s in split.shares] == [(A, 4), (B, 3), (C, 3)]
    assert split.winner_amount == 90


def test_self_citations_and_the_winners_own_work_earn_nothing() -> None:
    own, self_cited = Work("clue", 20), Work("clue", 21)
    cites = {WIN: [own, A], A: [self_cited]}
    authors = {WIN: "win", own: "win", A: "ann", self_cited: "ann"}

    split = split_prize(
        prize=1_000, winning_work=WIN, winner="win", cites=cites, authors=authors, share_bps=1_000, depth=2
    )

    assert split.shares == (Share(A, "ann", 1, 100),)
    assert split.winner_amount == 900


def test_nothing_cited_or_no_share_leaves_the_whole_prize_to_the_winner() -> None:
    kwargs: dict[str, Any] = {"winning_work": WIN, "winner": "w", "authors": {A: "ann"}, "depth": 2}
    assert split_prize(prize=7, cites={}, share_bps=5_000, **kwargs).winner_amount == 7
    assert split_prize(prize=7, cites={WIN: [A]}, share_bps=0, **kwargs).winner_amount == 7
    assert split_prize(prize=7, cites={WIN: [A]}, share_bps=0, **kwargs).shares == ()


def test_a_cycle_is_visited_once_at_its_shallowest_level() -> None:
    cites = {WIN: [A], A: [B], B: [A, WIN]}
    authors = {WIN: "win", A: "ann", B: "bob"}
    assert lineage_levels(winning_work=WIN, winner="win", cites=cites, authors=authors, depth=9) == {
        A: 1,
        B: 2,
    }


@pytest.mark.parametrize(("prize", "bps", "depth"), [(-1, 0, 1), (1, -1, 1), (1, 10_001, 1), (1, 1, -1)])
def test_out_of_range_inputs_are_refused(prize: int, bps: int, depth: int) -> None:
    with pytest.raises(ValueError, match="basis points"):
        split_prize(
            prize=prize, winning_work=WIN, winner="w", cites={}, authors={}, share_bps=bps, depth=depth
        )


works = st.builds(Work, st.sampled_from(["clue", "submission"]), st.integers(1, 12))
graphs = st.dictionaries(works, st.lists(works, max_size=6), max_size=14)
authors_of = st.dictionaries(works, st.sampled_from(["ann", "bob", "cat", "win"]), max_size=24)


@settings(max_examples=300, deadline=None)
@given(
    prize=st.integers(0, 10**30),
    cites=graphs,
    authors=authors_of,
    share_bps=st.integers(0, 10_000),
    depth=st.integers(0, 6),
    winning_work=works,
)
def test_shares_always_sum_to_the_prize_and_follow_the_rules(
    prize: int,
    cites: dict[Work, list[Work]],
    authors: dict[Work, str],
    share_bps: int,
    depth: int,
    winning_work: Work,
) -> None:
    arguments: dict[str, Any] = {
        "prize": prize,
        "winning_work": winning_work,
        "winner": "win",
        "cites": cites,
        "authors": authors,
        "share_bps": share_bps,
        "depth": depth,
    }
    split = split_prize(**arguments)

    assert split.winner_amount + sum(s.amount for s in split.shares) == prize
    assert split.winner_amount >= prize - prize * share_bps // 10_000
    assert all(s.amount > 0 for s in split.shares)
    assert all(s.author != "win" for s in split.shares)
    assert all(1 <= s.level <= depth for s in split.shares)
    assert len({s.work for s in split.shares}) == len(split.shares)
    assert winning_work not in {s.work for s in split.shares}
    assert split_prize(**arguments) == split
    # The order of citations as stored does not change the result.
    reversed_cites = {work: list(reversed(cited)) for work, cited in reversed(list(cites.items()))}
    assert split_prize(**(arguments | {"cites": reversed_cites})) == split


@settings(max_examples=200, deadline=None)
@given(cites=graphs, authors=authors_of, winning_work=works, depth=st.integers(0, 6))
def test_no_work_earns_through_a_self_citation(
    cites: dict[Work, list[Work]], authors: dict[Work, str], winning_work: Work, depth: int
) -> None:
    levels = lineage_levels(
        winning_work=winning_work, winner="win", cites=cites, authors=authors, depth=depth
    )
    for work, level in levels.items():
        # Some citing work one level up, by another author, cites it.
        parents = [winning_work] if level == 1 else [p for p, lv in levels.items() if lv == level - 1]
        assert any(work in cites.get(p, ()) and authors.get(p) != authors[work] for p in parents)
