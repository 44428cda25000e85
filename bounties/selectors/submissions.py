"""Submission reads: one contributor's own list, detail with citations, published work."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from bounties.errors import NotFound
from bounties.models import Submission
from bounties.selectors.visibility import (
    can_view_submission,
    is_signed_in,
    overseen_challenges_q,
    published_submissions_q,
)


def visible_submissions_q(viewer: Any) -> Q:
    """Published submissions, the viewer's own, and those of the challenges the viewer oversees."""
    visible = Q(challenge__published_at__isnull=False) & published_submissions_q()
    if is_signed_in(viewer):
        visible |= Q(contributor=viewer) | overseen_challenges_q(viewer, prefix="challenge__")
    return visible


def _with_relations(submissions: QuerySet[Submission], viewer: Any) -> QuerySet[Submission]:
    # Citations to or from submissions list only those this viewer may see: an id alone would tell
    # that someone's unpublished work exists and builds on (or is built on by) this one.
    cited = Submission.objects.filter(visible_submissions_q(viewer)).select_related("contributor")
    return submissions.select_related(
        "challenge", "contributor", "model_artifact", "source_artifact"
    ).prefetch_related(
        Prefetch("builds_on_submissions", queryset=cited),
        "builds_on_clues__author",
        Prefetch("cited_by_submissions", queryset=cited),
        "cited_by_clues__author",
    )


def submissions_visible_to(*, viewer: Any) -> QuerySet[Submission]:
    """Published submissions plus the viewer's own."""
    return _with_relations(Submission.objects.filter(visible_submissions_q(viewer)), viewer)


def submissions_of_contributor(*, contributor: Any, viewer: Any) -> QuerySet[Submission]:
    return submissions_visible_to(viewer=viewer).filter(contributor=contributor)


def submission_get_for_viewer(*, submission_id: int, viewer: Any) -> Submission:
    """A submission the viewer may see; raises NotFound, the same for one that exists unseen."""
    submission = _with_relations(Submission.objects.filter(pk=submission_id), viewer).first()
    if submission is None or not can_view_submission(submission=submission, viewer=viewer):
        raise NotFound(f"There is no submission #{submission_id}.")
    return submission


def submission_queue_position(submission: Submission) -> int | None:
    """1-based place among the submissions waiting for a worker, or None when it is not waiting."""
    if submission.status not in ("received", "queued"):
        return None
    ahead = Submission.objects.filter(
        status__in=("received", "queued"),
        created_at__lt=submission.created_at,
        challenge__evaluation_queue=submission.challenge.evaluation_queue,  # CPU and GPU queues run apart
    )
    return ahead.count() + 1
