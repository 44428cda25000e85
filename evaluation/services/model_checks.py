"""Checks of a submitted model that the upload path asks of evaluation, before anything is stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from bounties.errors import InvalidUpload
from evaluation.scoring.contract import ContractError, check_onnx_output_declaration, output_shape_of


def onnx_upload_check(*, upload: UploadedFile, output_spec: Mapping[str, Any] | None) -> None:
    """Refuse an ONNX graph whose declared output is not statically [batch, *output_spec.shape].

    The file is the contributor's own and no hidden data is involved, so the message may say what is
    wrong; it is still built from the challenge's spec and fixed words only. Raises InvalidUpload.
    """
    try:
        output_shape = output_shape_of(output_spec)
    except ContractError as exc:
        raise InvalidUpload(
            f"{exc} ONNX models cannot be checked until the organizer sets it.", field="model_file"
        ) from exc
    model = _parsed_onnx(upload)
    try:
        check_onnx_output_declaration(model, output_shape)
    except ContractError as exc:
        raise InvalidUpload(str(exc), field="model_file") from exc


def _parsed_onnx(upload: UploadedFile) -> Any:
    import onnx

    upload.seek(0)
    try:
        # Weights stay where they are: external data is never followed (the worker refuses it anyway).
        return onnx.load_model_from_string(upload.read())
    except Exception as exc:  # the protobuf parser raises several unrelated types on garbage
        raise InvalidUpload("Not a readable ONNX file.", field="model_file") from exc
    finally:
        upload.seek(0)
