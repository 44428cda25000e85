"""Warm sandboxes: a sandboxed harness is started ahead of the job, so a job does not wait for imports.

Each sandbox serves exactly one job and then exits, so nothing of one submission survives into the
next; the pool starts the next spare while the previous result is being scored.
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
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.sandbox.isolation import (
    APP_DIR_IN_SANDBOX,
    SANDBOX_GID,
    SANDBOX_UID,
    IsolationLevel,
    IsolationReport,
    SandboxBinds,
    probe_isolation,
    wrap_command,
)
from evaluation.scoring.errors import FailureClass, ScoringError

logger = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 120
# glibc hands blocks over 128 KiB to fresh mmap()s and unmaps them on free, so a CNN's activations
# (tens of MB a batch) page-fault anew on every batch: keeping them in the heap made inference twice
# as fast here. The memory limit still applies (RLIMIT_AS / the cgroup).
ALLOCATOR_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1024**3)}


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
    architectures: dict[str, Any]
    output_shape: list[int] | None
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

    def __init__(self, work_root: Path, isolation: IsolationReport, *, threads: int, use_gpu: bool) -> None:
        self.slot = work_root / f"slot-{uuid.uuid4().hex}"
        self.isolation = isolation
        self.threads = threads
        self.use_gpu = use_gpu
        self.process: subprocess.Popen[bytes] | None = None
        self._status_read: int | None = None
        self._buffer = b""
        self._ready = False

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
        argv = [sys.executable, "-m", "evaluation.sandbox.child", str(status_fd)]
        if self.isolation.bwrap is None:
            return argv
        binds = SandboxBinds(
            read_only=[(str(self.slot / "in"), "/job/in")], writable=[(str(self.slot / "out"), "/job/out")]
        )
        return wrap_command(
            bwrap=self.isolation.bwrap,
            as_root=self.isolation.as_root,
            binds=binds,
            env=self._sandbox_env(),
            tmp_bytes=tmp_bytes,
            argv=argv,
        )

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        """Block until the harness has imported everything; raises ScoringError(INFRASTRUCTURE)."""
        deadline = time.monotonic() + timeout
        while not self._ready:
            message = self._next_message(deadline)
            if message is None:
                log = (self.slot / "sandbox.log").read_text(errors="replace")[-2000:]
                logger.error("sandbox %s did not start:\n%s", self.slot.name, log)  # no job yet: safe to log
                raise SandboxDidNotStart(FailureClass.INFRASTRUCTURE, "The sandbox did not start.")
            self._ready = bool(message.get("ready"))

    def run(self, job: SandboxJob, on_progress: ProgressCallback | None = None) -> SandboxOutcome:
        """Give the job to the warm harness and wait for it; raises ScoringError with a coarse reason."""
        self.wait_ready()
        _place(job.model_path, self.slot / "in" / "model")
        _place(job.inputs_path, self.slot / "in" / "inputs.npy")
        started = time.monotonic()
        self._send_job(job)
        device = "cpu"
        deadline = started + job.limits.wall_seconds
        while True:
            message = self._next_message(deadline)
            if message is None:
                raise self._failure_after_exit(deadline)
            if "progress" in message and on_progress is not None:
                on_progress(*message["progress"])
            device = message.get("device", device)
            if "failure" in message:
                raise ScoringError(FailureClass(message["failure"]), message["reason"])
            if message.get("done"):
                break
        return SandboxOutcome(
            predictions_path=self.slot / "out" / "predictions.npy",
            seconds=time.monotonic() - started,
            device=device,
            isolation=self.isolation.level.name.lower(),
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
            "rlimits": job.limits.rlimits(job.threads, on_gpu=job.device == "cuda"),
        }
        self.process.stdin.write((json.dumps(payload) + "\n").encode())
        self.process.stdin.flush()

    def _next_message(self, deadline: float) -> dict[str, Any] | None:
        """The next status line, or None when the harness exited or the deadline passed (then it is killed)."""
        assert self._status_read is not None
        while b"\n" not in self._buffer:
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
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            return {}
        return message if isinstance(message, dict) else {}

    def _failure_after_exit(self, deadline: float) -> ScoringError:
        assert self.process is not None
        if time.monotonic() >= deadline:
            return ScoringError(FailureClass.TIMEOUT, "The run took longer than the challenge's time limit.")
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.wait()
        logger.warning(
            "sandbox %s exited with %s; log in %s", self.slot.name, code, self.slot / "sandbox.log"
        )
        if code in (-signal.SIGKILL, 128 + signal.SIGKILL, -signal.SIGXCPU, 128 + signal.SIGXCPU):
            return ScoringError(
                FailureClass.OUT_OF_MEMORY, "The run was stopped: it used more memory or CPU than allowed."
            )
        if code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ):
            return ScoringError(FailureClass.OUTPUT, "The run wrote more output than allowed.")
        return ScoringError(FailureClass.CRASH, "The model crashed the runtime.")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def close(self) -> None:
        self.kill()
        if self._status_read is not None:
            os.close(self._status_read)
            self._status_read = None
        if self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
        shutil.rmtree(self.slot, ignore_errors=True)


def _place(source: Path, target: Path) -> None:
    """Hard-link when possible (no copy of a large file); readable by the sandbox's user."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    if os.stat(target).st_mode & 0o004 == 0 and os.geteuid() == 0:
        os.chmod(target, 0o644)


class SandboxPool:
    """Keeps one spare sandbox warm per worker process; thread-safe enough for one job at a time."""

    def __init__(
        self, work_root: Path, *, minimum: IsolationLevel, threads: int, use_gpu: bool, tmp_bytes: int
    ) -> None:
        self.work_root = work_root
        self.minimum = minimum
        self.threads = threads
        self.use_gpu = use_gpu
        self.tmp_bytes = tmp_bytes
        self._spare: WarmSandbox | None = None
        self._lock = threading.Lock()

    def isolation(self) -> IsolationReport:
        report = probe_isolation()
        if report.level < self.minimum:
            raise ScoringError(
                FailureClass.INFRASTRUCTURE,
                f"This worker offers {report.level.name.lower()} isolation, below the required "
                f"{self.minimum.name.lower()}; it does not run untrusted models.",
            )
        return report

    def warm_up(self) -> None:
        with self._lock:
            if self._spare is None:
                self._spare = self._new_sandbox()

    def _new_sandbox(self) -> WarmSandbox:
        self.work_root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.work_root, 0o711)  # noqa: S103 - the sandbox user may pass through to its own slot, not list others
        sandbox = WarmSandbox(self.work_root, self.isolation(), threads=self.threads, use_gpu=self.use_gpu)
        sandbox.start(self.tmp_bytes)
        return sandbox

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        """Block until the spare has imported everything (starting one if there is none)."""
        self.warm_up()
        with self._lock:
            spare = self._spare
        if spare is not None:
            spare.wait_ready(timeout)

    def take(self) -> WarmSandbox:
        """The warm spare (or a new one); the caller must close it after its one job."""
        with self._lock:
            sandbox, self._spare = self._spare, None
        if sandbox is None or (sandbox.process is not None and sandbox.process.poll() is not None):
            if sandbox is not None:
                sandbox.close()
            sandbox = self._new_sandbox()
        return sandbox

    def shutdown(self) -> None:
        with self._lock:
            if self._spare is not None:
                self._spare.close()
                self._spare = None
