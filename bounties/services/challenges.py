"""Challenge rules and the actions that move a challenge through draft, open, closed and awarded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from bounties.errors import ApplicationError, InvalidTransition
from bounties.models import Challenge, ChallengeStatus, HiddenDataset
from bounties.services.challenge_settings import (
    ChallengeSettings,
    canonical_architectures,
    challenge_check_settings,
    challenge_settings_of,
)
from bounties.services.datasets import hidden_dataset_read
from evaluation.scoring.metrics import labels_problem

# What decides a score, and the address that attestations and commitments name: fixed once published.
FIXED_ONCE_PUBLISHED = ("slug", "metric", "input_shape", "input_dtype", "output_shape", "architectures")


def challenge_check_changes(*, challenge: Challenge | None, settings: ChallengeSettings) -> None:
    """What challenge_create (no challenge) or challenge_update checks, without writing; raises ApplicationError.

    Once published, the settings that decide a score (and the slug) are fixed: changing them would make
    earlier scores incomparable with later ones.
    """
    challenge_check_settings(settings=settings)
    _check_slug_free(settings.slug, challenge_id=challenge.pk if challenge is not None else None)
    if challenge is None or challenge.published_at is None:
        return
    current = challenge_settings_of(challenge)
    for name in FIXED_ONCE_PUBLISHED:
        if _comparable(settings, name) != _comparable(current, name):
            label = name.replace("_", " ")
            raise ApplicationError(f"The {label} cannot change once the challenge is published.", field=name)


@transaction.atomic
def challenge_create(*, organizer: Any, settings: ChallengeSettings) -> Challenge:
    """Create a draft challenge from checked settings; raises ApplicationError naming the setting at fault."""
    challenge_check_changes(challenge=None, settings=settings)
    return Challenge.objects.create(organizer=organizer, **settings.model_fields())


@transaction.atomic
def challenge_update(
    *, challenge: Challenge, settings: ChallengeSettings, organizer: Any = None
) -> Challenge:
    """Replace a challenge's settings with checked ones (see challenge_check_changes); raises ApplicationError."""
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    challenge_check_changes(challenge=locked, settings=settings)
    for name, value in settings.model_fields().items():
        setattr(locked, name, value)
    if organizer is not None:
        locked.organizer = organizer
    locked.save()
    return locked


def _comparable(settings: ChallengeSettings, name: str) -> Any:
    value = getattr(settings, name)
    return canonical_architectures(value) if name == "architectures" else value


def _check_slug_free(slug: str, *, challenge_id: int | None) -> None:
    others = Challenge.objects.filter(slug=slug)
    if challenge_id is not None:
        others = others.exclude(pk=challenge_id)
    if others.exists():
        raise ApplicationError(f"Another challenge already has the slug '{slug}'.", field="slug")


@transaction.atomic
def challenge_publish(*, challenge: Challenge) -> Challenge:
    """Make a draft visible; it opens at its start date. Raises InvalidTransition or ApplicationError.

    A challenge is published only if it can score what it accepts: its settings pass the checks (each
    architecture built and probed), and its hidden set fits the input shape and the metric.
    """
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if locked.published_at is not None:
        raise InvalidTransition("The challenge is already published.")
    if locked.ends_at <= timezone.now():
        raise ApplicationError("The challenge's end date has passed; move it before publishing.")
    challenge_check_settings(settings=challenge_settings_of(locked))
    _check_hidden_set_scorable(locked)
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    # Imported here: governance builds on bounties. It records the spec hash and queues the escrow's
    # createChallenge as a row (no node needed), in this transaction.
    from governance.services.challenges import challenge_on_chain_open

    challenge_on_chain_open(challenge=locked)
    return locked


def _check_hidden_set_scorable(challenge: Challenge) -> None:
    dataset = HiddenDataset.objects.filter(challenge=challenge).first()
    if dataset is None:
        raise ApplicationError("Upload the hidden test set before publishing the challenge.")
    input_shape = list(challenge.input_spec["shape"])
    if list(dataset.input_shape) != input_shape:
        raise ApplicationError(
            f"The hidden test set's rows have shape {list(dataset.input_shape)}, but the input shape is "
            f"{input_shape}: upload a matching set or change the input shape."
        )
    arrays, public_mask = hidden_dataset_read(dataset=dataset)
    for part, mask in (("public", public_mask), ("private", ~public_mask)):
        problem = labels_problem(challenge.metric, arrays.labels[mask], challenge.output_spec["shape"])
        if problem is not None:
            raise ApplicationError(f"The hidden test set's {part} part cannot be scored: {problem}")


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
