"""Celery tasks of the bounties app. Thin: they call services."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from bounties.services.artifact_cleanup import artifacts_remove_unused


@shared_task(name="bounties.tasks.remove_unused_artifacts")
def remove_unused_artifacts() -> dict[str, int]:
    """Periodic (Celery beat): remove the stored files that no row has used for the grace period."""
    cleanup = artifacts_remove_unused(grace=timedelta(seconds=settings.UNUSED_ARTIFACT_GRACE_SECONDS))
    return {"rows_removed": cleanup.rows_removed, "files_removed": cleanup.files_removed}
