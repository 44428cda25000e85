"""Unpublished work does not leak: no id, no count, no draft, and organizers oversee their own only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from bounties.models import PublishPolicy
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_citation_counts_count_only_what_the_viewer_may_see(client: Client) -> None:
    challenge = ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    clue = ClueFactory.create(challenge=challenge)
    secret = SubmissionFactory.create(challenge=challenge)
    secret.builds_on_clues.add(clue)
    ClueFactory.create(challenge=challenge).builds_on_clues.add(clue)

    api_count = APIClient().get("/api/v1/clues/").json()["results"]
    page = client.get(reverse("bounties:clue-list")).content.decode()
    client.force_login(secret.contributor)
    owner_page = client.get(reverse("bounties:clue-list")).content.decode()

    assert {row["id"]: row["n_cited_by"] for row in api_count}[clue.pk] == 1
    assert "cited 1 time" in page and "cited 2 times" not in page
    assert "cited 2 times" in owner_page  # the author of the citing submission sees their own


def test_leaderboard_rows_of_unpublished_submissions_carry_no_id(client: Client) -> None:
    challenge = ChallengeFactory.create(slug="hidden-work", publish_policy=PublishPolicy.AT_CLOSE)
    scored = ScoredSubmissionFactory.create(challenge=challenge, public_score=0.9)

    board = APIClient().get("/api/v1/challenges/hidden-work/leaderboard/").json()
    page = client.get(reverse("bounties:challenge-detail", args=["hidden-work"])).content.decode()

    assert [(row["contributor"], row["submission"]) for row in board["entries"]] == [
        (scored.contributor.username, None)
    ]
    assert (
        f"#{scored.pk}<" not in page and reverse("bounties:submission-detail", args=[scored.pk]) not in page
    )


def test_leaderboard_rows_of_published_submissions_link_them() -> None:
    challenge = ChallengeFactory.create(slug="open-work", publish_policy=PublishPolicy.IMMEDIATELY)
    scored = ScoredSubmissionFactory.create(challenge=challenge)

    board = APIClient().get("/api/v1/challenges/open-work/leaderboard/").json()

    assert board["entries"][0]["submission"] == scored.pk


def test_profile_links_only_what_the_viewer_may_open(client: Client) -> None:
    challenge = ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    scored = ScoredSubmissionFactory.create(challenge=challenge)
    url = reverse("bounties:contributor-profile", args=[scored.contributor.username])

    public = client.get(url).content.decode()
    client.force_login(scored.contributor)
    own = client.get(url).content.decode()

    detail = reverse("bounties:submission-detail", args=[scored.pk])
    assert detail not in public and "published at close" in public
    assert detail in own


@pytest.fixture
def staff_stranger(db: None) -> Any:
    return UserFactory.create(username="staff", is_staff=True)


def test_other_staff_see_what_the_public_sees(client: Client, staff_stranger: Any) -> None:
    draft = ChallengeFactory.create(slug="draft", published_at=None)
    unpublished = SubmissionFactory.create(
        challenge=ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    )
    client.force_login(staff_stranger)

    assert client.get(reverse("bounties:challenge-detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("bounties:submission-detail", args=[unpublished.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(staff_stranger)
    assert api.get(f"/api/v1/submissions/{unpublished.pk}/").status_code == 404
    assert api.get("/api/v1/submissions/").json()["count"] == 0


def test_organizers_oversee_their_own_challenges(client: Client) -> None:
    organizer = UserFactory.create(username="org", is_staff=True)
    own_draft = ChallengeFactory.create(slug="own-draft", organizer=organizer, published_at=None)
    own = SubmissionFactory.create(
        challenge=ChallengeFactory.create(organizer=organizer, publish_policy=PublishPolicy.AT_CLOSE)
    )
    elsewhere = SubmissionFactory.create(
        challenge=ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    )
    client.force_login(organizer)

    assert client.get(reverse("bounties:challenge-detail", args=[own_draft.slug])).status_code == 200
    assert client.get(reverse("bounties:submission-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("bounties:submission-detail", args=[elsewhere.pk])).status_code == 404


def test_superusers_oversee_every_challenge(client: Client) -> None:
    admin = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    draft = ChallengeFactory.create(slug="any-draft", published_at=None)
    unpublished = SubmissionFactory.create(
        challenge=ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    )
    client.force_login(admin)
    api = APIClient()
    api.force_authenticate(admin)

    assert client.get(reverse("bounties:challenge-detail", args=[draft.slug])).status_code == 200
    assert client.get(reverse("bounties:submission-detail", args=[unpublished.pk])).status_code == 200
    assert api.get("/api/v1/submissions/").json()["count"] == 1


def test_the_admin_shows_organizers_the_submissions_of_their_own_challenges_only(client: Client) -> None:
    from tests.admin_pages import organizer_user

    organizer = organizer_user("olga")
    own = ScoredSubmissionFactory.create(
        challenge=ChallengeFactory.create(organizer=organizer, title="Olga's"), private_score=0.123456
    )
    other = ScoredSubmissionFactory.create(
        challenge=ChallengeFactory.create(title="Someone else's"), private_score=0.654321
    )
    client.force_login(organizer)

    listing = client.get(reverse("admin:bounties_submission_changelist"))
    page = listing.content.decode()

    assert listing.status_code == 200
    assert "0.123456" in page and "0.654321" not in page
    assert "Someone else" not in page  # not even in the challenge filter
    assert client.get(reverse("admin:bounties_submission_change", args=[other.pk])).status_code == 302
    assert client.get(reverse("admin:bounties_submission_change", args=[own.pk])).status_code == 200


def test_superusers_see_every_submission_in_the_admin(client: Client) -> None:
    ScoredSubmissionFactory.create(private_score=0.123456)
    ScoredSubmissionFactory.create(private_score=0.654321)
    client.force_login(UserFactory.create(username="root", is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:bounties_submission_changelist")).content.decode()

    assert "0.123456" in page and "0.654321" in page
