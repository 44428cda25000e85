"""Challenge status follows the dates and the organizer's actions, by rules written once."""

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bounties import models
from bounties.errors import ApplicationError, InvalidTransition
from bounties.models import Challenge, ChallengeStatus
from bounties.services.challenges import challenge_close_now, challenge_mark_awarded, challenge_publish
from bounties.services.datasets import hidden_dataset_upload
from tests.factories import ChallengeFactory, npz_bytes

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


def test_one_rule_table_decides_the_status_in_sql_and_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Change the rules in their one place and both readings follow: no second copy to forget."""
    ended_and_awarded = ChallengeFactory.create(
        starts_at=NOW - timedelta(days=2), ends_at=NOW - timedelta(days=1), awarded_at=NOW
    )
    assert ended_and_awarded.status == ChallengeStatus.AWARDED
    closed_first = tuple(sorted(models.STATUS_RULES, key=lambda rule: rule.status != ChallengeStatus.CLOSED))
    monkeypatch.setattr(models, "STATUS_RULES", closed_first)

    fresh = Challenge.objects.get(pk=ended_and_awarded.pk)
    annotated: Any = Challenge.objects.with_status().get(pk=ended_and_awarded.pk)
    assert fresh.status == annotated.current_status == ChallengeStatus.CLOSED


def _labelled_rows(n_rows: int = 40) -> SimpleUploadedFile:
    rng = np.random.default_rng(0)
    labels = np.arange(n_rows) % 10
    return SimpleUploadedFile(
        "hidden.npz", npz_bytes(inputs=rng.random((n_rows, 64), dtype=np.float32), labels=labels)
    )


def test_publish_needs_the_hidden_set_and_happens_once() -> None:
    challenge = ChallengeFactory.create(published_at=None)
    with pytest.raises(ApplicationError, match="Upload the hidden test set"):
        challenge_publish(challenge=challenge)
    hidden_dataset_upload(challenge=challenge, upload=_labelled_rows())
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


def test_prize_pool_keeps_full_uint256_precision() -> None:
    pool = 2**256 - 1
    challenge = ChallengeFactory.create(prize_pool=pool)
    assert Challenge.objects.get(pk=challenge.pk).prize_pool == pool
    small, large = ChallengeFactory.create(prize_pool=9), ChallengeFactory.create(prize_pool=10**20)
    ordered = list(Challenge.objects.filter(pk__in=[small.pk, large.pk]).order_by("prize_pool"))
    assert ordered == [small, large]
