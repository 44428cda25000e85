"""Who may see a submission's files and write-up, and when the private scores may be shown."""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from bounties.models import Challenge, PublishPolicy, Submission


def published_submissions_q() -> Q:
    """Submissions whose code and write-up are open to everyone: per policy, at once or after close."""
    now = timezone.now()
    return Q(challenge__publish_policy=PublishPolicy.IMMEDIATELY) | Q(challenge__ends_at__lte=now)


def submission_is_published(submission: Submission) -> bool:
    challenge = submission.challenge
    return challenge.publish_policy == PublishPolicy.IMMEDIATELY or challenge.is_past_close


def can_view_submission(*, submission: Submission, viewer: Any) -> bool:
    if (
        viewer is not None
        and viewer.is_authenticated
        and (viewer.pk == submission.contributor_id or viewer.is_staff)
    ):
        return True
    return submission_is_published(submission)


def private_scores_revealed(challenge: Challenge) -> bool:
    """The private part is shown to no one, owners included, before the challenge closes."""
    return challenge.is_past_close
