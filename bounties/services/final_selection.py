"""Choosing the submissions that count in the private (final) ranking, as on Kaggle.

Each contributor may select up to the challenge's `final_selection_limit` of their scored submissions
while it is open; without a selection their best public ones count. The private leaderboard ranks only
these, so sheer volume cannot buy a lucky private score.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bounties.errors import ApplicationError, ChallengeNotOpen, FinalSelectionFull, NotFound
from bounties.leaderboard_version import leaderboard_changed
from bounties.models import Submission, SubmissionStatus
from bounties.services.participation import participation_lock


@transaction.atomic
def submission_set_final_selection(*, submission_id: int, contributor: Any, selected: bool) -> Submission:
    """Select or unselect one of the contributor's own scored submissions; idempotent.

    Raises NotFound (not theirs), ChallengeNotOpen (selection closed with the challenge), ApplicationError
    (not scored), or FinalSelectionFull (the limit is reached: unselect one first).
    """
    submission = Submission.objects.select_related("challenge").filter(pk=submission_id).first()
    if submission is None or submission.contributor_id != contributor.pk:
        raise NotFound(f"There is no submission #{submission_id}.")
    challenge = submission.challenge
    if not challenge.is_open:
        raise ChallengeNotOpen("The final selection closed with the challenge.")
    if selected and submission.status != SubmissionStatus.SCORED:
        raise ApplicationError("Only a scored submission can be selected for the final ranking.")
    participation_lock(challenge=challenge, contributor=contributor)
    if selected and not submission.selected_for_final:
        taken = Submission.objects.filter(
            challenge=challenge, contributor=contributor, selected_for_final=True
        ).count()
        if taken >= challenge.final_selection_limit:
            raise FinalSelectionFull(
                f"You have selected {taken} of {challenge.final_selection_limit} final submissions; "
                "unselect one first."
            )
    Submission.objects.filter(pk=submission.pk).update(selected_for_final=selected)
    leaderboard_changed(challenge.pk)  # the private ranking counts the selection
    submission.selected_for_final = selected
    return submission
