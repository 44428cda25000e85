"""The clue share and its depth: organizer settings with a range, stored on the challenge."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bounties.errors import ApplicationError
from bounties.models import Challenge
from bounties.services.challenge_settings import MAX_CLUE_SHARE_BPS, MAX_SHARE_DEPTH
from bounties.services.challenges import challenge_create
from tests.admin_pages import form_errors, organizer_user
from tests.bounties.test_admin_challenge import digits_like, filled_add_form
from tests.bounties.test_challenge_settings import valid_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_share_is_stored_and_defaults_to_none_two_levels_deep() -> None:
    organizer = UserFactory.create()
    plain = challenge_create(organizer=organizer, settings=valid_settings(slug="plain"))
    shared = challenge_create(
        organizer=organizer, settings=valid_settings(slug="shared", clue_share_bps=1_000, share_depth=3)
    )
    assert (plain.clue_share_bps, plain.share_depth) == (0, 2)
    assert (shared.clue_share_bps, shared.share_depth) == (1_000, 3)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("clue_share_bps", MAX_CLUE_SHARE_BPS + 1, "Set 0 to 5,000 basis points."),
        ("clue_share_bps", -1, "Set 0 to 5,000 basis points."),
        ("share_depth", 0, "Set 1 to 5 levels of citations."),
        ("share_depth", MAX_SHARE_DEPTH + 1, "Set 1 to 5 levels of citations."),
    ],
)
def test_out_of_range_shares_are_refused_naming_the_setting(field: str, value: int, message: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        challenge_create(organizer=UserFactory.create(), settings=valid_settings(**{field: value}))
    assert (refused.value.field, refused.value.message) == (field, message)


def test_the_organizer_sets_the_share_in_the_admin(client: Client) -> None:
    client.force_login(organizer_user())
    form = filled_add_form(client, clue_share_bps="1000", share_depth="3")
    form.set(hidden_dataset_file=SimpleUploadedFile("hidden.npz", digits_like()), public_fraction="0.3")

    response = form.post()

    assert response.status_code == 302, form_errors(response)
    challenge = Challenge.objects.get(slug="faded-digits")
    assert (challenge.clue_share_bps, challenge.share_depth) == (1_000, 3)
    refused = filled_add_form(client, slug="too-much", clue_share_bps="5001").post()
    assert "Set 0 to 5,000 basis points." in refused.content.decode()
