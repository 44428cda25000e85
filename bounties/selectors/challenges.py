"""Challenge reads for lists and detail pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bounties.errors import NotFound
from bounties.models import Challenge, ChallengeResource, ChallengeStatus
from bounties.selectors.visibility import overseen_challenges_q


def challenge_list(
    *, status: str | None = None, metric: str | None = None, search: str | None = None
) -> QuerySet[Challenge]:
    """Published challenges with their status and counts, in one query; filters are optional."""
    challenges = (
        Challenge.objects.visible()
        .with_status()
        .annotate(
            n_submissions=Count("submissions", distinct=True),
            n_contributors=Count("submissions__contributor", distinct=True),
        )
        .order_by("-ends_at", "id")
    )
    if status in ChallengeStatus.values:
        challenges = challenges.filter(current_status=status)  # type: ignore[misc]
    if metric:
        challenges = challenges.filter(metric=metric)
    if search:
        challenges = challenges.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    return challenges


def challenge_get_visible(*, slug: str, viewer: object | None = None) -> Challenge:
    """A published challenge by slug (a draft only for its organizer or a superuser); raises NotFound."""
    challenges = Challenge.objects.with_status().select_related("hidden_dataset")
    challenges = challenges.filter(Q(published_at__isnull=False) | overseen_challenges_q(viewer))
    challenge = challenges.filter(slug=slug).first()
    if challenge is None:
        raise NotFound(f"There is no challenge '{slug}'.")
    return challenge


def published_challenge_version(*, slug: str) -> tuple[int, int] | None:
    """A published challenge's id and scores version, or None: all that a page kept for signed-out readers
    depends on besides time, in one lean read (the full challenge is loaded only to render the page)."""
    return (
        Challenge.objects.filter(slug=slug, published_at__isnull=False)
        .values_list("pk", "scores_version")
        .first()
    )


def challenge_resources(*, challenge: Challenge) -> QuerySet[ChallengeResource]:
    """The challenge's public files with their artifacts, in the order they were added."""
    return ChallengeResource.objects.filter(challenge=challenge).select_related("artifact")


def challenge_resource_get(*, challenge: Challenge, filename: str) -> ChallengeResource:
    """One public file of a challenge the caller has already found visible; raises NotFound."""
    resource = challenge_resources(challenge=challenge).filter(filename=filename).first()
    if resource is None:
        raise NotFound(f"'{challenge.title}' offers no file named '{filename}'.")
    return resource
