"""Account actions: the API token that scripts and the REST API authenticate with, and accounts made
by the platform itself (the demo's and benchmarks' users) with their email already verified."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_regenerate(*, user: Any) -> Token:
    """A fresh token for the user; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_get(*, user: Any) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def user_get_or_create_verified(*, username: str, email: str) -> Any:
    """A user whose email counts as verified, for accounts the platform makes itself (no inbox to check).

    People sign up through the site instead, where the address is confirmed by a link.
    """
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user
