"""Uploading hidden test sets through the service and through the organizer's admin form."""

import hashlib
from pathlib import Path

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bounties.errors import ApplicationError, InvalidUpload
from bounties.models import Challenge, HiddenDataset
from bounties.services.datasets import hidden_dataset_path, hidden_dataset_upload
from tests.factories import ChallengeFactory, UserFactory, npz_bytes

pytestmark = pytest.mark.django_db


def digits_like(n_rows: int = 50) -> bytes:
    rng = np.random.default_rng(0)
    return npz_bytes(
        inputs=rng.random((n_rows, 64), dtype=np.float32), labels=rng.integers(0, 10, n_rows).astype(np.int64)
    )


def test_upload_stores_outside_served_dirs_with_hash_and_split(settings: LazySettings) -> None:
    challenge = ChallengeFactory.create(published_at=None)
    content = digits_like(50)
    dataset = hidden_dataset_upload(
        challenge=challenge, upload=SimpleUploadedFile("h.npz", content), public_fraction=0.2
    )
    assert dataset.sha256 == hashlib.sha256(content).hexdigest()
    assert (dataset.n_rows, dataset.n_public, dataset.n_private) == (50, 10, 40)
    stored = hidden_dataset_path(dataset)
    assert stored.read_bytes() == content
    assert stored.stat().st_mode & 0o077 == 0  # readable by the platform's user only
    assert Path(settings.HIDDEN_DATA_ROOT) in stored.parents
    assert not list(Path(settings.HIDDEN_DATA_ROOT).glob(".upload-*"))  # no temporary left behind


def test_input_shape_must_match_the_spec() -> None:
    challenge = ChallengeFactory.create(published_at=None, input_spec={"shape": [32], "dtype": "float32"})
    with pytest.raises(InvalidUpload, match=r"shape \[64\].*says \[32\]"):
        hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("h.npz", digits_like()))
    assert not HiddenDataset.objects.exists()


def test_replacing_is_allowed_in_draft_but_not_after_publishing() -> None:
    challenge = ChallengeFactory.create(published_at=None)
    hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("a.npz", digits_like(20)))
    second = hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("b.npz", digits_like(30)))
    assert HiddenDataset.objects.get().n_rows == second.n_rows == 30
    Challenge.objects.filter(pk=challenge.pk).update(published_at="2026-01-01T00:00:00Z")
    challenge.refresh_from_db()
    with pytest.raises(ApplicationError, match="cannot be replaced"):
        hidden_dataset_upload(challenge=challenge, upload=SimpleUploadedFile("c.npz", digits_like(40)))
    assert HiddenDataset.objects.get().n_rows == 30


@pytest.fixture
def organizer_client(client: Client) -> Client:
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def admin_form(**overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "slug": "new-challenge",
        "title": "New challenge",
        "summary": "",
        "description": "Rules",
        "organizer": UserFactory.create().pk,
        "metric": "accuracy",
        "input_spec": '{"shape": [64], "dtype": "float32"}',
        "output_spec": '{"shape": [10]}',
        "accepted_formats": ["safetensors", "onnx"],
        "starts_at_0": "2030-01-01",
        "starts_at_1": "00:00:00",
        "ends_at_0": "2030-02-01",
        "ends_at_1": "00:00:00",
        "daily_submission_limit": 5,
        "total_submission_limit": 100,
        "publish_policy": "immediately",
        "prize_pool": str(10**21),
        "public_fraction": 0.3,
        "hidden_dataset-TOTAL_FORMS": 0,
        "hidden_dataset-INITIAL_FORMS": 0,
        "hidden_dataset-MIN_NUM_FORMS": 0,
        "hidden_dataset-MAX_NUM_FORMS": 0,
    }
    form.update(overrides)
    return form


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (npz_bytes(inputs=np.zeros((4, 64), np.float32)), "Missing array(s): labels"),
        (
            npz_bytes(inputs=np.zeros((4, 64), np.float32), labels=np.zeros(3)),
            "4 rows but &#x27;labels&#x27; has 3",
        ),
        (npz_bytes(inputs=np.zeros((3, 64), np.float32), labels=np.array([1.0, np.nan, 0.0])), "NaN"),
    ],
)
def test_admin_shows_dataset_errors_in_the_form(
    organizer_client: Client, content: bytes, message: str
) -> None:
    response = organizer_client.post(
        "/admin/bounties/challenge/add/",
        admin_form(hidden_dataset_file=SimpleUploadedFile("hidden.npz", content)),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Challenge.objects.exists()


def test_admin_creates_challenge_with_dataset_and_shows_split_sizes(organizer_client: Client) -> None:
    response = organizer_client.post(
        "/admin/bounties/challenge/add/",
        admin_form(hidden_dataset_file=SimpleUploadedFile("hidden.npz", digits_like(100))),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    challenge = Challenge.objects.get(slug="new-challenge")
    assert challenge.prize_pool == 10**21
    assert (challenge.hidden_dataset.n_public, challenge.hidden_dataset.n_private) == (30, 70)
    page = organizer_client.get(f"/admin/bounties/challenge/{challenge.pk}/change/").content.decode()
    assert "100 (30 / 70)" in organizer_client.get("/admin/bounties/challenge/").content.decode()
    assert challenge.hidden_dataset.sha256 in page


def test_admin_rejects_bad_settings(organizer_client: Client) -> None:
    response = organizer_client.post(
        "/admin/bounties/challenge/add/", admin_form(input_spec='{"dtype": "float32"}', accepted_formats=[])
    )
    assert response.status_code == 200
    assert "input_spec needs a &#x27;shape&#x27;" in response.content.decode()
    assert not Challenge.objects.exists()


def test_admin_publish_action_needs_a_dataset(organizer_client: Client) -> None:
    challenge = ChallengeFactory.create(published_at=None)
    response = organizer_client.post(
        "/admin/bounties/challenge/",
        {"action": "publish", "_selected_action": [challenge.pk]},
        follow=True,
    )
    assert "Upload the hidden test set before publishing" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.published_at is None
