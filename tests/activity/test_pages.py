"""The feed on the challenge page and its own page, the Atom feed, and watching a challenge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activity.models import ChallengeWatch
from bounties.models import PublishPolicy
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def challenge() -> Any:
    return ChallengeFactory.create(slug="digits", title="Digits")


def _add_activity(challenge: Any, n: int) -> None:
    for i in range(n):
        ClueFactory.create(challenge=challenge, created_at=timezone.now() - timedelta(hours=i + 1))
        ScoredSubmissionFactory.create(challenge=challenge, public_score=0.1 + i / 1000)


def test_the_challenge_page_shows_the_feed_the_atom_link_and_a_watch_button(
    client: Client, challenge: Any
) -> None:
    ClueFactory.create(
        challenge=challenge, title="Scale the pixels", author=UserFactory.create(username="gus")
    )
    client.force_login(UserFactory.create())

    html = client.get(reverse("bounties:challenge-detail", args=["digits"])).content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Digits: activity" '
        'href="/challenges/digits/activity.atom">'
    ) in html
    assert "New clue “Scale the pixels” by gus" in html
    assert 'action="/challenges/digits/watch/"' in html
    assert '<button type="submit" class="button button-small" aria-pressed="false">Watch</button>' in html


def test_an_anonymous_visitor_is_asked_to_log_in_to_watch(client: Client, challenge: Any) -> None:
    html = client.get(reverse("bounties:challenge-detail", args=["digits"])).content.decode()

    assert "Log in to watch" in html
    assert 'action="/challenges/digits/watch/"' not in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_page_query_counts_do_not_grow_with_the_feed(
    client: Client, challenge: Any, django_assert_max_num_queries: Callable[..., Any], logged_in: bool
) -> None:
    if logged_in:
        client.force_login(UserFactory.create())
    urls = [
        reverse("bounties:challenge-detail", args=["digits"]),
        reverse("activity:challenge-activity", args=["digits"]),
        reverse("activity:challenge-feed", args=["digits"]),
    ]
    _add_activity(challenge, 3)
    baselines = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        baselines.append(len(captured))

    _add_activity(challenge, 30)

    for url, baseline in zip(urls, baselines, strict=True):
        with django_assert_max_num_queries(baseline):
            assert client.get(url).status_code == 200


def test_the_activity_page_is_paginated(client: Client, challenge: Any) -> None:
    for i in range(25):
        ClueFactory.create(
            challenge=challenge, title=f"Clue number {i}", created_at=timezone.now() - timedelta(hours=i)
        )

    first = client.get(reverse("activity:challenge-activity", args=["digits"])).content.decode()
    second = client.get(reverse("activity:challenge-activity", args=["digits"]) + "?page=2").content.decode()

    assert "Clue number 0”" in first and "Clue number 19”" in first and "Clue number 20”" not in first
    assert '<a href="?page=2" rel="next">Older</a>' in first
    assert "Clue number 20”" in second and "Clue number 24”" in second and "Clue number 19”" not in second
    assert '<a href="?page=1" rel="prev">Newer</a>' in second


def test_the_atom_feed_is_valid_xml_with_absolute_links(client: Client, challenge: Any) -> None:
    older = ClueFactory.create(
        challenge=challenge, title="Older", created_at=timezone.now() - timedelta(hours=2)
    )
    newer = ClueFactory.create(
        challenge=challenge, title="Newer & <better>", created_at=timezone.now() - timedelta(hours=1)
    )

    response = client.get(reverse("activity:challenge-feed", args=["digits"]))

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own output)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Digits: activity on Clueboard"
    assert feed.findtext(f"{ATOM}id") == "http://testserver/challenges/digits/"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "http://testserver/challenges/digits/",
        "self": "http://testserver/challenges/digits/activity.atom",
    }
    assert feed.findtext(f"{ATOM}updated") == newer.created_at.isoformat()
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "New clue “Newer & <better>” by " + newer.author.username,
        "New clue “Older” by " + older.author.username,
    ]
    assert [entry.findtext(f"{ATOM}id") for entry in entries] == [
        f"http://testserver/challenges/digits/activity/#clue-{newer.pk}",
        f"http://testserver/challenges/digits/activity/#clue-{older.pk}",
    ]
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [  # type: ignore[union-attr]
        f"http://testserver/clues/{newer.pk}/",
        f"http://testserver/clues/{older.pk}/",
    ]
    assert [entry.findtext(f"{ATOM}updated") for entry in entries] == [
        newer.created_at.isoformat(),
        older.created_at.isoformat(),
    ]


def test_the_atom_feed_of_a_draft_is_not_found_and_hides_unpublished_work(client: Client) -> None:
    ChallengeFactory.create(slug="draft", published_at=None)
    secretive = ChallengeFactory.create(slug="secretive", publish_policy=PublishPolicy.AT_CLOSE)
    hidden = ScoredSubmissionFactory.create(
        challenge=secretive, title="Hidden trick", public_score=0.9, private_score=0.654321
    )

    assert client.get(reverse("activity:challenge-feed", args=["draft"])).status_code == 404
    assert client.get(reverse("activity:challenge-activity", args=["draft"])).status_code == 404
    body = client.get(reverse("activity:challenge-feed", args=["secretive"])).content.decode()
    assert "New best public score 0.900000 by" in body
    assert "Hidden trick" not in body and f"/submissions/{hidden.pk}/" not in body and "0.654321" not in body


def test_watch_and_unwatch(client: Client, challenge: Any) -> None:
    user = UserFactory.create()
    client.force_login(user)
    url = reverse("activity:challenge-watch", args=["digits"])

    watched = client.post(url, {"action": "watch"}, follow=True)
    client.post(url, {"action": "watch"})  # twice is once

    assert list(ChallengeWatch.objects.values_list("user", "challenge")) == [(user.pk, challenge.pk)]
    html = watched.content.decode()
    assert "You watch Digits: new activity comes in your email digest." in html
    assert "Watching · Unwatch" in html

    unwatched = client.post(url, {"action": "unwatch"}, follow=True)

    assert not ChallengeWatch.objects.exists()
    assert "You no longer watch Digits." in unwatched.content.decode()


def test_watching_needs_a_post_with_csrf_and_a_signed_in_user(challenge: Any) -> None:
    url = reverse("activity:challenge-watch", args=["digits"])
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(url, {"action": "watch"}).status_code == 403  # no CSRF token
    to_login = anonymous.post(url, {"action": "watch"}, HTTP_X_CSRFTOKEN=_csrf(anonymous))
    assert (to_login.status_code, to_login["Location"]) == (
        302,
        "/accounts/login/?next=/challenges/digits/watch/",
    )

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory.create())
    assert strict.post(url, {"action": "watch"}).status_code == 403
    assert strict.get(url).status_code == 405
    assert strict.post(url, {"action": "both"}, HTTP_X_CSRFTOKEN=_csrf(strict)).status_code == 400
    assert not ChallengeWatch.objects.exists()
    assert strict.post(url, {"action": "watch"}, HTTP_X_CSRFTOKEN=_csrf(strict)).status_code == 302
    assert ChallengeWatch.objects.count() == 1


def _csrf(client: Client) -> str:
    # A page with a form sets the CSRF cookie: the log-in form, or the watch button once signed in.
    client.get(reverse("account_login"))
    client.get(reverse("bounties:challenge-detail", args=["digits"]))
    return client.cookies["csrftoken"].value


def test_a_draft_cannot_be_watched_by_others(client: Client) -> None:
    ChallengeFactory.create(slug="draft", published_at=None)
    client.force_login(UserFactory.create())

    response = client.post(reverse("activity:challenge-watch", args=["draft"]), {"action": "watch"})

    assert response.status_code == 404
    assert not ChallengeWatch.objects.exists()


def test_the_admin_lists_watches_and_deliveries(client: Client, challenge: Any) -> None:
    user = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    ChallengeWatch.objects.create(user=user, challenge=challenge, digested_until=timezone.now())
    client.force_login(user)

    watches = client.get(reverse("admin:activity_challengewatch_changelist"))
    deliveries = client.get(reverse("admin:activity_digestdelivery_changelist"))

    assert watches.status_code == 200 and "Digits" in watches.content.decode()
    assert deliveries.status_code == 200
    assert client.get(reverse("admin:activity_digestdelivery_add")).status_code == 403
