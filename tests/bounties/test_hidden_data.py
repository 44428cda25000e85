"""The hidden test set reader and the public/private split."""

from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from bounties import hidden_data
from tests.factories import npz_bytes


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_split_is_deterministic_for_a_seed() -> None:
    first = hidden_data.public_row_mask(1000, 0.3, "seed-a")
    again = hidden_data.public_row_mask(1000, 0.3, "seed-a")
    other = hidden_data.public_row_mask(1000, 0.3, "seed-b")
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    ("n_rows", "fraction", "expected_public"), [(1797, 0.3, 539), (10, 0.5, 5), (3, 0.1, 1)]
)
def test_split_sizes_are_exact(n_rows: int, fraction: float, expected_public: int) -> None:
    mask = hidden_data.public_row_mask(n_rows, fraction, "seed")
    assert int(mask.sum()) == expected_public
    assert len(mask) == n_rows


def test_split_spreads_rows_instead_of_taking_a_prefix() -> None:
    mask = hidden_data.public_row_mask(1000, 0.5, "seed")
    assert 150 < int(mask[:500].sum()) < 350  # a prefix split would give 500 or 0


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5])
def test_split_fraction_must_leave_both_parts(fraction: float) -> None:
    with pytest.raises(hidden_data.HiddenDataError, match="strictly between 0 and 1"):
        hidden_data.public_row_mask(10, fraction, "seed")


def test_reads_npz_and_safetensors(tmp_path: Path) -> None:
    inputs = np.arange(20, dtype=np.float32).reshape(10, 2)
    labels = np.arange(10, dtype=np.int64)
    npz = write(tmp_path, "d.npz", npz_bytes(inputs=inputs, labels=labels))
    st = tmp_path / "d.safetensors"
    save_file({"inputs": inputs, "labels": labels}, str(st))
    for path, file_format in ((npz, "npz"), (st, "safetensors")):
        arrays = hidden_data.read_hidden_arrays(path, file_format)
        assert arrays.n_rows == 10
        assert np.array_equal(arrays.labels, labels)


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"inputs": np.zeros((4, 2), np.float32)}, "Missing array\\(s\\): labels"),
        ({"inputs": np.zeros((4, 2), np.float32), "labels": np.zeros(3)}, "4 rows but 'labels' has 3"),
        ({"inputs": np.zeros((4, 2), np.float32), "labels": np.array([0, 1, np.nan, 1])}, "1 NaN"),
        ({"inputs": np.zeros((1, 2), np.float32), "labels": np.zeros(1)}, "at least 2 rows"),
    ],
)
def test_bad_arrays_are_explained(tmp_path: Path, arrays: dict[str, np.ndarray], message: str) -> None:
    path = write(tmp_path, "bad.npz", npz_bytes(**arrays))
    with pytest.raises(hidden_data.HiddenDataError, match=message):
        hidden_data.read_hidden_arrays(path, "npz")


def test_object_arrays_are_never_unpickled(tmp_path: Path) -> None:
    objects = np.array([{"evil": 1}, {"evil": 2}], dtype=object)
    path = write(tmp_path, "pickled.npz", npz_bytes(inputs=objects, labels=np.zeros(2)))
    with pytest.raises(hidden_data.HiddenDataError, match=r"Not a readable \.npz"):
        hidden_data.read_hidden_arrays(path, "npz")


def test_garbage_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "junk.npz", b"not a zip at all")
    with pytest.raises(hidden_data.HiddenDataError, match="Not a readable"):
        hidden_data.read_hidden_arrays(path, "npz")
    with pytest.raises(hidden_data.HiddenDataError, match="Not a readable safetensors"):
        hidden_data.read_hidden_arrays(write(tmp_path, "junk.safetensors", b"\x00" * 20), "safetensors")


def test_unknown_suffix_names_the_accepted_ones() -> None:
    with pytest.raises(hidden_data.HiddenDataError, match=r"\.npz, \.safetensors"):
        hidden_data.file_format_for("data.csv")
