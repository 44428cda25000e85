"""A seccomp filter the harness installs on itself before it opens the submitted file.

Default allow with a deny list: an allow list is impractical for PyTorch and onnxruntime. The deny list
takes away networking sockets (UNIX sockets stay for thread pools), debugging other processes, and the
syscalls that change namespaces, mounts or the kernel.
"""

from __future__ import annotations

import errno
import socket

DENIED_SYSCALLS = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "io_uring_setup",
    "kexec_load",
    "init_module",
    "finit_module",
    "delete_module",
    "personality",
)
DENIED_SOCKET_FAMILIES = (socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK, socket.AF_PACKET)


def install_seccomp_filter() -> bool:
    """Load the filter into this process (and its future threads); False where libseccomp is missing."""
    try:
        import pyseccomp as sc
    except (ImportError, OSError):
        return False
    denied = sc.ERRNO(errno.EPERM)
    rules = sc.SyscallFilter(defaction=sc.ALLOW)
    for family in DENIED_SOCKET_FAMILIES:
        rules.add_rule(denied, "socket", sc.Arg(0, sc.EQ, family))
    for name in DENIED_SYSCALLS:
        rules.add_rule(denied, name)
    rules.load()
    return True
