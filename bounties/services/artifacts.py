"""Content-addressed file storage: a file is kept once, under the sha256 of its bytes."""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from bounties.errors import FileTooLarge, InvalidUpload
from bounties.models import Artifact, HiddenDataset


def artifact_path(artifact: Artifact) -> Path:
    return Path(settings.ARTIFACT_ROOT) / artifact.relative_path


def artifact_store(*, upload: UploadedFile, max_bytes: int, label: str) -> Artifact:
    """Hash and store an upload, reusing the row when the same bytes exist already.

    Raises FileTooLarge when the upload is bigger than `max_bytes`. The artifact is marked as used now,
    so the clean-up spares it for its grace period: reference it within that time (the services do, in
    the same transaction, where a concurrent clean-up waits on the touched row).
    """
    check_upload_size(upload=upload, max_bytes=max_bytes, label=label)
    root = Path(settings.ARTIFACT_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    # Write to a temporary file in the same directory so the final rename is atomic.
    with tempfile.NamedTemporaryFile(dir=root, prefix=".upload-", delete=False) as handle:
        temp_path = Path(handle.name)
        try:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLarge(f"The {label} is over the limit of {_mib(max_bytes)}.")
                digest.update(chunk)
                handle.write(chunk)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
    sha256 = digest.hexdigest()
    try:
        refuse_hidden_set_bytes(sha256)
        artifact = _touch_or_create(sha256, size)
        final_path = root / sha256[:2] / sha256
        final_path.parent.mkdir(parents=True, exist_ok=True)
        # Always placed afresh, after the row is touched: the clean-up deletes a file only while it
        # holds that row, so the copy placed here is never the one it is deleting.
        os.replace(temp_path, final_path)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return artifact


def refuse_hidden_set_bytes(sha256: str) -> None:
    """Raises InvalidUpload for the bytes of any challenge's hidden test set.

    Every stored artifact can be served (a resource, a published model or source archive, a clue's
    file), so a hidden set's bytes are never stored here, whatever they were uploaded as.
    """
    if HiddenDataset.objects.filter(sha256=sha256).exists():
        raise InvalidUpload(
            "This file is a hidden test set: it can never be stored where it could be served."
        )


def _touch_or_create(sha256: str, size: int) -> Artifact:
    """The row for these bytes, marked as used now; waits while the clean-up holds it."""
    now = timezone.now()
    if Artifact.objects.filter(sha256=sha256).update(touched_at=now):
        return Artifact.objects.get(sha256=sha256)
    artifact, _ = Artifact.objects.get_or_create(
        sha256=sha256, defaults={"size_bytes": size, "touched_at": now}
    )
    return artifact


def check_upload_size(*, upload: UploadedFile, max_bytes: int, label: str) -> None:
    """Raises FileTooLarge when the upload declares more than `max_bytes` (the stored bytes are counted too)."""
    if upload.size is not None and upload.size > max_bytes:
        raise FileTooLarge(f"The {label} is {_mib(upload.size)}; the limit is {_mib(max_bytes)}.")


def read_head(upload: UploadedFile, n_bytes: int) -> bytes:
    """The first bytes of an upload, leaving its position at the start."""
    upload.seek(0)
    head = upload.read(n_bytes)
    upload.seek(0)
    return head


def _mib(n_bytes: int) -> str:
    return f"{n_bytes / (1024 * 1024):.1f} MiB"
