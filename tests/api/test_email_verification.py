"""Publishing needs a confirmed email address: a submission or a clue from an unconfirmed account is
refused, by the service, whichever door it comes through."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from bounties.errors import EmailNotVerified
from bounties.models import Artifact, Clue, Submission
from bounties.services.clues import clue_create
from bounties.services.submissions import submission_create
from tests.factories import ChallengeFactory, UserFactory, model_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def unconfirmed(db: None) -> Any:
    return UserFactory.create(username="newcomer", email_verified=False)


def test_a_submission_needs_a_confirmed_email(unconfirmed: Any) -> None:
    with pytest.raises(EmailNotVerified, match="Confirm your email address before you submit a model"):
        submission_create(
            challenge=ChallengeFactory.create(), contributor=unconfirmed, model_file=model_upload()
        )

    assert (Submission.objects.count(), Artifact.objects.count()) == (0, 0)


def test_a_clue_needs_a_confirmed_email(unconfirmed: Any) -> None:
    with pytest.raises(EmailNotVerified, match="before you share a clue"):
        clue_create(challenge=ChallengeFactory.create(), author=unconfirmed, title="t", writeup="w")

    assert Clue.objects.count() == 0


def test_the_api_answers_403_with_the_reason(unconfirmed: Any, client_for: Any) -> None:
    ChallengeFactory.create(slug="digits")
    client: APIClient = client_for(unconfirmed)

    response = client.post(
        "/api/v1/submissions/", {"challenge": "digits", "model_file": model_upload()}, format="multipart"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


def test_a_confirmed_account_submits(client_for: Any) -> None:
    ChallengeFactory.create(slug="digits")
    client: APIClient = client_for(UserFactory.create(username="confirmed"))

    response = client.post(
        "/api/v1/submissions/", {"challenge": "digits", "model_file": model_upload()}, format="multipart"
    )

    assert response.status_code == 201
