"""Per-process state of an evaluation worker: its warm sandbox pool and its decoded hidden sets."""

from __future__ import annotations

import functools
import logging
import os
import socket

from django.conf import settings

from evaluation.pipeline import HiddenSetCache
from evaluation.sandbox.isolation import IsolationLevel, probe_isolation
from evaluation.sandbox.runner import SandboxPool

logger = logging.getLogger(__name__)


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def eval_threads() -> int:
    return settings.EVAL_THREADS or len(os.sched_getaffinity(0)) or 1


@functools.cache
def sandbox_pool() -> SandboxPool:
    report = probe_isolation()
    logger.info("evaluation worker %s: %s", worker_name(), report.describe())
    return SandboxPool(
        settings.EVAL_WORK_ROOT / "slots",
        minimum=IsolationLevel.parse(settings.EVAL_MIN_ISOLATION),
        threads=eval_threads(),
        use_gpu=cuda_available(),
        tmp_bytes=256 * 1024**2,
    )


@functools.cache
def hidden_set_cache() -> HiddenSetCache:
    return HiddenSetCache(settings.EVAL_WORK_ROOT / "hidden-cache")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
