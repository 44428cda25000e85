"""Resolving "builds on" citations: only published, earlier work of the same challenge may be cited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bounties.errors import ApplicationError, NotFound
from bounties.models import Challenge, Clue, Submission
from bounties.selectors.citations import citable_clues, citable_submissions

MAX_CITATIONS = 50

# The fixed reasons a citation is refused; {kind} and {id} are filled from trusted values only.
OTHER_CHALLENGE = "{kind} #{id} belongs to another challenge: only work of the same challenge can be cited."
LATER_WORK = "{kind} #{id} was published after this work, so it cannot be cited: cite only earlier work."


def resolve_citations(
    *,
    challenge: Challenge,
    citing_created_at: datetime,
    submission_ids: Sequence[int],
    clue_ids: Sequence[int],
) -> tuple[list[Submission], list[Clue]]:
    """The cited submissions and clues, published, of `challenge` and created before `citing_created_at`.

    Raises NotFound naming the first id that does not exist or is not published, ApplicationError for
    work of another challenge or later work (OTHER_CHALLENGE, LATER_WORK), or for too many citations.
    """
    submission_ids, clue_ids = sorted(set(submission_ids)), sorted(set(clue_ids))
    if len(submission_ids) + len(clue_ids) > MAX_CITATIONS:
        raise ApplicationError(f"Cite at most {MAX_CITATIONS} works.", field="builds_on")
    submissions = list(citable_submissions().filter(pk__in=submission_ids).order_by("pk"))
    missing = set(submission_ids) - {s.pk for s in submissions}
    if missing:
        raise NotFound(
            f"Submission #{min(missing)} does not exist or is not published, so it cannot be cited.",
            field="builds_on_submissions",
        )
    clues = list(citable_clues().filter(pk__in=clue_ids).order_by("pk"))
    missing = set(clue_ids) - {c.pk for c in clues}
    if missing:
        raise NotFound(
            f"Clue #{min(missing)} does not exist, so it cannot be cited.", field="builds_on_clues"
        )
    _check_same_challenge_and_earlier("Submission", submissions, challenge, citing_created_at)
    _check_same_challenge_and_earlier("Clue", clues, challenge, citing_created_at)
    return submissions, clues


def _check_same_challenge_and_earlier(
    kind: str, cited: Sequence[Submission | Clue], challenge: Challenge, citing_created_at: datetime
) -> None:
    field = f"builds_on_{kind.lower()}s"
    for work in cited:
        if work.challenge_id != challenge.pk:
            raise ApplicationError(OTHER_CHALLENGE.format(kind=kind, id=work.pk), field=field)
        if work.created_at >= citing_created_at:
            raise ApplicationError(LATER_WORK.format(kind=kind, id=work.pk), field=field)
