"""Per-process state of an evaluation worker: its warm sandbox pool and its decoded hidden sets."""

from __future__ import annotations

import functools
import logging
import os
import socket

from django.conf import settings

from bounties.models import EvaluationQueue
from evaluation.pipeline import HiddenSetCache
from evaluation.sandbox.cgroups import CgroupUnavailable, JobCgroups, job_cgroups
from evaluation.sandbox.isolation import IsolationLevel, probe_isolation
from evaluation.sandbox.pool import SandboxPool

logger = logging.getLogger(__name__)
GPU_QUEUE = EvaluationQueue.GPU.value


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def worker_uses_gpu() -> bool:
    """EVAL_DEVICE: "cuda" or "cpu" as set, or (the default "auto") whether torch here sees a GPU."""
    if settings.EVAL_DEVICE == "auto":
        return cuda_available()
    return bool(settings.EVAL_DEVICE == "cuda")


def eval_threads() -> int:
    return settings.EVAL_THREADS or len(os.sched_getaffinity(0)) or 1


def memory_cgroups() -> JobCgroups | None:
    """Where a per-job cgroup with a memory limit can be made, the maker; else None, with the reason logged."""
    try:
        return job_cgroups(settings.EVAL_CGROUP_ROOT)
    except CgroupUnavailable as exc:
        logger.warning(
            "evaluation worker %s: no per-job cgroup memory limit here (%s); CPU jobs keep RLIMIT_AS, "
            "and the %s queue is refused unless EVAL_GPU_WITHOUT_MEMORY_CGROUP is set",
            worker_name(),
            exc,
            GPU_QUEUE,
        )
        return None


@functools.cache
def sandbox_pool() -> SandboxPool:
    report = probe_isolation()
    logger.info("evaluation worker %s: %s", worker_name(), report.describe())
    return SandboxPool(
        settings.EVAL_WORK_ROOT / "slots",
        minimum=IsolationLevel.parse(settings.EVAL_MIN_ISOLATION),
        threads=eval_threads(),
        use_gpu=worker_uses_gpu(),
        tmp_bytes=256 * 1024**2,
        cgroups=memory_cgroups(),
    )


def gpu_queue_refusal(pool: SandboxPool) -> str | None:
    """Why this worker must not serve the GPU queue, or None when it may.

    It may only when a sandbox (a real one, the pool's warm spare) reached CUDA with both frameworks,
    and each job can get a memory limit that does not rely on RLIMIT_AS. Raises ScoringError when the
    spare does not start at all.
    """
    if not pool.use_gpu:
        return "torch sees no CUDA device here (or EVAL_DEVICE=cpu)"
    if pool.cgroups is None and not settings.EVAL_GPU_WITHOUT_MEMORY_CGROUP:
        return (
            "no per-job cgroup memory limit can be made here; EVAL_GPU_WITHOUT_MEMORY_CGROUP=true overrides"
        )
    ready = pool.wait_ready()
    missing = [
        name
        for name, reached in (("torch", ready.torch_cuda), ("onnxruntime", ready.onnx_cuda))
        if not reached
    ]
    if missing:
        return f"the CUDA probe inside the sandbox failed for {' and '.join(missing)}"
    return None


@functools.cache
def hidden_set_cache() -> HiddenSetCache:
    return HiddenSetCache(settings.EVAL_WORK_ROOT / "hidden-cache")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
