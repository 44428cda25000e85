"""In a real browser: the challenge page's score chart keeps its time axis around the scores it shows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import InjectedWallet
from tests.factories import ChallengeFactory, ScoredSubmissionFactory

HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS
AXIS = "(() => { const x = Chart.getChart('score-chart').scales.x; return [x.min, x.max]; })()"


@pytest.fixture
def site(live_server: Any, transactional_db: None, settings: Any) -> str:
    settings.CHAIN_RPC_URL = ""  # no chain: the page has nothing to say about one
    return str(live_server.url)


@pytest.fixture
def wallet() -> InjectedWallet:
    return InjectedWallet(rpc_url="http://127.0.0.1:9", chain_id=31337)


def scored_at(challenge: Any, when: Any, score: float) -> int:
    ScoredSubmissionFactory.create(challenge=challenge, public_score=score, created_at=when, finished_at=when)
    return int(when.timestamp() * 1000)


def test_a_first_score_is_drawn_on_a_day_around_it_not_on_years(
    page: Any, site: str, screenshot: Any
) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    at = scored_at(challenge, timezone.now() - timedelta(hours=1), 0.9)

    page.goto(site + reverse("bounties:challenge-detail", args=["digits"]))
    page.wait_for_function("window.Chart && Chart.getChart('score-chart')")

    low, high = page.evaluate(AXIS)
    assert high - low == DAY_MS and low % HOUR_MS == 0  # a day from a whole hour
    assert at - DAY_MS / 2 - HOUR_MS < low <= at - DAY_MS / 2  # with the score in its middle
    screenshot("one-score")


def test_scores_days_apart_keep_their_own_range(page: Any, site: str) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    first = scored_at(challenge, timezone.now() - timedelta(days=3), 0.8)
    last = scored_at(challenge, timezone.now() - timedelta(hours=2), 0.9)

    page.goto(site + reverse("bounties:challenge-detail", args=["digits"]))
    page.wait_for_function("window.Chart && Chart.getChart('score-chart')")

    low, high = page.evaluate(AXIS)
    # Chart.js rounds the range out to its own ticks: some days, never years.
    assert low <= first and last <= high and high - low < 7 * DAY_MS
