"""An organizer runs a challenge from the admin alone, and a real worker scores what it accepts.

The organizer posts the real admin add form (settings, architecture, hidden set), publishes it with the
changelist's Publish action, and a safetensors model and an ONNX model are scored by a worker process.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from bounties.models import Challenge, Submission, SubmissionStatus
from bounties.services.submissions import submission_create
from evaluation import examples
from tests.admin_pages import AdminForm, form_errors, organizer_user
from tests.evaluation.conftest import digits_npz
from tests.factories import UserFactory
from tests.integration.conftest import WorkerFleet, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def create_challenge_in_the_admin(client: Client) -> Challenge:
    now = timezone.now()
    form = AdminForm(client, "/admin/bounties/challenge/add/")
    form.set(
        title="Digits from the admin",
        slug="admin-digits",
        description="Classify 8x8 digits.",
        starts_at_0=now.strftime("%Y-%m-%d"),
        starts_at_1="00:00:00",
        ends_at_0=(now + timedelta(days=30)).strftime("%Y-%m-%d"),
        ends_at_1="00:00:00",
        input_shape="64",
        input_dtype="float32",
        output_shape="10",
        metric="accuracy",
        accepted_formats=["safetensors", "onnx"],
        eval_time_limit_seconds="120",
        prize_pool=str(1000 * 10**18),
        hidden_dataset_file=SimpleUploadedFile("digits.npz", digits_npz()),
        public_fraction="0.3",
    )
    form.tick("architectures-mlp-accept")
    form.set(**{f"architectures-mlp-{key}": value for key, value in examples.DIGITS_MLP.items()})
    form.values.pop("use_ladder", None)  # unticked: every public score shows as it is
    response = form.post()
    assert response.status_code == 302, form_errors(response)
    return Challenge.objects.get(slug="admin-digits")


def test_an_organizer_creates_publishes_and_sees_both_formats_scored_by_a_real_worker(
    client: Client, worker_fleet: WorkerFleet, tmp_path: Path
) -> None:
    client.force_login(organizer_user())
    challenge = create_challenge_in_the_admin(client)
    assert challenge.status == "draft" and challenge.hidden_dataset.n_rows == 1797
    assert challenge.architectures == {"mlp": examples.DIGITS_MLP}

    published = client.post(
        "/admin/bounties/challenge/", {"action": "publish", "_selected_action": [challenge.pk]}, follow=True
    )
    shown = [str(message) for message in published.context["messages"]]
    assert "admin-digits: published." in shown, shown
    challenge.refresh_from_db()
    assert challenge.status == "open"

    mlp = examples.train_on_digits(examples.seeded_model("mlp", examples.DIGITS_MLP))
    files = [
        examples.save_weights(mlp, tmp_path / "mlp.safetensors", "mlp"),
        examples.export_onnx(mlp, tmp_path / "mlp.onnx", (64,)),
    ]
    submissions: list[Any] = [
        submission_create(
            challenge=challenge,
            contributor=UserFactory.create(),
            model_file=SimpleUploadedFile(path.name, path.read_bytes()),
        )
        for path in files
    ]
    worker_fleet.start("organizers-worker")
    scored = Submission.objects.filter(pk__in=[s.pk for s in submissions], status=SubmissionStatus.SCORED)
    wait_until(lambda: scored.count() == 2, timeout=300, fleet=worker_fleet, what="both formats scored")

    by_format = {s.model_format: s for s in scored}
    assert set(by_format) == {"safetensors", "onnx"}
    for submission in by_format.values():
        assert submission.private_score is not None and submission.private_score > 0.9
        assert submission.public_score is not None and submission.public_score > 0.9
    # The same network in both formats scores the same.
    assert by_format["onnx"].private_score == pytest.approx(by_format["safetensors"].private_score, abs=1e-3)
