"""A real worker process told to serve the GPU queue refuses to start where the sandbox cannot use CUDA
for both frameworks or no per-job memory cgroup can be made: no GPU queue served quietly on the CPU."""

from __future__ import annotations

import subprocess

import pytest

from evaluation.services.worker_context import cuda_available
from tests.integration.conftest import WorkerFleet

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_for_the_gpu_queue_refuses_to_start_without_a_gpu_sandbox(worker_fleet: WorkerFleet) -> None:
    import onnxruntime

    if cuda_available() and "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has what the GPU queue needs")
    worker_fleet.env["EVAL_DEVICE"] = "cuda"
    process = worker_fleet.start("gpu")
    try:
        code = process.wait(timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker kept running\n{worker_fleet.logs()}")
    assert code != 0, worker_fleet.logs()
    assert "will not serve the eval-gpu queue" in worker_fleet.logs()
