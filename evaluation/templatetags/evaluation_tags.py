"""The evaluation block of the submission page: queue place and estimate, progress, the attestation."""

from __future__ import annotations

import json
from typing import Any

from django import template

from bounties.models import Submission
from bounties.selectors.submissions import submission_queue_position
from bounties.selectors.visibility import private_scores_revealed
from evaluation.selectors import attestation_of, evaluation_run_of, queue_estimate

register = template.Library()


@register.inclusion_tag("evaluation/_evaluation_panel.html")
def evaluation_panel(submission: Submission) -> dict[str, Any]:
    position = submission_queue_position(submission)
    attestation = attestation_of(submission) if submission.status == "scored" else None
    # The signature covers the private score, and a few thousand guesses would recover it: it is shown,
    # with the signed document, only once the private leaderboard is public.
    revealed = private_scores_revealed(submission.challenge)
    return {
        "submission": submission,
        "estimate": queue_estimate(submission, position) if position else None,
        "run": evaluation_run_of(submission),
        "attestation": attestation,
        "attestation_revealed": revealed,
        "attestation_json": json.dumps(attestation.typed_data, indent=2) if attestation and revealed else "",
    }
