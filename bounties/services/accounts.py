"""What bounties asks of an account before it lets someone publish."""

from __future__ import annotations

from typing import Any

from accounts.selectors import user_has_verified_email
from bounties.errors import EmailNotVerified


def require_verified_email(*, user: Any, action: str) -> None:
    """Raises EmailNotVerified until the user has confirmed an email address (they can be reached)."""
    if not user_has_verified_email(user=user):
        raise EmailNotVerified(
            f"Confirm your email address before you {action}: follow the link we sent you, or send a new "
            "one from your account settings."
        )
