"""Sharing a clue from the web form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bounties.models import Clue
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, source_zip_upload

pytestmark = pytest.mark.django_db


def test_share_a_clue_publishes_it_with_files_and_citations(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    cited = ScoredSubmissionFactory.create(challenge=challenge)

    response = alice_client.post(
        reverse("bounties:clue-create", args=[challenge.slug]),
        {
            "title": "Pixel scaling",
            "writeup": "Divide by **16**.",
            "code_url": "https://example.org/nb",
            "attachments": [source_zip_upload("a.zip"), source_zip_upload("b.zip")],
            "builds_on_submissions": str(cited.pk),
        },
    )

    clue = Clue.objects.get(author=contributor)
    assert response.status_code == 302
    assert response["Location"] == reverse("bounties:clue-detail", args=[clue.pk])
    assert sorted(a.filename for a in clue.attachments.all()) == ["a.zip", "b.zip"]
    assert list(clue.builds_on_submissions.all()) == [cited]
    page = alice_client.get(response["Location"]).content.decode()
    assert "<strong>16</strong>" in page and "a.zip" in page


def test_clue_form_shows_errors_and_writes_nothing(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    response = alice_client.post(reverse("bounties:clue-create", args=[challenge.slug]), {"title": "Only"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Clue.objects.exists()


def test_clue_on_an_upcoming_challenge_is_409(alice_client: Client) -> None:
    upcoming = ChallengeFactory.create(
        starts_at=timezone.now() + timedelta(days=1), ends_at=timezone.now() + timedelta(days=9)
    )

    response = alice_client.post(
        reverse("bounties:clue-create", args=[upcoming.slug]), {"title": "Early", "writeup": "Too early."}
    )

    assert response.status_code == 409
    assert "once the challenge has opened" in response.content.decode()
    assert not Clue.objects.exists()


def test_share_a_clue_needs_log_in(client: Client, challenge: Any) -> None:
    url = reverse("bounties:clue-create", args=[challenge.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
