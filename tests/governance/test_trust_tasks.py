"""The trust chain's beat tasks are scheduled, registered, and run their services."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.conf import settings as django_settings

from clueboard.celery import app
from governance.models import ChallengeOnChain, OutgoingTransaction
from governance.tasks_commitments import advance_trust_chain, commit_submission_batches
from tests.governance.trust_support import publish_challenge

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (advance_trust_chain, commit_submission_batches):
        assert task.name in scheduled and task.name in app.tasks


def test_the_tasks_run_without_a_deployment_or_a_node_and_change_nothing(settings: LazySettings) -> None:
    settings.CHAIN_RPC_URL = "http://127.0.0.1:9"  # nothing answers there
    challenge = publish_challenge()

    advance_trust_chain.apply().get()
    commit_submission_batches.apply().get()

    assert ChallengeOnChain.objects.get(challenge=challenge).create_transaction is None
    assert not OutgoingTransaction.objects.exists()
