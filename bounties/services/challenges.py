"""Challenge rules and the actions that move a challenge through draft, open, closed and awarded."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from bounties.errors import ApplicationError, InvalidTransition
from bounties.models import Challenge, ChallengeStatus, HiddenDataset, ModelFormat

ALLOWED_INPUT_DTYPES = ("float32", "float64", "int64", "int32", "uint8")


def challenge_validate_settings(
    *,
    input_spec: dict[str, Any],
    output_spec: dict[str, Any],
    accepted_formats: list[str],
    starts_at: datetime | None,
    ends_at: datetime | None,
) -> None:
    """Check the organizer's settings; raises ApplicationError naming the field at fault."""
    _check_shape(input_spec, "input_spec", required=True)
    if input_spec.get("dtype", "float32") not in ALLOWED_INPUT_DTYPES:
        raise ApplicationError(
            f"input_spec dtype must be one of {', '.join(ALLOWED_INPUT_DTYPES)}.", field="input_spec"
        )
    _check_shape(output_spec, "output_spec", required=False)
    valid_formats = set(ModelFormat.values)
    if not accepted_formats or not set(accepted_formats) <= valid_formats:
        raise ApplicationError(
            f"Accept at least one model format among: {', '.join(sorted(valid_formats))}.",
            field="accepted_formats",
        )
    if starts_at and ends_at and ends_at <= starts_at:
        raise ApplicationError("The challenge must end after it starts.", field="ends_at")


def _check_shape(spec: dict[str, Any], field: str, *, required: bool) -> None:
    if not isinstance(spec, dict):
        raise ApplicationError(f'{field} must be an object such as {{"shape": [64]}}.', field=field)
    shape = spec.get("shape")
    if shape is None and not required:
        return
    if not isinstance(shape, list) or not shape or not all(isinstance(d, int) and d > 0 for d in shape):
        raise ApplicationError(f"{field} needs a 'shape': a list of positive integers.", field=field)


@transaction.atomic
def challenge_publish(*, challenge: Challenge) -> Challenge:
    """Make a draft visible; it opens at its start date. Raises InvalidTransition or ApplicationError."""
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if locked.published_at is not None:
        raise InvalidTransition("The challenge is already published.")
    if not HiddenDataset.objects.filter(challenge=locked).exists():
        raise ApplicationError("Upload the hidden test set before publishing the challenge.")
    if locked.ends_at <= timezone.now():
        raise ApplicationError("The challenge's end date has passed; move it before publishing.")
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    return locked


@transaction.atomic
def challenge_close_now(*, challenge: Challenge) -> Challenge:
    """End an open challenge early: submissions stop and the private leaderboard is revealed."""
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if locked.status not in (ChallengeStatus.OPEN, ChallengeStatus.UPCOMING):
        raise InvalidTransition(
            f"Only an open or upcoming challenge can be closed, not a {locked.status} one."
        )
    now = timezone.now()
    if locked.starts_at >= now:
        locked.starts_at = now - timedelta(seconds=1)
    locked.ends_at = now
    locked.save(update_fields=["starts_at", "ends_at", "updated_at"])
    return locked


@transaction.atomic
def challenge_mark_awarded(*, challenge: Challenge) -> Challenge:
    """Record that the prizes were paid; only a closed challenge can be awarded."""
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if locked.status != ChallengeStatus.CLOSED:
        raise InvalidTransition(f"Only a closed challenge can be marked awarded, not a {locked.status} one.")
    locked.awarded_at = timezone.now()
    locked.save(update_fields=["awarded_at", "updated_at"])
    return locked
