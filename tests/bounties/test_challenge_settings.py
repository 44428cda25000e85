"""A challenge is created and changed through one checked service, and published only if it can score."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from bounties.errors import ApplicationError
from bounties.models import Challenge, ChallengeStatus
from bounties.services.challenge_settings import ChallengeSettings, challenge_settings_of
from bounties.services.challenges import challenge_create, challenge_publish, challenge_update
from bounties.services.datasets import hidden_dataset_upload
from tests.factories import UserFactory, npz_bytes

pytestmark = pytest.mark.django_db
NOW = timezone.now()
MLP = {"in_features": 64, "hidden": 16, "depth": 1, "n_outputs": 10}


def valid_settings(**overrides: Any) -> ChallengeSettings:
    settings = ChallengeSettings(
        slug="houses",
        title="Digits",
        description="Read the digits.",
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=30),
        input_shape=(64,),
        output_shape=(10,),
        accepted_formats=("safetensors", "onnx"),
        architectures={"mlp": MLP},
    )
    return dataclasses.replace(settings, **overrides)


def hidden_upload(labels: np.ndarray, row_shape: tuple[int, ...] = (64,)) -> SimpleUploadedFile:
    inputs = np.random.default_rng(0).random((len(labels), *row_shape), dtype=np.float32)
    return SimpleUploadedFile("hidden.npz", npz_bytes(inputs=inputs, labels=labels))


def test_create_stores_every_setting_and_defaults_the_final_selection_to_two() -> None:
    organizer = UserFactory.create()
    chosen = valid_settings(
        input_shape=(1, 8, 8),
        evaluation_queue="eval-gpu",
        eval_time_limit_seconds=120,
        eval_memory_limit_mb=2048,
        use_ladder=False,
        publish_policy="at_close",
        daily_submission_limit=3,
        total_submission_limit=30,
        prize_pool=5 * 10**18,
    )
    challenge = challenge_create(organizer=organizer, settings=chosen)
    stored = Challenge.objects.get(pk=challenge.pk)
    assert stored.organizer == organizer
    assert stored.input_spec == {"shape": [1, 8, 8], "dtype": "float32"}
    assert stored.output_spec == {"shape": [10]}
    assert stored.architectures == {"mlp": MLP}
    assert (stored.evaluation_queue, stored.eval_time_limit_seconds, stored.eval_memory_limit_mb) == (
        "eval-gpu",
        120,
        2048,
    )
    assert (stored.use_ladder, stored.publish_policy, stored.prize_pool) == (False, "at_close", 5 * 10**18)
    assert (stored.daily_submission_limit, stored.total_submission_limit) == (3, 30)
    assert stored.final_selection_limit == 2
    assert stored.status == ChallengeStatus.DRAFT
    assert challenge_settings_of(stored) == chosen


def test_the_database_refuses_a_challenge_without_an_output_spec() -> None:
    fields = valid_settings().model_fields()
    del fields["output_spec"]
    with pytest.raises(IntegrityError):
        Challenge.objects.create(organizer=UserFactory.create(), **fields)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"output_shape": ()}, "output_shape", "output shape needs"),
        ({"input_shape": (64, 0)}, "input_shape", "input shape needs"),
        ({"input_dtype": "object"}, "input_dtype", "dtype must be one of"),
        ({"metric": "bleu"}, "metric", "Unknown metric"),
        ({"metric": "rmse"}, "output_shape", "RMSE needs one value per row"),
        ({"accepted_formats": ()}, "accepted_formats", "Accept at least one"),
        ({"accepted_formats": ("pickle",)}, "accepted_formats", "Accept at least one"),
        ({"architectures": {}}, "architectures", "need at least one architecture"),
        ({"accepted_formats": ("onnx",)}, "architectures", "used only for safetensors"),
        ({"architectures": {"resnet": MLP}}, "architectures", "Unknown architecture 'resnet'"),
        ({"architectures": {"mlp": {**MLP, "hidden": 0}}}, "architectures", r"mlp.hidden must be an integer"),
        ({"architectures": {"mlp": {**MLP, "n_outputs": 9}}}, "architectures", r"shape \[9\], not .* \[10\]"),
        (
            {"architectures": {"mlp": {**MLP, "in_features": 32}}},
            "architectures",
            r"take input rows of shape \[64\]",
        ),
        ({"input_dtype": "uint8"}, "architectures", r"take input rows of shape \[64\] \(uint8\)"),
        ({"input_dtype": "float64"}, "architectures", r"take input rows of shape \[64\] \(float64\)"),
        ({"eval_time_limit_seconds": 0}, "eval_time_limit_seconds", "Set 1 to 3,600 seconds"),
        ({"eval_memory_limit_mb": 100}, "eval_memory_limit_mb", "Set 1024 to"),
        ({"daily_submission_limit": 0}, "daily_submission_limit", "Set 1 to 100"),
        ({"daily_submission_limit": 101}, "daily_submission_limit", "no more than the total"),
        ({"final_selection_limit": 0}, "final_selection_limit", "Set 1 to 100"),
        ({"evaluation_queue": "eval-tpu"}, "evaluation_queue", "CPU or the GPU"),
        ({"publish_policy": "never"}, "publish_policy", "when code and write-ups"),
        ({"ends_at": NOW}, "ends_at", "end after it starts"),
        ({"title": "  "}, "title", "needs a title"),
        ({"slug": "no spaces"}, "slug", "letters, digits"),
        ({"prize_pool": -1}, "prize_pool", "between 0 and"),
    ],
)
def test_refused_settings_name_the_setting_and_write_nothing(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ApplicationError, match=message) as refused:
        challenge_create(organizer=UserFactory.create(), settings=valid_settings(**overrides))
    assert refused.value.field == field
    assert not Challenge.objects.exists()


def test_an_architecture_too_big_to_upload_is_refused(settings: LazySettings) -> None:
    settings.MAX_MODEL_FILE_BYTES = 4 * 1000  # 1,000 float32 weights; this MLP has 1,210
    with pytest.raises(ApplicationError, match="1,210 weights") as refused:
        challenge_create(organizer=UserFactory.create(), settings=valid_settings())
    assert refused.value.field == "architectures"


def test_slugs_stay_unique() -> None:
    challenge_create(organizer=UserFactory.create(), settings=valid_settings())
    with pytest.raises(ApplicationError, match="already has the slug") as refused:
        challenge_create(organizer=UserFactory.create(), settings=valid_settings(title="Another"))
    assert refused.value.field == "slug"


def published(labels: np.ndarray | None = None) -> Challenge:
    challenge = challenge_create(
        organizer=UserFactory.create(), settings=valid_settings(starts_at=NOW - timedelta(days=1))
    )
    hidden_dataset_upload(
        challenge=challenge, upload=hidden_upload(np.arange(40) % 10 if labels is None else labels)
    )
    return challenge_publish(challenge=challenge)


def test_once_published_the_settings_that_decide_a_score_are_fixed() -> None:
    challenge = published()
    current = challenge_settings_of(challenge)
    for change in (
        {"metric": "macro_f1"},
        {"output_shape": (12,), "architectures": {"mlp": {**MLP, "n_outputs": 12}}},
        {"slug": "renamed"},
    ):
        with pytest.raises(ApplicationError, match="cannot change once the challenge is published"):
            challenge_update(challenge=challenge, settings=dataclasses.replace(current, **change))
    later = NOW + timedelta(days=60)
    updated = challenge_update(
        challenge=challenge, settings=dataclasses.replace(current, ends_at=later, final_selection_limit=3)
    )
    assert (updated.ends_at, updated.final_selection_limit) == (later, 3)
    assert Challenge.objects.get(pk=challenge.pk).metric == "accuracy"


def test_a_draft_can_change_anything_through_the_same_checks() -> None:
    challenge = challenge_create(organizer=UserFactory.create(), settings=valid_settings())
    with pytest.raises(ApplicationError, match="RMSE needs"):
        challenge_update(challenge=challenge, settings=valid_settings(metric="rmse"))
    regression = valid_settings(
        metric="rmse", output_shape=(1,), architectures={"mlp": {**MLP, "n_outputs": 1}}, slug="prices"
    )
    updated = challenge_update(challenge=challenge, settings=regression)
    assert (updated.slug, updated.metric, updated.output_spec) == ("prices", "rmse", {"shape": [1]})


def draft_with_hidden_set(labels: np.ndarray, **overrides: Any) -> Challenge:
    challenge = challenge_create(
        organizer=UserFactory.create(),
        settings=valid_settings(starts_at=NOW - timedelta(days=1), **overrides),
    )
    hidden_dataset_upload(challenge=challenge, upload=hidden_upload(labels))
    return challenge


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        # Stored settings that bypassed the service (an old row, a shell edit) are checked again.
        ({"architectures": {"mlp": {**MLP, "n_outputs": 9}}}, r"answers .* with shape \[9\]"),
        ({"output_spec": {}}, "output shape needs"),
        (
            {
                "input_spec": {"shape": [32], "dtype": "float32"},
                "architectures": {"mlp": {**MLP, "in_features": 32}},
            },
            r"rows have shape \[64\], but the input shape is \[32\]",
        ),
        ({"accepted_formats": ["safetensors"], "architectures": {}}, "need at least one architecture"),
    ],
)
def test_publish_refuses_settings_that_cannot_score(break_it: dict[str, Any], message: str) -> None:
    challenge = draft_with_hidden_set(np.arange(40) % 10)
    Challenge.objects.filter(pk=challenge.pk).update(**break_it)
    with pytest.raises(ApplicationError, match=message):
        challenge_publish(challenge=challenge)
    assert Challenge.objects.get(pk=challenge.pk).published_at is None


@pytest.mark.parametrize(
    ("labels", "overrides", "message"),
    [
        # Half 0, half 11: whichever rows the secret split keeps, both ends are there (with `% 12` the
        # split sometimes dropped every 11 and the message said "0 to 10").
        (
            np.where(np.arange(40) % 2 == 0, 0, 11),
            {},
            "class labels from 0 to 9, but the labels run from 0 to 11",
        ),
        (np.arange(40) % 10 + 0.5, {}, "have fractions"),
        (
            np.zeros(40),
            {"metric": "roc_auc", "output_shape": (1,), "architectures": {"mlp": {**MLP, "n_outputs": 1}}},
            "ROC-AUC cannot be computed",
        ),
    ],
)
def test_publish_refuses_a_hidden_set_the_metric_cannot_score(
    labels: np.ndarray, overrides: dict[str, Any], message: str
) -> None:
    challenge = draft_with_hidden_set(labels, **overrides)
    with pytest.raises(ApplicationError, match=message):
        challenge_publish(challenge=challenge)
    assert Challenge.objects.get(pk=challenge.pk).published_at is None
