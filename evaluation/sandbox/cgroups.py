"""A cgroup v2 memory limit per sandboxed job, where the machine lets the worker make one.

RLIMIT_AS cannot bound a GPU job (CUDA reserves huge virtual ranges), and it counts address space, not
memory. A cgroup counts what the job really holds, its private /tmp included, and the kernel's OOM killer
stops the whole job at the limit. Each sandbox gets its own cgroup, under one parent folder that has the
memory controller for its children, and is put into it before it runs (`enter_command`): a process
moved in later would leave its already-started children outside.

The parent is EVAL_CGROUP_ROOT when set; else, as root on a cgroup v2 machine, `clueboard-eval` under the
hierarchy's root. Where neither works the worker logs why and runs without (see `job_cgroups`).
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CGROUP_MOUNT = Path("/sys/fs/cgroup")
DEFAULT_PARENT_NAME = "clueboard-eval"
REMOVE_TIMEOUT_SECONDS = 5.0


class CgroupUnavailable(Exception):
    """No per-job cgroup with a memory limit can be made here; the message says why."""


@dataclass(frozen=True)
class JobCgroup:
    path: Path

    def enter_command(self, argv: list[str]) -> list[str]:
        """`argv`, started inside this cgroup: the shell moves itself in, then becomes the program."""
        script = 'echo $$ > "$1" && shift && exec "$@"'
        return ["sh", "-c", script, "cgroup-enter", str(self.path / "cgroup.procs"), *argv]

    def limit_memory(self, memory_bytes: int) -> None:
        """Cap the job's memory (no swap to hide in); at the cap the kernel kills the whole job."""
        _write(self.path / "memory.max", str(memory_bytes))
        for name, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
            if (self.path / name).exists():
                _write(self.path / name, value)

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of this job for reaching the memory cap."""
        try:
            events = (self.path / "memory.events").read_text()
        except OSError:
            return False
        counts = dict(line.split() for line in events.splitlines() if len(line.split()) == 2)
        return int(counts.get("oom_kill", "0")) > 0

    def kill(self) -> None:
        """SIGKILL every process in the cgroup, also those that left the harness's process group."""
        if (self.path / "cgroup.kill").exists():
            with contextlib.suppress(OSError):
                _write(self.path / "cgroup.kill", "1")

    def remove(self) -> None:
        """Kill whatever is left in the cgroup and remove it."""
        self.kill()
        deadline = time.monotonic() + REMOVE_TIMEOUT_SECONDS
        while True:
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


@dataclass(frozen=True)
class JobCgroups:
    """Makes one cgroup per sandbox under `parent`, whose children have the memory controller."""

    parent: Path

    def create(self) -> JobCgroup:
        path = self.parent / f"job-{uuid.uuid4().hex}"
        path.mkdir()
        return JobCgroup(path)


def job_cgroups(configured_parent: str = "") -> JobCgroups:
    """The per-job cgroup maker for this machine; raises CgroupUnavailable with the reason."""
    if configured_parent:
        parent = Path(configured_parent)
    else:
        if os.geteuid() != 0:
            raise CgroupUnavailable("not root and EVAL_CGROUP_ROOT is not set")
        _enable_memory_for_children(CGROUP_MOUNT)
        parent = CGROUP_MOUNT / DEFAULT_PARENT_NAME
    try:
        parent.mkdir(exist_ok=True)
    except OSError as exc:
        raise CgroupUnavailable(f"cannot make {parent}: {exc.strerror}") from exc
    _enable_memory_for_children(parent)
    cgroups = JobCgroups(parent)
    _try_one(cgroups)
    return cgroups


def _enable_memory_for_children(folder: Path) -> None:
    try:
        controllers = (folder / "cgroup.controllers").read_text().split()
    except OSError as exc:
        raise CgroupUnavailable(f"{folder} is not a cgroup v2 folder") from exc
    if "memory" not in controllers:
        raise CgroupUnavailable(f"the memory controller is not available in {folder}")
    if "memory" in (folder / "cgroup.subtree_control").read_text().split():
        return
    try:
        _write(folder / "cgroup.subtree_control", "+memory")
    except OSError as exc:
        raise CgroupUnavailable(
            f"cannot enable the memory controller below {folder}: {exc.strerror}"
        ) from exc


def _try_one(cgroups: JobCgroups) -> None:
    try:
        probe = cgroups.create()
    except OSError as exc:
        raise CgroupUnavailable(f"cannot make a cgroup in {cgroups.parent}: {exc.strerror}") from exc
    try:
        if not (probe.path / "memory.max").exists():
            raise CgroupUnavailable(f"cgroups in {cgroups.parent} have no memory.max")
    finally:
        probe.remove()


def _write(path: Path, value: str) -> None:
    with path.open("w") as handle:
        handle.write(value)
