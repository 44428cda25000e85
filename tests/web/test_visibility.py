"""What each viewer may see: unpublished work, private scores, files; and the self-refreshing status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bounties.models import PublishPolicy, SubmissionStatus
from bounties.services.challenges import challenge_close_now
from bounties.services.clues import clue_create
from bounties.services.submissions import submission_create
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    UserFactory,
    model_upload,
    source_zip_upload,
)

pytestmark = pytest.mark.django_db

DISTINCT_PRIVATE_SCORE = 0.123456


def page_without(response: Any, submission_id: int) -> str:
    """The page with its id and per-request CSRF token blanked out."""
    page = response.content.decode().replace(f"#{submission_id}", "#N")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_someone_elses_unpublished_submission_answers_exactly_like_a_missing_one(
    alice_client: Client,
) -> None:
    challenge = ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    theirs = SubmissionFactory.create(challenge=challenge, writeup="Secret trick")
    missing = theirs.pk + 1000

    for url_name, extra in (
        ("bounties:submission-detail", []),
        ("bounties:submission-status", []),
        ("bounties:submission-file", ["model"]),
    ):
        unseen = alice_client.get(reverse(url_name, args=[theirs.pk, *extra]))
        absent = alice_client.get(reverse(url_name, args=[missing, *extra]))
        assert unseen.status_code == absent.status_code == 404
        assert b"Secret trick" not in unseen.content
        assert f"There is no submission #{theirs.pk}." in unseen.content.decode()
        assert page_without(unseen, theirs.pk) == page_without(absent, missing)


def test_owner_sees_their_unpublished_submission(alice_client: Client, contributor: Any) -> None:
    challenge = ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    mine = SubmissionFactory.create(challenge=challenge, contributor=contributor)

    response = alice_client.get(reverse("bounties:submission-detail", args=[mine.pk]))

    assert response.status_code == 200
    assert "not published yet" in response.content.decode()


def test_unpublished_submission_is_not_linked_from_the_leaderboard(client: Client) -> None:
    challenge = ChallengeFactory.create(publish_policy=PublishPolicy.AT_CLOSE)
    hidden = ScoredSubmissionFactory.create(challenge=challenge)

    html = client.get(reverse("bounties:challenge-detail", args=[challenge.slug])).content.decode()

    assert reverse("bounties:submission-detail", args=[hidden.pk]) not in html
    assert "published at close" in html


def test_private_score_is_absent_from_every_page_until_close(client: Client, contributor: Any) -> None:
    challenge = ChallengeFactory.create()
    submission = ScoredSubmissionFactory.create(
        challenge=challenge, contributor=contributor, public_score=0.9, private_score=DISTINCT_PRIVATE_SCORE
    )
    client.force_login(contributor)  # not even the owner sees it early
    pages = [
        reverse("bounties:challenge-detail", args=[challenge.slug]),
        reverse("bounties:submission-detail", args=[submission.pk]),
        reverse("bounties:submission-status", args=[submission.pk]),
        reverse("bounties:contributor-profile", args=[contributor.username]),
    ]

    for url in pages:
        html = client.get(url).content.decode()
        assert "0.123456" not in html, url
        assert "0.12345" not in html, url

    challenge_close_now(challenge=challenge)

    for url in pages:
        assert "0.123456" in client.get(url).content.decode(), url


def test_status_partial_polls_while_waiting_and_stops_when_final(
    alice_client: Client, contributor: Any
) -> None:
    submission = SubmissionFactory.create(contributor=contributor, status=SubmissionStatus.RUNNING)
    url = reverse("bounties:submission-status", args=[submission.pk])

    running = alice_client.get(url).content.decode()
    submission.status = SubmissionStatus.SCORED
    submission.public_score = 0.75
    submission.save()
    scored = alice_client.get(url).content.decode()

    assert 'hx-trigger="every 3s"' in running and f'hx-get="{url}"' in running
    assert "hx-trigger" not in scored and "hx-get" not in scored
    assert "0.750000" in scored


@pytest.mark.parametrize("final_status", [SubmissionStatus.FAILED, SubmissionStatus.REJECTED])
def test_status_partial_does_not_poll_after_failure(
    alice_client: Client, contributor: Any, final_status: str
) -> None:
    submission = SubmissionFactory.create(contributor=contributor, status=final_status)

    html = alice_client.get(reverse("bounties:submission-status", args=[submission.pk])).content.decode()

    assert "hx-trigger" not in html


def test_detail_page_loads_htmx_only_while_not_final(alice_client: Client, contributor: Any) -> None:
    waiting = SubmissionFactory.create(contributor=contributor, status=SubmissionStatus.QUEUED)
    done = ScoredSubmissionFactory.create(contributor=contributor)

    waiting_html = alice_client.get(reverse("bounties:submission-detail", args=[waiting.pk])).content.decode()
    done_html = alice_client.get(reverse("bounties:submission-detail", args=[done.pk])).content.decode()

    assert "vendor/htmx/htmx.min.js" in waiting_html
    assert "vendor/htmx/htmx.min.js" not in done_html


def test_markdown_is_sanitised_on_every_page(client: Client) -> None:
    attack = "Hello <script>alert('x')</script> <img src=x onerror=alert(1)> [link](javascript:alert(2))"
    challenge = ChallengeFactory.create(description=attack)
    submission = SubmissionFactory.create(challenge=challenge, writeup=attack)
    clue = ClueFactory.create(challenge=challenge, writeup=attack)

    for url in (
        reverse("bounties:challenge-detail", args=[challenge.slug]),
        reverse("bounties:submission-detail", args=[submission.pk]),
        reverse("bounties:clue-detail", args=[clue.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "onerror" not in html
        assert "javascript:" not in html
        assert "Hello" in html


def test_submission_files_download_with_their_original_names(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    submission = submission_create(
        challenge=challenge,
        contributor=contributor,
        model_file=model_upload("digits.safetensors"),
        source_archive=source_zip_upload("code.zip"),
    )

    model = alice_client.get(reverse("bounties:submission-file", args=[submission.pk, "model"]))
    source = alice_client.get(reverse("bounties:submission-file", args=[submission.pk, "source"]))
    other = alice_client.get(reverse("bounties:submission-file", args=[submission.pk, "hidden"]))

    assert model.status_code == 200
    assert 'filename="digits.safetensors"' in model["Content-Disposition"]
    assert b"".join(model.streaming_content) == model_upload().read()  # type: ignore[attr-defined]
    assert 'filename="code.zip"' in source["Content-Disposition"]
    assert other.status_code == 404


def test_clue_attachment_downloads_and_unknown_attachment_is_404(client: Client, challenge: Any) -> None:
    author = UserFactory.create()
    clue = clue_create(
        challenge=challenge,
        author=author,
        title="Plots",
        writeup="See the notebook.",
        attachments=[source_zip_upload("notebook.zip")],
    )
    attachment = clue.attachments.get()

    response = client.get(reverse("bounties:clue-attachment", args=[clue.pk, attachment.pk]))
    missing = client.get(reverse("bounties:clue-attachment", args=[clue.pk, attachment.pk + 1]))

    assert response.status_code == 200
    assert 'filename="notebook.zip"' in response["Content-Disposition"]
    assert missing.status_code == 404
