"""Pages kept for readers who are not signed in (clueboard/reader_pages.py): the same bytes for every such
reader, a landed score at once, and nothing personal ever kept or shown to somebody else."""

from __future__ import annotations

import re
import time
from functools import partial
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bounties.models import Challenge, SubmissionStatus
from bounties.services.submissions import submission_record_scores
from clueboard.reader_pages import reader_page
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/challenges/{slug}/leaderboard/"


@pytest.fixture
def challenge() -> Challenge:
    challenge = ChallengeFactory.create(slug="digits")
    ScoredSubmissionFactory.create(
        challenge=challenge, contributor=UserFactory.create(username="ada"), public_score=0.6
    )
    return challenge


def get(client: Client, url: str, **extra: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries.captured_queries)


def test_a_signed_out_reader_gets_the_kept_challenge_page_in_one_query(challenge: Challenge) -> None:
    first, first_queries = get(Client(), "/challenges/digits/")
    again, queries = get(Client(), "/challenges/digits/")  # another reader, no cookies

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert b"ada" in again.content
    assert first_queries > 5
    assert queries == 1  # the challenge's version: the rest is what was kept


def test_a_landed_score_is_on_the_kept_pages_at_once(challenge: Challenge) -> None:
    reader = Client()
    assert b"bob" not in reader.get("/challenges/digits/").content
    assert reader.get(API.format(slug="digits")).json()["count"] == 1
    running = SubmissionFactory.create(
        challenge=challenge, contributor=UserFactory.create(username="bob"), status=SubmissionStatus.RUNNING
    )

    assert submission_record_scores(submission_id=running.pk, public_score=0.9, private_score=0.1)

    assert b"bob" in reader.get("/challenges/digits/").content
    board = reader.get(API.format(slug="digits")).json()
    assert [entry["contributor"] for entry in board["entries"]] == ["bob", "ada"]


def test_other_changes_show_once_the_kept_page_expires(challenge: Challenge, settings: Any) -> None:
    settings.READER_PAGE_SECONDS = 1
    reader = Client()
    reader.get("/challenges/digits/")
    ClueFactory.create(challenge=challenge, title="Augment with rotations")

    assert b"Augment with rotations" not in reader.get("/challenges/digits/").content
    time.sleep(1.1)
    assert b"Augment with rotations" in reader.get("/challenges/digits/").content


def test_nothing_is_kept_when_the_setting_is_zero(challenge: Challenge, settings: Any) -> None:
    settings.READER_PAGE_SECONDS = 0
    get(Client(), "/challenges/digits/")

    _, queries = get(Client(), "/challenges/digits/")

    assert queries > 5


def test_signed_in_pages_are_never_kept_nor_served_what_was_kept(challenge: Challenge) -> None:
    reader, member = Client(), Client()
    member.force_login(UserFactory.create(username="carol"))
    reader.get("/challenges/digits/")  # kept for readers

    signed_in = member.get("/challenges/digits/")
    after = reader.get("/challenges/digits/")

    assert b"carol" in signed_in.content and b"Log out" in signed_in.content
    assert b"carol" not in after.content and b"Log out" not in after.content


def render_counter(body: bytes, *, token: bool = False) -> tuple[list[int], Any]:
    renders: list[int] = []

    def render(request: HttpRequest) -> HttpResponse:
        renders.append(1)
        return HttpResponse(body + (get_token(request).encode() if token else b""))

    return renders, render


def anonymous(path: str = "/page/") -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_a_page_that_used_a_csrf_token_is_not_kept() -> None:
    renders, render = render_counter(b"form ", token=True)
    first, second = anonymous(), anonymous()

    one = reader_page(first, lambda: ("k",), lambda: render(first))
    two = reader_page(second, lambda: ("k",), lambda: render(second))

    assert renders == [1, 1]
    assert one.content != two.content  # each reader's own token


def test_a_page_rendered_with_waiting_messages_is_neither_kept_nor_served_kept() -> None:
    renders, render = render_counter(b"page")
    before = anonymous()
    reader_page(before, lambda: ("k",), lambda: render(before))  # kept
    with_message = anonymous()
    with_message.session = SessionStore()
    with_message._messages = FallbackStorage(with_message)  # type: ignore[attr-defined]
    messages.info(with_message, "Signed out.")

    reader_page(with_message, lambda: ("k",), lambda: render(with_message))
    after = anonymous()
    reader_page(after, lambda: ("k",), lambda: render(after))

    assert renders == [1, 1]  # rendered for the reader with a message; the next one gets the kept page


def test_only_named_short_query_parameters_share_a_kept_page() -> None:
    renders, render = render_counter(b"page")
    for path in ["/page/?page=2", "/page/?page=2", "/page/?utm_source=x", "/page/?page=" + "9" * 20]:
        request = anonymous(path)
        reader_page(request, lambda: ("k",), partial(render, request), params=("page",))

    assert len(renders) == 3  # kept once for ?page=2; the others each rendered alone


def test_while_one_reader_renders_a_new_version_the_others_get_the_page_as_it_was() -> None:
    """After a score lands, the first reader renders the page; a reader arriving meanwhile is not made to
    render it too (on a busy challenge, every web process at once) but gets the page as it was."""
    version, renders = [1], []

    def render(body: bytes) -> HttpResponse:
        renders.append(body)
        return HttpResponse(body)

    def key() -> tuple[int]:
        return (version[0],)

    reader_page(anonymous(), key, lambda: render(b"v1"))
    version[0] = 2  # a score landed
    arrived: list[HttpResponse] = []

    def render_while_another_reader_arrives() -> HttpResponse:
        arrived.append(reader_page(anonymous(), key, lambda: render(b"v2, rendered twice")))
        return render(b"v2")

    first_after = reader_page(anonymous(), key, render_while_another_reader_arrives)
    later = reader_page(anonymous(), key, lambda: render(b"v2, rendered twice"))

    assert first_after.content == b"v2" and arrived[0].content == b"v1"
    assert later.content == b"v2"
    assert renders == [b"v1", b"v2"]


def test_a_render_that_fails_leaves_the_next_reader_to_render() -> None:
    version, renders = [1], []

    def render(body: bytes) -> HttpResponse:
        renders.append(body)
        return HttpResponse(body)

    def fail() -> HttpResponse:
        raise RuntimeError("the database went away")

    reader_page(anonymous(), lambda: tuple(version), lambda: render(b"v1"))
    version[0] = 2
    with pytest.raises(RuntimeError):
        reader_page(anonymous(), lambda: tuple(version), fail)

    after = reader_page(anonymous(), lambda: tuple(version), lambda: render(b"v2"))

    assert after.content == b"v2" and renders == [b"v1", b"v2"]


def test_no_key_means_the_page_answers_for_itself() -> None:
    renders, render = render_counter(b"not found")
    for _ in range(2):
        request = anonymous()
        reader_page(request, lambda: None, partial(render, request))

    assert renders == [1, 1]


def test_an_unpublished_challenge_is_gone_at_once_even_when_kept(challenge: Challenge) -> None:
    Client().get("/challenges/digits/")
    Client().get(API.format(slug="digits"))
    Challenge.objects.filter(pk=challenge.pk).update(published_at=None)

    assert Client().get("/challenges/digits/").status_code == 404
    assert Client().get(API.format(slug="digits")).status_code == 404


def test_the_api_answer_is_kept_rendered_and_its_links_follow_the_host(challenge: Challenge) -> None:
    for n in range(3):
        ScoredSubmissionFactory.create(challenge=challenge, public_score=0.1 * n)
    url = API.format(slug="digits") + "?limit=2"
    first, _ = get(Client(), url)
    again, queries = get(Client(), url)
    other_host = Client().get(url, HTTP_HOST="localhost")

    assert again.content == first.content and queries == 1
    assert again["Content-Type"] == "application/json"
    assert first.json()["next"].startswith("http://testserver/")
    assert other_host.json()["next"].startswith("http://localhost/")


def test_an_invalid_api_query_is_refused_and_not_kept(challenge: Challenge) -> None:
    url = API.format(slug="digits") + "?limit=0"

    assert Client().get(url).status_code == 400
    assert Client().get(url).status_code == 400
    assert Client().get(API.format(slug="digits") + "?limit=1").status_code == 200


def test_the_browsable_api_is_rendered_for_its_reader(challenge: Challenge) -> None:
    Client().get(API.format(slug="digits"))  # JSON kept

    page = Client().get(API.format(slug="digits"), HTTP_ACCEPT="text/html")

    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


def test_a_profile_is_kept_for_readers_and_gone_when_its_owner_is_deactivated() -> None:
    owner = UserFactory.create(username="dana")
    ScoredSubmissionFactory.create(contributor=owner, title="Wide MLP", finished_at=timezone.now())
    first, _ = get(Client(), "/u/dana/")
    again, queries = get(Client(), "/u/dana/")

    assert again.content == first.content and queries == 1
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert Client().get("/u/dana/").status_code == 404


def test_the_api_ranking_of_a_published_challenge_is_shared_with_signed_in_clients(
    challenge: Challenge,
) -> None:
    reader, member = Client(), Client()
    member.force_login(UserFactory.create(username="erin"))
    first = reader.get(API.format(slug="digits"))

    again, queries = get(member, API.format(slug="digits"))

    assert again.content == first.content
    assert queries == 3  # the member's session and user, then the challenge's version


def test_a_draft_ranking_is_answered_afresh_for_its_organizer() -> None:
    organizer = UserFactory.create(username="olga")
    draft = ChallengeFactory.create(slug="draft", organizer=organizer, published_at=None)
    ScoredSubmissionFactory.create(challenge=draft, public_score=0.5)
    client = Client()
    client.force_login(organizer)
    client.get(API.format(slug="draft"))

    answer, queries = get(client, API.format(slug="draft"))

    assert answer.status_code == 200 and answer.json()["count"] == 1
    assert queries > 3  # rendered for the organizer: nothing of a draft is kept
    assert Client().get(API.format(slug="draft")).status_code == 404


def test_the_kept_leaderboard_rows_mark_only_the_signed_in_contributors_own_row(challenge: Challenge) -> None:
    ada = Client()
    ada.force_login(challenge.submissions.get().contributor)
    frank = Client()
    frank.force_login(UserFactory.create(username="frank"))

    for _ in range(2):  # rendered, then from what was kept
        assert b'class="is-self"' in ada.get("/challenges/digits/").content
        assert b'class="is-self"' not in frank.get("/challenges/digits/").content
        assert b'class="is-self"' not in Client().get("/challenges/digits/").content
        assert b'class="is-self"' in ada.get("/challenges/digits/leaderboard/").content


def test_signed_in_the_leaderboard_rows_follow_a_landed_score_at_once(challenge: Challenge) -> None:
    bob = UserFactory.create(username="bob")
    ScoredSubmissionFactory.create(challenge=challenge, contributor=bob, public_score=0.5)
    member = Client()
    member.force_login(UserFactory.create(username="gil"))
    assert table(member) == ["ada", "bob"]
    running = SubmissionFactory.create(challenge=challenge, contributor=bob, status=SubmissionStatus.RUNNING)

    assert submission_record_scores(submission_id=running.pk, public_score=0.9, private_score=0.1)

    assert table(member) == ["bob", "ada"]  # as many rows as before: the new order, not the kept one


def table(client: Client) -> list[str]:
    page = client.get("/challenges/digits/").content.decode()
    rows = page[page.index('<table class="table leaderboard">') : page.index("</table>")]
    return re.findall(r'<a href="/u/([^/]+)/">', rows)


def panel(client: Client) -> str:
    page = client.get("/challenges/digits/").content.decode()
    return page[page.index('<section aria-labelledby="activity-heading"') : page.index("activity-links")]


def test_signed_in_the_activity_panel_shows_a_new_best_at_once_and_other_news_within_seconds(
    challenge: Challenge, settings: Any
) -> None:
    settings.READER_PAGE_SECONDS = 1
    member = Client()
    member.force_login(UserFactory.create(username="hana"))
    assert "bob" not in panel(member)
    running = SubmissionFactory.create(
        challenge=challenge, contributor=UserFactory.create(username="bob"), status=SubmissionStatus.RUNNING
    )
    assert submission_record_scores(submission_id=running.pk, public_score=0.9, private_score=0.1)

    assert "bob" in panel(member)  # the new best at once: the score version moved
    ClueFactory.create(challenge=challenge, title="Augment with rotations")
    assert "Augment with rotations" not in panel(member)
    time.sleep(1.1)
    assert "Augment with rotations" in panel(member)


def test_an_accept_header_with_parameters_is_answered_but_not_kept(challenge: Challenge) -> None:
    url = API.format(slug="digits")
    Client().get(url)  # the plain answer, kept

    for indent in ("2", "2"):  # the same header twice: neither is kept
        answer, queries = get(Client(), url, HTTP_ACCEPT=f"application/json; indent={indent}")
        assert answer.status_code == 200 and answer.json()["count"] == 1
        assert queries > 1  # rendered for this client
