"""Fixtures for the web pages: a contributor and a browser logged in as them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import ChallengeFactory, HiddenDatasetFactory, UserFactory


@pytest.fixture
def contributor(db: None) -> Any:
    return UserFactory.create(username="alice")


@pytest.fixture
def alice_client(client: Client, contributor: Any) -> Client:
    client.force_login(contributor)
    return client


@pytest.fixture
def challenge(db: None) -> Any:
    """An open challenge with its hidden test set (30 public rows, 70 private)."""
    challenge = ChallengeFactory.create(slug="digits", title="Digits")
    HiddenDatasetFactory.create(challenge=challenge)
    return challenge
