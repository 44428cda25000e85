"""Account actions: the API token that scripts and the REST API authenticate with."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_regenerate(*, user: Any) -> Token:
    """A fresh token for the user; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_get(*, user: Any) -> Token | None:
    return Token.objects.filter(user=user).first()
