"""Escape probes: code run inside the sandbox configuration finds no network, no secrets, no way out."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluation.sandbox.isolation import IsolationLevel, SandboxBinds, probe_isolation, wrap_command

REPORT = probe_isolation()
pytestmark = pytest.mark.skipif(
    REPORT.level < IsolationLevel.FULL,
    reason=f"this machine offers {REPORT.describe()}; the probes need full",
)

PROBE = textwrap.dedent(
    """
    import json, os, socket, sys
    sys.path.insert(0, "/app")
    from evaluation.sandbox.seccomp import install_seccomp_filter
    results = {"uid": os.getuid()}
    status = open("/proc/self/status").read()
    results["cap_eff_zero"] = "CapEff:\\t0000000000000000" in status
    results["no_new_privs"] = "NoNewPrivs:\\t1" in status
    def attempt(name, action):
        try:
            action()
            results[name] = "allowed"
        except OSError as exc:
            results[name] = type(exc).__name__
    attempt("connect_host", lambda: socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2))
    attempt("read_root_only", lambda: open("/secret/root-only.txt").read())
    attempt("see_hidden_root", lambda: os.listdir(sys.argv[2]))
    attempt("write_usr", lambda: open("/usr/clueboard-probe", "w"))
    attempt("write_root", lambda: open("/clueboard-probe", "w"))
    attempt("fill_tmp", lambda: open("/tmp/big", "wb").write(b"0" * (8 * 1024 * 1024)))
    results["seccomp"] = install_seccomp_filter()
    attempt("inet_socket_after_seccomp", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    attempt("unix_socket_after_seccomp", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close())
    print(json.dumps(results))
    """
)


@pytest.fixture
def host_listener() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_probes_find_the_sandbox_closed(tmp_path: Path, host_listener: int) -> None:
    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    secret = secret_dir / "root-only.txt"
    secret.write_text("labels")
    secret.chmod(0o600)
    hidden_root = tmp_path / "hidden"
    hidden_root.mkdir()
    command = wrap_command(
        bwrap=str(REPORT.bwrap),
        as_root=REPORT.as_root,
        binds=SandboxBinds(read_only=[(str(secret_dir), "/secret")], writable=[]),
        env={"PATH": "/usr/bin:/bin"},
        tmp_bytes=4 * 1024 * 1024,
        argv=[sys.executable, "-c", PROBE, str(host_listener), str(hidden_root)],
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["uid"] == 65534 or not REPORT.as_root
    assert seen["cap_eff_zero"] and seen["no_new_privs"]
    assert seen["connect_host"] != "allowed"
    assert seen["read_root_only"] == "PermissionError" or not REPORT.as_root
    assert seen["see_hidden_root"] == "FileNotFoundError"
    assert seen["write_usr"] != "allowed"
    assert seen["write_root"] != "allowed"
    assert seen["fill_tmp"] != "allowed"  # the private tmpfs is size-capped
    assert seen["seccomp"] is True
    assert seen["inet_socket_after_seccomp"] == "PermissionError"
    assert seen["unix_socket_after_seccomp"] == "allowed"


def test_the_worker_reports_its_isolation() -> None:
    assert REPORT.describe().startswith("isolation=full")
    assert os.environ.get("CLUEBOARD_SANDBOX") is None  # the probe ran in a child, not in this process


def test_the_private_tmp_is_mounted_before_binds_so_it_hides_none_of_them() -> None:
    command = wrap_command(
        bwrap="bwrap",
        as_root=False,
        binds=SandboxBinds(read_only=[("/tmp/checkout/.venv", "/tmp/checkout/.venv")], writable=[]),
        env={},
        tmp_bytes=1024,
        argv=["true"],
    )
    tmpfs_at = command.index("--tmpfs")
    under_tmp = [
        i
        for i, arg in enumerate(command[:-1])
        if arg in ("--ro-bind", "--bind") and command[i + 2].startswith("/tmp/")
    ]
    assert under_tmp and all(tmpfs_at < i for i in under_tmp)


def test_a_device_node_the_worker_passes_in_is_present_inside_the_sandbox() -> None:
    """GPU device nodes are bound after the sandbox's own /dev: bound before it, the new /dev hid them
    and CUDA quietly found no device. /dev/null stands in for /dev/nvidia0 on a machine without one."""
    inside = "/dev/clueboard-probe-gpu"
    command = wrap_command(
        bwrap=str(REPORT.bwrap),
        as_root=REPORT.as_root,
        binds=SandboxBinds(read_only=[], writable=[], devices=[("/dev/null", inside)]),
        env={"PATH": "/usr/bin:/bin"},
        tmp_bytes=1024 * 1024,
        argv=["/bin/sh", "-c", f"test -c {inside} && echo 'the device is there' > {inside}"],
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert command.index("--dev") < command.index("--dev-bind")
