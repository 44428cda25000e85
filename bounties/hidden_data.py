"""Reading, checking and splitting a hidden test set file. Imports nothing from Django.

A hidden test set is an `.npz` or safetensors file holding two arrays, `inputs` and `labels`, one row per
example. The evaluation workers use the same reader and the same split, so a row is public or private
in exactly one way everywhere.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file as load_safetensors

SUPPORTED_SUFFIXES = {".npz": "npz", ".safetensors": "safetensors"}
REQUIRED_ARRAYS = ("inputs", "labels")


class HiddenDataError(ValueError):
    """The file is not a usable hidden test set; the message says why, for the organizer."""


@dataclass(frozen=True)
class HiddenArrays:
    inputs: np.ndarray
    labels: np.ndarray

    @property
    def n_rows(self) -> int:
        return int(self.inputs.shape[0])


def file_format_for(filename: str) -> str:
    """The format name for a file name, or HiddenDataError naming the accepted suffixes."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        accepted = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise HiddenDataError(f"Unsupported file type '{suffix or filename}': upload one of {accepted}.")
    return SUPPORTED_SUFFIXES[suffix]


def read_hidden_arrays(path: Path, file_format: str) -> HiddenArrays:
    """Load and check the two arrays; raises HiddenDataError with a message an organizer can act on."""
    arrays = _read_npz(path) if file_format == "npz" else _read_safetensors(path)
    missing = [name for name in REQUIRED_ARRAYS if name not in arrays]
    if missing:
        found = ", ".join(sorted(arrays)) or "none"
        raise HiddenDataError(f"Missing array(s): {', '.join(missing)}. Found: {found}.")
    inputs, labels = arrays["inputs"], arrays["labels"]
    _check_arrays(inputs, labels)
    return HiddenArrays(inputs=inputs, labels=labels)


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        # allow_pickle=False: an object array in the file must never run code while we read it.
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise HiddenDataError(f"Not a readable .npz file ({_short(exc)}).") from exc


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    try:
        return load_safetensors(str(path))
    except (SafetensorError, ValueError, OSError) as exc:
        raise HiddenDataError(f"Not a readable safetensors file ({_short(exc)}).") from exc


def _check_arrays(inputs: np.ndarray, labels: np.ndarray) -> None:
    if inputs.ndim < 1 or labels.ndim < 1:
        raise HiddenDataError("'inputs' and 'labels' must have one row per example (at least one dimension).")
    if inputs.shape[0] != labels.shape[0]:
        raise HiddenDataError(
            f"'inputs' has {inputs.shape[0]} rows but 'labels' has {labels.shape[0]}: they must match."
        )
    if inputs.shape[0] < 2:
        raise HiddenDataError(
            "A hidden test set needs at least 2 rows to split into public and private parts."
        )
    for name, array in (("inputs", inputs), ("labels", labels)):
        if array.dtype.kind not in "biuf":
            raise HiddenDataError(f"'{name}' must hold numbers, not {array.dtype}.")
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        bad = int((~np.isfinite(labels)).sum())
        raise HiddenDataError(f"'labels' contains {bad} NaN or infinite value(s).")
    if inputs.dtype.kind == "f" and not np.isfinite(inputs).all():
        raise HiddenDataError("'inputs' contains NaN or infinite values.")


def public_row_mask(n_rows: int, public_fraction: float, seed: str) -> np.ndarray:
    """Which rows are public: the round(n * fraction) rows with the smallest seeded hash.

    Ranking by hash (rather than thresholding it) makes the split sizes exact, and the seed makes it
    reproducible by anyone who is later given the seed.
    """
    if not 0.0 < public_fraction < 1.0:
        raise HiddenDataError("The public fraction must be strictly between 0 and 1.")
    seed_bytes = seed.encode()
    keys = [hashlib.sha256(seed_bytes + row.to_bytes(8, "big")).digest() for row in range(n_rows)]
    order = sorted(range(n_rows), key=keys.__getitem__)
    n_public = min(max(round(n_rows * public_fraction), 1), n_rows - 1)
    mask = np.zeros(n_rows, dtype=bool)
    mask[order[:n_public]] = True
    return mask


def sha256_of_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
