"""Content-addressed file storage: a file is kept once, under the sha256 of its bytes."""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from bounties.errors import FileTooLarge
from bounties.models import Artifact


def artifact_path(artifact: Artifact) -> Path:
    return Path(settings.ARTIFACT_ROOT) / artifact.relative_path


def artifact_store(*, upload: UploadedFile, max_bytes: int, label: str) -> Artifact:
    """Hash and store an upload, reusing the stored copy when the same bytes exist already.

    Raises FileTooLarge when the upload is bigger than `max_bytes`.
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
    final_path = root / sha256[:2] / sha256
    final_path.parent.mkdir(parents=True, exist_ok=True)
    if final_path.exists():
        temp_path.unlink()
    else:
        os.replace(temp_path, final_path)
    artifact, _ = Artifact.objects.get_or_create(sha256=sha256, defaults={"size_bytes": size})
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
