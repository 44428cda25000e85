"""Uploading a challenge's hidden test set: check it, store it out of reach, hash it and split it."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from bounties import hidden_data
from bounties.errors import ApplicationError, FileTooLarge, InvalidUpload
from bounties.models import Artifact, Challenge, ChallengeStatus, HiddenDataset

DEFAULT_PUBLIC_FRACTION = 0.3


def hidden_dataset_path(dataset: HiddenDataset) -> Path:
    """Where the workers read the file; never under a served directory."""
    return Path(settings.HIDDEN_DATA_ROOT) / dataset.stored_name


@dataclass(frozen=True)
class PreparedHiddenDataset:
    """A checked upload waiting in HIDDEN_DATA_ROOT to be attached to its challenge."""

    temp_path: Path
    original_name: str
    file_format: str
    sha256: str
    size_bytes: int
    n_rows: int
    input_shape: list[int]
    input_dtype: str


def hidden_dataset_prepare(*, upload: UploadedFile, input_spec: dict[str, Any]) -> PreparedHiddenDataset:
    """Spool, read and check an upload against the input spec; raises InvalidUpload or FileTooLarge."""
    try:
        file_format = hidden_data.file_format_for(upload.name or "")
    except hidden_data.HiddenDataError as exc:
        raise InvalidUpload(str(exc), field="file") from exc
    temp_path = _spool_to_disk(upload)
    try:
        arrays = _read_checked(temp_path, file_format, input_spec)
        sha256 = hidden_data.sha256_of_file(temp_path)
        _refuse_public_bytes(sha256)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return PreparedHiddenDataset(
        temp_path=temp_path,
        original_name=os.path.basename(upload.name or "hidden")[:255],
        file_format=file_format,
        sha256=sha256,
        size_bytes=temp_path.stat().st_size,
        n_rows=arrays.n_rows,
        input_shape=list(arrays.inputs.shape[1:]),
        input_dtype=str(arrays.inputs.dtype),
    )


@transaction.atomic
def hidden_dataset_save(
    *,
    challenge: Challenge,
    prepared: PreparedHiddenDataset,
    public_fraction: float = DEFAULT_PUBLIC_FRACTION,
    uploaded_by: AbstractBaseUser | None = None,
) -> HiddenDataset:
    """Attach a prepared test set to a challenge and split it with a fresh seed.

    Raises ApplicationError once the challenge is published: the test set is committed to when the
    challenge opens and must not change after.
    """
    try:
        if (
            challenge.status != ChallengeStatus.DRAFT
            and HiddenDataset.objects.filter(challenge=challenge).exists()
        ):
            raise ApplicationError("The hidden test set cannot be replaced after the challenge is published.")
        stored_name = f"{prepared.sha256}.{prepared.file_format}"
        _move_into_hidden_root(prepared.temp_path, stored_name)
    finally:
        prepared.temp_path.unlink(missing_ok=True)
    seed = secrets.token_hex(16)
    try:
        n_public = int(hidden_data.public_row_mask(prepared.n_rows, public_fraction, seed).sum())
    except hidden_data.HiddenDataError as exc:
        raise ApplicationError(str(exc), field="public_fraction") from exc
    dataset, _ = HiddenDataset.objects.update_or_create(
        challenge=challenge,
        defaults={
            "stored_name": stored_name,
            "original_name": prepared.original_name,
            "file_format": prepared.file_format,
            "sha256": prepared.sha256,
            "size_bytes": prepared.size_bytes,
            "n_rows": prepared.n_rows,
            "input_shape": prepared.input_shape,
            "input_dtype": prepared.input_dtype,
            "public_fraction": public_fraction,
            "split_seed": seed,
            "n_public": n_public,
            "n_private": prepared.n_rows - n_public,
            "uploaded_by": uploaded_by,
        },
    )
    return dataset


def hidden_dataset_upload(
    *,
    challenge: Challenge,
    upload: UploadedFile,
    public_fraction: float = DEFAULT_PUBLIC_FRACTION,
    uploaded_by: AbstractBaseUser | None = None,
) -> HiddenDataset:
    """Check, store and split a hidden test set in one step; raises as prepare and save do."""
    prepared = hidden_dataset_prepare(upload=upload, input_spec=challenge.input_spec)
    return hidden_dataset_save(
        challenge=challenge, prepared=prepared, public_fraction=public_fraction, uploaded_by=uploaded_by
    )


def hidden_dataset_read(*, dataset: HiddenDataset) -> tuple[hidden_data.HiddenArrays, np.ndarray]:
    """The stored arrays and the public-row mask, for the trusted side's own checks; never for a page.

    Raises ApplicationError when the stored file cannot be read.
    """
    try:
        arrays = hidden_data.read_hidden_arrays(hidden_dataset_path(dataset), dataset.file_format)
    except (hidden_data.HiddenDataError, OSError) as exc:
        raise ApplicationError(f"The stored hidden test set cannot be read: {exc}") from exc
    return arrays, hidden_data.public_row_mask(arrays.n_rows, dataset.public_fraction, dataset.split_seed)


def hidden_dataset_root() -> Path:
    return Path(settings.HIDDEN_DATA_ROOT)


def _spool_to_disk(upload: UploadedFile) -> Path:
    limit = settings.MAX_HIDDEN_DATASET_BYTES
    if upload.size is not None and upload.size > limit:
        raise FileTooLarge(f"The hidden test set is larger than the limit of {limit} bytes.", field="file")
    root = hidden_dataset_root()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    with tempfile.NamedTemporaryFile(dir=root, prefix=".upload-", delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


def _read_checked(path: Path, file_format: str, input_spec: dict[str, Any]) -> hidden_data.HiddenArrays:
    try:
        arrays = hidden_data.read_hidden_arrays(path, file_format)
    except hidden_data.HiddenDataError as exc:
        raise InvalidUpload(str(exc), field="file") from exc
    expected_shape = input_spec.get("shape")
    if expected_shape is not None and list(arrays.inputs.shape[1:]) != list(expected_shape):
        raise InvalidUpload(
            f"Input rows have shape {list(arrays.inputs.shape[1:])}, but the challenge's input spec says "
            f"{list(expected_shape)}.",
            field="file",
        )
    return arrays


def _refuse_public_bytes(sha256: str) -> None:
    """A file the platform already offers (a resource, a submission, a clue attachment) is not hidden."""
    if Artifact.objects.filter(sha256=sha256).exists():
        raise InvalidUpload(
            "These exact bytes are already stored as a public file on the platform (a challenge resource, a "
            "submission or a clue attachment), so they cannot be a hidden test set.",
            field="file",
        )


def _move_into_hidden_root(temp_path: Path, stored_name: str) -> None:
    final_path = hidden_dataset_root() / stored_name
    if final_path.exists():
        return
    shutil.copyfile(temp_path, final_path)
    os.chmod(final_path, 0o600)
