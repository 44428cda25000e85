"""Challenge status follows the dates and the organizer's actions."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bounties.errors import ApplicationError, InvalidTransition
from bounties.models import Challenge, ChallengeStatus
from bounties.services.challenges import (
    challenge_close_now,
    challenge_mark_awarded,
    challenge_publish,
    challenge_validate_settings,
)
from tests.factories import ChallengeFactory, HiddenDatasetFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"published_at": None}, ChallengeStatus.DRAFT),
        (
            {"starts_at": NOW + timedelta(days=1), "ends_at": NOW + timedelta(days=2)},
            ChallengeStatus.UPCOMING,
        ),
        ({}, ChallengeStatus.OPEN),
        ({"starts_at": NOW - timedelta(days=2), "ends_at": NOW - timedelta(days=1)}, ChallengeStatus.CLOSED),
        (
            {"starts_at": NOW - timedelta(days=2), "ends_at": NOW - timedelta(days=1), "awarded_at": NOW},
            ChallengeStatus.AWARDED,
        ),
    ],
)
def test_status_in_python_and_sql_agree(fields: dict[str, object], expected: str) -> None:
    challenge = ChallengeFactory.create(**fields)
    assert challenge.status == expected
    annotated: Any = Challenge.objects.with_status().get(pk=challenge.pk)
    assert annotated.current_status == expected


def test_publish_needs_the_hidden_set_and_happens_once() -> None:
    challenge = ChallengeFactory.create(published_at=None)
    with pytest.raises(ApplicationError, match="Upload the hidden test set"):
        challenge_publish(challenge=challenge)
    HiddenDatasetFactory.create(challenge=challenge)
    assert challenge_publish(challenge=challenge).status == ChallengeStatus.OPEN
    with pytest.raises(InvalidTransition):
        challenge_publish(challenge=challenge)


def test_close_now_then_award() -> None:
    challenge = ChallengeFactory.create()
    with pytest.raises(InvalidTransition, match="Only a closed challenge"):
        challenge_mark_awarded(challenge=challenge)
    closed = challenge_close_now(challenge=challenge)
    assert closed.status == ChallengeStatus.CLOSED
    assert challenge_mark_awarded(challenge=closed).status == ChallengeStatus.AWARDED
    with pytest.raises(InvalidTransition):
        challenge_close_now(challenge=closed)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"input_spec": {}}, "input_spec"),
        ({"input_spec": {"shape": [0]}}, "input_spec"),
        ({"input_spec": {"shape": [64], "dtype": "object"}}, "input_spec"),
        ({"output_spec": {"shape": "ten"}}, "output_spec"),
        ({"accepted_formats": ["pickle"]}, "accepted_formats"),
        ({"ends_at": NOW - timedelta(days=30)}, "ends_at"),
    ],
)
def test_settings_validation_names_the_field(overrides: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {
        "input_spec": {"shape": [64], "dtype": "float32"},
        "output_spec": {"shape": [10]},
        "accepted_formats": ["onnx"],
        "starts_at": NOW,
        "ends_at": NOW + timedelta(days=1),
    }
    arguments.update(overrides)
    with pytest.raises(ApplicationError) as error:
        challenge_validate_settings(**arguments)  # type: ignore[arg-type]
    assert error.value.field == field


def test_prize_pool_keeps_full_uint256_precision() -> None:
    pool = 2**256 - 1
    challenge = ChallengeFactory.create(prize_pool=pool)
    assert Challenge.objects.get(pk=challenge.pk).prize_pool == pool
    small, large = ChallengeFactory.create(prize_pool=9), ChallengeFactory.create(prize_pool=10**20)
    ordered = list(Challenge.objects.filter(pk__in=[small.pk, large.pk]).order_by("prize_pool"))
    assert ordered == [small, large]
