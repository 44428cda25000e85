"""Upload checks that can be made at the door, before anything is stored.

Only the cheap checks live here (name, size, first bytes), and evaluation's check of what an ONNX graph
declares as its output; the evaluation workers load and check the model itself. Formats whose loaders
can run code are refused by name and by content.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from bounties.errors import FileTooLarge, InvalidUpload
from bounties.models import ModelFormat
from bounties.services.archives import check_archive_entries
from bounties.services.artifacts import read_head

MODEL_SUFFIXES = {".safetensors": ModelFormat.SAFETENSORS, ".onnx": ModelFormat.ONNX}
# Loading any of these can execute code embedded in the file (pickle, TorchScript, torch.export, Keras).
CODE_RUNNING_SUFFIXES = {
    ".pt",
    ".pth",
    ".bin",
    ".ckpt",
    ".pkl",
    ".pickle",
    ".joblib",
    ".pt2",
    ".h5",
    ".keras",
}
SOURCE_ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
PICKLE_OPCODE_PROTO = 0x80
ZIP_MAGIC = b"PK\x03\x04"


def accepted_formats_text(accepted_formats: list[str]) -> str:
    labels = {ModelFormat.SAFETENSORS: ".safetensors (weights)", ModelFormat.ONNX: ".onnx"}
    return ", ".join(labels[ModelFormat(f)] for f in accepted_formats if f in ModelFormat.values)


def check_model_upload(
    *, upload: UploadedFile, accepted_formats: list[str], output_spec: Mapping[str, Any] | None
) -> str:
    """The model format of an upload; raises InvalidUpload or FileTooLarge with the accepted formats named.

    An ONNX graph must also declare its output as the challenge's `output_spec` says (see
    `evaluation.services.model_checks`).
    """
    accepted = accepted_formats_text(accepted_formats)
    suffix = PurePosixPath((upload.name or "").lower()).suffix
    if suffix in CODE_RUNNING_SUFFIXES:
        raise InvalidUpload(
            f"'{suffix}' files are refused: loading them can run arbitrary code. Accepted formats: {accepted}.",
            field="model_file",
        )
    model_format = MODEL_SUFFIXES.get(suffix)
    if model_format is None or model_format not in accepted_formats:
        raise InvalidUpload(
            f"Unsupported model file type '{suffix or upload.name}'. Accepted formats: {accepted}.",
            field="model_file",
        )
    if upload.size is not None and upload.size > settings.MAX_MODEL_FILE_BYTES:
        raise FileTooLarge(
            f"The model file is over the limit of {settings.MAX_MODEL_FILE_BYTES // (1024 * 1024)} MiB.",
            field="model_file",
        )
    _check_model_content(upload, model_format, accepted)
    if model_format == ModelFormat.ONNX:
        # Imported here: evaluation builds on bounties, so bounties reaches it only through its services.
        from evaluation.services.model_checks import onnx_upload_check

        onnx_upload_check(upload=upload, output_spec=output_spec)
    return model_format


def _check_model_content(upload: UploadedFile, model_format: str, accepted: str) -> None:
    head = read_head(upload, 16)
    if not head:
        raise InvalidUpload("The model file is empty.", field="model_file")
    if head[0] == PICKLE_OPCODE_PROTO or head.startswith(ZIP_MAGIC):
        raise InvalidUpload(
            "This file is a pickle or a torch archive renamed, and loading it can run code. "
            f"Accepted formats: {accepted}.",
            field="model_file",
        )
    if model_format == ModelFormat.SAFETENSORS:
        header_length = int.from_bytes(head[:8], "little") if len(head) >= 8 else 0
        if len(head) < 9 or header_length <= 0 or header_length > (upload.size or 0) or head[8:9] != b"{":
            raise InvalidUpload(
                "Not a safetensors file: its header is missing or malformed.", field="model_file"
            )


def check_model_format_for_path(
    *, path: Path, accepted_formats: list[str], output_spec: Mapping[str, Any] | None
) -> str:
    """The same door checks for a file on disk (the organizer's dry run); raises as check_model_upload."""
    with path.open("rb") as handle:
        return check_model_upload(
            upload=UploadedFile(handle, name=path.name, size=path.stat().st_size),
            accepted_formats=accepted_formats,
            output_spec=output_spec,
        )


def check_source_archive(*, upload: UploadedFile) -> None:
    """Raises InvalidUpload or FileTooLarge unless the source is a .zip or tar archive whose entries are safe.

    The entries' checks (paths, types, sizes, compression, nesting) are those of `bounties.services.archives`.
    """
    name = (upload.name or "").lower()
    if not name.endswith(SOURCE_ARCHIVE_SUFFIXES):
        raise InvalidUpload(
            f"The source archive must be one of {', '.join(SOURCE_ARCHIVE_SUFFIXES)}.", field="source_archive"
        )
    if upload.size is not None and upload.size > settings.MAX_SOURCE_ARCHIVE_BYTES:
        raise FileTooLarge(
            f"The source archive is over the limit of {settings.MAX_SOURCE_ARCHIVE_BYTES // (1024 * 1024)} MiB.",
            field="source_archive",
        )
    try:
        # An UploadedFile proxies read/seek/tell to its file: the readers need nothing more.
        check_archive_entries(handle=cast(BinaryIO, upload), filename=name, archive_bytes=upload.size or 0)
    finally:
        upload.seek(0)
