"""The organizer's challenge form in the admin: every setting, grouped, explained, checked by the service."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bounties.admin_forms import ChallengeAdminForm
from bounties.models import Challenge, ChallengeResource, HiddenDataset
from bounties.services.challenge_settings import ChallengeSettings
from tests.admin_pages import AdminForm, form_errors, organizer_user
from tests.factories import ChallengeFactory, UserFactory, npz_bytes

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/bounties/challenge/add/"
FIELDSETS = ["Basics", "Data", "Evaluation", "Limits", "Prizes"]


@pytest.fixture
def organizer() -> Any:
    return organizer_user()


@pytest.fixture
def organizer_client(client: Client, organizer: Any) -> Client:
    client.force_login(organizer)
    return client


def digits_like(n_rows: int = 100) -> bytes:
    rng = np.random.default_rng(0)
    return npz_bytes(inputs=rng.random((n_rows, 64), dtype=np.float32), labels=np.arange(n_rows) % 10)


def filled_add_form(client: Client, **overrides: Any) -> AdminForm:
    form = AdminForm(client, ADD_URL).set(
        title="Faded digits",
        slug="faded-digits",
        description="Read the digits.",
        starts_at_0="2030-01-01",
        starts_at_1="00:00:00",
        ends_at_0="2030-02-01",
        ends_at_1="00:00:00",
        input_shape="64",
        output_shape="10",
        prize_pool=str(10**21),
    )
    form.set(**overrides)
    return form


def accept_mlp(form: AdminForm, **config: Any) -> AdminForm:
    form.set(accepted_formats=["onnx", "safetensors"]).tick("architectures-mlp-accept")
    values = {"in_features": 64, "hidden": 32, "depth": 1, "n_outputs": 10, **config}
    return form.set(**{f"architectures-mlp-{key}": value for key, value in values.items()})


def test_every_setting_is_on_the_form_in_grouped_sections_with_help_text(organizer_client: Client) -> None:
    form = AdminForm(organizer_client, ADD_URL)
    headings = re.findall(r"<h2[^>]*>\s*([^<]+?)\s*</h2>", form.html)
    assert [h for h in headings if h in FIELDSETS] == FIELDSETS
    settings_on_page = {setting.name for setting in dataclasses.fields(ChallengeSettings)} - {
        "starts_at",
        "ends_at",
        "architectures",
    }
    assert settings_on_page | {"starts_at_0", "ends_at_0", "hidden_dataset_file"} <= form.field_names
    assert {
        "architectures-mlp-accept",
        "architectures-mlp-hidden",
        "architectures-cnn-channels_1",
    } <= form.field_names
    # Shapes and dtypes are fields for people, not raw JSON.
    assert not {"input_spec", "output_spec", "architectures"} & form.field_names
    assert '<select name="input_dtype"' in form.html
    unexplained = [name for name, field in ChallengeAdminForm.base_fields.items() if not field.help_text]
    assert unexplained == []
    for field in ChallengeAdminForm.base_fields.values():
        assert str(field.help_text).split("'")[0][:40] in form.html.replace("&#x27;", "'")
    # One place to upload the hidden set.
    assert form.html.count('type="file" name="hidden_dataset_file"') == 1


def test_an_organizer_creates_a_challenge_with_its_hidden_set_and_a_resource(
    organizer_client: Client, organizer: Any
) -> None:
    form = accept_mlp(filled_add_form(organizer_client, input_shape="1, 8, 8", final_selection_limit="3"))
    form.set(
        hidden_dataset_file=SimpleUploadedFile("hidden.npz", digits_like_shaped((1, 8, 8))),
        public_fraction="0.3",
        **{
            "resources-0-upload": SimpleUploadedFile("train.npz", b"public training rows"),
            "resources-0-title": "Training split",
        },
    )
    response = form.post()
    assert response.status_code == 302, form_errors(response)

    challenge = Challenge.objects.get(slug="faded-digits")
    assert challenge.organizer == organizer
    assert challenge.input_spec == {"shape": [1, 8, 8], "dtype": "float32"}
    assert challenge.output_spec == {"shape": [10]}
    assert challenge.architectures == {
        "mlp": {"in_features": 64, "hidden": 32, "depth": 1, "n_outputs": 10, "activation": "relu"}
    }
    assert sorted(challenge.accepted_formats) == ["onnx", "safetensors"]
    assert (challenge.final_selection_limit, challenge.prize_pool) == (3, 10**21)
    assert (challenge.hidden_dataset.n_public, challenge.hidden_dataset.n_private) == (30, 70)
    resource = ChallengeResource.objects.get(challenge=challenge)
    assert (resource.title, resource.filename, resource.artifact.size_bytes) == (
        "Training split",
        "train.npz",
        20,
    )

    page = organizer_client.get(f"/admin/bounties/challenge/{challenge.pk}/change/").content.decode()
    assert challenge.hidden_dataset.sha256 in page and resource.artifact.sha256 in page
    assert "100 (30 / 70)" in organizer_client.get("/admin/bounties/challenge/").content.decode()


def digits_like_shaped(row_shape: tuple[int, ...], n_rows: int = 100) -> bytes:
    rng = np.random.default_rng(0)
    return npz_bytes(inputs=rng.random((n_rows, *row_shape), dtype=np.float32), labels=np.arange(n_rows) % 10)


@pytest.mark.parametrize(
    ("overrides", "mlp", "field", "message"),
    [
        ({"output_shape": ""}, {}, "output_shape", "This field is required"),
        ({"input_shape": "64, a"}, {}, "input_shape", "Write whole numbers separated by commas"),
        ({"metric": "rmse"}, {}, "output_shape", "RMSE needs one value per row"),
        ({}, {"n_outputs": 9}, "architectures", "answers a row of shape [64] with shape [9]"),
        ({}, {"hidden": "many"}, "architectures", "mlp.hidden: write a whole number"),
        ({}, {"hidden": "9" * 5000}, "architectures", "mlp.hidden: write a whole number"),
        ({"input_shape": "9" * 5000}, {}, "input_shape", "Write whole numbers separated by commas"),
        ({"input_shape": "\u00b2"}, {}, "input_shape", "Write whole numbers separated by commas"),
        ({"final_selection_limit": "0"}, {}, "final_selection_limit", "Set 1 to 100"),
        ({"eval_memory_limit_mb": "512"}, {}, "eval_memory_limit_mb", "Set 1024 to"),
    ],
)
def test_the_services_errors_show_on_their_fields_and_nothing_is_kept(
    organizer_client: Client,
    settings: LazySettings,
    overrides: dict[str, Any],
    mlp: dict[str, Any],
    field: str,
    message: str,
) -> None:
    form = accept_mlp(filled_add_form(organizer_client, **overrides), **mlp)
    form.set(hidden_dataset_file=SimpleUploadedFile("hidden.npz", digits_like()))
    response = form.post()
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not Challenge.objects.exists() and not HiddenDataset.objects.exists()
    assert not list(Path(settings.HIDDEN_DATA_ROOT).glob(".upload-*"))  # the checked upload was let go


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (npz_bytes(inputs=np.zeros((4, 64), np.float32)), "Missing array(s): labels"),
        (npz_bytes(inputs=np.zeros((4, 64), np.float32), labels=np.zeros(3)), "4 rows but 'labels' has 3"),
        (
            npz_bytes(inputs=np.zeros((4, 32), np.float32), labels=np.zeros(4)),
            "shape [32], but the challenge's",
        ),
    ],
)
def test_hidden_set_problems_show_on_its_field(
    organizer_client: Client, content: bytes, message: str
) -> None:
    form = accept_mlp(filled_add_form(organizer_client))
    response = form.set(hidden_dataset_file=SimpleUploadedFile("hidden.npz", content)).post()
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["hidden_dataset_file"])
    assert not Challenge.objects.exists()


def test_the_hidden_set_cannot_also_be_posted_as_a_resource(organizer_client: Client) -> None:
    content = digits_like()
    form = accept_mlp(filled_add_form(organizer_client))
    form.set(
        hidden_dataset_file=SimpleUploadedFile("hidden.npz", content),
        **{"resources-0-upload": SimpleUploadedFile("copy.npz", content)},
    )
    response = form.post()
    assert response.status_code == 200
    assert "also being attached as a public resource" in response.content.decode()
    assert not Challenge.objects.exists() and not ChallengeResource.objects.exists()


def test_published_settings_that_decide_scores_stay_fixed_in_the_form(
    organizer_client: Client, organizer: Any
) -> None:
    challenge = ChallengeFactory.create(organizer=organizer)
    url = f"/admin/bounties/challenge/{challenge.pk}/change/"
    response = AdminForm(organizer_client, url).set(metric="macro_f1").post()
    assert response.status_code == 200
    assert "cannot change once the challenge is published" in " ".join(
        response.context["adminform"].form.errors["metric"]
    )
    response = AdminForm(organizer_client, url).set(final_selection_limit="4", title="Renamed").post()
    assert response.status_code == 302, form_errors(response)
    challenge.refresh_from_db()
    assert (challenge.title, challenge.final_selection_limit, challenge.metric) == ("Renamed", 4, "accuracy")


def test_an_organizer_runs_only_their_own_challenges(organizer_client: Client, organizer: Any) -> None:
    someone_else = UserFactory.create(username="zed")
    theirs = ChallengeFactory.create(organizer=someone_else, title="Not yours")
    form = AdminForm(organizer_client, ADD_URL)
    organizer_choices = re.search(r'<select name="organizer".*?</select>', form.html, re.DOTALL)
    assert organizer_choices is not None
    assert re.findall(r"<option value=\"(\d*)\"", organizer_choices.group()) == [str(organizer.pk)]
    assert form.values["organizer"] == [str(organizer.pk)]
    assert "Not yours" not in organizer_client.get("/admin/bounties/challenge/").content.decode()
    assert organizer_client.get(f"/admin/bounties/challenge/{theirs.pk}/change/").status_code == 302


def test_publish_action_needs_a_hidden_set(organizer_client: Client, organizer: Any) -> None:
    challenge = ChallengeFactory.create(published_at=None, organizer=organizer)
    response = organizer_client.post(
        "/admin/bounties/challenge/", {"action": "publish", "_selected_action": [challenge.pk]}, follow=True
    )
    assert "Upload the hidden test set before publishing" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.published_at is None
