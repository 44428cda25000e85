"""The scoring pipeline without Django: hidden set in, sandboxed predictions, trusted metric out.

The sandbox gets the inputs only; labels and the public/private split stay in this (trusted) process.
Used by the Celery task, by `manage.py score_model` and by the benchmarks alike.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bounties import hidden_data
from evaluation.sandbox.pool import SandboxPool
from evaluation.sandbox.runner import (
    ProgressCallback,
    SandboxDidNotStart,
    SandboxJob,
    SandboxLimits,
    SandboxOutcome,
    WarmSandbox,
)
from evaluation.scoring.architecture_specs import ArchitectureConfigError, parse_config
from evaluation.scoring.errors import FailureClass, ScoringError
from evaluation.scoring.metrics import check_labels_fit, compute_metric
from evaluation.scoring.predictions import read_predictions

HIDDEN_SET_CACHE_SIZE = 4
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HiddenSet:
    """A decoded hidden test set: the inputs as a file the sandbox can map, labels and split in memory."""

    sha256: str
    inputs_path: Path
    labels: np.ndarray
    public_mask: np.ndarray

    @property
    def n_public(self) -> int:
        return int(self.public_mask.sum())

    @property
    def n_private(self) -> int:
        return int((~self.public_mask).sum())


@dataclass(frozen=True)
class ScoringSpec:
    metric: str
    model_format: str
    architectures: dict[str, Any]
    input_dtype: str
    output_shape: list[int]
    limits: SandboxLimits
    threads: int
    device: str
    batch_size: int


@dataclass(frozen=True)
class ScoreResult:
    public_score: float
    private_score: float
    public_predictions: np.ndarray
    n_public: int
    n_private: int
    device: str
    isolation: str
    sandbox_seconds: float


class HiddenSetCache:
    """Decodes each hidden set once per worker process, keyed by its sha256."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._entries: OrderedDict[tuple[str, str, str], HiddenSet] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, *, path: Path, file_format: str, sha256: str, split_seed: str, fraction: float, dtype: str
    ) -> HiddenSet:
        key = (sha256, split_seed, dtype)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        hidden = self._decode(path, file_format, sha256, split_seed, fraction, dtype)
        with self._lock:
            self._entries[key] = hidden
            while len(self._entries) > HIDDEN_SET_CACHE_SIZE:
                self._entries.popitem(last=False)
        return hidden

    def _decode(
        self, path: Path, file_format: str, sha256: str, seed: str, fraction: float, dtype: str
    ) -> HiddenSet:
        arrays = hidden_data.read_hidden_arrays(path, file_format)
        folder = self.root / sha256
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)  # only this worker's user reaches the decoded inputs
        inputs_path = folder / f"inputs-{dtype}.npy"
        if not inputs_path.exists():
            temporary = folder / f".inputs-{os.getpid()}.npy"
            np.save(temporary, np.ascontiguousarray(arrays.inputs, dtype=dtype), allow_pickle=False)
            os.replace(temporary, inputs_path)
        mask = hidden_data.public_row_mask(arrays.n_rows, fraction, seed)
        return HiddenSet(sha256=sha256, inputs_path=inputs_path, labels=arrays.labels, public_mask=mask)


def score_in_sandbox(
    *,
    pool: SandboxPool,
    model_path: Path,
    hidden: HiddenSet,
    spec: ScoringSpec,
    on_progress: ProgressCallback | None,
) -> ScoreResult:
    """Predict in a warm sandbox, then check the predictions and compute both scores here.

    Raises ScoringError: the sandbox's failure, OUTPUT for predictions that cannot be scored, or
    INFRASTRUCTURE when the challenge's own settings are broken.
    """
    _check_architectures(spec.architectures)
    try:
        return _score_once(
            pool=pool, model_path=model_path, hidden=hidden, spec=spec, on_progress=on_progress
        )
    except SandboxDidNotStart:
        # A spare that died before its job (nothing of the model ran): one more, fresh, sandbox.
        return _score_once(
            pool=pool, model_path=model_path, hidden=hidden, spec=spec, on_progress=on_progress
        )


def _score_once(
    *,
    pool: SandboxPool,
    model_path: Path,
    hidden: HiddenSet,
    spec: ScoringSpec,
    on_progress: ProgressCallback | None,
) -> ScoreResult:
    sandbox = pool.take()
    try:
        job = SandboxJob(
            model_path=model_path,
            model_format=spec.model_format,
            inputs_path=hidden.inputs_path,
            n_rows=len(hidden.labels),
            architectures=spec.architectures,
            output_shape=spec.output_shape,
            threads=spec.threads,
            device=spec.device,
            batch_size=spec.batch_size,
            limits=spec.limits,
        )
        outcome = sandbox.run(job, on_progress=on_progress)
        sandbox.kill()  # nothing of the model runs on while its output is read
        return _scored_output(outcome.predictions_path, hidden, spec, outcome)
    finally:
        _retire(pool, sandbox)


def _scored_output(path: Path, hidden: HiddenSet, spec: ScoringSpec, outcome: SandboxOutcome) -> ScoreResult:
    """Both scores of the predictions at `path`; any failure here is the model's output failing."""
    try:
        predictions = read_predictions(
            path,
            n_rows=len(hidden.labels),
            output_shape=spec.output_shape,
            max_bytes=spec.limits.max_file_bytes,
        )
        return _scores(predictions, hidden, spec.metric, outcome.device, outcome.isolation, outcome.seconds)
    except ScoringError:
        raise
    except Exception as exc:  # e.g. a metric that cannot take these predictions: logged, then ended once
        logger.exception("scoring the model's predictions raised")
        raise ScoringError(FailureClass.OUTPUT, f"scoring raised {type(exc).__name__}") from exc


def _check_architectures(architectures: dict[str, Any]) -> None:
    """The challenge's architecture configs, checked here: a bad one is the organizer's, not the model's."""
    for name, config in architectures.items():
        try:
            parse_config(name, config)
        except ArchitectureConfigError as exc:
            raise ScoringError(FailureClass.INFRASTRUCTURE, f"architecture config: {exc}") from exc


def _retire(pool: SandboxPool, sandbox: WarmSandbox) -> None:
    """Close the used sandbox and start the next spare, in the background: a process that held a GPU
    takes a while to exit (and its cgroup to go), and the imports overlap with scoring and storing."""
    threading.Thread(target=_close_then_warm_up, args=(pool, sandbox), daemon=True).start()


def _close_then_warm_up(pool: SandboxPool, sandbox: WarmSandbox) -> None:
    sandbox.close()
    # A failure here is reported by the next job, where someone sees it.
    with contextlib.suppress(ScoringError):
        pool.warm_up()


def _scores(
    predictions: np.ndarray, hidden: HiddenSet, metric: str, device: str, isolation: str, seconds: float
) -> ScoreResult:
    check_labels_fit(metric, predictions, hidden.labels)
    public, private = hidden.public_mask, ~hidden.public_mask
    return ScoreResult(
        public_score=compute_metric(metric, predictions[public], hidden.labels[public]),
        private_score=compute_metric(metric, predictions[private], hidden.labels[private]),
        public_predictions=predictions[public],
        n_public=hidden.n_public,
        n_private=hidden.n_private,
        device=device,
        isolation=isolation,
        sandbox_seconds=seconds,
    )
