"""Keeping each contributor's best submission (`BestSubmission`, the open leaderboard) as scores land."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bounties.models import BestSubmission, Challenge, Submission, SubmissionStatus


def ranks_before(
    challenge: Challenge, a: tuple[float, datetime, int], b: tuple[float, datetime, int]
) -> bool:
    """Whether (score, created_at, id) `a` ranks before `b`: a better score, or an equal one submitted
    earlier (then the lower id), as the leaderboard orders them."""
    if a[0] != b[0]:
        return a[0] > b[0] if challenge.higher_is_better else a[0] < b[0]
    return (a[1], a[2]) < (b[1], b[2])


@transaction.atomic
def best_submission_record(*, submission: Submission) -> None:
    """Count a submission that has just been scored in its contributor's row, and keep it if it is their
    best. Call once per submission, when it becomes scored, in the transaction that scores it."""
    if submission.status != SubmissionStatus.SCORED or submission.public_score is None:
        return  # not rankable (the scoring service always stores both scores)
    challenge = submission.challenge
    # The row lock serialises two scores of one contributor landing at once; a first score creates it
    # (the unique constraint makes a concurrent second create fail and retry as an update).
    best, created = BestSubmission.objects.select_for_update().get_or_create(
        challenge=challenge,
        contributor_id=submission.contributor_id,
        defaults={
            "submission": submission,
            "public_score": submission.public_score,
            "submitted_at": submission.created_at,
            "entries": 1,
        },
    )
    if created:
        return
    best.entries += 1
    candidate = (submission.public_score, submission.created_at, submission.pk)
    current = (best.public_score, best.submitted_at, best.submission_id)
    if ranks_before(challenge, candidate, current):
        best.submission = submission
        best.public_score = submission.public_score
        best.submitted_at = submission.created_at
    best.save(update_fields=["entries", "submission", "public_score", "submitted_at"])
