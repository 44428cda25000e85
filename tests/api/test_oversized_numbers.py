"""Ids and numbers too large for the database are a 400 or a 404 wherever they come in, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import ChallengeFactory, HiddenDatasetFactory, UserFactory, model_upload

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
JUST_PAST_64_BITS = str(2**63)


@pytest.mark.parametrize("number", [HUGE, JUST_PAST_64_BITS])
@pytest.mark.parametrize(
    "path",
    [
        "/submissions/{n}/",
        "/submissions/{n}/status/",
        "/submissions/{n}/files/model/",
        "/clues/{n}/",
        "/clues/1/attachments/{n}/",
        "/api/v1/submissions/{n}/",
        "/api/v1/clues/{n}/",
    ],
)
def test_huge_ids_in_urls_are_not_found(client: Client, path: str, number: str) -> None:
    response = client.get(path.format(n=number))

    assert response.status_code == 404


@pytest.mark.parametrize("field", ["builds_on_submissions", "builds_on_clues"])
@pytest.mark.parametrize("number", [HUGE, JUST_PAST_64_BITS])
def test_huge_citation_ids_in_the_api_are_400(token_client: APIClient, field: str, number: str) -> None:
    HiddenDatasetFactory.create(challenge=ChallengeFactory.create(slug="digits"))

    response = token_client.post(
        "/api/v1/submissions/",
        {"challenge": "digits", "model_file": model_upload(), field: [number]},
        format="multipart",
    )

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("number", [HUGE, JUST_PAST_64_BITS])
def test_huge_citation_ids_in_the_form_are_400(client: Client, number: str) -> None:
    HiddenDatasetFactory.create(challenge=ChallengeFactory.create(slug="digits"))
    client.force_login(UserFactory.create(username="zed"))

    response = client.post(
        "/challenges/digits/submit/",
        {"model_file": model_upload(), "builds_on_submissions": f"#{number}"},
    )

    assert response.status_code == 400
    assert "too large to be an id" in response.content.decode()


@pytest.mark.parametrize("limit", [HUGE, JUST_PAST_64_BITS, "-1"])
def test_huge_leaderboard_limits_are_400(anon_client: APIClient, limit: str) -> None:
    ChallengeFactory.create(slug="digits")

    response = anon_client.get(f"/api/v1/challenges/digits/leaderboard/?limit={limit}")

    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/submissions/", "/api/v1/clues/", "/api/v1/challenges/"])
def test_huge_page_numbers_are_404(anon_client: APIClient, path: str) -> None:
    response = anon_client.get(f"{path}?page={HUGE}")

    assert response.status_code == 404
