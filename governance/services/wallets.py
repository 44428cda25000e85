"""Wallets: sign-in nonces, linking a wallet to an account, signing in with it, unlinking.

The proof of control is an EIP-4361 message signed with personal_sign (governance.wallets.siwe). The
nonce is consumed by a conditional update in the same transaction as the link or the sign-in, and only
once every other check passed: a refused attempt leaves it usable, a second use of it fails.
"""

from __future__ import annotations

import logging
import secrets
import string
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.selectors import user_has_verified_email
from bounties.errors import ApplicationError
from governance.models import SignInNonce, WalletLink
from governance.wallets.siwe import MESSAGES as SIWE_MESSAGES
from governance.wallets.siwe import (
    SiweExpectation,
    SiweMessage,
    SiweRefused,
    siwe_message_text,
    siwe_verify,
)

logger = logging.getLogger(__name__)

NONCE_LIFETIME = timedelta(minutes=5)
NONCE_LENGTH = 24  # alphanumeric: about 143 bits
_NONCE_ALPHABET = string.ascii_letters + string.digits
SIGN_IN_STATEMENT = "Sign in to Clueboard with this wallet."
LINK_STATEMENT = "Link this wallet to my Clueboard account."

# The user-facing text of every refusal: the verifier's, then the account rules'.
MESSAGES = {
    **SIWE_MESSAGES,
    "wrong_action": "The signed message was made for another action: please try again.",
    "address_taken": "This wallet is linked to another account.",
    "account_has_wallet": "Your account already has a linked wallet: unlink it first.",
    "no_account": "No account is linked to this wallet: log in with your password and link it in your settings.",
    "email_unverified": "Confirm your email address through the link we sent before you sign in.",
    "inactive": "This account is inactive.",
    "no_wallet": "Your account has no linked wallet.",
}


class WalletRefused(ApplicationError):
    """A wallet action was refused; `code` names the rule, `message` is the fixed text for the user."""

    status_code = 400

    def __init__(self, code: str) -> None:
        super().__init__(MESSAGES[code])
        self.code = code


def wallet_nonce_issue(*, now: datetime | None = None) -> SignInNonce:
    """A fresh single-use nonce that expires after NONCE_LIFETIME; old rows are cleared on the way."""
    moment = now or timezone.now()
    # Expired nonces are worthless: keep the table small without a periodic task.
    SignInNonce.objects.filter(expires_at__lt=moment - timedelta(hours=1)).delete()
    value = "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(NONCE_LENGTH))
    return SignInNonce.objects.create(value=value, expires_at=moment + NONCE_LIFETIME)


def wallet_message_for(
    *,
    nonce: SignInNonce,
    address: str,
    expected: SiweExpectation,
    statement: str,
    now: datetime | None = None,
) -> str:
    """The EIP-4361 text for `address` to sign with `nonce`; it expires with the nonce."""
    message = SiweMessage(
        domain=expected.domain,
        scheme=None,
        address=address,
        statement=statement,
        uri=f"{expected.origin}/",
        version="1",
        chain_id=expected.chain_id,
        nonce=nonce.value,
        issued_at=(now or timezone.now()).replace(microsecond=0),
        expiration_time=nonce.expires_at.replace(microsecond=0),
    )
    return siwe_message_text(message)


@transaction.atomic
def wallet_link(*, user: Any, text: str, signature: str, expected: SiweExpectation) -> WalletLink:
    """Link the wallet that signed `text` to `user`, consuming the message's nonce.

    Raises WalletRefused: any verifier rule, "wrong_action", "account_has_wallet", "address_taken".
    """
    now = timezone.now()
    message = _verified(text=text, signature=signature, expected=expected, now=now, statement=LINK_STATEMENT)
    if WalletLink.objects.filter(user=user).exists():
        raise WalletRefused("account_has_wallet")
    if WalletLink.objects.filter(address=message.address).exists():
        raise WalletRefused("address_taken")
    _nonce_consume(value=message.nonce, now=now)
    try:
        with transaction.atomic():  # a savepoint: a racing link of the same address loses here
            link = WalletLink.objects.create(
                user=user, address=message.address, message=text, signature=signature
            )
    except IntegrityError as error:
        raise WalletRefused("address_taken") from error
    logger.info("wallet %s linked to user %s", message.address, user.pk)
    return link


@transaction.atomic
def wallet_sign_in(*, text: str, signature: str, expected: SiweExpectation) -> Any:
    """The account linked to the wallet that signed `text`, allowed to sign in; consumes the nonce.

    The rules of the password log-in apply: an inactive account or one whose email is not verified is
    refused. The caller logs the returned user in. Raises WalletRefused: any verifier rule, "wrong_action",
    "no_account", "inactive", "email_unverified".
    """
    now = timezone.now()
    message = _verified(
        text=text, signature=signature, expected=expected, now=now, statement=SIGN_IN_STATEMENT
    )
    link = WalletLink.objects.select_related("user").filter(address=message.address).first()
    if link is None:
        raise WalletRefused("no_account")
    if not link.user.is_active:
        raise WalletRefused("inactive")
    if not user_has_verified_email(user=link.user):
        raise WalletRefused("email_unverified")
    _nonce_consume(value=message.nonce, now=now)
    logger.info("user %s signed in with wallet %s", link.user.pk, message.address)
    return link.user


@transaction.atomic
def wallet_unlink(*, user: Any) -> None:
    """Remove the user's wallet link. Raises WalletRefused("no_wallet") when there is none."""
    deleted, _ = WalletLink.objects.filter(user=user).delete()
    if not deleted:
        raise WalletRefused("no_wallet")


def _verified(
    *, text: str, signature: str, expected: SiweExpectation, now: datetime, statement: str
) -> SiweMessage:
    """The verified message, whose statement must be the action's own: a message the user signed to link
    a wallet does not sign them in, and the reverse."""
    try:
        message = siwe_verify(text=text, signature=signature, expected=expected, now=now)
    except SiweRefused as refusal:
        raise WalletRefused(refusal.code) from refusal
    if message.statement != statement:
        raise WalletRefused("wrong_action")
    return message


def _nonce_consume(*, value: str, now: datetime) -> None:
    """Mark the nonce used, only if it is unused and unexpired (one conditional update: no race)."""
    used = SignInNonce.objects.filter(value=value, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if used == 1:
        return
    spent = SignInNonce.objects.filter(value=value, used_at__isnull=False).exists()
    raise WalletRefused("nonce_used" if spent else "nonce_unknown")
