"""Clue reads: lists and detail pages with their citations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from bounties.errors import NotFound
from bounties.models import Clue, Submission
from bounties.selectors.submissions import visible_submissions_q


def clue_list(*, challenge_slug: str | None = None, search: str | None = None) -> QuerySet[Clue]:
    clues = (
        Clue.objects.filter(challenge__published_at__isnull=False)
        .select_related("challenge", "author")
        .annotate(
            n_cited_by=Count("cited_by_submissions", distinct=True) + Count("cited_by_clues", distinct=True)
        )
    )
    if challenge_slug:
        clues = clues.filter(challenge__slug=challenge_slug)
    if search:
        clues = clues.filter(title__icontains=search)
    return clues


def clue_get(*, clue_id: int, viewer: Any = None) -> Clue:
    """A clue with its citations; cited submissions are only those the viewer may see. Raises NotFound."""
    cited = Submission.objects.filter(visible_submissions_q(viewer)).select_related("contributor")
    clue = (
        Clue.objects.filter(pk=clue_id, challenge__published_at__isnull=False)
        .select_related("challenge", "author")
        .prefetch_related(
            "attachments__artifact",
            Prefetch("builds_on_submissions", queryset=cited),
            "builds_on_clues__author",
            Prefetch("cited_by_submissions", queryset=cited),
            "cited_by_clues__author",
        )
        .first()
    )
    if clue is None:
        raise NotFound(f"There is no clue #{clue_id}.")
    return clue
