"""A cgroup v2 memory limit per sandboxed job where the machine allows one; where not, the worker says so.

Which half of this file runs depends on the machine: a cgroup v2 host with the memory controller (the
GPU machines) runs the real limits, a host without (this project's CI) runs the refusal and the log line.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import LazySettings

from evaluation.sandbox.cgroups import CgroupUnavailable, JobCgroup, JobCgroups, job_cgroups
from evaluation.sandbox.runner import WARM_MEMORY_BYTES
from evaluation.services import worker_context


def available() -> JobCgroups | None:
    try:
        return job_cgroups()
    except CgroupUnavailable:
        return None


CGROUPS = available()
needs_cgroups = pytest.mark.skipif(CGROUPS is None, reason="no cgroup v2 memory controller here")
needs_no_cgroups = pytest.mark.skipif(CGROUPS is not None, reason="this machine can make memory cgroups")


def test_the_program_itself_is_what_enters_the_cgroup(tmp_path: Path) -> None:
    """The wrapper writes its own pid, then execs the program with that pid: nothing runs outside."""
    cgroup = JobCgroup(tmp_path)
    (tmp_path / "cgroup.procs").write_text("")
    result = subprocess.run(
        cgroup.enter_command(["sh", "-c", "echo $$"]), capture_output=True, text=True, check=True
    )
    assert (tmp_path / "cgroup.procs").read_text().strip() == result.stdout.strip()


@needs_no_cgroups
def test_without_a_cgroup_the_worker_logs_why_and_refuses_the_gpu_queue(
    settings: LazySettings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EVAL_DEVICE = "cuda"
    settings.EVAL_GPU_WITHOUT_MEMORY_CGROUP = False
    pool = worker_context.sandbox_pool()

    assert pool.cgroups is None
    assert "no per-job cgroup memory limit here" in caplog.text
    refusal = worker_context.gpu_queue_refusal(pool)
    assert refusal is not None and "EVAL_GPU_WITHOUT_MEMORY_CGROUP" in refusal


@needs_cgroups
def test_a_process_over_its_cgroup_memory_limit_is_killed() -> None:
    assert CGROUPS is not None
    cgroup = CGROUPS.create()
    try:
        cgroup.limit_memory(64 * 1024**2)
        hog = [sys.executable, "-c", "b = bytearray(512 * 1024**2); b[::4096] = b'x' * len(b[::4096])"]
        small = [sys.executable, "-c", "b = bytearray(8 * 1024**2)"]
        assert subprocess.run(cgroup.enter_command(small), check=False).returncode == 0
        assert subprocess.run(cgroup.enter_command(hog), check=False).returncode == -9
        assert cgroup.oom_killed()
    finally:
        cgroup.remove()
    assert not cgroup.path.exists()


@needs_cgroups
def test_every_sandbox_cpu_ones_too_runs_in_its_own_memory_limited_cgroup(
    settings: LazySettings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EVAL_DEVICE = "cpu"
    pool = worker_context.sandbox_pool()
    assert pool.cgroups is not None
    pool.wait_ready()
    spare = pool.take()
    try:
        assert spare.cgroup is not None and spare.process is not None
        own = Path(f"/proc/{spare.process.pid}/cgroup").read_text().strip().split("::")[-1]
        assert own == "/" + str(spare.cgroup.path.relative_to("/sys/fs/cgroup"))
        assert int((spare.cgroup.path / "memory.max").read_text()) == WARM_MEMORY_BYTES
    finally:
        spare.close()
    assert not spare.cgroup.path.exists()
    assert logging.WARNING not in [r.levelno for r in caplog.records if "cgroup" in r.getMessage()]
