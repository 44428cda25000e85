"""The demo challenge's data, made at seed time from a secret seed: faded, shifted, scratched digits.

In the spirit of the Vesuvius scrolls: the ink is faded, the page is grainy, letters sit a little off
their line and stray strokes cross them. The images are scikit-learn's handwritten digits, but no row of
the hidden set is a public row: the base images are split at random between a public training split and
the hidden set, and every row is degraded with noise drawn from the secret seed. The seed is used once
and never stored, so the hidden rows cannot be regenerated, and a model that memorised the clean public
digits meets images it has never seen. Imports nothing from Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits

SIDE = 8
INK_MAX = 16.0
N_PUBLIC_BASES = 1000  # the other 797 base images are the hidden set's
PUBLIC_VARIANTS = 3  # degraded copies of each base image: 3,000 training rows
HIDDEN_VARIANTS = 2  # 1,594 hidden rows


@dataclass(frozen=True)
class DigitsData:
    train_inputs: np.ndarray
    train_labels: np.ndarray
    hidden_inputs: np.ndarray
    hidden_labels: np.ndarray


def make_digits_data(secret_seed: int) -> DigitsData:
    """The public training split and the hidden set, both drawn from `secret_seed`."""
    digits = load_digits()
    images, labels = digits.images.astype(np.float32), digits.target.astype(np.int64)
    split_seed, public_seed, hidden_seed = np.random.SeedSequence(secret_seed).spawn(3)
    order = np.random.default_rng(split_seed).permutation(len(images))
    public, hidden = order[:N_PUBLIC_BASES], order[N_PUBLIC_BASES:]
    train_inputs, train_labels = _degraded(images[public], labels[public], PUBLIC_VARIANTS, public_seed)
    hidden_inputs, hidden_labels = _degraded(images[hidden], labels[hidden], HIDDEN_VARIANTS, hidden_seed)
    return DigitsData(train_inputs, train_labels, hidden_inputs, hidden_labels)


def _degraded(
    images: np.ndarray, labels: np.ndarray, variants: int, seed: np.random.SeedSequence
) -> tuple[np.ndarray, np.ndarray]:
    """`variants` degraded copies of every image, shuffled, flattened to rows of 64 float32 values."""
    rng = np.random.default_rng(seed)
    copies = np.concatenate([images] * variants)
    copy_labels = np.concatenate([labels] * variants)
    rows = np.stack([degrade(image, rng) for image in copies]).reshape(len(copies), SIDE * SIDE)
    shuffle = rng.permutation(len(rows))
    return rows[shuffle].astype(np.float32), copy_labels[shuffle]


def degrade(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One 8x8 image, shifted up to a pixel, its ink faded unevenly, maybe crossed by a stroke, on grain."""
    dy, dx = rng.integers(-1, 2, size=2)
    padded = np.zeros((SIDE + 2, SIDE + 2), dtype=np.float32)
    padded[1:-1, 1:-1] = image
    shifted = padded[1 - dy : 1 - dy + SIDE, 1 - dx : 1 - dx + SIDE]
    faded = shifted * rng.uniform(0.45, 1.0) * rng.uniform(0.6, 1.0, size=(SIDE, SIDE))
    if rng.random() < 0.6:
        _stroke(faded, rng)
    grain = rng.gamma(1.0, 1.0, size=(SIDE, SIDE))
    return np.clip(faded + grain, 0.0, INK_MAX)


def _stroke(image: np.ndarray, rng: np.random.Generator) -> None:
    """A short straight stroke of ink, like a crack or a fibre of the papyrus."""
    row, col = rng.integers(0, SIDE, size=2)
    d_row, d_col = rng.integers(-1, 2, size=2)
    ink = rng.uniform(4.0, 12.0)
    for step in range(int(rng.integers(2, 5))):
        r, c = row + step * d_row, col + step * d_col
        if 0 <= r < SIDE and 0 <= c < SIDE:
            image[r, c] = max(image[r, c], ink)
