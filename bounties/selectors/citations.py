"""Citations both ways ("builds on" and "cited by"), limited to the work the viewer may see.

A contributor may cite their own unpublished submission, and unpublished work may cite anything, so the
raw relations can name work that another viewer must not see; these reads filter it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from bounties.models import Clue, Submission
from bounties.selectors.submissions import submissions_visible_to
from bounties.selectors.visibility import published_submissions_q


@dataclass(frozen=True)
class Citations:
    builds_on_submissions: list[Submission]
    builds_on_clues: list[Clue]
    cited_by_submissions: list[Submission]
    cited_by_clues: list[Clue]
    challenge_slug: str = ""  # for the link to the challenge's lineage
    work: str = ""  # "clue-3" or "submission-5": the page's own work, for the progress prize link

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
        challenge_slug=submission.challenge.slug,
        work=f"submission-{submission.pk}",
    )


def citations_of_clue(*, clue: Clue, viewer: Any) -> Citations:
    """Four queries whatever the number of citations."""
    return Citations(
        builds_on_submissions=list(_visible_submissions(viewer).filter(cited_by_clues=clue)),
        builds_on_clues=list(_visible_clues().filter(cited_by_clues=clue)),
        cited_by_submissions=list(_visible_submissions(viewer).filter(builds_on_clues=clue)),
        cited_by_clues=list(_visible_clues().filter(builds_on_clues=clue)),
        challenge_slug=clue.challenge.slug,
        work=f"clue-{clue.pk}",
    )


def citable_submissions() -> QuerySet[Submission]:
    """Submissions anyone may cite: published, in a published challenge (the one rule, for every caller)."""
    return Submission.objects.filter(
        published_submissions_q(), challenge__published_at__isnull=False
    ).select_related("contributor")


def citable_clues() -> QuerySet[Clue]:
    """Clues anyone may cite: every clue of a published challenge (a clue is public once shared)."""
    return Clue.objects.filter(challenge__published_at__isnull=False).select_related("author")


@dataclass(frozen=True)
class CitableWork:
    """One row of the citation picker: what a contributor sees to choose the work they build on."""

    kind: str  # "submission" or "clue"
    id: int
    title: str
    author: str
    score: float | None  # the public score of a submission; None for a clue or an unscored submission

    @property
    def label(self) -> str:
        score = "" if self.score is None else f", score {self.score:.4g}"
        return f"#{self.id} {self.title or 'Untitled'} (by {self.author}{score})"


PICKER_LIMIT = 20


def citable_works_search(*, challenge: Any, query: str = "", limit: int = PICKER_LIMIT) -> list[CitableWork]:
    """Published submissions, then clues, of `challenge` matching `query` (title, author or #id), newest first.

    Two queries whatever the number of matches; at most `limit` of each kind.
    """
    query = query.strip()[:100]
    submissions = citable_submissions().filter(challenge=challenge)
    clues = citable_clues().filter(challenge=challenge)
    if query:
        number = query.removeprefix("#")
        by_id = Q(pk=int(number)) if number.isdigit() and len(number) < 12 else Q(pk__in=[])
        submissions = submissions.filter(
            by_id | Q(title__icontains=query) | Q(contributor__username__icontains=query)
        )
        clues = clues.filter(by_id | Q(title__icontains=query) | Q(author__username__icontains=query))
    rows = [
        CitableWork("submission", s.pk, s.title, s.contributor.username, s.public_score)
        for s in submissions.order_by("-created_at", "-id")[:limit]
    ]
    rows += [
        CitableWork("clue", c.pk, c.title, c.author.username, None)
        for c in clues.order_by("-created_at", "-id")[:limit]
    ]
    return rows
