"""Files of refused uploads are removed: a periodic clean-up of artifacts that no row uses, after a grace
period, that never removes bytes an upload is about to use."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from bounties.errors import SubmissionLimitReached
from bounties.models import Artifact, ChallengeResource, ClueAttachment
from bounties.services import artifact_cleanup
from bounties.services import submissions as submissions_service
from bounties.services.artifact_cleanup import artifacts_remove_unused
from bounties.services.artifacts import artifact_path, artifact_store
from bounties.services.submissions import submission_create
from bounties.tasks import remove_unused_artifacts
from tests.factories import (
    ChallengeFactory,
    ClueFactory,
    SubmissionFactory,
    UserFactory,
    model_upload,
    safetensors_bytes,
)

GRACE = timedelta(days=1)
TWO_DAYS_AGO = timezone.now() - timedelta(days=2)


def stored(content: bytes, name: str = "file.bin") -> Artifact:
    return artifact_store(upload=SimpleUploadedFile(name, content), max_bytes=10**6, label="file")


def age(artifact: Artifact) -> Artifact:
    """Make an artifact (its row and its file) look two days old."""
    Artifact.objects.filter(pk=artifact.pk).update(touched_at=TWO_DAYS_AGO)
    age_file(artifact_path(artifact))
    artifact.refresh_from_db()
    return artifact


def age_file(path: Path) -> None:
    old = TWO_DAYS_AGO.timestamp()
    os.utime(path, (old, old))


@pytest.mark.django_db
def test_a_submission_refused_at_its_limit_stores_no_file(settings: LazySettings) -> None:
    challenge = ChallengeFactory.create(daily_submission_limit=1)
    contributor = UserFactory.create()
    submission_create(challenge=challenge, contributor=contributor, model_file=model_upload())
    refused_bytes = safetensors_bytes({"weight": np.ones((10, 64), dtype=np.float32)})

    with pytest.raises(SubmissionLimitReached):
        submission_create(
            challenge=challenge, contributor=contributor, model_file=model_upload(content=refused_bytes)
        )

    assert len(list(Path(settings.ARTIFACT_ROOT).glob("??/*"))) == Artifact.objects.count() == 1


@pytest.mark.django_db
def test_an_upload_refused_after_its_file_was_stored_is_removed_after_the_grace_period(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two uploads raced for the last slot: the loser passed the early check, its file was stored, and
    the count under the lock refused it. The file stays until the clean-up's grace period has passed."""
    challenge = ChallengeFactory.create(daily_submission_limit=1)
    contributor = UserFactory.create()
    submission_create(challenge=challenge, contributor=contributor, model_file=model_upload())
    checks = iter(
        [False, True]
    )  # the early check passes (as it did for the race's loser), the locked one counts
    real_check = submissions_service._refuse_when_out_of_quota
    monkeypatch.setattr(
        submissions_service,
        "_refuse_when_out_of_quota",
        lambda **kwargs: real_check(**kwargs) if next(checks) else None,
    )
    refused_bytes = safetensors_bytes({"weight": np.ones((10, 64), dtype=np.float32)})
    with pytest.raises(SubmissionLimitReached):
        submission_create(
            challenge=challenge, contributor=contributor, model_file=model_upload(content=refused_bytes)
        )
    stray = Artifact.objects.get(sha256=hashlib.sha256(refused_bytes).hexdigest())

    assert artifacts_remove_unused(grace=GRACE).files_removed == 0  # within the grace period
    for artifact in Artifact.objects.all():
        age(artifact)  # old, though the first submission's is still used
    cleanup = artifacts_remove_unused(grace=GRACE)

    assert (cleanup.rows_removed, cleanup.files_removed) == (1, 0)  # its row, and the file with it
    assert not artifact_path(stray).exists()
    assert not Artifact.objects.filter(pk=stray.pk).exists()
    assert Artifact.objects.count() == 1


@pytest.mark.django_db
def test_only_rows_that_nothing_uses_and_that_are_past_the_grace_period_go() -> None:
    used_by: dict[str, Any] = {
        "model": SubmissionFactory.create(model_artifact=stored(b"model")).model_artifact,
        "source": SubmissionFactory.create(source_artifact=stored(b"source")).source_artifact,
        "attachment": ClueAttachment.objects.create(
            clue=ClueFactory.create(), artifact=stored(b"attachment"), filename="a.txt"
        ).artifact,
        "resource": ChallengeResource.objects.create(
            challenge=ChallengeFactory.create(), artifact=stored(b"resource"), filename="r.npz", title="R"
        ).artifact,
    }
    for artifact in used_by.values():
        age(artifact)
    unused_old = age(stored(b"refused long ago"))
    unused_recent = stored(b"refused just now")

    cleanup = artifacts_remove_unused(grace=GRACE)

    assert (cleanup.rows_removed, cleanup.files_removed) == (1, 0)
    assert not Artifact.objects.filter(pk=unused_old.pk).exists()
    assert not artifact_path(unused_old).exists()
    for artifact in [*used_by.values(), unused_recent]:
        assert artifact_path(artifact).read_bytes()
        assert Artifact.objects.filter(pk=artifact.pk).exists()


@pytest.mark.django_db
def test_an_upload_about_to_use_old_unused_bytes_keeps_them() -> None:
    """The race in one connection: the upload has stored its file, its row is not written yet."""
    content = b"the same model twice"
    old = age(stored(content))
    with transaction.atomic():
        again = stored(content)  # a new upload of the same bytes, about to reference them
        artifacts_remove_unused(grace=GRACE)  # the sweep runs before the submission row exists
        attachment = ClueAttachment.objects.create(clue=ClueFactory.create(), artifact=again, filename="m")
    assert again.pk == old.pk
    assert artifact_path(attachment.artifact).read_bytes() == content


@pytest.mark.django_db
def test_temporary_files_of_dead_uploads_go_after_the_grace_period(settings: LazySettings) -> None:
    root = Path(settings.ARTIFACT_ROOT)
    root.mkdir(parents=True)
    dead, alive = root / ".upload-dead", root / ".upload-alive"
    dead.write_bytes(b"half")
    alive.write_bytes(b"still coming")
    age_file(dead)
    assert artifacts_remove_unused(grace=GRACE).files_removed == 1
    assert not dead.exists() and alive.exists()


@pytest.mark.django_db
def test_celery_beat_runs_the_clean_up_with_the_grace_setting(settings: LazySettings) -> None:
    from clueboard.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["remove-unused-artifacts"]
    assert entry["task"] == remove_unused_artifacts.name and entry["task"] in app.tasks
    settings.UNUSED_ARTIFACT_GRACE_SECONDS = 3 * 24 * 3600
    refused = age(stored(b"refused"))
    assert remove_unused_artifacts() == {"rows_removed": 0, "files_removed": 0}
    settings.UNUSED_ARTIFACT_GRACE_SECONDS = 24 * 3600
    assert remove_unused_artifacts() == {"rows_removed": 1, "files_removed": 0}
    assert not Artifact.objects.filter(pk=refused.pk).exists()


# ---- the race with real concurrent transactions (PostgreSQL: row locks; SQLite holds one writer) --


def in_thread(target: Any) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = target()
        except Exception as exc:  # reported by the test, not lost in the thread
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sweep_that_starts_while_an_upload_holds_the_bytes_waits_and_spares_them() -> None:
    content = b"reused by a concurrent upload"
    old = age(stored(content))
    clue = ClueFactory.create()
    touched, go_on = threading.Event(), threading.Event()

    def upload() -> int:
        with transaction.atomic():
            artifact = stored(content)
            touched.set()
            go_on.wait(10)  # the upload is slow to write its row
            return ClueAttachment.objects.create(clue=clue, artifact=artifact, filename="m").pk

    uploader, uploaded = in_thread(upload)
    assert touched.wait(10)
    sweeper, swept = in_thread(lambda: artifacts_remove_unused(grace=GRACE))
    time.sleep(0.5)  # the sweep is now waiting on the row the upload touched
    go_on.set()
    uploader.join(20)
    sweeper.join(20)

    assert "error" not in uploaded and "error" not in swept, (uploaded, swept)
    attachment = ClueAttachment.objects.select_related("artifact").get(pk=uploaded["value"])
    assert attachment.artifact_id == old.pk
    assert artifact_path(attachment.artifact).read_bytes() == content


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_that_starts_while_the_sweep_holds_the_bytes_waits_and_stores_them_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = b"deleted and uploaded at once"
    old = age(stored(content))
    clue = ClueFactory.create()
    claimed, go_on = threading.Event(), threading.Event()
    stored_path = artifact_cleanup._stored_path

    def slow_stored_path(sha256: str) -> Path:
        claimed.set()  # the sweep holds the row now
        go_on.wait(10)
        return stored_path(sha256)

    monkeypatch.setattr(artifact_cleanup, "_stored_path", slow_stored_path)
    sweeper, swept = in_thread(lambda: artifacts_remove_unused(grace=GRACE))
    assert claimed.wait(10)

    def upload() -> int:
        with transaction.atomic():
            artifact = stored(content)
            return ClueAttachment.objects.create(clue=clue, artifact=artifact, filename="m").pk

    uploader, uploaded = in_thread(upload)
    time.sleep(0.5)  # the upload is now waiting on the row the sweep holds
    go_on.set()
    sweeper.join(20)
    uploader.join(20)

    assert "error" not in uploaded and "error" not in swept, (uploaded, swept)
    assert swept["value"].rows_removed == 1
    attachment = ClueAttachment.objects.select_related("artifact").get(pk=uploaded["value"])
    assert attachment.artifact_id != old.pk  # the old row went; the upload made a new one
    assert artifact_path(attachment.artifact).read_bytes() == content
