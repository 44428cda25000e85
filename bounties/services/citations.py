"""Resolving "builds on" citations: only work the citing contributor can see may be cited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bounties.errors import ApplicationError, NotFound
from bounties.models import Clue, Submission
from bounties.selectors.submissions import submissions_visible_to

MAX_CITATIONS = 50


def resolve_citations(
    *, viewer: Any, submission_ids: Sequence[int], clue_ids: Sequence[int]
) -> tuple[list[Submission], list[Clue]]:
    """The cited submissions and clues; raises NotFound naming the first id that cannot be cited."""
    submission_ids, clue_ids = sorted(set(submission_ids)), sorted(set(clue_ids))
    if len(submission_ids) + len(clue_ids) > MAX_CITATIONS:
        raise ApplicationError(f"Cite at most {MAX_CITATIONS} works.", field="builds_on")
    submissions = list(submissions_visible_to(viewer=viewer).filter(pk__in=submission_ids))
    missing = set(submission_ids) - {s.pk for s in submissions}
    if missing:
        raise NotFound(
            f"Submission #{min(missing)} does not exist or is not published, so it cannot be cited.",
            field="builds_on_submissions",
        )
    clues = list(Clue.objects.filter(pk__in=clue_ids, challenge__published_at__isnull=False))
    missing = set(clue_ids) - {c.pk for c in clues}
    if missing:
        raise NotFound(
            f"Clue #{min(missing)} does not exist, so it cannot be cited.", field="builds_on_clues"
        )
    return submissions, clues
