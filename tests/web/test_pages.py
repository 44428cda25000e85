"""Every page answers 200 with its key content."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bounties.models import SubmissionStatus
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def test_challenge_list_shows_each_challenge_with_its_facts(client: Client, challenge: Any) -> None:
    ScoredSubmissionFactory.create(challenge=challenge)
    ScoredSubmissionFactory.create(challenge=challenge)

    response = client.get(reverse("bounties:challenge-list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Digits" in html
    assert "Classify the digits." in html
    assert "1,000 tokens" in html
    assert "badge-open" in html
    assert "Accuracy" in html
    assert "left)" in html


def test_challenge_list_filters_by_status_metric_and_text(client: Client) -> None:
    ChallengeFactory.create(title="Open one")
    ChallengeFactory.create(
        title="Old one",
        starts_at=timezone.now() - timedelta(days=20),
        ends_at=timezone.now() - timedelta(days=10),
    )
    ChallengeFactory.create(title="Regression one", metric="rmse")
    url = reverse("bounties:challenge-list")

    closed = client.get(url, {"status": "closed"}).content.decode()
    by_metric = client.get(url, {"metric": "rmse"}).content.decode()
    by_text = client.get(url, {"q": "open"}).content.decode()

    assert "Old one" in closed and "Open one" not in closed
    assert "Regression one" in by_metric and "Open one" not in by_metric
    assert "Open one" in by_text and "Old one" not in by_text


def test_challenge_list_paginates_and_keeps_filters(client: Client) -> None:
    ChallengeFactory.create_batch(21, metric="mae")

    response = client.get(reverse("bounties:challenge-list"), {"metric": "mae", "page": "2"})

    assert response.status_code == 200
    assert "Page 2 of 2" in response.content.decode()
    assert "metric=mae&amp;page=1" in response.content.decode()


def test_draft_challenge_is_not_listed_and_its_page_is_404(client: Client) -> None:
    ChallengeFactory.create(title="Secret draft", slug="draft", published_at=None)

    listing = client.get(reverse("bounties:challenge-list")).content.decode()
    detail = client.get(reverse("bounties:challenge-detail", args=["draft"]))

    assert "Secret draft" not in listing
    assert detail.status_code == 404
    assert "There is no challenge" in detail.content.decode()


def test_challenge_detail_shows_rules_leaderboard_chart_and_clues(client: Client, challenge: Any) -> None:
    scored = ScoredSubmissionFactory.create(challenge=challenge, public_score=0.91)
    ClueFactory.create(challenge=challenge, title="Normalise first")

    response = client.get(reverse("bounties:challenge-detail", args=[challenge.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Rules</h1>" in html  # the Markdown description, rendered
    assert "higher is better" in html
    assert "rows of shape [64], float32" in html
    assert "5 per day (UTC), 100 in total" in html
    assert "30 public rows" in html and "70 private rows" in html
    assert "Public leaderboard" in html
    assert "0.910000" in html
    assert reverse("bounties:submission-detail", args=[scored.pk]) in html
    assert 'id="score-history-data"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "Normalise first" in html
    assert "Log in" in html


def test_challenge_detail_shows_remaining_submissions_to_a_contributor(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    SubmissionFactory.create(challenge=challenge, contributor=contributor)

    response = alice_client.get(reverse("bounties:challenge-detail", args=[challenge.slug]))

    html = response.content.decode()
    assert "<strong>4</strong> submissions left today" in html
    assert reverse("bounties:submission-create", args=[challenge.slug]) in html


def test_closed_challenge_shows_the_private_leaderboard(client: Client) -> None:
    closed = ChallengeFactory.create(
        starts_at=timezone.now() - timedelta(days=20), ends_at=timezone.now() - timedelta(days=1)
    )
    ScoredSubmissionFactory.create(challenge=closed)

    html = client.get(reverse("bounties:challenge-detail", args=[closed.slug])).content.decode()

    assert "Private leaderboard" in html
    assert "takes no more submissions" in html


def test_submission_detail_shows_status_files_writeup_and_hash(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    submission = SubmissionFactory.create(
        challenge=challenge, contributor=contributor, status=SubmissionStatus.QUEUED
    )

    response = alice_client.get(reverse("bounties:submission-detail", args=[submission.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "badge-queued" in html
    assert "Position 1 in the CPU workers queue" in html
    assert "model.safetensors" in html
    assert "<strong>small MLP</strong>" in html
    assert submission.content_hash in html
    assert "not eligible for prizes" in html


def test_failed_submission_shows_its_reason(client: Client, challenge: Any) -> None:
    submission = SubmissionFactory.create(
        challenge=challenge, status=SubmissionStatus.FAILED, failure_reason="Output had shape [3]."
    )

    html = client.get(reverse("bounties:submission-detail", args=[submission.pk])).content.decode()

    assert "Output had shape [3]." in html
    assert "badge-failed" in html


def test_submission_citations_are_shown_both_ways(client: Client, challenge: Any) -> None:
    base = ScoredSubmissionFactory.create(challenge=challenge, title="Baseline")
    clue = ClueFactory.create(challenge=challenge, title="Augment")
    follower = SubmissionFactory.create(challenge=challenge, title="Follow-up")
    follower.builds_on_submissions.set([base])
    follower.builds_on_clues.set([clue])

    base_html = client.get(reverse("bounties:submission-detail", args=[base.pk])).content.decode()
    follower_html = client.get(reverse("bounties:submission-detail", args=[follower.pk])).content.decode()

    assert "Follow-up" in base_html  # cited by
    assert "Baseline" in follower_html and "Augment" in follower_html  # builds on


def test_unknown_submission_is_404(client: Client, db: None) -> None:
    response = client.get(reverse("bounties:submission-detail", args=[999]))

    assert response.status_code == 404
    assert "There is no submission #999." in response.content.decode()


def test_clue_list_filters_by_challenge(client: Client, challenge: Any) -> None:
    ClueFactory.create(challenge=challenge, title="Digits clue")
    ClueFactory.create(title="Other clue")

    everything = client.get(reverse("bounties:clue-list")).content.decode()
    filtered = client.get(reverse("bounties:clue-list"), {"challenge": challenge.slug}).content.decode()

    assert "Digits clue" in everything and "Other clue" in everything
    assert "Digits clue" in filtered and "Other clue" not in filtered


def test_clue_detail_shows_writeup_code_link_and_citations(client: Client, challenge: Any) -> None:
    clue = ClueFactory.create(challenge=challenge, code_url="https://example.org/repo")
    later = ClueFactory.create(challenge=challenge, title="Later clue")
    later.builds_on_clues.set([clue])

    response = client.get(reverse("bounties:clue-detail", args=[clue.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Normalising the pixels helps." in html
    assert "https://example.org/repo" in html
    assert "Later clue" in html


def test_contributor_profile_lists_submissions_clues_and_best_scores(
    client: Client, contributor: Any, challenge: Any
) -> None:
    ScoredSubmissionFactory.create(
        challenge=challenge, contributor=contributor, public_score=0.7, title="First"
    )
    ScoredSubmissionFactory.create(
        challenge=challenge, contributor=contributor, public_score=0.8, title="Second"
    )
    ClueFactory.create(challenge=challenge, author=contributor, title="My clue")

    response = client.get(reverse("bounties:contributor-profile", args=["alice"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "First" in html and "Second" in html
    assert "My clue" in html
    assert "0.800000" in html
    assert "Public (Accuracy" in html


def test_unknown_contributor_is_404(client: Client, db: None) -> None:
    assert client.get(reverse("bounties:contributor-profile", args=["nobody"])).status_code == 404


def test_nav_shows_admin_link_only_to_staff(client: Client, contributor: Any) -> None:
    client.force_login(contributor)
    assert "/admin/" not in client.get(reverse("bounties:challenge-list")).content.decode()

    contributor.is_staff = True
    contributor.save()
    assert "/admin/" in client.get(reverse("bounties:challenge-list")).content.decode()


def test_unknown_address_shows_the_site_404_page(client: Client, db: None) -> None:
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "/no/such/page/" in html
    assert 'class="skip-link"' in html
