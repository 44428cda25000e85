"""The organizer sets how the prize pool is split between final ranks; one check guards every way in."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from bounties.errors import ApplicationError
from bounties.models import Challenge
from bounties.services.challenge_settings import ChallengeSettings, challenge_settings_of
from bounties.services.challenges import challenge_create, challenge_update
from tests.admin_pages import AdminForm, form_errors, organizer_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def settings_with(**overrides: Any) -> ChallengeSettings:
    settings = ChallengeSettings(
        slug="houses",
        title="Houses",
        description="Price the houses.",
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=30),
        input_shape=(8,),
        output_shape=(10,),
    )
    return dataclasses.replace(settings, **overrides)


def test_a_challenge_without_a_split_gets_the_default_and_a_chosen_one_is_kept() -> None:
    organizer = UserFactory.create()
    plain = challenge_create(organizer=organizer, settings=settings_with())
    chosen = challenge_create(organizer=organizer, settings=settings_with(slug="other", prize_split=(70, 30)))

    plain.refresh_from_db()
    chosen.refresh_from_db()
    assert (plain.prize_split, chosen.prize_split) == ([50, 30, 20], [70, 30])
    assert challenge_settings_of(chosen).prize_split == (70, 30)


@pytest.mark.parametrize(
    ("split", "message"),
    [
        ((), "1 to 100 whole percentages"),
        ((60, 30), "summing to 100"),
        ((60, 30, 20), "summing to 100"),
        ((100, 0), "1 to 100 whole percentages"),
        ((50.0, 50), "1 to 100 whole percentages"),
        ((1,) * 101, "1 to 100 whole percentages"),
        ((30, 70), "order the split from rank 1 down"),
    ],
)
def test_a_split_that_cannot_be_paid_as_written_is_refused(split: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ApplicationError, match=message) as refused:
        challenge_create(organizer=UserFactory.create(), settings=settings_with(prize_split=split))
    assert refused.value.field == "prize_split"
    assert not Challenge.objects.exists()


def test_an_update_goes_through_the_same_check() -> None:
    challenge = challenge_create(organizer=UserFactory.create(), settings=settings_with())
    with pytest.raises(ApplicationError, match="summing to 100"):
        challenge_update(challenge=challenge, settings=settings_with(prize_split=(90, 20)))
    challenge.refresh_from_db()
    assert challenge.prize_split == [50, 30, 20]


def _admin_form(client: Client, **overrides: str) -> AdminForm:
    return AdminForm(client, "/admin/bounties/challenge/add/").set(
        title="Faded digits",
        slug="faded-digits",
        description="Read the digits.",
        starts_at_0="2030-01-01",
        starts_at_1="00:00:00",
        ends_at_0="2030-02-01",
        ends_at_1="00:00:00",
        input_shape="64",
        output_shape="10",
        prize_pool="0",
        **overrides,
    )


def test_the_admin_form_takes_the_split_as_percentages_and_shows_the_services_error(client: Client) -> None:
    client.force_login(organizer_user())

    refused = _admin_form(client, prize_split="40, 40").post()
    assert refused.status_code == 200 and "summing to 100" in str(form_errors(refused))
    assert not Challenge.objects.exists()

    response = _admin_form(client, prize_split="60%, 25%, 15%").post()
    assert response.status_code == 302, form_errors(response)
    assert Challenge.objects.get(slug="faded-digits").prize_split == [60, 25, 15]
