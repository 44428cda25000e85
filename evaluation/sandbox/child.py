"""The harness that runs inside the sandbox: load one model, predict the inputs, write the predictions.

It starts before any job is known and imports the heavy libraries at once, so a job finds it warm; on
a GPU it also creates the CUDA context and cuDNN handles then, and says in its ready line which
frameworks reached CUDA. Then it reads one job from stdin, locks itself down (resource limits, seccomp,
a GPU memory cap) before touching the submitted file, and reports on the status pipe (its fd is the
first argument) only: progress, done, or a failure class (its detail goes to the worker's log only).
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


def warm_cuda() -> tuple[bool, bool]:
    """Create the CUDA context (and cuDNN's handles) now, so a job pays only for its own work.

    Returns whether torch and onnxruntime each really ran on the GPU. A sandbox of a CPU worker sees no
    device (CUDA_VISIBLE_DEVICES is empty) and skips this.
    """
    if not os.environ.get("CUDA_VISIBLE_DEVICES"):
        return False, False
    return _warm_torch_cuda(), _warm_onnx_cuda()


def _warm_torch_cuda() -> bool:
    import torch

    from evaluation.scoring.loaders import prepare_cuda

    try:
        if not torch.cuda.is_available():
            return False
        prepare_cuda()
        probe = torch.zeros((1, 1, 8, 8), device="cuda")
        torch.nn.functional.conv2d(probe, torch.zeros((1, 1, 3, 3), device="cuda"))
        torch.nn.functional.linear(probe.reshape(2, 32), torch.zeros((4, 32), device="cuda"))  # cuBLAS
        torch.cuda.synchronize()
        del probe
        torch.cuda.empty_cache()  # the context stays; the job's own cap then counts every block it takes
    except RuntimeError as exc:
        print(f"torch could not use CUDA: {exc}", file=sys.stderr)
        return False
    return True


def _warm_onnx_cuda() -> bool:
    import onnxruntime as ort

    from evaluation.scoring.loaders import onnx_providers, tiny_convolution_onnx

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        return False
    try:
        providers = onnx_providers("cuda", ort.get_available_providers(), gpu_memory_bytes=None)
        session = ort.InferenceSession(tiny_convolution_onnx(), providers=providers)
        session.run(None, {"inputs": np.zeros((1, 1, 8, 8), dtype=np.float32)})
    except Exception as exc:  # onnxruntime raises its own types when the CUDA libraries are missing
        print(f"onnxruntime could not use CUDA: {exc}", file=sys.stderr)
        return False
    return session.get_providers()[0] == "CUDAExecutionProvider"


def cap_gpu_memory(fraction: float) -> int:
    """Cap what this job may take of the GPU (torch's allocator here, onnxruntime's arena via the
    returned byte count), so one submission cannot starve a neighbour sharing the card."""
    import torch

    torch.cuda.set_per_process_memory_fraction(fraction)
    return int(fraction * torch.cuda.get_device_properties(0).total_memory)


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
    device = job["device"]  # never a quiet fallback: the parent checked the ready line for CUDA
    gpu_memory_bytes = cap_gpu_memory(float(job["gpu_memory_fraction"])) if device == "cuda" else None
    predictor = load_model(
        JOB_IN / "model",
        job["model_format"],
        job["architectures"],
        threads,
        device,
        output_shape=job["output_shape"],
        gpu_memory_bytes=gpu_memory_bytes,
    )
    inputs = np.load(JOB_IN / "inputs.npy", mmap_mode="r", allow_pickle=False)
    status.send(loaded=True, device=predictor.device)
    predictions = run_inference(
        predictor,
        inputs,
        output_shape=job.get("output_shape"),
        batch_size=int(job["batch_size"]),
        on_progress=status.progress,
        one_shape=device == "cuda",
    )
    np.save(JOB_OUT / "predictions.npy", predictions, allow_pickle=False)


def main() -> int:
    from evaluation.sandbox.seccomp import install_seccomp_filter
    from evaluation.scoring.errors import CONTRIBUTOR_FAILURES, FailureClass, ScoringError

    status = StatusChannel(int(sys.argv[1]) if len(sys.argv) > 1 else STATUS_FD)
    warm_imports()
    torch_cuda, onnx_cuda = warm_cuda()
    status.send(ready=True, torch_cuda=torch_cuda, onnx_cuda=onnx_cuda)
    line = sys.stdin.readline()
    if not line:
        return 0  # the pool shut this spare down before giving it a job
    job = json.loads(line)
    apply_limits(job["rlimits"])
    locked_down = install_seccomp_filter()
    status.send(seccomp=locked_down)
    if job["require_seccomp"] and not locked_down:
        return 4  # the worker promised seccomp: the submitted file is not opened without it
    try:
        run_job(job, status)
    except ScoringError as exc:
        # Only contributor classes may cross: anything else would read as a malformed line anyway.
        failure = exc.failure if exc.failure in CONTRIBUTOR_FAILURES else FailureClass.CRASH
        status.send(failure=failure.value, detail=exc.detail)
        return 3
    except MemoryError:
        status.send(failure=FailureClass.OUT_OF_MEMORY.value, detail="MemoryError")
        return 3
    except RuntimeError as exc:
        if "memory" in str(exc).lower() or "alloc" in str(exc).lower():
            status.send(failure=FailureClass.OUT_OF_MEMORY.value, detail=str(exc)[:300])
            return 3
        raise
    status.send(done=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
