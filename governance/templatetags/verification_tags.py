"""The verification panel of a submission or clue page: its evidence, read from the database only."""

from __future__ import annotations

from django import template

from bounties.models import Clue, Submission
from governance.selectors.verification import VerificationEvidence, clue_evidence, submission_evidence

register = template.Library()


@register.simple_tag
def verification_evidence(work: Submission | Clue) -> VerificationEvidence:
    """The evidence of `work` (the page already checked that the viewer may see it)."""
    if isinstance(work, Clue):
        return clue_evidence(clue=work)
    return submission_evidence(submission=work)
