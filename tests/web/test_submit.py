"""The submit form: success, each service error shown with its status code, and the log-in gate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bounties.models import Submission
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    ScoredSubmissionFactory,
    SubmissionFactory,
    model_upload,
    source_zip_upload,
)

pytestmark = pytest.mark.django_db


def _submit(client: Client, challenge: Any, **fields: Any) -> Any:
    data = {"model_file": model_upload(), "title": "My MLP", "writeup": "It *works*.", **fields}
    return client.post(reverse("bounties:submission-create", args=[challenge.slug]), data)


def test_submit_page_shows_the_form_and_remaining_submissions(alice_client: Client, challenge: Any) -> None:
    response = alice_client.get(reverse("bounties:submission-create", args=[challenge.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="model_file"' in html and 'name="source_archive"' in html
    assert "required for prize eligibility" in html
    assert "<strong>5</strong> submissions left today" in html
    assert '<label for="id_writeup">' in html


def test_submit_stores_the_submission_and_redirects_to_it(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    cited = ScoredSubmissionFactory.create(challenge=challenge)
    clue = ClueFactory.create(challenge=challenge)

    response = _submit(
        alice_client,
        challenge,
        source_archive=source_zip_upload(),
        builds_on_submissions=f"#{cited.pk}",
        builds_on_clues=str(clue.pk),
    )

    submission = Submission.objects.get(contributor=contributor)
    assert response.status_code == 302
    assert response["Location"] == reverse("bounties:submission-detail", args=[submission.pk])
    assert submission.title == "My MLP"
    assert submission.source_filename == "source.zip"
    assert list(submission.builds_on_submissions.all()) == [cited]
    assert list(submission.builds_on_clues.all()) == [clue]


def test_pickle_model_is_refused_with_400_and_the_accepted_formats(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    pickle = SimpleUploadedFile("model.pt", b"\x80\x04\x95fake pickle")

    response = _submit(alice_client, challenge, model_file=pickle)

    html = response.content.decode()
    assert response.status_code == 400
    assert "&#x27;.pt&#x27; files are refused" in html
    assert ".safetensors" in html
    assert not Submission.objects.filter(contributor=contributor).exists()


def test_model_over_the_size_limit_is_refused_with_413(
    alice_client: Client, contributor: Any, challenge: Any, settings: LazySettings
) -> None:
    settings.MAX_MODEL_FILE_BYTES = 100

    response = _submit(alice_client, challenge)

    assert response.status_code == 413
    assert "over the limit" in response.content.decode()
    assert not Submission.objects.filter(contributor=contributor).exists()


def test_daily_limit_reached_is_refused_with_429_and_says_when_more_open(
    alice_client: Client, contributor: Any
) -> None:
    challenge = ChallengeFactory.create(daily_submission_limit=2)
    SubmissionFactory.create_batch(2, challenge=challenge, contributor=contributor)

    response = _submit(alice_client, challenge)

    html = response.content.decode()
    assert response.status_code == 429
    assert "You have used all 2 submissions allowed today" in html
    assert "<strong>0</strong> submissions left today" in html
    assert Submission.objects.filter(contributor=contributor).count() == 2


def test_challenge_not_open_is_refused_with_409(alice_client: Client, contributor: Any) -> None:
    closed = ChallengeFactory.create(
        title="Finished",
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=1),
    )

    response = _submit(alice_client, closed)

    assert response.status_code == 409
    assert "does not take submissions now" in response.content.decode()
    assert not Submission.objects.filter(contributor=contributor).exists()


def test_citing_an_unknown_submission_is_a_form_error(
    alice_client: Client, contributor: Any, challenge: Any
) -> None:
    response = _submit(alice_client, challenge, builds_on_submissions="99999")

    assert response.status_code == 404
    assert "Submission #99999 does not exist or is not published" in response.content.decode()
    assert not Submission.objects.filter(contributor=contributor).exists()


def test_citations_that_are_not_ids_are_a_400_form_error(alice_client: Client, challenge: Any) -> None:
    response = _submit(alice_client, challenge, builds_on_clues="three")

    assert response.status_code == 400
    assert "&#x27;three&#x27; is not an id" in response.content.decode()


def test_missing_model_file_is_a_400_form_error(alice_client: Client, challenge: Any) -> None:
    response = alice_client.post(reverse("bounties:submission-create", args=[challenge.slug]), {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_submit_needs_a_logged_in_contributor(client: Client, challenge: Any) -> None:
    url = reverse("bounties:submission-create", args=[challenge.slug])

    get_response = client.get(url)
    post_response = _submit(client, challenge)

    for response in (get_response, post_response):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    assert not Submission.objects.exists()
