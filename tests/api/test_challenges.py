"""Challenge list and detail: what anyone can read, and the caller's own quota."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from evaluation.scoring.metrics import Metric
from tests.factories import ChallengeFactory, HiddenDatasetFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def closed_challenge(**kwargs: Any) -> Any:
    now = timezone.now()
    return ChallengeFactory.create(
        starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=1), **kwargs
    )


def upcoming_challenge(**kwargs: Any) -> Any:
    now = timezone.now()
    return ChallengeFactory.create(
        starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=10), **kwargs
    )


def test_anonymous_lists_published_challenges_with_status_and_counts(anon_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits", title="Digits")
    SubmissionFactory.create_batch(2, challenge=challenge)
    ChallengeFactory.create(slug="draft", published_at=None)

    response = anon_client.get("/api/v1/challenges/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["slug"] == "digits"
    assert row["status"] == "open"
    assert row["n_submissions"] == 2
    assert row["n_contributors"] == 2
    assert row["higher_is_better"] is True


@pytest.mark.parametrize(("status", "expected"), [("open", "open-one"), ("closed", "closed-one")])
def test_list_filters_by_current_status(anon_client: APIClient, status: str, expected: str) -> None:
    ChallengeFactory.create(slug="open-one")
    closed_challenge(slug="closed-one")
    upcoming_challenge(slug="later-one")

    response = anon_client.get("/api/v1/challenges/", {"status": status})

    assert [row["slug"] for row in response.json()["results"]] == [expected]


def test_list_rejects_an_unknown_status(anon_client: APIClient) -> None:
    response = anon_client.get("/api/v1/challenges/", {"status": "bogus"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_list_filters_by_metric_and_searches_title_and_summary(anon_client: APIClient) -> None:
    ChallengeFactory.create(slug="houses", title="House prices", metric=Metric.RMSE, summary="Regress.")
    ChallengeFactory.create(
        slug="digits", title="Digits", metric=Metric.ACCURACY, summary="Handwritten digits."
    )

    by_metric = anon_client.get("/api/v1/challenges/", {"metric": "rmse"}).json()
    by_search = anon_client.get("/api/v1/challenges/", {"search": "handwritten"}).json()

    assert [row["slug"] for row in by_metric["results"]] == ["houses"]
    assert [row["slug"] for row in by_search["results"]] == ["digits"]


def test_list_is_paginated(anon_client: APIClient) -> None:
    ChallengeFactory.create_batch(27)

    first = anon_client.get("/api/v1/challenges/").json()
    second = anon_client.get(first["next"]).json()

    assert first["count"] == 27
    assert len(first["results"]) == 25
    assert len(second["results"]) == 2
    assert second["next"] is None


def test_prize_pool_beyond_64_bits_is_an_exact_string(anon_client: APIClient) -> None:
    pool = 2**200 + 7
    ChallengeFactory.create(slug="big", prize_pool=pool)

    listed = anon_client.get("/api/v1/challenges/").json()["results"][0]
    detail = anon_client.get("/api/v1/challenges/big/").json()

    assert listed["prize_pool"] == str(pool)
    assert detail["prize_pool"] == str(pool)


def test_detail_shows_rules_specs_limits_and_test_set_sizes_only(anon_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits", description="# Rules\n\n<script>x()</script>Be kind.")
    HiddenDatasetFactory.create(
        challenge=challenge, stored_name="secret-name.npz", original_name="labels-v2.npz", split_seed="s33d"
    )

    response = anon_client.get("/api/v1/challenges/digits/")

    assert response.status_code == 200
    body = response.json()
    assert body["description"].startswith("# Rules")
    assert "<script>" not in body["description_html"]
    assert body["metric"] == "accuracy"
    assert body["input_spec"] == {"shape": [64], "dtype": "float32"}
    assert body["output_spec"] == {"shape": [10]}
    assert body["accepted_formats"] == ["safetensors", "onnx"]
    assert body["publish_policy"] == "immediately"
    assert body["limits"]["daily_submission_limit"] == 5
    assert body["limits"]["total_submission_limit"] == 100
    assert body["hidden_test_set"] == {"n_rows": 100, "n_public": 30, "n_private": 70}
    assert body["remaining_submissions"] is None
    text = response.content.decode()
    for secret in ("secret-name", "labels-v2", "s33d", "stored_name", "split_seed"):
        assert secret not in text


def test_detail_without_test_set_has_null_sizes(anon_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    assert anon_client.get("/api/v1/challenges/digits/").json()["hidden_test_set"] is None


def test_unknown_or_draft_challenge_is_404(anon_client: APIClient) -> None:
    ChallengeFactory.create(slug="draft", published_at=None)

    for slug in ("nope", "draft"):
        response = anon_client.get(f"/api/v1/challenges/{slug}/")
        assert response.status_code == 404
        assert response.json() == {"detail": f"There is no challenge '{slug}'.", "code": "not_found"}


def test_signed_in_caller_sees_remaining_submissions_decrease(user: Any, token_client: APIClient) -> None:
    challenge = ChallengeFactory.create(slug="digits", daily_submission_limit=3, total_submission_limit=10)

    before = token_client.get("/api/v1/challenges/digits/").json()["remaining_submissions"]
    SubmissionFactory.create(challenge=challenge, contributor=user)
    after = token_client.get("/api/v1/challenges/digits/").json()["remaining_submissions"]

    assert before["remaining_today"] == 3
    assert before["remaining_total"] == 10
    assert before["remaining"] == 3
    assert after["remaining_today"] == 2
    assert after["remaining_total"] == 9
    assert after["remaining"] == 2
    assert after["resets_at"].endswith("T00:00:00Z")


def test_challenges_cannot_be_written(token_client: APIClient) -> None:
    ChallengeFactory.create(slug="digits")

    assert token_client.post("/api/v1/challenges/", {}).status_code == 405
    assert token_client.delete("/api/v1/challenges/digits/").status_code == 405
