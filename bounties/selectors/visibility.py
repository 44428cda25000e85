"""Who may see a challenge, a submission's files and write-up, and when the private scores may be shown.

Organizers oversee their own challenges only; superusers oversee all; other staff see what the public
sees. Work a viewer may not see is answered exactly as missing work is, so its existence does not leak.
"""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from bounties.models import Challenge, PublishPolicy, Submission


def is_signed_in(viewer: Any) -> bool:
    return viewer is not None and bool(getattr(viewer, "is_authenticated", False))


def oversees_every_challenge(viewer: Any) -> bool:
    return is_signed_in(viewer) and bool(getattr(viewer, "is_superuser", False))


def oversees_challenge(*, viewer: Any, challenge: Challenge) -> bool:
    """The challenge's organizer or a superuser: may see its drafts and unpublished submissions."""
    return oversees_every_challenge(viewer) or (is_signed_in(viewer) and viewer.pk == challenge.organizer_id)


def overseen_challenges_q(viewer: Any, *, prefix: str = "") -> Q:
    """Challenges (under `prefix`, e.g. "challenge__") that the viewer oversees; matches none for others."""
    # Explicit conditions both ways: an empty Q() would vanish when OR-ed with another.
    if oversees_every_challenge(viewer):
        return Q(**{f"{prefix}pk__isnull": False})
    if is_signed_in(viewer):
        return Q(**{f"{prefix}organizer": viewer})
    return Q(**{f"{prefix}pk__in": []})


def published_submissions_q() -> Q:
    """Submissions whose code and write-up are open to everyone: per policy, at once or after close."""
    now = timezone.now()
    return Q(challenge__publish_policy=PublishPolicy.IMMEDIATELY) | Q(challenge__ends_at__lte=now)


def submission_is_published(submission: Submission) -> bool:
    challenge = submission.challenge
    return challenge.publish_policy == PublishPolicy.IMMEDIATELY or challenge.is_past_close


def can_view_submission(*, submission: Submission, viewer: Any) -> bool:
    if is_signed_in(viewer) and viewer.pk == submission.contributor_id:
        return True
    if oversees_challenge(viewer=viewer, challenge=submission.challenge):
        return True
    return submission.challenge.published_at is not None and submission_is_published(submission)


def private_scores_revealed(challenge: Challenge) -> bool:
    """The private part is shown on the site to no one, owners included, before the challenge closes."""
    return challenge.is_past_close
