"""Reading the predictions file that the sandbox wrote: never trusted, always checked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from evaluation.scoring.errors import FailureClass, ScoringError
from evaluation.scoring.inference import check_output_batch


def read_predictions(
    path: Path, *, n_rows: int, output_shape: Sequence[int] | None, max_bytes: int
) -> np.ndarray:
    """The predictions array; raises ScoringError(OUTPUT) for a missing, oversized or malformed file."""
    if not path.is_file():
        raise ScoringError(FailureClass.OUTPUT, "The run produced no predictions.")
    if path.stat().st_size > max_bytes:
        raise ScoringError(FailureClass.OUTPUT, "The predictions are larger than allowed.")
    try:
        # allow_pickle=False: the file comes from untrusted code and must never be unpickled.
        predictions = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ScoringError(FailureClass.OUTPUT, "The predictions file is not a plain numeric array.") from exc
    if not isinstance(predictions, np.ndarray):
        raise ScoringError(FailureClass.OUTPUT, "The predictions file is not a single array.")
    check_output_batch(predictions, expected_rows=n_rows, output_shape=output_shape)
    return predictions.astype(np.float32, copy=False)
