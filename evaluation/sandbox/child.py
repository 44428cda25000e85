"""The harness that runs inside the sandbox: load one model, predict the inputs, write the predictions.

It starts before any job is known and imports the heavy libraries at once, so a job finds it warm.
Then it reads one job from stdin, locks itself down (resource limits, seccomp) before touching the
submitted file, and reports on the status pipe (its fd is the first argument) only: progress, done, or a coarse failure class.
It never sees the labels or the hidden set's path: only /job/in/inputs.npy and /job/in/model.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

JOB_IN = Path("/job/in")
JOB_OUT = Path("/job/out")
STATUS_FD = 3
PROGRESS_INTERVAL_SECONDS = 0.5


class StatusChannel:
    """One JSON object per line on the status pipe; the parent reads nothing else from us."""

    def __init__(self, fd: int) -> None:
        self._stream = os.fdopen(fd, "w", buffering=1)
        self._last_progress = 0.0

    def send(self, **message: Any) -> None:
        self._stream.write(json.dumps(message) + "\n")

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
            self._last_progress = now
            self.send(progress=[done, total])


def warm_imports() -> None:
    """Import what any job needs before the job arrives: this is the cost the warm sandbox hides."""
    import onnx  # noqa: F401
    import onnxruntime  # noqa: F401
    import safetensors.torch  # noqa: F401
    import torch

    from evaluation.scoring import architectures, inference, loaders  # noqa: F401

    torch.set_num_interop_threads(1)


def apply_limits(limits: dict[str, int]) -> None:
    """Resource limits the job cannot raise again (hard = soft)."""
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def run_job(job: dict[str, Any], status: StatusChannel) -> None:
    import torch

    from evaluation.scoring.inference import run_inference
    from evaluation.scoring.loaders import load_model

    threads = int(job["threads"])
    torch.set_num_threads(threads)
    device = "cuda" if job.get("device") == "cuda" and torch.cuda.is_available() else "cpu"
    predictor = load_model(JOB_IN / "model", job["model_format"], job["architectures"], threads, device)
    inputs = np.load(JOB_IN / "inputs.npy", mmap_mode="r", allow_pickle=False)
    status.send(loaded=True, device=predictor.device)
    predictions = run_inference(
        predictor,
        inputs,
        output_shape=job.get("output_shape"),
        batch_size=int(job["batch_size"]),
        on_progress=status.progress,
    )
    np.save(JOB_OUT / "predictions.npy", predictions, allow_pickle=False)


def main() -> int:
    from evaluation.sandbox.seccomp import install_seccomp_filter
    from evaluation.scoring.errors import FailureClass, ScoringError

    status = StatusChannel(int(sys.argv[1]) if len(sys.argv) > 1 else STATUS_FD)
    warm_imports()
    status.send(ready=True)
    line = sys.stdin.readline()
    if not line:
        return 0  # the pool shut this spare down before giving it a job
    job = json.loads(line)
    apply_limits(job["rlimits"])
    status.send(seccomp=install_seccomp_filter())
    try:
        run_job(job, status)
    except ScoringError as exc:
        status.send(failure=exc.failure.value, reason=exc.reason)
        return 3
    except MemoryError:
        status.send(failure=FailureClass.OUT_OF_MEMORY.value, reason="The model ran out of memory.")
        return 3
    except RuntimeError as exc:
        if "memory" in str(exc).lower() or "alloc" in str(exc).lower():
            status.send(failure=FailureClass.OUT_OF_MEMORY.value, reason="The model ran out of memory.")
            return 3
        raise
    status.send(done=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
