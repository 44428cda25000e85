"""Digest runs racing each other on PostgreSQL (row locks; SQLite holds one writer): each email goes once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from activity.models import ChallengeWatch, DigestDelivery
from activity.services.digests import digests_send
from tests.factories import ChallengeFactory, ClueFactory, UserFactory

CONCURRENT_RUNS = 6
WATCHERS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_watcher_one_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    challenges = [ChallengeFactory.create(), ChallengeFactory.create()]
    for _ in range(WATCHERS):
        user = UserFactory.create()
        for challenge in challenges:
            ChallengeWatch.objects.create(
                user=user, challenge=challenge, digested_until=timezone.now() - timedelta(days=1)
            )
    for challenge in challenges:
        ClueFactory.create(challenge=challenge, created_at=timezone.now() - timedelta(hours=2))
    start_together = threading.Barrier(CONCURRENT_RUNS)

    def run(_: int) -> int:
        start_together.wait(timeout=30)
        try:
            return digests_send().sent
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CONCURRENT_RUNS) as pool:
        sent = sum(pool.map(run, range(CONCURRENT_RUNS)))

    assert sent == WATCHERS
    watchers = {watch.user.email for watch in ChallengeWatch.objects.select_related("user")}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(watchers)
    assert DigestDelivery.objects.filter(status="sent").count() == WATCHERS
    assert all(len(message.body.split("\n- ")) == 3 for message in mail.outbox)  # both challenges' clues
