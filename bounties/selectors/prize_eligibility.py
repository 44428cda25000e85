"""Which submissions may win a prize: the one rule, read by the submission page, the API and prize drafting.

A prize pays for work that is published openly, so a submission is eligible only with a source archive
under an OSI-approved license (`bounties.licenses`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bounties.licenses import is_osi_license
from bounties.models import Submission

NO_SOURCE = "No source archive: not eligible for prizes."
NO_LICENSE = "No OSI-approved license on the source: not eligible for prizes."
ELIGIBLE = "Source published under an OSI-approved license: eligible for prizes."


@dataclass(frozen=True)
class PrizeEligibility:
    eligible: bool
    reason: str  # fixed text, shown as it is


def prize_eligibility(submission: Submission) -> PrizeEligibility:
    """Whether `submission` may win a prize, and why (in words for people)."""
    if submission.source_artifact_id is None:
        return PrizeEligibility(eligible=False, reason=NO_SOURCE)
    if not is_osi_license(submission.source_license):
        return PrizeEligibility(eligible=False, reason=NO_LICENSE)
    return PrizeEligibility(eligible=True, reason=ELIGIBLE)


def is_prize_eligible(submission: Submission) -> bool:
    return prize_eligibility(submission).eligible


def prize_eligible_ids(submission_ids: Iterable[int]) -> set[int]:
    """The prize-eligible ones among `submission_ids`, in one query."""
    rows = Submission.objects.filter(pk__in=list(submission_ids)).only(
        "pk", "source_artifact", "source_license"
    )
    return {row.pk for row in rows if is_prize_eligible(row)}
