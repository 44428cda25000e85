"""Helpers for the governance page tests: a browser client, signed-in members with linked wallets, the
settings on the anvil.

No tests here. The fixtures are registered by tests/governance/conftest.py and tests/api/conftest.py; the
chain ones they build on come from test_indexer_support or dao_fixtures (a DAO on the module's anvil).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from governance.chain.client import ChainClient
from governance.models import WalletLink
from tests.factories import UserFactory

SignIn = Callable[..., Client]


@pytest.fixture
def browser() -> Client:
    """Django's test client (the module's `client` fixture is the chain client)."""
    return Client()


@pytest.fixture
def on_anvil(settings: Any, client: ChainClient) -> Iterator[None]:
    """The platform's settings point at the module's anvil; the page caches start empty."""
    settings.CHAIN_RPC_URL = client.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    settings.CHAIN_ID = 31337
    cache.clear()
    yield
    cache.clear()


def linked_user(username: str, address: str) -> Any:
    """An account with `address` linked as its wallet."""
    user = UserFactory.create(username=username)
    WalletLink.objects.create(user=user, address=address, message="test link", signature="0x")
    return user


@pytest.fixture
def signed_in(db: None) -> SignIn:
    """Builds a browser signed in as a new account `username`, with `wallet` linked when one is given."""

    def sign_in(username: str, wallet: str | None = None) -> Client:
        browser = Client()
        browser.force_login(
            UserFactory.create(username=username) if wallet is None else linked_user(username, wallet)
        )
        return browser

    return sign_in


def challenge_on_escrow(escrow_id: int, title: str) -> object:
    """A published platform challenge recorded as escrow challenge `escrow_id`."""
    from governance.models import ChallengeOnChain
    from tests.factories import ChallengeFactory

    challenge: Any = ChallengeFactory(title=title)
    ChallengeOnChain.objects.create(
        challenge=challenge,
        spec_document="{}",
        spec_hash="0x" + "0" * 64,
        submission_deadline=0,
        award_deadline=0,
        escrow_challenge_id=escrow_id,
    )
    return challenge
