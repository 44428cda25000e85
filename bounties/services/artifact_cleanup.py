"""Removing stored files that nothing uses: the files of refused uploads, of deleted resources and drafts.

An upload stores its files before the rules can refuse it (the limits are checked under a lock that the
slow hashing must not hold), so a refused upload leaves an artifact that no row uses, or a file with no
artifact row at all when its transaction rolled back. They are removed after a grace period.

The race with an upload that is about to use the same bytes: the clean-up deletes a file only while it
holds the artifact's row, either the existing row (claimed by a conditional update that re-checks the
grace period) or a claim row that it inserts for a file without one. `artifact_store` touches or creates
that same row before it places its file, so it waits until the clean-up is done and then places the
file afresh; and a row it touched is younger than the grace period, so the clean-up leaves it alone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from bounties.models import Artifact

logger = logging.getLogger(__name__)

SHA256_NAME = re.compile(r"[0-9a-f]{64}")
# Claim rows are dated at the epoch, so a claim left by a crash is itself removed by the next run.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ArtifactCleanup:
    rows_removed: int
    files_removed: int


def artifacts_remove_unused(*, grace: timedelta) -> ArtifactCleanup:
    """Delete artifact rows that no row uses and stored files without a row, both older than `grace`."""
    cutoff = timezone.now() - grace
    candidates = list(Artifact.objects.filter(_unused(), touched_at__lt=cutoff).values_list("pk", "sha256"))
    rows_removed = sum(_remove_row(pk, sha256, cutoff) for pk, sha256 in candidates)
    files_removed = _remove_stray_files(cutoff)
    if rows_removed or files_removed:
        logger.info(
            "artifact clean-up removed %d unused rows and %d stray files", rows_removed, files_removed
        )
    return ArtifactCleanup(rows_removed=rows_removed, files_removed=files_removed)


def _unused() -> Q:
    """No row of any model points at the artifact; every relation counts, hidden ones ('+') too."""
    users_of = [
        relation.related_model._default_manager.filter(**{relation.field.name: OuterRef("pk")})  # type: ignore[union-attr]
        for relation in Artifact._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and relation.is_relation
    ]
    return Q(*(~Exists(users) for users in users_of))


@transaction.atomic
def _remove_row(pk: int, sha256: str, cutoff: datetime) -> int:
    # The conditional update takes the row's lock and re-checks age and use under it: a concurrent
    # upload that touched the row first makes it match nothing.
    claimed = Artifact.objects.filter(_unused(), pk=pk, touched_at__lt=cutoff).update(
        touched_at=F("touched_at")
    )
    if not claimed:
        return 0
    _stored_path(sha256).unlink(missing_ok=True)
    Artifact.objects.filter(pk=pk).delete()
    return 1


def _remove_stray_files(cutoff: datetime) -> int:
    root = Path(settings.ARTIFACT_ROOT)
    if not root.is_dir():
        return 0
    removed = 0
    for path in root.glob(".upload-*"):  # temporary files of uploads that died mid-way
        removed += _unlink_if_older(path, cutoff)
    for folder in root.glob("??"):
        old = {p.name: p for p in folder.iterdir() if SHA256_NAME.fullmatch(p.name) and _is_older(p, cutoff)}
        with_rows = set(Artifact.objects.filter(sha256__in=old).values_list("sha256", flat=True))
        removed += sum(
            _remove_file_without_row(path, cutoff) for name, path in old.items() if name not in with_rows
        )
    return removed


def _remove_file_without_row(path: Path, cutoff: datetime) -> int:
    try:
        with transaction.atomic():
            claim = Artifact.objects.create(sha256=path.name, size_bytes=0, touched_at=EPOCH)
            # Under the claim no upload can be placing these bytes; re-read the age, it may have just placed them.
            removed = _unlink_if_older(path, cutoff)
            claim.delete()
    except IntegrityError:
        return 0  # a row exists (or an upload is creating one): the file is in use
    return removed


def _stored_path(sha256: str) -> Path:
    return Path(settings.ARTIFACT_ROOT) / sha256[:2] / sha256


def _is_older(path: Path, cutoff: datetime) -> bool:
    try:
        return path.stat().st_mtime < cutoff.timestamp()
    except FileNotFoundError:
        return False


def _unlink_if_older(path: Path, cutoff: datetime) -> int:
    if not _is_older(path, cutoff):
        return 0
    path.unlink(missing_ok=True)
    return 1
