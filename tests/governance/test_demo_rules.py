"""The demo story's guards, without a chain: it runs only in development on the local chain, and it stops
before closing the rounds when the worker failed a submission (an attested ranking cannot be redone)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.core.management.commands import migrate

from bounties.models import ChallengeStatus, SubmissionStatus
from governance.demo import chain_trust
from governance.demo.cast import ORGANIZER, DemoRefused, demo_person_ensure
from governance.demo.waiting import DemoStuck
from tests.factories import ChallengeFactory, ScoredSubmissionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def test_the_demo_refuses_outside_development(settings: LazySettings) -> None:
    settings.DEBUG = False
    with pytest.raises(DemoRefused):
        demo_person_ensure(ORGANIZER)
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_story")
    with (
        pytest.raises(CommandError, match="DEBUG"),
        mock.patch.object(migrate.Command, "handle") as migrating,
    ):
        call_command("prepare_demo")  # refused before it migrates or collects anything
    migrating.assert_not_called()


def test_the_demo_refuses_another_chain(settings: LazySettings) -> None:
    settings.DEBUG = True
    settings.CHAIN_ID = 1
    with pytest.raises(DemoRefused, match="31337"):
        demo_person_ensure(ORGANIZER)


def test_a_failed_evaluation_stops_the_story_before_the_rounds_close() -> None:
    challenge = ChallengeFactory.create()
    ScoredSubmissionFactory.create(challenge=challenge)
    SubmissionFactory.create(
        challenge=challenge, status=SubmissionStatus.FAILED, failure_reason="The sandbox did not start."
    )
    with pytest.raises(DemoStuck, match=r"1 of the demo's 2 submissions failed.*sandbox did not start"):
        chain_trust.scores_wait([challenge], log=lambda line: None)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN


def test_a_demo_persons_account_logs_in_and_has_its_wallet_linked(settings: LazySettings) -> None:
    settings.DEBUG = True
    user = demo_person_ensure(ORGANIZER)
    again = demo_person_ensure(ORGANIZER)
    assert again.pk == user.pk and user.check_password("clueboard-demo")
    assert user.wallet.address == ORGANIZER.account.address
