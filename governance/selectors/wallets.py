"""Which wallet an account has linked (voting, delegation and funding pages start here)."""

from __future__ import annotations

from typing import Any

from governance.models import WalletLink


def wallet_of_user(*, user: Any) -> WalletLink | None:
    """The user's linked wallet, or None (anonymous users have none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return WalletLink.objects.filter(user=user).first()


def user_of_wallet(*, address: str) -> Any | None:
    """The account linked to the checksummed `address`, or None."""
    link = WalletLink.objects.select_related("user").filter(address=address).first()
    return link.user if link is not None else None
