"""A fresh world for each job, built inside the sandbox before any submission code runs.

Each job is the first process (pid 1) of its own PID namespace, with its own mount and IPC
namespaces: a private, size-capped ``/tmp`` and ``/dev/shm`` (new tmpfs mounts, gone with the
job), its own System V IPC, no view of the zygote or of earlier jobs' processes, and no way to
signal them. When the job's first process dies, the kernel kills everything else in its PID
namespace, so nothing it started can outlive it.

Only the standard library is used: this runs in the zygote and in job children.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import secrets
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWPID = 0x20000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
_CAP_VERSION_3 = 0x20080522
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4

_libc: Any = None


def libc() -> Any:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


class PidNamespaces:
    """Lets the zygote fork each job as pid 1 of a new PID namespace.

    ``unshare(CLONE_NEWPID)`` only changes where the *next* child is created, and can be done
    once per namespace the caller is in; entering our own namespace again with ``setns`` after
    each fork resets it, so every job gets a namespace of its own.
    """

    def __init__(self) -> None:
        self._own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def before_fork(self) -> None:
        _check(libc().unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")

    def after_fork(self) -> None:
        """In the zygote, right after the fork: later children are created here again."""
        _check(libc().setns(self._own, CLONE_NEWPID), "setns(pid)")


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    def enc(text: str | None) -> bytes | None:
        return text.encode() if text is not None else None

    _check(libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)),
           f"mount {target}")


def _mounts_under(prefix: str) -> list[str]:
    found = []
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        for line in fh:
            point = line.split()[4].replace("\\040", " ")
            if point.startswith(prefix + "/"):
                found.append(point)
    return sorted(set(found), key=len)


def private_world(tmp_mb: int) -> str:
    """In a job child: new mount and IPC namespaces, a fresh ``/tmp`` and ``/dev/shm``.

    The runtime may itself be mounted under ``/tmp`` (a checkout there): those read-only mounts
    are bound again on top of the new ``/tmp``. Returns the job's work folder, a fresh folder
    with an unpredictable name in its own ``/tmp``.
    """
    _check(libc().unshare(CLONE_NEWNS | CLONE_NEWIPC), "unshare(mount, ipc)")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    keep = {point: os.open(point, os.O_PATH | os.O_CLOEXEC) for point in _mounts_under("/tmp")}
    size = f"size={max(int(tmp_mb), 1)}m,nr_inodes=4096,mode=1777"
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, size)
    for point, fd in keep.items():
        os.makedirs(point, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", point, None, MS_BIND | MS_REC)
        os.close(fd)
    if os.path.isdir("/dev/shm"):
        # POSIX shared memory lives in the job's own /tmp quota, and goes with it
        shm = os.path.join("/tmp", ".shm")
        os.mkdir(shm, 0o1777)
        os.chmod(shm, 0o1777)
        _mount(shm, "/dev/shm", None, MS_BIND)
    return os.path.join("/tmp", f"job-{secrets.token_hex(8)}")


def drop_capabilities() -> None:
    """Give up every capability (the job runs as our own uid, rootless)."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc().prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, data = Header(_CAP_VERSION_3, 0), (Data * 2)()
    _check(libc().capset(ctypes.byref(header), data), "capset")


def become(uid: int) -> None:
    """Switch to a per-job uid (root only); this clears every capability."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def sandbox_tasks() -> int:
    """Processes and threads visible here: inside bubblewrap, every task of the sandbox."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


def limit_processes(extra: int, rootless: bool) -> None:
    """RLIMIT_NPROC so that the job can add at most ``extra`` processes or threads.

    The kernel counts a uid's tasks per user namespace. Rootless, the count is that of this
    sandbox's user namespace (bubblewrap's), which holds only the sandbox's own tasks, so the
    limit is what is running now plus ``extra``. As root, the job has a uid of its own.
    """
    base = sandbox_tasks() if rootless else 1
    limit = base + int(extra)
    resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
