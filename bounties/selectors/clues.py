"""Clue reads: lists and detail pages with their citations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from bounties.errors import NotFound
from bounties.models import Clue, Submission
from bounties.selectors.submissions import visible_submissions_q


def clue_list(
    *, viewer: Any = None, challenge_slug: str | None = None, search: str | None = None
) -> QuerySet[Clue]:
    """Clues of published challenges, each with how often work that this viewer may see cites it."""
    clues = (
        Clue.objects.filter(challenge__published_at__isnull=False)
        .select_related("challenge", "author")
        .annotate(n_cited_by=_citing_count(viewer))
    )
    if challenge_slug:
        clues = clues.filter(challenge__slug=challenge_slug)
    if search:
        clues = clues.filter(title__icontains=search)
    return clues


def _citing_count(viewer: Any) -> Any:
    """Citing submissions the viewer may see plus citing clues: a count of unpublished work would tell
    that it exists and builds on this clue."""
    citing_submissions = Submission.objects.filter(
        visible_submissions_q(viewer), builds_on_clues=OuterRef("pk")
    )
    citing_clues = Clue.objects.filter(challenge__published_at__isnull=False, builds_on_clues=OuterRef("pk"))
    return _count_of(citing_submissions) + _count_of(citing_clues)


def _count_of(rows: QuerySet[Any]) -> Coalesce:
    counted = rows.order_by().values("builds_on_clues").annotate(n=Count("pk", distinct=True)).values("n")
    return Coalesce(Subquery(counted), 0)


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
