"""Reading the predictions file that the sandbox wrote: never trusted, always checked.

Trust boundary: the sandboxed process chose what lies at that path. It is opened without following a
link (a link could point the trusted reader at any file of the worker) and without blocking (a FIFO
would hang it), then checked on the open descriptor: a regular file, no larger than allowed, whose
header declares exactly the expected shape and a numeric dtype, before a byte of data is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from evaluation.scoring.errors import FailureClass, ScoringError
from evaluation.scoring.inference import check_output_batch

NPY_HEADER_ALLOWANCE = 4096


def read_predictions(path: Path, *, n_rows: int, output_shape: Sequence[int], max_bytes: int) -> np.ndarray:
    """The predictions array, as float32; raises ScoringError(OUTPUT) for anything but the expected array."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as exc:
        raise ScoringError(FailureClass.OUTPUT, "no predictions file") from exc
    except OSError as exc:  # ELOOP for a link, among others
        raise ScoringError(FailureClass.OUTPUT, f"predictions not opened: errno {exc.errno}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ScoringError(FailureClass.OUTPUT, "predictions are not a regular file")
        expected_shape = (n_rows, *output_shape)
        largest = min(max_bytes, int(np.prod(expected_shape)) * 8 + NPY_HEADER_ALLOWANCE)
        if info.st_size > largest:
            raise ScoringError(FailureClass.OUTPUT, f"predictions file of {info.st_size} bytes")
        with os.fdopen(os.dup(fd), "rb") as handle:
            predictions = _load_checked(handle, expected_shape)
    finally:
        os.close(fd)
    check_output_batch(predictions, expected_rows=n_rows, output_shape=output_shape)
    return predictions.astype(np.float32, copy=False)


def _load_checked(handle: BinaryIO, expected_shape: tuple[int, ...]) -> np.ndarray:
    """The array, once its header has declared the expected shape and a numeric dtype."""
    try:
        major, _ = np.lib.format.read_magic(handle)
        if major not in (1, 2):
            raise ValueError("unknown .npy version")
        read_header = (
            np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = read_header(handle)
        if tuple(shape) != expected_shape or dtype.kind not in "fiu":
            raise ScoringError(FailureClass.OUTPUT, "predictions header of another shape or dtype")
        handle.seek(0)
        # allow_pickle=False: the file comes from untrusted code and must never be unpickled.
        predictions = np.load(handle, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ScoringError(FailureClass.OUTPUT, "predictions file is not a plain numeric array") from exc
    if not isinstance(predictions, np.ndarray):
        raise ScoringError(FailureClass.OUTPUT, "predictions file is not a single array")
    return predictions
