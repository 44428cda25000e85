"""One warm spare sandbox per worker process, so that a job finds its harness already started."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from evaluation.sandbox.cgroups import JobCgroups
from evaluation.sandbox.isolation import IsolationLevel, IsolationReport, probe_isolation
from evaluation.sandbox.runner import HARNESS, READY_TIMEOUT_SECONDS, SandboxDidNotStart, WarmSandbox
from evaluation.sandbox.status import Ready
from evaluation.scoring.errors import FailureClass, ScoringError


class SandboxPool:
    """Keeps one spare sandbox warm per worker process; thread-safe enough for one job at a time.

    `cgroups`, where the machine allows them, gives every sandbox its own memory-limited cgroup.
    `harness` is what the sandboxes run (tests put a lying one there, to see that nothing believes it).
    """

    def __init__(
        self,
        work_root: Path,
        *,
        minimum: IsolationLevel,
        threads: int,
        use_gpu: bool,
        tmp_bytes: int,
        cgroups: JobCgroups | None = None,
    ) -> None:
        self.work_root = work_root
        self.minimum = minimum
        self.threads = threads
        self.use_gpu = use_gpu
        self.tmp_bytes = tmp_bytes
        self.cgroups = cgroups
        self.harness: tuple[str, ...] = HARNESS
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
        isolation = self.isolation()
        sandbox: WarmSandbox | None = None
        try:
            sandbox = WarmSandbox(
                self.work_root,
                isolation,
                threads=self.threads,
                use_gpu=self.use_gpu,
                cgroups=self.cgroups,
                harness=self.harness,
            )
            sandbox.start(self.tmp_bytes)
        except OSError as exc:
            if sandbox is not None:
                sandbox.close()
            raise SandboxDidNotStart(FailureClass.INFRASTRUCTURE, f"cannot start a sandbox: {exc}") from exc
        return sandbox

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> Ready:
        """Block until the spare has imported everything (starting one if there is none); what it found."""
        self.warm_up()
        with self._lock:
            spare = self._spare
        assert spare is not None
        return spare.wait_ready(timeout)

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
