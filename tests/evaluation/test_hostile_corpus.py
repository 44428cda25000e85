"""Hostile submissions: each is refused or fails with its own reason, nothing escapes, the worker goes on."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from safetensors.numpy import save as safetensors_save

from bounties.errors import FileTooLarge, InvalidUpload
from bounties.models import Challenge, FailureKind, Submission, SubmissionStatus
from bounties.services.submissions import submission_create
from evaluation import examples
from evaluation.services.scoring import evaluate_submission
from tests.evaluation import hostile_models
from tests.factories import UserFactory, model_upload

pytestmark = pytest.mark.django_db


def submit_bytes(challenge: Challenge, name: str, content: bytes) -> Submission:
    return submission_create(
        challenge=challenge, contributor=UserFactory.create(), model_file=SimpleUploadedFile(name, content)
    )


def evaluate(submission: Submission) -> Submission:
    evaluate_submission(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


@pytest.mark.parametrize("name", ["model.pt", "model.safetensors", "model.onnx"])
def test_a_pickle_that_runs_code_is_refused_at_upload(
    digits_challenge: Challenge, tmp_path: Path, name: str
) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(InvalidUpload, match="run"):
        submit_bytes(digits_challenge, name, hostile_models.code_running_pickle(marker))
    assert not marker.exists()
    assert not Submission.objects.exists()


def test_an_ascii_pickle_renamed_onnx_is_never_unpickled(digits_challenge: Challenge, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    submission = evaluate(
        submit_bytes(digits_challenge, "m.onnx", hostile_models.code_running_pickle(marker, 0))
    )
    assert (submission.status, submission.failure_reason) == (
        SubmissionStatus.FAILED,
        "Not a readable ONNX file.",
    )
    assert not marker.exists()


def test_a_decompression_bomb_source_archive_is_refused(digits_challenge: Challenge) -> None:
    bomb = SimpleUploadedFile("src.zip", hostile_models.decompression_bomb_zip())
    assert bomb.size is not None and bomb.size < 10 * 1024**2
    with pytest.raises(InvalidUpload, match="unpacks to more than"):
        submission_create(
            challenge=digits_challenge,
            contributor=UserFactory.create(),
            model_file=model_upload(),
            source_archive=bomb,
        )


def test_oversized_files_are_refused(digits_challenge: Challenge, settings: LazySettings) -> None:
    lying_header = struct.pack("<Q", 10**12) + b"{}"
    with pytest.raises(InvalidUpload, match="header"):
        submit_bytes(digits_challenge, "m.safetensors", lying_header)
    settings.MAX_MODEL_FILE_BYTES = 1024
    with pytest.raises(FileTooLarge):
        submit_bytes(digits_challenge, "m.onnx", hostile_models.linear_onnx() + b"\0" * 2048)


def wrong_keys() -> bytes:
    return save({"layers.0.weight": np.zeros((64, 64), np.float32)})


def wrong_shapes() -> bytes:
    state = {k: v.numpy() for k, v in examples.seeded_model("mlp", examples.DIGITS_MLP).state_dict().items()}
    state["layers.0.weight"] = np.zeros((64, 63), np.float32)
    return save(state)


def wrong_dtype() -> bytes:
    state = {k: v.numpy() for k, v in examples.seeded_model("mlp", examples.DIGITS_MLP).state_dict().items()}
    return save({k: v.astype(np.float64) for k, v in state.items()})


def nan_weights() -> bytes:
    state = {k: v.numpy() for k, v in examples.seeded_model("mlp", examples.DIGITS_MLP).state_dict().items()}
    state["layers.0.bias"][:] = np.nan
    return save(state)


def save(tensors: dict[str, np.ndarray]) -> bytes:
    return safetensors_save(tensors, metadata={"architecture": "mlp"})


HOSTILE_RUNS: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("m.onnx", lambda: b"\x08\x07garbage" + bytes(range(256)) * 4, "format", "Not a readable ONNX file."),
    ("m.onnx", lambda: hostile_models.linear_onnx(n_outputs=5), "output", "the challenge expects [10]"),
    ("m.onnx", hostile_models.nan_output_onnx, "output", "NaN or infinite"),
    ("m.onnx", hostile_models.custom_domain_onnx, "format", "Custom operator domains"),
    ("m.onnx", hostile_models.external_data_onnx, "format", "external data is not accepted"),
    ("m.onnx", hostile_models.memory_hog_onnx, "memory", "ran out of memory"),
    ("m.onnx", hostile_models.endless_loop_onnx, "timeout", "longer than the challenge's time limit"),
    ("m.safetensors", wrong_keys, "format", "do not match the architecture"),
    ("m.safetensors", wrong_shapes, "format", "has shape [64, 63], expected [64, 64]"),
    ("m.safetensors", wrong_dtype, "format", "weights must be float32"),
    ("m.safetensors", nan_weights, "format", "NaN or infinite"),
]


@pytest.mark.parametrize(
    ("name", "make", "kind", "reason"), HOSTILE_RUNS, ids=[r[3][:24] for r in HOSTILE_RUNS]
)
def test_hostile_models_fail_with_their_reason(
    digits_challenge: Challenge, name: str, make: Callable[[], bytes], kind: str, reason: str
) -> None:
    Challenge.objects.filter(pk=digits_challenge.pk).update(
        eval_time_limit_seconds=8, eval_memory_limit_mb=2048
    )
    digits_challenge.refresh_from_db()

    submission = evaluate(submit_bytes(digits_challenge, name, make()))

    assert submission.status == SubmissionStatus.FAILED
    assert reason in submission.failure_reason
    assert submission.failure_kind == FailureKind.CONTRIBUTOR
    assert submission.public_score is None and submission.private_score is None


def test_the_worker_keeps_serving_after_hostile_runs(
    digits_challenge: Challenge, trained_mlp: Any, tmp_path: Path
) -> None:
    Challenge.objects.filter(pk=digits_challenge.pk).update(
        eval_time_limit_seconds=8, eval_memory_limit_mb=2048
    )
    digits_challenge.refresh_from_db()
    for make in (hostile_models.memory_hog_onnx, hostile_models.nan_output_onnx):
        assert evaluate(submit_bytes(digits_challenge, "m.onnx", make())).status == SubmissionStatus.FAILED
    good = examples.save_weights(trained_mlp, tmp_path / "good.safetensors", "mlp")
    assert (
        evaluate(submit_bytes(digits_challenge, good.name, good.read_bytes())).status
        == SubmissionStatus.SCORED
    )


def test_failure_reasons_carry_no_logs(digits_challenge: Challenge) -> None:
    submission = evaluate(submit_bytes(digits_challenge, "m.onnx", hostile_models.linear_onnx(n_outputs=5)))
    assert "\n" not in submission.failure_reason
    assert "Traceback" not in submission.failure_reason
    assert json.dumps(submission.failure_reason)  # a plain, short message
    assert len(submission.failure_reason) < 200


def test_a_model_for_other_inputs_fails_before_the_run(digits_challenge: Challenge) -> None:
    """An ONNX graph built for 32 features meets the challenge's 64 in the one-row shape probe."""
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.zeros((32, 10), np.float32), "weight")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["inputs", "weight"], ["scores"])],
        "narrow",
        [helper.make_tensor_value_info("inputs", TensorProto.FLOAT, ["batch", 32])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", 10])],
        initializer=[weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    submission = evaluate(submit_bytes(digits_challenge, "narrow.onnx", model.SerializeToString()))
    assert submission.status == SubmissionStatus.FAILED
    assert "The model failed on inputs of shape [64]" in submission.failure_reason
