"""The trust boundary around the sandbox: what crosses it is parsed, checked, and never shown as it came."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from evaluation.sandbox.status import (
    MAX_STATUS_LINE_BYTES,
    Done,
    Failed,
    MalformedStatus,
    Progress,
    Ready,
    parse_status_line,
)
from evaluation.scoring.errors import CONTRIBUTOR_FAILURES, FAILURE_TEXTS, FailureClass, ScoringError
from evaluation.scoring.predictions import read_predictions


def test_every_failure_class_has_one_fixed_line_of_text() -> None:
    assert set(FAILURE_TEXTS) == set(FailureClass)
    for text in FAILURE_TEXTS.values():
        assert text and "\n" not in text and len(text) < 200


def test_a_scoring_error_shows_its_class_text_never_its_detail() -> None:
    error = ScoringError(FailureClass.OUTPUT, "Each output row has shape [0, 0, 5, 13]")
    assert error.reason == FAILURE_TEXTS[FailureClass.OUTPUT]
    assert "13" in error.detail and "13" not in error.reason


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"ready": true, "torch_cuda": true, "onnx_cuda": false}', Ready(torch_cuda=True, onnx_cuda=False)),
        (b'{"progress": [256, 1797]}', Progress(done=256, total=1797)),
        (b'{"failure": "output", "detail": "x"}', Failed(FailureClass.OUTPUT, "x")),
        (b'{"done": true}', Done()),
    ],
)
def test_known_status_lines_parse_into_typed_messages(line: bytes, message: object) -> None:
    assert parse_status_line(line) == message


@pytest.mark.parametrize(
    "line",
    [
        b'{"failure": "infrastructure", "detail": ""}',
        b'{"failure": "quota_refund", "detail": ""}',
        b'{"failure": "output", "reason": "Each output row has shape [0, 5, 13]"}',
        b'{"failure": "output"}',
        b'{"done": true, "shape": [0, 5, 13]}',
        b'{"done": 1}',
        b'{"progress": [true, 3]}',
        b'{"progress": [1, 2, 3]}',
        b'{"loaded": true, "device": "tpu"}',
        b'{"ready": true, "torch_cuda": "yes", "onnx_cuda": false}',
        b"[1, 2]",
        b"hidden row 0 0 5 13",
        b"\xff\xfe",
        b'{"done": true, "pad": "' + b"x" * MAX_STATUS_LINE_BYTES + b'"}',
    ],
)
def test_anything_else_on_the_status_pipe_is_malformed(line: bytes) -> None:
    with pytest.raises(MalformedStatus):
        parse_status_line(line)


def test_only_contributor_classes_may_cross() -> None:
    assert FailureClass.INFRASTRUCTURE not in CONTRIBUTOR_FAILURES
    assert CONTRIBUTOR_FAILURES | {FailureClass.INFRASTRUCTURE} == set(FailureClass)


# ---- the predictions file -----------------------------------------------------------------------------


def read(path: Path, n_rows: int = 4, max_bytes: int = 1 << 20) -> np.ndarray:
    return read_predictions(path, n_rows=n_rows, output_shape=[3], max_bytes=max_bytes)


def test_plain_predictions_are_read_as_float32(tmp_path: Path) -> None:
    path = tmp_path / "predictions.npy"
    np.save(path, np.arange(12, dtype=np.float64).reshape(4, 3))
    predictions = read(path)
    assert predictions.dtype == np.float32 and predictions.shape == (4, 3)


def test_a_link_is_not_followed_even_to_a_valid_array(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.npy"
    np.save(target, np.zeros((4, 3), dtype=np.float32))
    link = tmp_path / "predictions.npy"
    link.symlink_to(target)
    with pytest.raises(ScoringError) as caught:
        read(link)
    assert caught.value.failure == FailureClass.OUTPUT


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "predictions.npy"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _capture(outcome, fifo), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a FIFO blocked the worker"
    assert isinstance(outcome[0], ScoringError) and outcome[0].failure == FailureClass.OUTPUT


def _capture(outcome: list[BaseException], path: Path) -> None:
    try:
        read(path)
    except BaseException as exc:
        outcome.append(exc)


def test_the_size_is_checked_on_the_open_file_before_reading(tmp_path: Path) -> None:
    """A sparse file of 64 GiB: refused from its size alone, in no time and no memory."""
    path = tmp_path / "predictions.npy"
    with path.open("wb") as handle:
        np.lib.format.write_array_header_1_0(
            handle, {"descr": "<f4", "fortran_order": False, "shape": (4, 3)}
        )
        handle.truncate(64 * 1024**3)
    with pytest.raises(ScoringError, match="bytes"):
        read(path, max_bytes=1 << 40)


def test_a_header_of_another_shape_is_refused_before_its_data(tmp_path: Path) -> None:
    path = tmp_path / "predictions.npy"
    np.save(path, np.zeros((2, 6), dtype=np.float32))  # as many bytes, another shape
    with pytest.raises(ScoringError, match="header"):
        read(path)


def test_a_directory_is_not_predictions(tmp_path: Path) -> None:
    (tmp_path / "predictions.npy").mkdir()
    with pytest.raises(ScoringError):
        read(tmp_path / "predictions.npy")
