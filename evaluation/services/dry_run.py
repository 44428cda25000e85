"""The scoring pipeline for an organizer's local check: same sandbox, same metric, nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bounties.errors import ApplicationError
from bounties.models import Challenge, Submission
from bounties.services.uploads import check_model_format_for_path
from evaluation.pipeline import score_in_sandbox
from evaluation.scoring.errors import ScoringError
from evaluation.services.scoring import hidden_set_for, scoring_spec_for
from evaluation.services.worker_context import sandbox_pool


def score_model_dry_run(*, challenge: Challenge, model_path: Path) -> dict[str, Any]:
    """status, reason, public_score, private_score, n_public, n_private for one model file."""
    dataset = challenge.hidden_dataset
    report: dict[str, Any] = {
        "status": "failed",
        "reason": "",
        "public_score": None,
        "private_score": None,
        "n_public": dataset.n_public,
        "n_private": dataset.n_private,
    }
    try:
        model_format = check_model_format_for_path(
            path=model_path, accepted_formats=challenge.accepted_formats, output_spec=challenge.output_spec
        )
        probe = Submission(challenge=challenge, model_format=model_format)
        pool = sandbox_pool()
        result = score_in_sandbox(
            pool=pool,
            model_path=model_path,
            hidden=hidden_set_for(probe),
            spec=scoring_spec_for(probe, use_gpu=pool.use_gpu),
            on_progress=None,
        )
    except (ApplicationError, ScoringError) as exc:
        report["reason"] = exc.message if isinstance(exc, ApplicationError) else exc.reason
        return report
    finally:
        sandbox_pool().shutdown()
    report.update(status="scored", public_score=result.public_score, private_score=result.private_score)
    return report
