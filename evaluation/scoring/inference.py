"""Batched inference over the hidden inputs, with progress reports and output checks per batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from evaluation.scoring.errors import FailureClass, ScoringError
from evaluation.scoring.loaders import Predictor

DEFAULT_BATCH_SIZE = 256
ProgressCallback = Callable[[int, int], None]


def run_inference(
    predictor: Predictor,
    inputs: np.ndarray,
    *,
    output_shape: Sequence[int] | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
    one_shape: bool = False,
) -> np.ndarray:
    """Predictions for every row, as float32; raises ScoringError(INPUT_SHAPE or OUTPUT).

    `one_shape` (GPU jobs): every batch, the probe's too, has the full batch size, and batches are read
    ahead in a thread, so CUDA plans kernels for one shape and copies overlap compute. On the CPU both
    would only add work and take a core from the model, so batches are read in turn, as they come.
    """
    n_rows = int(inputs.shape[0])
    size = min(batch_size, n_rows)
    check_shapes_before_the_run(predictor, inputs, output_shape=output_shape, rows=size if one_shape else 1)
    predictions: np.ndarray | None = None
    batches = _batches_of_one_shape(inputs, size) if one_shape else _batches_in_turn(inputs, size)
    for start, batch in batches:
        outputs = _predict_batch(predictor, batch)
        check_output_batch(outputs, expected_rows=len(batch), output_shape=output_shape)
        rows = min(size, n_rows - start)
        if predictions is None:
            predictions = np.empty((n_rows, *outputs.shape[1:]), dtype=np.float32)
        predictions[start : start + rows] = outputs[:rows]
        if on_progress is not None:
            on_progress(start + rows, n_rows)
    assert predictions is not None, "a hidden test set has at least two rows"
    return predictions


def _batches_in_turn(inputs: np.ndarray, size: int) -> Iterator[tuple[int, np.ndarray]]:
    for start in range(0, len(inputs), size):
        yield start, np.ascontiguousarray(inputs[start : start + size])


def _batches_of_one_shape(inputs: np.ndarray, size: int) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, batch) for every batch, all of one size: the last is padded with zero rows, so the
    runtimes plan their kernels for one shape only. Each batch is read from the (memory-mapped) file
    while the model works on the one before."""
    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(_read_batch, inputs, 0, size)
        for start in range(0, len(inputs), size):
            batch = pending.result()
            if start + size < len(inputs):
                pending = reader.submit(_read_batch, inputs, start + size, size)
            yield start, batch


def _read_batch(inputs: np.ndarray, start: int, size: int) -> np.ndarray:
    # A copy, not a view of the mapped file: the page faults happen here, in the reader thread.
    rows = np.array(inputs[start : start + size], order="C", copy=True)
    if len(rows) == size:
        return rows
    padded = np.zeros((size, *inputs.shape[1:]), dtype=inputs.dtype)
    padded[: len(rows)] = rows
    return padded


def check_shapes_before_the_run(
    predictor: Predictor, inputs: np.ndarray, *, output_shape: Sequence[int] | None, rows: int = 1
) -> None:
    """`rows` all-zero rows of the challenge's input shape through the model, before any hidden row.

    A model that does not take the inputs, or answers in the wrong shape, fails here with that reason.
    """
    probe = np.zeros((rows, *inputs.shape[1:]), dtype=inputs.dtype)
    check_output_batch(_predict_batch(predictor, probe), expected_rows=rows, output_shape=output_shape)


def _predict_batch(predictor: Predictor, batch: np.ndarray) -> np.ndarray:
    try:
        return np.asarray(predictor.predict(batch))
    except ScoringError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a model that does not fit the inputs fails inside torch or onnxruntime
        if any(word in str(exc).lower() for word in ("alloc", "out of memory")):
            raise ScoringError(FailureClass.OUT_OF_MEMORY, "The model ran out of memory.") from exc
        raise ScoringError(
            FailureClass.INPUT_SHAPE,
            f"The model failed on inputs of shape {list(batch.shape[1:])} (per row) in batches: "
            f"{type(exc).__name__}.",
        ) from exc


def check_output_batch(
    outputs: np.ndarray, *, expected_rows: int, output_shape: Sequence[int] | None
) -> None:
    """One row of the declared shape per input, numeric and finite; raises ScoringError(OUTPUT)."""
    if outputs.ndim == 0 or outputs.shape[0] != expected_rows:
        raise ScoringError(
            FailureClass.OUTPUT,
            f"The model returned {outputs.shape[:1]} rows for a batch of {expected_rows}.",
        )
    if output_shape is not None and list(outputs.shape[1:]) != list(output_shape):
        raise ScoringError(
            FailureClass.OUTPUT,
            f"Each output row has shape {list(outputs.shape[1:])}; the challenge expects {list(output_shape)}.",
        )
    if outputs.dtype.kind not in "fiu":
        raise ScoringError(FailureClass.OUTPUT, f"The model returned {outputs.dtype} values, not numbers.")
    if not np.isfinite(outputs).all():
        raise ScoringError(FailureClass.OUTPUT, "The model returned NaN or infinite values.")
