"""Who watches a challenge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef

from activity.models import ChallengeWatch
from bounties.models import Challenge
from bounties.selectors.visibility import is_signed_in


def is_watching(*, user: Any, challenge: Challenge) -> bool:
    """Whether `user` (possibly anonymous) watches `challenge`; one query for a signed-in user, none else."""
    if not is_signed_in(user):
        return False
    return ChallengeWatch.objects.filter(user=user, challenge=challenge).exists()


def watches_due(*, cutoff: datetime) -> list[ChallengeWatch]:
    """Watches whose digest cursor is before `cutoff`, by user, in one query.

    Only published challenges, and only users with a verified address: a digest never goes to an address
    its owner has not confirmed.
    """
    verified = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
    )
    return list(
        ChallengeWatch.objects.filter(
            Exists(verified), challenge__published_at__isnull=False, digested_until__lt=cutoff
        )
        .select_related("user", "challenge")
        .order_by("user_id", "id")
    )
