"""Warm sandboxes: a sandboxed harness is started ahead of the job, so a job does not wait for imports.

Each sandbox serves exactly one job and then exits, so nothing of one submission survives into the
next (on a GPU, the memory it held goes with it); the pool starts the next spare while the previous
result is being scored.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.sandbox.cgroups import JobCgroup, JobCgroups
from evaluation.sandbox.isolation import (
    APP_DIR_IN_SANDBOX,
    SANDBOX_GID,
    SANDBOX_UID,
    IsolationReport,
    SandboxBinds,
    gpu_device_binds,
    wrap_command,
)
from evaluation.sandbox.status import (
    MAX_STATUS_LINE_BYTES,
    Done,
    Failed,
    Loaded,
    Locked,
    MalformedStatus,
    Progress,
    Ready,
    StatusMessage,
    parse_status_line,
)
from evaluation.scoring.errors import FailureClass, ScoringError

logger = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 120
# glibc hands blocks over 128 KiB to fresh mmap()s and unmaps them on free, so a CNN's activations
# (tens of MB a batch) page-fault anew on every batch: keeping them in the heap made inference twice
# as fast here. The memory limit still applies (RLIMIT_AS / the cgroup).
ALLOCATOR_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1024**3)}
# A spare's memory cap until its job (and the job's own cap) is known: enough for the imports and CUDA.
WARM_MEMORY_BYTES = 4 * 1024**3
HARNESS: tuple[str, ...] = (
    "-m",
    "evaluation.sandbox.child",
)  # the interpreter's arguments before the status fd


class SandboxDidNotStart(ScoringError):
    """The harness died before it took a job: nothing of the submission ran, so it is safe to retry."""


@dataclass(frozen=True)
class SandboxLimits:
    wall_seconds: float = 60.0
    memory_bytes: int = 4 * 1024**3
    max_processes: int = 256  # threads count here, and the runtimes start a few per core
    max_file_bytes: int = 512 * 1024**2
    max_open_files: int = 256
    tmp_bytes: int = 256 * 1024**2
    gpu_memory_fraction: float = 0.9  # of the GPU's memory, per job: one job cannot starve the next

    def rlimits(self, threads: int, on_gpu: bool) -> dict[str, int]:
        limits = {
            "RLIMIT_CPU": int(self.wall_seconds * threads * 1.1) + 5,
            "RLIMIT_FSIZE": self.max_file_bytes,
            "RLIMIT_NOFILE": self.max_open_files,
            "RLIMIT_NPROC": self.max_processes,
            "RLIMIT_CORE": 0,
        }
        if not on_gpu:  # CUDA reserves huge virtual ranges; GPU jobs rely on the cgroup instead
            limits["RLIMIT_AS"] = self.memory_bytes
        return limits


@dataclass(frozen=True)
class SandboxJob:
    model_path: Path
    model_format: str
    inputs_path: Path  # the hidden inputs only, as a .npy; never the labels
    n_rows: int
    architectures: dict[str, Any]
    output_shape: list[int]
    threads: int
    device: str
    batch_size: int
    limits: SandboxLimits


@dataclass(frozen=True)
class SandboxOutcome:
    predictions_path: Path
    seconds: float
    device: str
    isolation: str


ProgressCallback = Callable[[int, int], None]


class WarmSandbox:
    """One sandboxed harness process, started before its job and used once."""

    def __init__(
        self,
        work_root: Path,
        isolation: IsolationReport,
        *,
        threads: int,
        use_gpu: bool,
        cgroups: JobCgroups | None = None,
        harness: tuple[str, ...] = HARNESS,
    ) -> None:
        self.slot = work_root / f"slot-{uuid.uuid4().hex}"
        self.isolation = isolation
        self.threads = threads
        self.use_gpu = use_gpu
        self.harness = harness
        self.cgroup: JobCgroup | None = cgroups.create() if cgroups is not None else None
        self.process: subprocess.Popen[bytes] | None = None
        self.ready: Ready | None = None
        self._status_read: int | None = None
        self._buffer = b""

    def start(self, tmp_bytes: int) -> None:
        for folder in (self.slot / "in", self.slot / "out"):
            folder.mkdir(parents=True)
        os.chmod(self.slot, 0o700)
        if self.isolation.as_root and self.isolation.bwrap:
            for folder in (self.slot, self.slot / "in", self.slot / "out"):
                os.chown(folder, SANDBOX_UID, SANDBOX_GID)
        status_read, status_write = os.pipe()
        self._status_read = status_read
        command = self._command(status_write, tmp_bytes)
        if self.cgroup is not None:
            self.cgroup.limit_memory(WARM_MEMORY_BYTES)
            command = self.cgroup.enter_command(command)
        with (self.slot / "sandbox.log").open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                pass_fds=(status_write,),
                start_new_session=True,
                env=self._host_env(),
                cwd=self.slot,
            )
        os.close(status_write)

    def _host_env(self) -> dict[str, str]:
        keep = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        return {**keep, **self._sandbox_env()}

    def _sandbox_env(self) -> dict[str, str]:
        threads = str(self.threads)
        return {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": APP_DIR_IN_SANDBOX,
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": "/tmp",  # noqa: S108 - inside the sandbox: its private tmpfs
            "OMP_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
            "MALLOC_ARENA_MAX": "2",
            **ALLOCATOR_ENV,
            "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES", "0") if self.use_gpu else "",
        }

    def _command(self, status_fd: int, tmp_bytes: int) -> list[str]:
        argv = [sys.executable, *self.harness, str(status_fd)]
        if self.isolation.bwrap is None:
            return argv
        binds = SandboxBinds(
            read_only=[(str(self.slot / "in"), "/job/in")],
            writable=[(str(self.slot / "out"), "/job/out")],
            devices=gpu_device_binds() if self.use_gpu else [],
        )
        return wrap_command(
            bwrap=self.isolation.bwrap,
            as_root=self.isolation.as_root,
            binds=binds,
            env=self._sandbox_env(),
            tmp_bytes=tmp_bytes,
            argv=argv,
        )

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> Ready:
        """Block until the harness has imported everything; raises SandboxDidNotStart.

        What the harness says before it has a job is trusted as far as it goes: nothing of a submission
        has reached it yet.
        """
        deadline = time.monotonic() + timeout
        while self.ready is None:
            try:
                message = self._next_message(deadline)
            except MalformedStatus as exc:
                self.kill()
                raise SandboxDidNotStart(FailureClass.INFRASTRUCTURE, f"harness said: {exc}") from exc
            if not isinstance(message, Ready):
                log = (self.slot / "sandbox.log").read_text(errors="replace")[-2000:]
                logger.error("sandbox %s did not start:\n%s", self.slot.name, log)  # no job yet: safe to log
                raise SandboxDidNotStart(FailureClass.INFRASTRUCTURE, "The sandbox did not start.")
            self.ready = message
        return self.ready

    def run(self, job: SandboxJob, on_progress: ProgressCallback | None = None) -> SandboxOutcome:
        """Give the job to the warm harness and wait for it; raises ScoringError."""
        self._check_device(job, self.wait_ready())
        if self.cgroup is not None:
            self.cgroup.limit_memory(job.limits.memory_bytes)
        _place(job.model_path, self.slot / "in" / "model")
        _place(job.inputs_path, self.slot / "in" / "inputs.npy")
        started = time.monotonic()
        self._send_job(job)
        deadline = started + job.limits.wall_seconds
        try:
            self._follow(job, deadline, on_progress)
        except MalformedStatus as exc:
            self.kill()
            raise ScoringError(FailureClass.CRASH, f"malformed status from the sandbox: {exc}") from exc
        return SandboxOutcome(
            predictions_path=self.slot / "out" / "predictions.npy",
            seconds=time.monotonic() - started,
            device=job.device,  # checked before the job, never taken from the sandbox's word
            isolation=self.isolation.level.name.lower(),
        )

    def _check_device(self, job: SandboxJob, ready: Ready) -> None:
        """A GPU job runs on the GPU or not at all: no silent fallback to the CPU."""
        if job.device != "cuda":
            return
        framework, reached = (
            ("onnxruntime", ready.onnx_cuda) if job.model_format == "onnx" else ("torch", ready.torch_cuda)
        )
        if not (self.use_gpu and reached):
            raise ScoringError(
                FailureClass.INFRASTRUCTURE,
                f"a GPU job, but {framework} in the sandbox reports no CUDA (gpu sandbox={self.use_gpu})",
            )

    def _follow(self, job: SandboxJob, deadline: float, on_progress: ProgressCallback | None) -> None:
        """Read the job's status lines until it is done; raises ScoringError or MalformedStatus."""
        self._check_lock_down(self._next_message(deadline), deadline)
        done_so_far = 0
        while True:
            message = self._next_message(deadline)
            if message is None:
                raise self._failure_after_exit(deadline)
            if isinstance(message, Progress):
                done_so_far = _checked_progress(message, done_so_far, job.n_rows)
                if on_progress is not None:
                    on_progress(message.done, message.total)
            elif isinstance(message, Loaded) and message.device != job.device:
                raise MalformedStatus("the model was loaded on another device than the job's")
            elif isinstance(message, Failed):
                raise ScoringError(message.failure, f"sandbox said: {message.detail!r}")
            elif isinstance(message, Done):
                return
            elif not isinstance(message, Loaded):
                raise MalformedStatus(f"{type(message).__name__} during a job")

    def _check_lock_down(self, message: StatusMessage | None, deadline: float) -> None:
        """The job's first line is the harness's own report of its lock-down, sent before it opens the
        submitted file, so nothing of the submission can have written it. Any later report is malformed.

        Raises ScoringError(INFRASTRUCTURE) when this worker promised seccomp and the harness could not
        install it (the harness then stops before the model), or MalformedStatus for anything else first.
        """
        if message is None:
            raise self._failure_after_exit(deadline)
        if not isinstance(message, Locked):
            raise MalformedStatus(f"{type(message).__name__} before the lock-down report")
        if self.isolation.seccomp and not message.seccomp:
            self.kill()
            raise ScoringError(
                FailureClass.INFRASTRUCTURE, "the harness could not install its seccomp filter"
            )

    def _send_job(self, job: SandboxJob) -> None:
        assert self.process is not None and self.process.stdin is not None
        payload = {
            "model_format": job.model_format,
            "architectures": job.architectures,
            "output_shape": job.output_shape,
            "threads": job.threads,
            "device": job.device,
            "batch_size": job.batch_size,
            "gpu_memory_fraction": job.limits.gpu_memory_fraction,
            "require_seccomp": self.isolation.seccomp,
            "rlimits": job.limits.rlimits(job.threads, on_gpu=job.device == "cuda"),
        }
        self.process.stdin.write((json.dumps(payload) + "\n").encode())
        self.process.stdin.flush()

    def _next_message(self, deadline: float) -> StatusMessage | None:
        """The next status line, or None when the harness exited or the deadline passed (then it is killed).

        Raises MalformedStatus for a line that is not a known message, or longer than any of them.
        """
        assert self._status_read is not None
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_STATUS_LINE_BYTES:
                raise MalformedStatus("status line too long")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return None
            readable, _, _ = select.select([self._status_read], [], [], min(remaining, 1.0))
            if not readable:
                continue
            chunk = os.read(self._status_read, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return parse_status_line(line)

    def _failure_after_exit(self, deadline: float) -> ScoringError:
        assert self.process is not None
        if time.monotonic() >= deadline:
            return ScoringError(FailureClass.TIMEOUT, "wall time limit reached")
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.wait()
        logger.warning(
            "sandbox %s exited with %s; log in %s", self.slot.name, code, self.slot / "sandbox.log"
        )
        if self.cgroup is not None and self.cgroup.oom_killed():
            return ScoringError(FailureClass.OUT_OF_MEMORY, "the job's cgroup reached its memory cap")
        if code in (-signal.SIGKILL, 128 + signal.SIGKILL, -signal.SIGXCPU, 128 + signal.SIGXCPU):
            return ScoringError(FailureClass.OUT_OF_MEMORY, f"killed by signal (exit {code})")
        if code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ):
            return ScoringError(FailureClass.OUTPUT, "file size limit reached")
        return ScoringError(FailureClass.CRASH, f"the harness exited with {code}")

    def kill(self) -> None:
        """Stop the harness and everything it started (the whole cgroup, where there is one)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if self.cgroup is not None:
            self.cgroup.kill()

    def close(self) -> None:
        self.kill()
        if self._status_read is not None:
            os.close(self._status_read)
            self._status_read = None
        if self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
        if self.cgroup is not None:
            try:
                self.cgroup.remove()
            except OSError:
                logger.warning("cgroup %s could not be removed", self.cgroup.path, exc_info=True)
        shutil.rmtree(self.slot, ignore_errors=True)


def _checked_progress(progress: Progress, done_before: int, n_rows: int) -> int:
    """Rows done so far, from a progress report that must be plausible; raises MalformedStatus."""
    if progress.total != n_rows or not done_before <= progress.done <= n_rows:
        raise MalformedStatus("implausible progress")
    return progress.done


def _place(source: Path, target: Path) -> None:
    """Hard-link when possible (no copy of a large file); readable by the sandbox's user."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    if os.stat(target).st_mode & 0o004 == 0 and os.geteuid() == 0:
        os.chmod(target, 0o644)
