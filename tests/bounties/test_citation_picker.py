"""The citation picker: a search of a challenge's published work as JSON, and the forms' plain lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bounties.models import Clue
from bounties.services.citations import OTHER_CHALLENGE
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db: None) -> Any:
    return UserFactory.create(username="alice")


def _search(client: Client, slug: str, q: str = "") -> list[dict[str, Any]]:
    response = client.get(reverse("bounties:challenge-citable", args=[slug]), {"q": q})
    assert response.status_code == 200
    return list(response.json()["results"])


def test_the_search_finds_published_work_of_the_challenge_by_title_author_or_id(client: Client) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    bob = UserFactory.create(username="bob")
    scored = ScoredSubmissionFactory.create(
        challenge=challenge, contributor=bob, title="Wide MLP", public_score=0.875
    )
    clue = ClueFactory.create(
        challenge=challenge, title="Scale the pixels", author=UserFactory.create(username="cy")
    )
    ScoredSubmissionFactory.create(title="Wide MLP elsewhere")  # another challenge
    SubmissionFactory.create(challenge=ChallengeFactory.create(slug="later", publish_policy="at_close"))

    assert _search(client, "digits", "wide") == [
        {
            "kind": "submission",
            "id": scored.pk,
            "title": "Wide MLP",
            "author": "bob",
            "score": 0.875,
            "label": f"#{scored.pk} Wide MLP (by bob, score 0.875)",
        }
    ]
    assert [r["id"] for r in _search(client, "digits", "cy")] == [clue.pk]
    by_id = [(r["kind"], r["id"]) for r in _search(client, "digits", f"#{clue.pk}")]
    assert ("clue", clue.pk) in by_id and {pk for _, pk in by_id} == {clue.pk}  # the id of either kind
    assert [r["kind"] for r in _search(client, "digits")] == ["submission", "clue"]
    assert _search(client, "later") == []


def test_the_search_makes_the_same_queries_for_3_or_30_works(client: Client) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    for _ in range(3):
        ScoredSubmissionFactory.create(challenge=challenge)
        ClueFactory.create(challenge=challenge)
    with CaptureQueriesContext(connection) as few:
        _search(client, "digits")
    for _ in range(27):
        ScoredSubmissionFactory.create(challenge=challenge)
        ClueFactory.create(challenge=challenge)

    with CaptureQueriesContext(connection) as many:
        assert len(_search(client, "digits", "")) == 40  # 20 of each kind

    assert len(many) == len(few) == 3  # the challenge, then one query per kind


def test_the_clue_form_lists_citable_work_as_plain_multi_selects(client: Client, alice: Any) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    scored = ScoredSubmissionFactory.create(challenge=challenge, title="Wide MLP", public_score=0.5)
    client.force_login(alice)

    html = client.get(reverse("bounties:clue-create", args=["digits"])).content.decode()

    assert (
        '<select name="builds_on_submissions" size="6" data-citable-url="/challenges/digits/citable.json"'
        in html
    )
    assert (
        f'<option value="{scored.pk}">#{scored.pk} Wide MLP (by {scored.contributor.username}, score 0.5)</option>'
        in html
    )
    assert 'src="/static/js/citation_picker.js"' in html


def test_picked_ids_from_the_multi_select_are_cited(client: Client, alice: Any) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    earlier = timezone.now() - timedelta(hours=1)
    first, second = (ClueFactory.create(challenge=challenge, created_at=earlier) for _ in range(2))
    client.force_login(alice)

    response = client.post(
        reverse("bounties:clue-create", args=["digits"]),
        {"title": "T", "writeup": "W", "builds_on_clues": [str(first.pk), str(second.pk)]},
    )

    assert response.status_code == 302
    assert list(Clue.objects.get(author=alice).builds_on_clues.order_by("pk")) == [first, second]


def test_the_api_refuses_work_of_another_challenge_with_the_fixed_reason(alice: Any) -> None:
    ChallengeFactory.create(slug="digits")
    elsewhere = ScoredSubmissionFactory.create()
    api = APIClient()
    api.force_authenticate(alice)

    response = api.post(
        "/api/v1/clues/",
        {"challenge": "digits", "title": "T", "writeup": "W", "builds_on_submissions": [elsewhere.pk]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["detail"] == OTHER_CHALLENGE.format(kind="Submission", id=elsewhere.pk)
    assert not Clue.objects.exists()


def test_the_submit_form_has_the_same_picker(client: Client, alice: Any) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    clue = ClueFactory.create(challenge=challenge, title="Scale")
    client.force_login(alice)

    html = client.get(reverse("bounties:submission-create", args=["digits"])).content.decode()

    assert 'data-citable-url="/challenges/digits/citable.json" data-citation-kind="clue"' in html
    assert f'<option value="{clue.pk}">#{clue.pk} Scale (by {clue.author.username})</option>' in html
    assert 'src="/static/js/citation_picker.js"' in html


def test_the_clue_form_makes_the_same_queries_for_3_or_30_citable_works(client: Client, alice: Any) -> None:
    challenge = ChallengeFactory.create(slug="digits")
    client.force_login(alice)
    url = reverse("bounties:clue-create", args=["digits"])
    for _ in range(3):
        ScoredSubmissionFactory.create(challenge=challenge)
        ClueFactory.create(challenge=challenge)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(27):
        ScoredSubmissionFactory.create(challenge=challenge)
        ClueFactory.create(challenge=challenge)

    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()

    assert len(many) == len(few)
    assert html.count("<option value=") == 60
