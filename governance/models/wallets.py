"""Wallets linked to accounts, and the server's single-use nonces for Sign-In with Ethereum (EIP-4361)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class WalletLink(models.Model):
    """One wallet address per account and one account per address, proven by a signed EIP-4361 message.

    The address is stored checksummed (EIP-55), so one address has one spelling and the unique constraint
    holds whatever case a wallet used. The signed message is kept as the audit trail of the link.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet")
    address = models.CharField(max_length=42, unique=True)
    linked_at = models.DateTimeField(auto_now_add=True)
    message = models.TextField()
    signature = models.CharField(max_length=132)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(address__regex=r"^0x[0-9a-fA-F]{40}$"), name="wallet_link_address_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} → user {self.user_id}"


class SignInNonce(models.Model):
    """A random value the server hands out for one EIP-4361 message: it expires soon and works once.

    `used_at` is set by a conditional update only after the whole message checked out, so a garbage
    submission cannot burn a pending nonce, and two racing submissions cannot both use it.
    """

    value = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"nonce {self.value} ({'used' if self.used_at else 'unused'})"
