"""One row per contributor and challenge, locked to serialise that contributor's changes to it."""

from __future__ import annotations

from typing import Any

from bounties.models import Challenge, Participation


def participation_lock(*, challenge: Challenge, contributor: Any) -> None:
    """Serialise one contributor's submits and selections on one challenge (call inside a transaction),
    so two requests cannot both take the last slot."""
    participation, _ = Participation.objects.get_or_create(challenge=challenge, contributor=contributor)
    Participation.objects.select_for_update().filter(pk=participation.pk).get()
