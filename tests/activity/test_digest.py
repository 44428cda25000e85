"""The email digest: one email per watcher, once, nothing when nothing is new, and a working unsubscribe."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from activity.models import ChallengeWatch, DigestDelivery
from activity.selectors.watches import watches_due
from activity.services import digests
from activity.services.digests import ITEMS_PER_CHALLENGE, digests_send
from activity.services.watches import challenge_watch
from activity.tasks import send_activity_digests
from bounties.models import PublishPolicy
from tests.factories import ChallengeFactory, ClueFactory, ScoredSubmissionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://clueboard.example"
    settings.ACTIVITY_DIGEST_SETTLE_SECONDS = 300


def _watch(user: Any, challenge: Any, *, since_hours: float) -> ChallengeWatch:
    watch = challenge_watch(user=user, challenge=challenge)
    ChallengeWatch.objects.filter(pk=watch.pk).update(
        digested_until=timezone.now() - timedelta(hours=since_hours)
    )
    return watch


def _ago(hours: float) -> Any:
    return timezone.now() - timedelta(hours=hours)


def test_each_watcher_gets_one_email_with_the_new_items_of_every_watched_challenge() -> None:
    digits = ChallengeFactory.create(slug="digits", title="Digits")
    letters = ChallengeFactory.create(slug="letters", title="Letters")
    hana, ivan = UserFactory.create(username="hana"), UserFactory.create(username="ivan")
    _watch(hana, digits, since_hours=24)
    _watch(hana, letters, since_hours=24)
    _watch(ivan, digits, since_hours=2)
    ClueFactory.create(challenge=digits, title="Old news", author=ivan, created_at=_ago(30))
    ClueFactory.create(challenge=digits, title="Blur first", author=ivan, created_at=_ago(5))
    ClueFactory.create(challenge=digits, title="Crop", author=hana, created_at=_ago(1))
    ClueFactory.create(challenge=letters, title="Rotate", author=ivan, created_at=_ago(3))
    ClueFactory.create(challenge=digits, title="Too fresh", author=ivan, created_at=_ago(0.01))  # settling

    run = digests_send()

    assert (run.sent, run.failed, run.skipped) == (2, 0, 0)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"hana@example.org", "ivan@example.org"}
    hana_mail, ivan_mail = by_recipient["hana@example.org"], by_recipient["ivan@example.org"]
    assert hana_mail.subject == "[Clueboard] 3 new on 2 challenges you watch"
    assert ivan_mail.subject == "[Clueboard] 1 new on Digits"
    assert _headlines(_body(hana_mail)) == [
        "New clue “Crop” by hana",
        "New clue “Blur first” by ivan",
        "New clue “Rotate” by ivan",
    ]
    assert _headlines(_body(ivan_mail)) == ["New clue “Crop” by hana"]
    assert "Old news" not in _body(hana_mail) and "Too fresh" not in _body(hana_mail)
    html, mimetype = hana_mail.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html" and "New clue “Crop” by hana" in str(html)
    assert "https://clueboard.example/clues/" in _body(hana_mail)
    assert re.search(
        r"<https://clueboard\.example/activity/unsubscribe/[^/]+/>",
        hana_mail.extra_headers["List-Unsubscribe"],
    )
    assert hana_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    deliveries = DigestDelivery.objects.order_by("user__username")
    assert [(d.user.username, d.status, len(d.item_keys)) for d in deliveries] == [
        ("hana", "sent", 3),
        ("ivan", "sent", 1),
    ]


def _body(message: Any) -> str:
    return str(message.body)


def _headlines(body: str) -> list[str]:
    return [line[2:].rsplit(" (", 1)[0] for line in body.splitlines() if line.startswith("- ")]


def test_running_twice_sends_nothing_twice() -> None:
    digits = ChallengeFactory.create(title="Digits")
    _watch(UserFactory.create(), digits, since_hours=24)
    ClueFactory.create(challenge=digits, created_at=_ago(2))

    first = send_activity_digests()
    again = send_activity_digests()  # a re-delivered task, a restart

    assert first == {"sent": 1, "failed": 0, "skipped": 0}
    assert again == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.count() == 1


def test_a_run_that_lost_the_race_sends_nothing() -> None:
    # Two runs read the same watches; the one that claims second finds the cursor moved and sends nothing.
    digits = ChallengeFactory.create()
    _watch(UserFactory.create(), digits, since_hours=24)
    ClueFactory.create(challenge=digits, created_at=_ago(2))
    cutoff = _ago(0.1)
    read_by_the_slow_run = watches_due(cutoff=cutoff)
    sections = digests._sections(
        read_by_the_slow_run, digests._feeds_by_challenge(read_by_the_slow_run, cutoff)
    )

    digests_send()  # the fast run claims and sends
    slow = digests.DigestRun()
    digests._deliver(sections, cutoff, slow)

    assert (slow.sent, slow.skipped) == (0, 1)
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.count() == 1


def test_nothing_new_sends_nothing() -> None:
    digits = ChallengeFactory.create()
    _watch(UserFactory.create(), digits, since_hours=24)
    ClueFactory.create(challenge=digits, created_at=_ago(48))  # before the watch began

    run = digests_send()

    assert (run.sent, run.failed, run.skipped) == (0, 0, 0)
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()


def test_an_unverified_address_and_a_draft_get_no_digest() -> None:
    digits = ChallengeFactory.create()
    _watch(UserFactory.create(email_verified=False), digits, since_hours=24)
    later_draft = ChallengeFactory.create()
    _watch(UserFactory.create(), later_draft, since_hours=24)
    later_draft.published_at = None
    later_draft.save()
    ClueFactory.create(challenge=digits, created_at=_ago(2))
    ClueFactory.create(challenge=later_draft, created_at=_ago(2))

    assert digests_send().sent == 0
    assert mail.outbox == []


def test_the_digest_never_names_unpublished_work_or_private_scores() -> None:
    secretive = ChallengeFactory.create(title="Secretive", publish_policy=PublishPolicy.AT_CLOSE)
    _watch(UserFactory.create(), secretive, since_hours=24)
    hidden = ScoredSubmissionFactory.create(
        challenge=secretive,
        title="Hidden trick",
        public_score=0.9,
        private_score=0.654321,
        finished_at=_ago(2),
    )

    digests_send()

    body = _body(mail.outbox[0])
    assert "New best public score 0.900000 by" in body
    assert "Hidden trick" not in body and f"/submissions/{hidden.pk}/" not in body and "0.654321" not in body


def test_a_refused_email_puts_its_items_back_for_the_next_digest(monkeypatch: Any) -> None:
    digits = ChallengeFactory.create()
    watch = _watch(UserFactory.create(), digits, since_hours=24)
    before = ChallengeWatch.objects.get(pk=watch.pk).digested_until
    ClueFactory.create(challenge=digits, title="Keep me", created_at=_ago(2))

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    # The mail server is a process boundary we do not own: refusing there is what a real one does.
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    failed = digests_send()
    monkeypatch.undo()
    retried = digests_send()

    assert (failed.sent, failed.failed) == (0, 1)
    assert ChallengeWatch.objects.get(pk=watch.pk).digested_until > before
    assert retried.sent == 1 and "Keep me" in _body(mail.outbox[0])
    assert list(DigestDelivery.objects.order_by("id").values_list("status", flat=True)) == ["failed", "sent"]


def test_many_items_are_cut_with_a_link_to_the_rest() -> None:
    digits = ChallengeFactory.create(slug="digits")
    _watch(UserFactory.create(), digits, since_hours=48)
    for i in range(ITEMS_PER_CHALLENGE + 5):
        ClueFactory.create(challenge=digits, created_at=_ago(1 + i / 10))

    digests_send()

    body = _body(mail.outbox[0])
    assert len(_headlines(body)) == ITEMS_PER_CHALLENGE
    assert (
        "More on the challenge's activity page: https://clueboard.example/challenges/digits/activity/" in body
    )


def test_the_unsubscribe_links_work_without_signing_in() -> None:
    digits = ChallengeFactory.create(title="Digits")
    letters = ChallengeFactory.create(title="Letters")
    user = UserFactory.create()
    _watch(user, digits, since_hours=24)
    _watch(user, letters, since_hours=24)
    ClueFactory.create(challenge=digits, created_at=_ago(2))
    ClueFactory.create(challenge=letters, created_at=_ago(2))
    digests_send()
    body = _body(mail.outbox[0])
    stop_digits = re.search(r"Stop watching Digits: https://clueboard\.example(\S+)", body).group(1)  # type: ignore[union-attr]
    stop_all = re.search(r"Stop every activity digest: https://clueboard\.example(\S+)", body).group(1)  # type: ignore[union-attr]
    anonymous = Client(enforce_csrf_checks=True)  # a mail client's one-click POST carries no CSRF token

    confirm = anonymous.get(stop_digits)
    assert (
        confirm.status_code == 200 and ChallengeWatch.objects.count() == 2
    )  # a link preview changes nothing
    done = anonymous.post(stop_digits)
    assert "You no longer watch Digits." in done.content.decode()
    assert list(ChallengeWatch.objects.values_list("challenge__title", flat=True)) == ["Letters"]
    assert "no more activity digests" in anonymous.post(stop_all).content.decode()
    assert not ChallengeWatch.objects.exists()
    assert anonymous.post(stop_all).status_code == 200  # used twice: still fine


def test_a_forged_unsubscribe_token_is_refused() -> None:
    user = UserFactory.create()
    _watch(user, ChallengeFactory.create(), since_hours=1)

    answer = Client().post(f"/activity/unsubscribe/{'{'}%22u%22:{user.pk},%22c%22:null{'}'}:forged/")

    assert answer.status_code == 400
    assert "This unsubscribe link is not valid." in answer.content.decode()
    assert Client().get(f"/activity/unsubscribe/{user.pk}:forged/").status_code == 400
    assert ChallengeWatch.objects.count() == 1


def test_the_beat_sends_digests_daily_by_default(settings: Any) -> None:
    from clueboard.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["send-activity-digests"]
    assert entry == {"task": send_activity_digests.name, "schedule": 86400.0}
    assert entry["task"] in app.tasks
