"""Who plays in the demo: the organizer, the contributors and the DAO members, each with an anvil key.

The keys are anvil's well-known development accounts (public, worthless outside chain 31337). Members are
the deployment's demo stakeholders (DEMO_MEMBER_ACCOUNT_INDEXES); the contributors hold no tokens, so the
prizes they win show on their profiles as tokens received.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from accounts.services import user_get_or_create_verified
from bounties.demo_names import DEMO_ORGANIZER
from governance.chain.anvil import dev_account
from governance.chain.deploy import LOCAL_DEV_CHAIN_ID
from governance.models import WalletLink
from governance.services.deployment import DEMO_MEMBER_ACCOUNT_INDEXES
from governance.services.wallets import LINK_STATEMENT, wallet_link, wallet_message_for, wallet_nonce_issue
from governance.wallets.siwe import SiweExpectation

# One password for every demo login: printed at the end of `make run`, development only.
DEMO_PASSWORD = "clueboard-demo"  # noqa: S105 - public on purpose, refused outside DEBUG
# The host that the demo's wallet links were signed for (the links are checked when made, not after).
DEMO_SITE = "127.0.0.1:8000"


class DemoRefused(RuntimeError):
    """The demo story runs only in DEBUG against the local development chain."""


@dataclass(frozen=True)
class DemoPerson:
    username: str
    role: str  # "organizer", "contributor" or "member"
    account_index: int

    @property
    def account(self) -> LocalAccount:
        return dev_account(self.account_index)

    @property
    def email(self) -> str:
        return f"{self.username}@demo.clueboard.invalid"


# The organizer is a member too: it funds the prize pools from its own stake.
ORGANIZER = DemoPerson(DEMO_ORGANIZER, "organizer", DEMO_MEMBER_ACCOUNT_INDEXES[0])
CONTRIBUTORS = (
    DemoPerson("maya", "contributor", 15),
    DemoPerson("kofi", "contributor", 16),
    DemoPerson("lin", "contributor", 17),
    DemoPerson("sofia", "contributor", 18),
    DemoPerson("ravi", "contributor", 19),
)
MEMBERS = (
    DemoPerson("ada", "member", DEMO_MEMBER_ACCOUNT_INDEXES[1]),
    DemoPerson("grace", "member", DEMO_MEMBER_ACCOUNT_INDEXES[2]),
    DemoPerson("alan", "member", DEMO_MEMBER_ACCOUNT_INDEXES[3]),
    DemoPerson("edsger", "member", DEMO_MEMBER_ACCOUNT_INDEXES[4]),
)
PEOPLE = (ORGANIZER, *CONTRIBUTORS, *MEMBERS)


def demo_allowed_check() -> None:
    """Raises DemoRefused unless this is a development setup on the local chain."""
    if not settings.DEBUG or settings.CHAIN_ID != LOCAL_DEV_CHAIN_ID:
        raise DemoRefused(
            f"the demo story runs only with DEBUG on and CHAIN_ID {LOCAL_DEV_CHAIN_ID} (its keys are public)"
        )


@transaction.atomic
def demo_person_ensure(person: DemoPerson) -> Any:
    """The person's account: verified email, the demo password, its wallet linked by a signed message."""
    demo_allowed_check()
    user = user_get_or_create_verified(username=person.username, email=person.email)
    if not user.password or not user.has_usable_password():  # new: a password set since is the person's own
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    if not WalletLink.objects.filter(user=user).exists():
        _link_wallet(user, person.account)
    return user


@functools.cache
def _demo_password_hash() -> str:
    # Hashed once for everyone: each hash takes a quarter of a second by design, and the seed makes ten.
    return make_password(DEMO_PASSWORD)


def _link_wallet(user: Any, account: LocalAccount) -> None:
    # The same sign-in-with-Ethereum message a browser wallet signs on the profile page.
    expected = SiweExpectation(domain=DEMO_SITE, origin=f"http://{DEMO_SITE}", chain_id=settings.CHAIN_ID)
    text = wallet_message_for(
        nonce=wallet_nonce_issue(), address=account.address, expected=expected, statement=LINK_STATEMENT
    )
    signature = account.sign_message(encode_defunct(text=text)).signature
    wallet_link(user=user, text=text, signature="0x" + bytes(signature).hex(), expected=expected)
