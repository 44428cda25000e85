"""What isolation this machine can give a sandboxed run, and the command line that gets it.

Levels, weakest first: resource limits only; namespaces (bubblewrap: no network, a read-only view of
only what the run needs, a private tmpfs); full (namespaces as an unprivileged user, plus seccomp).
A worker logs the level it found and refuses untrusted work below the configured minimum.

As root, privileges are dropped *before* any namespace is made (setpriv, then bubblewrap in a user
namespace): a user namespace created by root could still read root-only files. Runtime folders that
the unprivileged user cannot reach (a Python under /root, say) are first bind-mounted, by root and
read-only, onto a public path inside a private mount namespace that only this sandbox sees.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

logger = logging.getLogger(__name__)

SANDBOX_UID = 65534  # nobody
SANDBOX_GID = 65534  # nogroup
EVALUATION_PACKAGE = Path(__file__).resolve().parents[1]
APP_DIR_IN_SANDBOX = "/app"
SANDBOX_TMP = "/tmp"  # noqa: S108 - inside the sandbox: a private, size-capped tmpfs


class IsolationLevel(IntEnum):
    RLIMITS = 1
    NAMESPACES = 2
    FULL = 3

    @classmethod
    def parse(cls, name: str) -> IsolationLevel:
        return cls[name.strip().upper()]


@dataclass(frozen=True)
class IsolationReport:
    level: IsolationLevel
    bwrap: str | None
    seccomp: bool
    as_root: bool
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"isolation={self.level.name.lower()}", f"bwrap={'yes' if self.bwrap else 'no'}"]
        parts += [
            f"seccomp={'yes' if self.seccomp else 'no'}",
            f"root_drop={'yes' if self.as_root else 'n/a'}",
        ]
        return " ".join(parts + self.notes)


@functools.cache
def probe_isolation() -> IsolationReport:
    """Try the sandbox once on this machine; cached for the life of the worker process."""
    as_root = os.geteuid() == 0
    seccomp = _seccomp_available()
    bwrap = shutil.which("bwrap")
    notes: list[str] = []
    if bwrap and not _bwrap_works(bwrap, as_root):
        notes.append("bwrap_failed_to_start")
        bwrap = None
    if bwrap is None:
        return IsolationReport(IsolationLevel.RLIMITS, None, seccomp, as_root, notes)
    level = IsolationLevel.FULL if seccomp else IsolationLevel.NAMESPACES
    return IsolationReport(level, bwrap, seccomp, as_root, notes)


def _seccomp_available() -> bool:
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _bwrap_works(bwrap: str, as_root: bool) -> bool:
    command = wrap_command(
        bwrap=bwrap,
        as_root=as_root,
        binds=SandboxBinds(read_only=[], writable=[]),
        env={},
        tmp_bytes=1 << 20,
        argv=["/usr/bin/true"],
    )
    try:
        result = subprocess.run(command, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    if result.returncode != 0:
        logger.warning("bubblewrap does not start here: %s", result.stderr.decode(errors="replace")[-300:])
    return result.returncode == 0


@dataclass(frozen=True)
class SandboxBinds:
    read_only: list[tuple[str, str]]  # (host path, path inside)
    writable: list[tuple[str, str]]
    devices: list[tuple[str, str]] = field(default_factory=list)  # device nodes the run may use


def runtime_binds() -> list[tuple[str, str]]:
    """The interpreter, its packages and our evaluation package, read-only, at the paths they expect."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    binds = [(root, root) for root in sorted(roots)]
    binds.append((str(EVALUATION_PACKAGE), f"{APP_DIR_IN_SANDBOX}/evaluation"))
    return binds


def gpu_device_binds() -> list[tuple[str, str]]:
    """The host's NVIDIA device nodes (and the nvidia-caps folder), each at its own path inside."""
    return [(str(device), str(device)) for device in sorted(Path("/dev").glob("nvidia*"))]


def _system_binds() -> list[str]:
    """/usr and the merged-/usr links, and the loader cache."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return args


def _traversable_by_others(path: str) -> bool:
    current = Path(path)
    return all(os.stat(folder).st_mode & 0o001 for folder in [current, *current.parents])


def wrap_command(
    *,
    bwrap: str,
    as_root: bool,
    binds: SandboxBinds,
    env: dict[str, str],
    tmp_bytes: int,
    argv: list[str],
) -> list[str]:
    """The full command: [root: private mount ns + privilege drop] + bubblewrap + the program."""
    read_only = runtime_binds() + binds.read_only
    hidden = [(host, "ro") for host, _ in read_only] + [(host, "rw") for host, _ in binds.writable]
    hidden = [(host, mode) for host, mode in hidden if as_root and not _traversable_by_others(host)]
    public = {host: _public_mount_point(index) for index, (host, _) in enumerate(hidden)}
    inner = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
    ]
    inner += ["--clearenv", "--cap-drop", "ALL", *_system_binds()]
    # The private /tmp and the new /dev come before the binds: mounted after them, each would hide the
    # binds under it (a GPU's device nodes bound before `--dev /dev` vanish, and CUDA finds no device).
    inner += ["--proc", "/proc", "--dev", "/dev", "--size", str(tmp_bytes), "--tmpfs", SANDBOX_TMP]
    for host, inside in binds.devices:
        inner += ["--dev-bind", host, inside]
    for host, inside in read_only:
        inner += ["--ro-bind", public.get(host, host), inside]
    for host, inside in binds.writable:
        inner += ["--bind", public.get(host, host), inside]
    for name, value in env.items():
        inner += ["--setenv", name, value]
    # The root itself is an unbounded tmpfs: read-only, so the capped /tmp is the only place to write.
    inner += ["--chdir", SANDBOX_TMP, "--remount-ro", "/"]
    inner += argv
    if not as_root:
        return inner
    drop = ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_GID}", "--clear-groups"]
    drop += ["--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--"]
    mounts = [f"mount --bind -o {mode} '{host}' '{public[host]}'" for host, mode in hidden]
    script = " && ".join([*mounts, 'exec "$@"'])
    return [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        script,
        "sandbox",
        *drop,
        *inner,
    ]


def _public_mount_point(index: int) -> str:
    point = Path(tempfile.gettempdir()) / "clueboard-sandbox-mounts" / str(index)
    point.mkdir(parents=True, exist_ok=True)
    for folder in (point.parent, point):
        os.chmod(folder, 0o755)  # noqa: S103 - an empty mount point the sandbox user must traverse
    return str(point)
