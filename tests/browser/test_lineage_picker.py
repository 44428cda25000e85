"""In a real browser: cite a submission with the picker on the clue form, then follow the lineage graph."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from bounties.models import Clue
from tests.browser.test_wallet_sign_in import log_in_with_password
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, UserFactory


def test_pick_a_citation_then_follow_the_lineage_graph(site: str, page: Any, screenshot: Any) -> None:
    UserFactory.create(username="alice")
    challenge = ChallengeFactory.create(slug="digits", title="Digits")
    bob, cy = UserFactory.create(username="bob"), UserFactory.create(username="cy")
    early = timezone.now() - timedelta(days=2)
    baseline = ScoredSubmissionFactory.create(
        challenge=challenge, contributor=cy, title="Logistic baseline", public_score=0.71, created_at=early
    )
    pixels = ClueFactory.create(
        challenge=challenge, author=cy, title="Scale the pixels", created_at=early + timedelta(hours=3)
    )
    pixels.builds_on_submissions.set([baseline])
    wide = ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=bob,
        title="Wide MLP",
        public_score=0.86,
        created_at=early + timedelta(hours=6),
    )
    wide.builds_on_clues.set([pixels])
    ScoredSubmissionFactory.create(
        challenge=challenge,
        contributor=bob,
        title="Deeper MLP",
        public_score=0.79,
        created_at=early + timedelta(days=1),
    ).builds_on_submissions.set([wide])

    log_in_with_password(page, site, "alice")
    page.goto(site + reverse("bounties:clue-create", args=["digits"]))
    page.wait_for_selector("[data-citation-picker] .citation-result")
    assert page.locator("select[name=builds_on_submissions]").is_hidden()  # the picker stands in for it
    from playwright.sync_api import expect  # here: the browser fixture has skipped when it is missing

    expect(page.locator(".citation-result")).to_have_count(4)  # everything published, before a search
    page.fill("#citation-search", "wide")
    expect(page.locator(".citation-result")).to_have_count(1)
    page.locator(f'[data-work="submission-{wide.pk}"]').click()
    page.locator(".citation-chip", has_text="Wide MLP").wait_for()
    page.fill("input[name=title]", "Dropout helps the wide MLP")
    page.fill("textarea[name=writeup]", "Dropout 0.2 after each layer.")
    screenshot("picked")
    page.get_by_role("button", name="Publish clue").click()
    clue = _published(page, site)

    assert list(clue.builds_on_submissions.all()) == [wide]
    assert page.locator('[data-citations="builds-on"] a', has_text="Wide MLP").count() == 1
    page.get_by_role("link", name="See the whole lineage of this challenge").click()
    page.wait_for_url(site + reverse("bounties:challenge-lineage", args=["digits"]))
    assert page.locator("svg.lineage a.lineage-node").count() == 5
    screenshot("lineage")

    page.locator(f'svg.lineage a[data-work="submission-{wide.pk}"]').click()
    page.wait_for_url(site + reverse("bounties:submission-detail", args=[wide.pk]))
    cited_by = page.locator('[data-citations="cited-by"]')
    assert cited_by.locator("a", has_text="Dropout helps the wide MLP").count() == 1
    screenshot("followed-node")


def _published(page: Any, site: str) -> Clue:
    page.wait_for_url(f"{site}/clues/*/")
    return Clue.objects.get(title="Dropout helps the wide MLP")
