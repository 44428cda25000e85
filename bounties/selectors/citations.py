"""Citations both ways ("builds on" and "cited by"), limited to the work the viewer may see.

A contributor may cite their own unpublished submission, and unpublished work may cite anything, so the
raw relations can name work that another viewer must not see; these reads filter it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from bounties.models import Clue, Submission
from bounties.selectors.submissions import submissions_visible_to


@dataclass(frozen=True)
class Citations:
    builds_on_submissions: list[Submission]
    builds_on_clues: list[Clue]
    cited_by_submissions: list[Submission]
    cited_by_clues: list[Clue]

    @property
    def is_empty(self) -> bool:
        return not (
            self.builds_on_submissions
            or self.builds_on_clues
            or self.cited_by_submissions
            or self.cited_by_clues
        )


def _visible_submissions(viewer: Any) -> QuerySet[Submission]:
    # The detail prefetches of submissions_visible_to are not needed for a list of links.
    return submissions_visible_to(viewer=viewer).prefetch_related(None).order_by("created_at", "id")


def _visible_clues() -> QuerySet[Clue]:
    return (
        Clue.objects.filter(challenge__published_at__isnull=False)
        .select_related("author", "challenge")
        .order_by("created_at", "id")
    )


def citations_of_submission(*, submission: Submission, viewer: Any) -> Citations:
    """Four queries whatever the number of citations."""
    return Citations(
        builds_on_submissions=list(_visible_submissions(viewer).filter(cited_by_submissions=submission)),
        builds_on_clues=list(_visible_clues().filter(cited_by_submissions=submission)),
        cited_by_submissions=list(_visible_submissions(viewer).filter(builds_on_submissions=submission)),
        cited_by_clues=list(_visible_clues().filter(builds_on_submissions=submission)),
    )


def citations_of_clue(*, clue: Clue, viewer: Any) -> Citations:
    """Four queries whatever the number of citations."""
    return Citations(
        builds_on_submissions=list(_visible_submissions(viewer).filter(cited_by_clues=clue)),
        builds_on_clues=list(_visible_clues().filter(cited_by_clues=clue)),
        cited_by_submissions=list(_visible_submissions(viewer).filter(builds_on_clues=clue)),
        cited_by_clues=list(_visible_clues().filter(builds_on_clues=clue)),
    )
