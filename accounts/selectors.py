"""Account reads: what the platform needs to know about a user before it lets them publish."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress


def user_has_verified_email(*, user: Any) -> bool:
    """True once the user has confirmed at least one email address (django-allauth's record)."""
    return EmailAddress.objects.filter(user=user, verified=True).exists()
