"""The demo's script: the two earlier rounds and who submitted what, when, built on which earlier work.

Only the plan: `seeding` carries it out. Every model is trained for real with the starter script at seed
time (a few epochs, so the whole story trains in seconds); more epochs and more of the training split
make better models, so the scores the worker gives climb over the days the way a contest's do. The days
are offsets from each challenge's start, to which the work is backdated; the scores stay the worker's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bounties.demo_names import DEMO_SLUG

ROUND_PAID = "digits-round-1"  # closed, attested, voted, executed and claimed: its winner was paid
ROUND_VOTING = "digits-round-2"  # closed and attested; its prize proposal is open for voting


@dataclass(frozen=True)
class PlannedRound:
    slug: str
    title: str
    summary: str
    opened_days_ago: int
    prize_tokens: int


@dataclass(frozen=True)
class PlannedSubmission:
    challenge: str
    contributor: str
    title: str
    day: float  # after the challenge's start
    epochs: int
    seed: int
    rows: int | None  # the first rows of the training split; None: all of it
    source_license: str
    writeup: str
    builds_on_submissions: tuple[str, ...] = ()  # titles, in the same challenge
    builds_on_clues: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedClue:
    challenge: str
    author: str
    title: str
    day: float
    writeup: str
    builds_on_submissions: tuple[str, ...] = ()


# A round stays open on chain a few hours after seeding: long enough to create it in the escrow and commit
# its submissions even after an interruption, short enough that closing it moves the chain's clock little.
ROUND_OPEN_FOR = timedelta(hours=2)
ROUNDS = (
    PlannedRound(ROUND_PAID, "Handwritten digits, round 1", "The first round: its prizes were paid.", 40, 3_000),
    PlannedRound(ROUND_VOTING, "Handwritten digits, round 2", "Closed: its prize proposal is up for a vote.", 20, 2_000),
)  # fmt: skip

SUBMISSIONS = (
    PlannedSubmission(ROUND_PAID, "kofi", "One quick epoch", 3, 1, 1, 1500, "MIT",
                      "The starter script, one epoch on half the split, to see where we stand."),
    PlannedSubmission(ROUND_PAID, "lin", "Two epochs, all rows", 9, 2, 2, None, "Apache-2.0",
                      "All 3,000 rows and two epochs: the noise needs the whole split.",
                      builds_on_submissions=("One quick epoch",)),
    PlannedSubmission(ROUND_PAID, "maya", "Two epochs, another seed", 15, 2, 3, None, "MIT",
                      "Two epochs from another seed, to see how much the seed moves the score."),
    PlannedSubmission(ROUND_VOTING, "sofia", "Warm-up MLP", 2, 1, 4, 2000, "BSD-3-Clause",
                      "The starter MLP, one epoch on two thirds of the split."),
    PlannedSubmission(ROUND_VOTING, "ravi", "Longer training", 6, 3, 5, None, "MIT",
                      "Three epochs on every row: more passes help more than anything else I tried.",
                      builds_on_submissions=("Warm-up MLP",)),
    PlannedSubmission(ROUND_VOTING, "kofi", "Two epochs, seed 6", 11, 2, 6, None, "Apache-2.0",
                      "Two epochs from another seed, to compare with ravi's three."),
    PlannedSubmission(DEMO_SLUG, "maya", "First try: one epoch", 0.6, 1, 7, 1500, "MIT",
                      "The starter script for one epoch on half the training split. A floor to beat."),
    PlannedSubmission(DEMO_SLUG, "kofi", "Three epochs on the full split", 1.5, 3, 8, None, "Apache-2.0",
                      "Same network, every row, three epochs.",
                      builds_on_submissions=("First try: one epoch",)),
    PlannedSubmission(DEMO_SLUG, "sofia", "Four epochs, after lin's clue", 3.4, 4, 9, None, "BSD-3-Clause",
                      "Following the clue: the faded digits reward more passes over the data.",
                      builds_on_clues=("Train longer, the noise averages out",)),
    PlannedSubmission(DEMO_SLUG, "ravi", "Five epochs, seed 10", 5.0, 5, 10, None, "MIT",
                      "Sofia's recipe one epoch longer, from another seed.",
                      builds_on_submissions=("Four epochs, after lin's clue",)),
    PlannedSubmission(DEMO_SLUG, "maya", "Six epochs", 6.5, 6, 11, None, "MIT",
                      "Back with the clue's advice taken further: six epochs on every row.",
                      builds_on_submissions=("Five epochs, seed 10",),
                      builds_on_clues=("Train longer, the noise averages out",)),
)  # fmt: skip

CLUES = (
    PlannedClue(DEMO_SLUG, "lin", "Train longer, the noise averages out", 2.4,
                "Going from one to three epochs moved kofi's score a lot. The grain and the stray strokes "
                "differ in every copy of a digit, so each extra pass shows the network new noise on the same "
                "shapes: try four or more epochs before changing the network.",
                builds_on_submissions=("Three epochs on the full split",)),
)  # fmt: skip
