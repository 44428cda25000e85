"""The activity digest: one email per watcher listing their watched challenges' new feed items.

Exactly-once as far as a mail server allows: a watcher's cursors move by conditional updates and the
email is recorded in the same transaction, before it is sent. A second run (a re-delivered task, a
restart, a concurrent beat) finds the cursors moved and lists nothing twice.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from activity.items import FeedItem
from activity.models import ChallengeWatch, DigestDelivery
from activity.selectors.feed import challenge_feed
from activity.selectors.watches import watches_due
from activity.services.digest_email import DigestSection, digest_message

logger = logging.getLogger(__name__)

# Items listed per challenge in one email; the rest are behind the link to the challenge's feed.
ITEMS_PER_CHALLENGE = 20


@dataclass
class DigestRun:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # another run had claimed the watcher's items
    item_keys: list[str] = field(default_factory=list)


class _AlreadyClaimed(Exception):
    """A watch's cursor moved under us: another run lists these items."""


def digests_send(*, now: datetime | None = None) -> DigestRun:
    """Send each watcher with new items one digest email; watchers with nothing new get nothing."""
    # Chain items are indexed a little after their block time: the settle time lets them arrive first.
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.ACTIVITY_DIGEST_SETTLE_SECONDS)
    watches = watches_due(cutoff=cutoff)
    feeds = _feeds_by_challenge(watches, cutoff)
    run = DigestRun()
    for _, user_watches in groupby(watches, key=lambda watch: watch.user_id):
        sections = _sections(list(user_watches), feeds)
        if sections:
            _deliver(sections, cutoff, run)
    return run


def _feeds_by_challenge(watches: list[ChallengeWatch], cutoff: datetime) -> dict[int, list[FeedItem]]:
    """One feed read per challenge, from its watchers' earliest cursor (one query per source each)."""
    earliest: dict[int, ChallengeWatch] = {}
    for watch in watches:
        first = earliest.get(watch.challenge_id)
        if first is None or watch.digested_until < first.digested_until:
            earliest[watch.challenge_id] = watch
    return {
        challenge_id: challenge_feed(
            challenge=watch.challenge,
            limit=ITEMS_PER_CHALLENGE + 1,
            after=watch.digested_until,
            until=cutoff,
        )
        for challenge_id, watch in earliest.items()
    }


def _sections(watches: list[ChallengeWatch], feeds: dict[int, list[FeedItem]]) -> list[DigestSection]:
    sections = []
    for watch in watches:
        # The feed is newest first from the earliest cursor, so each watcher's items are its head.
        new = [item for item in feeds[watch.challenge_id] if item.at > watch.digested_until]
        if new:
            sections.append(
                DigestSection(
                    watch=watch, items=new[:ITEMS_PER_CHALLENGE], more=len(new) > ITEMS_PER_CHALLENGE
                )
            )
    return sections


def _deliver(sections: list[DigestSection], cutoff: datetime, run: DigestRun) -> None:
    delivery = _claim(sections, cutoff)
    if delivery is None:
        run.skipped += 1
        return
    user = sections[0].watch.user
    try:
        digest_message(user=user, sections=sections).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("digest %s for user %s not sent: %s", delivery.pk, user.pk, type(error).__name__)
        _give_back(delivery)
        run.failed += 1
        return
    DigestDelivery.objects.filter(pk=delivery.pk, status=DigestDelivery.Status.SENDING).update(
        status=DigestDelivery.Status.SENT, sent_at=timezone.now()
    )
    run.sent += 1
    run.item_keys.extend(delivery.item_keys)


def _claim(sections: list[DigestSection], cutoff: datetime) -> DigestDelivery | None:
    """Move the watcher's cursors to `cutoff` and record the email, or None when a cursor had moved."""
    ordered = sorted(sections, key=lambda section: section.watch.pk)  # one lock order for every run
    try:
        with transaction.atomic():
            for section in ordered:
                watch = section.watch
                moved = ChallengeWatch.objects.filter(
                    pk=watch.pk, digested_until=watch.digested_until
                ).update(digested_until=cutoff)
                if not moved:
                    raise _AlreadyClaimed
            return DigestDelivery.objects.create(
                user_id=ordered[0].watch.user_id,
                cutoff=cutoff,
                item_keys=[f"{s.watch.challenge_id}:{item.key}" for s in sections for item in s.items],
                previous_cursors={str(s.watch.pk): s.watch.digested_until.isoformat() for s in sections},
            )
    except _AlreadyClaimed:
        return None


def _give_back(delivery: DigestDelivery) -> None:
    """The mail server refused the email: mark it failed and put the cursors back, where still ours."""
    with transaction.atomic():
        DigestDelivery.objects.filter(pk=delivery.pk).update(status=DigestDelivery.Status.FAILED)
        for watch_id, previous in delivery.previous_cursors.items():
            ChallengeWatch.objects.filter(pk=int(watch_id), digested_until=delivery.cutoff).update(
                digested_until=datetime.fromisoformat(previous)
            )
