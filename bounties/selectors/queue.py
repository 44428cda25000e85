"""Where waiting submissions stand in the evaluation queue, for a whole page of them at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from bounties.models import Submission, SubmissionStatus

WAITING_STATUSES = (SubmissionStatus.RECEIVED, SubmissionStatus.QUEUED)


def queue_positions(submissions: Iterable[Submission]) -> dict[int, int]:
    """1-based queue place of each waiting submission, keyed by id; others are left out.

    Same rule as `submission_queue_position` (places count every waiting submission created earlier),
    but one query for a whole page instead of one per row.
    """
    waiting = [s for s in submissions if s.status in WAITING_STATUSES]
    if not waiting:
        return {}
    ahead = Submission.objects.filter(status__in=WAITING_STATUSES).aggregate(
        **{
            f"ahead_{s.pk}": Count(
                "id",
                filter=Q(
                    created_at__lt=s.created_at, challenge__evaluation_queue=s.challenge.evaluation_queue
                ),
            )
            for s in waiting
        }
    )
    return {s.pk: int(ahead[f"ahead_{s.pk}"]) + 1 for s in waiting}
