"""Celery tasks of the activity app. Thin: they call services."""

from __future__ import annotations

from celery import shared_task

from activity.services.digests import digests_send


@shared_task(name="activity.tasks.send_activity_digests")
def send_activity_digests() -> dict[str, int]:
    """Periodic (Celery beat, ACTIVITY_DIGEST_INTERVAL): each watcher's new items in one email.

    Safe to run twice or concurrently: the service moves each watcher's cursor by a conditional update
    before it sends, so a re-delivered task finds nothing left to send.
    """
    run = digests_send()
    return {"sent": run.sent, "failed": run.failed, "skipped": run.skipped}
