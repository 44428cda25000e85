"""The API is throttled per caller: anonymous by address, signed-in callers by account."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite runs with rates too high to reach; these are the production shape at a testable size.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "5/min")


def test_anonymous_callers_are_throttled_with_a_retry_after(low_rates: None, anon_client: APIClient) -> None:
    statuses = [anon_client.get("/api/v1/challenges/").status_code for _ in range(4)]
    refused = anon_client.get("/api/v1/challenges/")

    assert statuses == [200, 200, 200, 429]
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]


def test_signed_in_callers_have_their_own_allowance(
    low_rates: None, token_client: APIClient, user: Any
) -> None:
    for _ in range(3):
        APIClient().get("/api/v1/challenges/")  # an anonymous neighbour uses up the address's allowance

    statuses = [token_client.get("/api/v1/challenges/").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
