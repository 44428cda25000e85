"""The challenge page shows the top of the leaderboard and links the whole ranking, a page at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import ScoredSubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def fill(challenge: Any, contributors: int) -> None:
    for n in range(contributors):
        who = UserFactory.create(username=f"p{n:03d}")
        ScoredSubmissionFactory.create(challenge=challenge, contributor=who, public_score=1 - n / 1000)


def test_the_challenge_page_shows_the_top_50_and_links_the_rest(client: Client, challenge: Any) -> None:
    fill(challenge, 52)

    page = client.get("/challenges/digits/").content.decode()

    assert ">p049</a>" in page
    assert ">p050</a>" not in page
    assert "See the whole leaderboard (52 contributors)" in page
    assert 'href="/challenges/digits/leaderboard/"' in page


def test_the_leaderboard_page_lists_everyone_a_page_at_a_time(client: Client, challenge: Any) -> None:
    fill(challenge, 102)

    first = client.get("/challenges/digits/leaderboard/").content.decode()
    second = client.get("/challenges/digits/leaderboard/?page=2").content.decode()

    assert ">p099</a>" in first and ">p100</a>" not in first
    assert "Page 1 of 2" in first and "See the whole leaderboard" not in first
    assert "<td>101</td>" in second and ">p101</a>" in second


def test_a_small_leaderboard_has_no_link_to_more(client: Client, challenge: Any) -> None:
    fill(challenge, 3)

    page = client.get("/challenges/digits/").content.decode()

    assert ">p002</a>" in page
    assert "See the whole leaderboard" not in page


def test_a_signed_in_contributor_below_the_top_sees_their_place_and_its_page(
    client: Client, challenge: Any
) -> None:
    fill(challenge, 120)
    me = UserFactory.create(username="me")
    ScoredSubmissionFactory.create(challenge=challenge, contributor=me, public_score=0.5)  # below all 120
    client.force_login(me)

    page = client.get("/challenges/digits/").content.decode()

    assert "Your place: <strong>121</strong> of 121." in page
    assert 'href="/challenges/digits/leaderboard/?page=2"' in page
