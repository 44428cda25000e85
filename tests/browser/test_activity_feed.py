"""In a real browser: watch a challenge from its page, see its activity feed, then leave it from the email.

No chain is needed: the feed reads the chain's mirror, whose rows the test writes as the indexer would.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from activity.models import ChallengeWatch
from activity.services.digests import digests_send
from governance.models import PoolMovement
from tests.activity import mirror_rows
from tests.browser.conftest import InjectedWallet
from tests.browser.test_wallet_sign_in import log_in_with_password
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, UserFactory


@pytest.fixture
def site(live_server: Any, transactional_db: None, settings: Any) -> str:
    """The live server, without a chain (no banner about an unreachable one), email kept in memory."""
    settings.CHAIN_RPC_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = str(live_server.url)
    settings.ACTIVITY_DIGEST_SETTLE_SECONDS = 0
    return str(live_server.url)


@pytest.fixture
def wallet() -> InjectedWallet:
    """A wallet with no node behind it: these pages never ask it anything."""
    return InjectedWallet(rpc_url="http://127.0.0.1:9", chain_id=31337)


def _ago(hours: float) -> Any:
    return timezone.now() - timedelta(hours=hours)


def _a_busy_challenge() -> Any:
    challenge = ChallengeFactory.create(slug="digits", title="Digits", summary="Classify handwritten digits.")
    kim, lee = UserFactory.create(username="kim"), UserFactory.create(username="lee")
    ClueFactory.create(challenge=challenge, author=kim, title="Centre the strokes", created_at=_ago(30))
    ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=kim,
        title="Small MLP",
        public_score=0.91,
        created_at=_ago(26.5),
        finished_at=_ago(26),
    )
    ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=lee,
        title="Wider MLP",
        public_score=0.95,
        created_at=_ago(20.5),
        finished_at=_ago(20),
    )
    chain = mirror_rows.deployment()
    mirror_rows.on_chain(challenge, chain, escrow_id=1, at=_ago(40))
    pool = mirror_rows.pool(chain, escrow_id=1, at=_ago(40))
    mirror_rows.movement(pool, PoolMovement.Kind.FUNDING, amount=500 * mirror_rows.TOKEN, at=_ago(39))
    proposal = mirror_rows.prize_proposal(
        challenge, chain, proposal_id="42", title="Prizes of Digits", created_at=_ago(10)
    )
    mirror_rows.vote(proposal, at=_ago(9))
    return challenge


def test_watch_a_challenge_see_its_feed_and_unsubscribe_from_the_email(
    site: str, page: Any, screenshot: Any
) -> None:
    challenge = _a_busy_challenge()
    UserFactory.create(username="juno", email="juno@example.org")
    log_in_with_password(page, site, "juno")

    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    feed_link = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed_link.get_attribute("href") == "/challenges/digits/activity.atom"
    panel = page.locator(".activity-panel")
    assert panel.locator(".activity-item a").all_inner_texts() == [
        "0xa1a1…a1a1 voted for “Prizes of Digits” with 250 votes",
        "Prize proposal “Prizes of Digits” submitted to the vote",
        "New best public score 0.950000 by lee with “Wider MLP”",
        "New best public score 0.910000 by kim with “Small MLP”",
        "New clue “Centre the strokes” by kim",
        "0xB0b0…0B0b added 500 tokens to the prize pool",
    ]
    panel.scroll_into_view_if_needed()
    screenshot("challenge-page-feed")

    panel.get_by_role("button", name="Watch").click()
    page.wait_for_load_state()
    assert "You watch Digits" in page.locator(".messages").inner_text()
    assert panel.get_by_role("button", name="Watching · Unwatch").is_visible()
    assert ChallengeWatch.objects.filter(user__username="juno", challenge=challenge).count() == 1
    screenshot("watching")

    panel.get_by_role("link", name="All activity").click()
    page.wait_for_url(site + "/challenges/digits/activity/")
    assert page.locator(".activity-item").count() == 6
    screenshot("activity-page")

    # Something new happens; the daily digest brings it, with a link that works without logging in.
    ClueFactory.create(
        challenge=challenge, title="Augment with shifts", author=UserFactory.create(username="mo")
    )
    assert digests_send().sent == 1
    body = str(mail.outbox[0].body)
    assert "New clue “Augment with shifts” by mo" in body
    stop = re.search(r"Stop watching Digits: (\S+)", body).group(1)  # type: ignore[union-attr]
    page.context.clear_cookies()  # signed out, as a reader in a mail client would be
    page.goto(stop)
    screenshot("unsubscribe-confirm")
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").inner_text() == "You no longer watch Digits."
    assert not ChallengeWatch.objects.exists()
    screenshot("unsubscribed")
