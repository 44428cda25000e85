"""API clients: anonymous, and signed in with a real token as DRF clients send it."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.governance.pages_support import browser, on_anvil  # noqa: F401 (the governance read API's)


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db: None) -> Any:
    return UserFactory.create(username="alice")


@pytest.fixture
def client_for() -> Any:
    """Builds a client that authenticates as the given user with a fresh token."""

    def build(user: Any) -> APIClient:
        client = APIClient()
        token = Token.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return build


@pytest.fixture
def token_client(user: Any, client_for: Any) -> APIClient:
    return client_for(user)
