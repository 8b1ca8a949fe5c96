"""Start the warm sandbox (bubblewrap when it works, else a plain process) and run jobs in it.

The engine owns one zygote process (judge/engine/zygote.py) that imported torch once. Each job is a
fresh child forked from it, so judging many submissions pays the import once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from judge.engine import wire
from judge.errors import SandboxError
from judge.model import Limits

MODES = ("auto", "bwrap", "none")
UID_BASE = 200_000  # per-job uids live in [UID_BASE, UID_BASE + UID_BLOCKS * UID_BLOCK)
UID_BLOCK = 1000
UID_BLOCKS = 1000


def _claim_uid_block() -> tuple[int, Any]:
    """A block of uids no other engine on this machine uses, held by a lock for our lifetime.

    Jobs of two judges running at once must never share a uid: the clean-up kills every
    process of a job's uid.
    """
    import fcntl
    import random

    lock_dir = Path(tempfile.gettempdir()) / "metajudge-uids"
    lock_dir.mkdir(mode=0o700, exist_ok=True)
    for block in random.sample(range(UID_BLOCKS), UID_BLOCKS):
        handle = open(lock_dir / f"{block}.lock", "w")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        return UID_BASE + block * UID_BLOCK, handle
    raise SandboxError("every per-job uid block is in use by other judges", "Retry later.")


@dataclass(frozen=True)
class SandboxInfo:
    mode: str  # "bwrap" or "none"
    uid_switch: bool
    warning: str  # empty when every protection is on


def _mounts() -> list[str]:
    """Read-only binds: the Python runtime, its packages and the judge's own code, nothing else."""
    import judge

    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(judge.__file__).resolve().parent}
    for entry in sys.path:
        if entry.endswith("site-packages") and Path(entry).is_dir():
            paths.add(Path(entry))
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / name
        if target.is_symlink():
            args += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            args += ["--ro-bind", str(target), str(target)]
    for extra in ("/etc/ld.so.cache", "/sys/devices/system/cpu"):
        args += ["--ro-bind-try", extra, extra]
    # bwrap makes missing parents 0700; a per-job uid must be able to walk through them
    parents = sorted({a for p in paths for a in p.parents if a != Path("/")}, key=lambda a: len(a.parts))
    for parent in parents:
        if not any(parent == p or parent in p.parents for p in (Path("/usr"),)):
            args += ["--perms", "0755", "--dir", str(parent)]
    for p in sorted(paths):
        args += ["--ro-bind", str(p), str(p)]
    return args


def bwrap_command(python: str, fd: int, privileged: bool) -> list[str]:
    cmd = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session",
           # /tmp first: the runtime may itself live under /tmp, and a later tmpfs would hide it
           "--tmpfs", "/tmp", *_mounts(), "--proc", "/proc", "--dev", "/dev",
           "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp",
           "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
           "--setenv", "METAJUDGE_WORKROOT", "/tmp/jobs", "--chdir", "/tmp"]
    if privileged:
        # Root outside: keep only the right to switch to a per-job uid, used once per child.
        cmd += ["--setenv", "METAJUDGE_UID_SWITCH", "1",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user"]
    return cmd + ["--", python, "-I", "-m", "judge.engine.zygote", str(fd)]


_probe_cache: dict[str, bool] = {}


def bwrap_works() -> bool:
    """Whether bubblewrap can create the namespaces we need here (asked once per process)."""
    if "ok" in _probe_cache:
        return _probe_cache["ok"]
    ok = False
    if shutil.which("bwrap"):
        cmd = bwrap_command(sys.executable, 0, os.geteuid() == 0)
        cmd = cmd[: cmd.index("--")] + ["--", "/usr/bin/true"]
        try:
            ok = subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
    _probe_cache["ok"] = ok
    return ok


class Engine:
    """A warm sandbox. ``spawn`` starts a job child; ``finish`` kills it and all it started."""

    def __init__(self, mode: str = "auto") -> None:
        if mode not in MODES:
            raise SandboxError(f"unknown sandbox mode {mode!r}", f"Use one of {', '.join(MODES)}.")
        use_bwrap = mode == "bwrap" or (mode == "auto" and bwrap_works())
        if mode == "bwrap" and not bwrap_works():
            raise SandboxError("bubblewrap is not usable here (--sandbox bwrap)",
                               "Install the 'bubblewrap' package, enable unprivileged user "
                               "namespaces, or pass --sandbox auto/none.")
        self._lock = threading.Lock()
        self._jobs = 0
        self.uid_base, self._uid_lock = _claim_uid_block()
        self._tmp = tempfile.mkdtemp(prefix="metajudge-")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._ctl = ours
        privileged = os.geteuid() == 0
        env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
               "HOME": self._tmp, "METAJUDGE_WORKROOT": os.path.join(self._tmp, "jobs")}
        if use_bwrap:
            cmd = bwrap_command(sys.executable, theirs.fileno(), privileged)
            warning = ""
        else:
            cmd = [sys.executable, "-I", "-m", "judge.engine.zygote", str(theirs.fileno())]
            warning = ("sandbox: none (bubblewrap unavailable): the submission runs with your "
                       "user's file and network access, limited only by CPU, memory, output, "
                       "process and file-size limits. Install bubblewrap for isolation.")
        try:
            self._proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], env=env, cwd=self._tmp,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            raise SandboxError(f"could not start the sandbox: {exc}") from None
        theirs.close()
        self._ready: dict[str, Any] | None = None
        self._mode = "bwrap" if use_bwrap else "none"
        self._warning = warning

    def _wait_ready(self) -> dict[str, Any]:
        if self._ready is None:
            try:
                header, _ = wire.recv(self._ctl)
            except (EOFError, OSError, wire.WireError) as exc:
                err = self._proc.stderr.read().decode(errors="replace")[-2000:] if self._proc.stderr else ""
                raise SandboxError(f"the sandbox failed to start ({exc}): {err.strip()}",
                                   "Try --sandbox none to rule out bubblewrap.") from None
            self._ready = header
        return self._ready

    @property
    def info(self) -> SandboxInfo:
        ready = self._wait_ready()
        return SandboxInfo(self._mode, bool(ready.get("uid_switch")), self._warning)

    def spawn(self, source: bytes, limits: Limits, entry_points: tuple[str, ...],
              warm_optimizers: bool = False) -> tuple[int, socket.socket, int]:
        """Start a job; return (job id, call socket, read end of its output pipe)."""
        ready = self._wait_ready()
        with self._lock:
            self._jobs += 1
            job = self._jobs
            call_ours, call_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            out_r, out_w = os.pipe()
            try:
                socket.send_fds(self._ctl, [b"S"], [call_theirs.fileno(), out_w])
                uid = self.uid_base + job % UID_BLOCK if ready.get("uid_switch") else None
                wire.send(self._ctl, {"op": "spawn", "job": job, "limits": asdict(limits),
                                      "uid": uid, "entry_points": list(entry_points),
                                      "warm_optimizers": warm_optimizers}, [source])
                wire.recv(self._ctl)
            except (OSError, EOFError, wire.WireError) as exc:
                os.close(out_r)
                call_ours.close()
                raise SandboxError(f"the sandbox stopped answering: {exc}") from None
            finally:
                call_theirs.close()
                os.close(out_w)
        return job, call_ours, out_r

    def finish(self, job: int, wait_s: float = 0.0) -> dict[str, Any]:
        """Kill the job and everything it started; return how its main process ended.

        ``wait_s``: how long to wait for the process to end by itself first (its connection
        closed, so it is exiting; waiting lets us report its real exit status or signal).
        """
        with self._lock:
            try:
                socket.send_fds(self._ctl, [b"F"], [])
                wire.send(self._ctl, {"op": "finish", "job": job, "wait_s": wait_s})
                header, _ = wire.recv(self._ctl)
            except (OSError, EOFError, wire.WireError) as exc:
                raise SandboxError(f"the sandbox stopped answering: {exc}") from None
        return header

    def sync(self) -> None:
        """Return once every process of every finished job is gone."""
        if self._ready is None:
            return
        with self._lock:
            try:
                socket.send_fds(self._ctl, [b"Y"], [])
                wire.send(self._ctl, {"op": "sync"})
                wire.recv(self._ctl)
            except (OSError, EOFError, wire.WireError) as exc:
                raise SandboxError(f"the sandbox stopped answering: {exc}") from None

    def close(self) -> None:
        try:
            self._ctl.close()
        finally:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stderr:
                self._proc.stderr.close()
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._uid_lock.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
