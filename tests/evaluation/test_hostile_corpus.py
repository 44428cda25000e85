"""Hostile submissions: each is refused or fails with its own reason, nothing escapes, the worker goes on."""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from safetensors.numpy import save as safetensors_save
from sklearn.datasets import load_digits

from bounties.errors import FileTooLarge, InvalidUpload
from bounties.models import Challenge, FailureKind, Submission, SubmissionStatus
from bounties.services.submissions import submission_create
from evaluation import examples
from evaluation.scoring.errors import FAILURE_TEXTS, FailureClass
from evaluation.services.scoring import evaluate_submission
from evaluation.services.worker_context import sandbox_pool
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


@pytest.mark.parametrize(
    "content",
    [hostile_models.code_running_pickle(Path("/tmp/never"), 0), b"\x08\x07garbage" + bytes(range(256)) * 4],
    ids=["ascii-pickle", "garbage"],
)
def test_an_unreadable_onnx_file_is_refused_at_upload_and_never_unpickled(
    digits_challenge: Challenge, tmp_path: Path, content: bytes
) -> None:
    with pytest.raises(InvalidUpload, match="Not a readable ONNX file"):
        submit_bytes(digits_challenge, "m.onnx", content)
    assert not Path("/tmp/never").exists()
    assert not Submission.objects.exists()


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


HOSTILE_RUNS: list[tuple[str, str, Callable[[], bytes], FailureClass]] = [
    ("nan-scores", "m.onnx", hostile_models.nan_output_onnx, FailureClass.OUTPUT),
    ("custom-domain", "m.onnx", hostile_models.custom_domain_onnx, FailureClass.FORMAT),
    ("external-data", "m.onnx", hostile_models.external_data_onnx, FailureClass.FORMAT),
    ("memory-hog", "m.onnx", hostile_models.memory_hog_onnx, FailureClass.OUT_OF_MEMORY),
    ("endless-loop", "m.onnx", hostile_models.endless_loop_onnx, FailureClass.TIMEOUT),
    ("wrong-keys", "m.safetensors", wrong_keys, FailureClass.FORMAT),
    ("wrong-shapes", "m.safetensors", wrong_shapes, FailureClass.FORMAT),
    ("wrong-dtype", "m.safetensors", wrong_dtype, FailureClass.FORMAT),
    ("nan-weights", "m.safetensors", nan_weights, FailureClass.FORMAT),
    (
        "shape-channel",
        "m.onnx",
        lambda: hostile_models.shape_channel_onnx(["batch", 10]),
        FailureClass.OUTPUT,
    ),
]


def tight_limits(challenge: Challenge) -> None:
    Challenge.objects.filter(pk=challenge.pk).update(eval_time_limit_seconds=8, eval_memory_limit_mb=2048)
    challenge.refresh_from_db()


@pytest.mark.parametrize(
    ("name", "make", "failure"), [r[1:] for r in HOSTILE_RUNS], ids=[r[0] for r in HOSTILE_RUNS]
)
def test_hostile_models_fail_with_the_fixed_text_of_their_class(
    digits_challenge: Challenge, name: str, make: Callable[[], bytes], failure: FailureClass
) -> None:
    tight_limits(digits_challenge)

    submission = evaluate(submit_bytes(digits_challenge, name, make()))

    assert submission.status == SubmissionStatus.FAILED
    assert submission.failure_reason == FAILURE_TEXTS[failure]
    assert submission.failure_kind == FailureKind.CONTRIBUTOR
    assert submission.public_score is None and submission.private_score is None


def test_a_graph_that_declares_a_dynamic_output_row_is_refused_at_upload(digits_challenge: Challenge) -> None:
    """The shape channel closed at the door: the output may not be free to take the hidden rows' shape."""
    for make in (
        lambda: hostile_models.shape_channel_onnx(["batch", "width"]),
        lambda: hostile_models.linear_onnx(n_outputs=5),
    ):
        with pytest.raises(InvalidUpload, match=r"declare its output shape as \[batch, 10\]"):
            submit_bytes(digits_challenge, "m.onnx", make())
    assert not Submission.objects.exists()


def test_a_static_declaration_that_lies_at_run_time_tells_the_contributor_none_of_the_values(
    digits_challenge: Challenge, caplog: pytest.LogCaptureFixture
) -> None:
    """onnxruntime only warns when the real output shape differs from the declared one: the shape then
    holds the first hidden row's values, and the reason the contributor reads must hold none of them."""
    tight_limits(digits_challenge)
    caplog.set_level(logging.INFO)
    first_row = load_digits().data[0]  # the hidden set's first row, which the model reads out
    submission = evaluate(
        submit_bytes(digits_challenge, "m.onnx", hostile_models.shape_channel_onnx(["batch", 10]))
    )

    assert submission.status == SubmissionStatus.FAILED
    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.OUTPUT]
    assert not any(char.isdigit() for char in submission.failure_reason)
    leaked = ", ".join(str(int(v)) for v in first_row[:6])
    assert leaked in caplog.text  # the detail, values and all, stays in the worker's log


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
    submission = evaluate(submit_bytes(digits_challenge, "m.onnx", hostile_models.nan_output_onnx()))
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
    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.INPUT_SHAPE]


@pytest.fixture
def lying_sandbox(settings: LazySettings) -> Callable[[str], None]:
    """Makes the worker's sandboxes run a harness that says `lies`, as a model that took it over could."""
    settings.EVAL_DEVICE = "cpu"

    def use(lies: str) -> None:
        sandbox_pool().harness = hostile_models.lying_harness(lies)

    return use


def plain_weights(tmp_path: Path) -> Path:
    return examples.save_weights(
        examples.seeded_model("mlp", examples.DIGITS_MLP), tmp_path / "m.safetensors", "mlp"
    )


@pytest.mark.parametrize("lie", list(hostile_models.LIES))
def test_a_sandbox_that_claims_infrastructure_or_says_malformed_lines_has_crashed(
    digits_challenge: Challenge, lying_sandbox: Callable[[str], None], tmp_path: Path, lie: str
) -> None:
    """Only contributor classes may come out of the sandbox: a claim of "infrastructure" (a refund and
    retries) or any line that is not one of the known messages is the model's run crashing."""
    lying_sandbox(hostile_models.LIES[lie])

    submission = evaluate(
        submit_bytes(digits_challenge, "m.safetensors", plain_weights(tmp_path).read_bytes())
    )

    assert submission.status == SubmissionStatus.FAILED
    assert submission.failure_kind == FailureKind.CONTRIBUTOR
    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.CRASH]


def test_predictions_linked_to_the_hidden_inputs_are_not_followed(
    digits_challenge: Challenge, lying_sandbox: Callable[[str], None], tmp_path: Path
) -> None:
    """A link in the output folder would make the trusted reader open a file of its own choosing: here
    the hidden inputs, which fit an output spec of 64 columns and would be scored as predictions."""
    Challenge.objects.filter(pk=digits_challenge.pk).update(output_spec={"shape": [64]})
    digits_challenge.refresh_from_db()
    lying_sandbox(hostile_models.PREDICTION_TRAPS["links_the_hidden_inputs"])

    submission = evaluate(
        submit_bytes(digits_challenge, "m.safetensors", plain_weights(tmp_path).read_bytes())
    )

    assert (submission.status, submission.failure_reason) == (
        SubmissionStatus.FAILED,
        FAILURE_TEXTS[FailureClass.OUTPUT],
    )


def test_predictions_left_as_a_fifo_fail_without_hanging_the_worker(
    digits_challenge: Challenge, lying_sandbox: Callable[[str], None], tmp_path: Path
) -> None:
    lying_sandbox(hostile_models.PREDICTION_TRAPS["leaves_a_fifo"])

    submission = evaluate(
        submit_bytes(digits_challenge, "m.safetensors", plain_weights(tmp_path).read_bytes())
    )

    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.OUTPUT]


def test_a_harness_that_could_not_lock_itself_down_fails_as_ours_without_opening_the_model(
    digits_challenge: Challenge, settings: LazySettings, tmp_path: Path
) -> None:
    """A worker that promised seccomp never runs a model without it; the run is the platform's failure."""
    settings.EVAL_DEVICE = "cpu"
    pool = sandbox_pool()
    if not pool.isolation().seccomp:
        pytest.skip("this worker offers no seccomp, so it promises none")
    pool.harness = ("-c", hostile_models.HARNESS_WITHOUT_SECCOMP)

    submission = evaluate(
        submit_bytes(digits_challenge, "m.safetensors", plain_weights(tmp_path).read_bytes())
    )

    assert submission.status == SubmissionStatus.FAILED
    assert submission.failure_kind == FailureKind.INFRASTRUCTURE
    assert submission.failure_reason == FAILURE_TEXTS[FailureClass.INFRASTRUCTURE]
