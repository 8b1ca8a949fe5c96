"""Start the warm sandbox (bubblewrap when it works, else a plain process) and run jobs in it.

The engine owns one zygote process (judge/engine/zygote.py) that imported torch once. Each job is
a fresh child forked from it, so judging many submissions pays the import once. The judge talks
to the zygote over a control socket with a deadline on every exchange: a zygote that stops
answering is killed and replaced, never waited on forever.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

from judge.engine import wire
from judge.errors import SandboxError
from judge.model import Limits

MODES = ("auto", "bwrap", "none")
UID_BASE = 200_000  # per-job uids live in [UID_BASE, UID_BASE + UID_BLOCKS * UID_BLOCK)
UID_BLOCK = 1000
UID_BLOCKS = 1000
CONTROL_TIMEOUT_S = 30.0  # the zygote answers every control message in milliseconds
START_TIMEOUT_S = 120.0  # importing torch on a busy machine


def state_dir() -> Path:
    """A folder only this user can write, for locks and runtime files.

    ``$XDG_RUNTIME_DIR/metajudge`` when the session has one, else ``$TMPDIR/metajudge-<uid>``.
    An existing folder is used only if it is a real folder owned by us and closed to others.
    """
    uid = os.geteuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "metajudge" if runtime and os.path.isdir(runtime) else \
        Path(tempfile.gettempdir()) / f"metajudge-{uid}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(base)
    except OSError as exc:
        raise SandboxError(f"cannot create the judge's state folder {base} ({exc.strerror})",
                           "Set TMPDIR or XDG_RUNTIME_DIR to a folder you can write.") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid or info.st_mode & 0o022:
        raise SandboxError(f"the judge's state folder {base} is not a private folder of yours",
                           "Remove it (another user may have made it), or set TMPDIR to a "
                           "folder of your own.")
    return base


def _claim_uid_block() -> tuple[int, Any]:
    """A block of uids no other engine on this machine uses, held by a lock for our lifetime.

    Only root switches jobs to per-job uids. Jobs of two judges running at once must never
    share a uid: a job's process limit and clean-up are per uid.
    """
    import fcntl
    import random

    lock_dir = state_dir() / "uids"
    lock_dir.mkdir(mode=0o700, exist_ok=True)
    for block in random.sample(range(UID_BLOCKS), UID_BLOCKS):
        try:
            fd = os.open(lock_dir / f"{block}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError:
            continue
        handle = os.fdopen(fd, "w")
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
    uid_switch: bool  # root: each job runs as a uid of its own
    warning: str  # empty when every protection is on
    privilege: str = ""  # "root" or "rootless"
    isolation: bool = False  # each job has its own PID, mount and IPC namespaces
    protections_off: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One phrase for a summary line: 'bwrap, rootless' or 'none, root (… off)'."""
        text = f"{self.mode}, {self.privilege}"
        if self.protections_off:
            text += f" ({'; '.join(self.protections_off)} off)"
        return text


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
           "--dir", "/dev/shm",
           # nothing but /tmp is writable, even to the zygote; each job gets a /tmp of its own
           "--remount-ro", "/dev", "--remount-ro", "/",
           "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp",
           "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
           "--setenv", "METAJUDGE_WORKROOT", "/tmp/jobs", "--setenv", "METAJUDGE_BWRAP", "1",
           "--chdir", "/tmp"]
    if privileged:
        # Root outside: the zygote keeps only what it needs (switching each job to a uid of its
        # own, building the job's namespaces, killing the job); the job keeps nothing.
        cmd += ["--setenv", "METAJUDGE_UID_SWITCH", "1", "--cap-drop", "ALL",
                "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_KILL"]
    else:
        # Rootless: capabilities inside bubblewrap's own user namespace only, to build each
        # job's namespaces; the job drops them before any of its code runs.
        cmd += ["--unshare-user", "--cap-add", "CAP_SYS_ADMIN"]
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


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            fields = data[data.rfind(b")") + 2:].split()
            kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()
    except OSError:
        return b""


class Engine:
    """A warm sandbox. ``spawn`` starts a job child; ``finish`` kills it and all it started."""

    def __init__(self, mode: str = "auto", *, isolate_jobs: bool = True) -> None:
        """``isolate_jobs=False`` turns the per-job namespaces off: only for measuring their
        cost (benchmarks/grade_safety.py); the CLI never does."""
        if mode not in MODES:
            raise SandboxError(f"unknown sandbox mode {mode!r}", f"Use one of {', '.join(MODES)}.")
        use_bwrap = mode == "bwrap" or (mode == "auto" and bwrap_works())
        if mode == "bwrap" and not bwrap_works():
            raise SandboxError("bubblewrap is not usable here (--sandbox bwrap)",
                               "Install the 'bubblewrap' package, enable unprivileged user "
                               "namespaces, or pass --sandbox auto/none.")
        self._lock = threading.Lock()
        self._jobs = 0
        self.privileged = os.geteuid() == 0
        self._uid_lock: Any = None
        self.uid_base = 0
        if self.privileged:
            self.uid_base, self._uid_lock = _claim_uid_block()
        self._tmp = tempfile.mkdtemp(prefix="metajudge-")
        self._mode = "bwrap" if use_bwrap else "none"
        self._isolate_jobs = isolate_jobs
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._ctl = ours
        work = os.path.join(self._tmp, f"jobs-{self.restarts}")
        env = {"PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
               "HOME": self._tmp, "METAJUDGE_WORKROOT": work}
        if self._mode == "bwrap":
            cmd = bwrap_command(sys.executable, theirs.fileno(), self.privileged)
            if not self._isolate_jobs:
                cmd[cmd.index("--clearenv") + 1:cmd.index("--clearenv") + 1] = [
                    "--setenv", "METAJUDGE_NO_JOB_ISOLATION", "1"]
        else:
            cmd = [sys.executable, "-I", "-m", "judge.engine.zygote", str(theirs.fileno())]
            if self.privileged:
                os.chmod(self._tmp, 0o711)  # per-job uids reach their own folder inside
                env["METAJUDGE_UID_SWITCH"] = "1"
        try:
            self._proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], env=env, cwd=self._tmp,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            raise SandboxError(f"could not start the sandbox: {exc}") from None
        finally:
            theirs.close()
        self._ready: dict[str, Any] | None = None

    def _wait_ready(self) -> dict[str, Any]:
        if self._ready is None:
            try:
                header, _ = wire.recv(self._ctl, deadline=time.monotonic() + START_TIMEOUT_S)
            except (EOFError, OSError, wire.WireError) as exc:
                err = ""
                if self._proc.poll() is not None and self._proc.stderr:
                    err = self._proc.stderr.read().decode(errors="replace")[-2000:]
                raise SandboxError(f"the sandbox failed to start ({exc}): {err.strip()}",
                                   "Try --sandbox none to rule out bubblewrap.") from None
            self._ready = header
        return self._ready

    @property
    def info(self) -> SandboxInfo:
        ready = self._wait_ready()
        isolated = bool(ready.get("isolation"))
        off: list[str] = []
        if self._mode == "none":
            off += ["file-system and network isolation", "a private /tmp per job"]
            if not self.privileged:
                off.append("the process limit")
        elif not isolated:
            off += ["a private /tmp and PID namespace per job"]
        warning = ""
        if self._mode == "none":
            warning = ("sandbox: none (bubblewrap unavailable): the submission runs with your "
                       "user's file and network access, limited only by CPU, memory, output, "
                       "process and file-size limits. Install bubblewrap for isolation.")
        elif not isolated:
            reason = str(ready.get("isolation_error", ""))[:200]
            warning = (f"sandbox: bwrap without per-job isolation ({reason}): jobs share the "
                       "sandbox's /tmp and can see each other's processes.")
        return SandboxInfo(self._mode, bool(ready.get("uid_switch")), warning,
                           "root" if self.privileged else "rootless", isolated, tuple(off))

    # -- control exchanges, each under a deadline

    def _exchange(self, code: bytes, header: dict[str, Any], fds: list[int] | None = None,
                  ) -> dict[str, Any]:
        deadline = time.monotonic() + CONTROL_TIMEOUT_S
        try:
            self._ctl.settimeout(CONTROL_TIMEOUT_S)
            socket.send_fds(self._ctl, [code], fds or [])
            wire.send(self._ctl, header)
            reply, _ = wire.recv(self._ctl, deadline=deadline)
        except (OSError, EOFError, wire.WireError) as exc:
            self._broken(f"the sandbox stopped answering: {exc}")
        if reply.get("error"):
            raise SandboxError(f"the sandbox failed: {str(reply['error'])[:300]}")
        return reply

    def _broken(self, why: str) -> NoReturn:
        """The zygote is gone or stuck: kill it and start a fresh one, then report ``why``."""
        self._kill_zygote()
        self.restarts += 1
        self._start()
        raise SandboxError(why)

    def _kill_zygote(self) -> None:
        try:
            self._ctl.close()
        except OSError:
            pass
        try:
            os.killpg(self._proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self._proc.kill()
            self._proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self._proc.stderr:
            self._proc.stderr.close()

    def spawn(self, limits: Limits, entry_points: tuple[str, ...],
              warm_optimizers: bool = False) -> tuple[int, socket.socket, int]:
        """Start a job; return (job id, call socket, read end of its output pipe).

        The caller sends the submission's source on the call socket: it never passes through
        the zygote.
        """
        ready = self._wait_ready()
        with self._lock:
            self._jobs += 1
            job = self._jobs
            call_ours, call_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            out_r, out_w = os.pipe()
            try:
                uid = self.uid_base + job % UID_BLOCK if ready.get("uid_switch") else None
                self._exchange(b"S", {"op": "spawn", "job": job, "limits": asdict(limits),
                                      "uid": uid, "entry_points": list(entry_points),
                                      "warm_optimizers": warm_optimizers},
                               [call_theirs.fileno(), out_w])
            except SandboxError:
                os.close(out_r)
                call_ours.close()
                raise
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
            return self._exchange(b"F", {"op": "finish", "job": job, "wait_s": wait_s})

    def sync(self) -> None:
        """Return once every process of every finished job is gone."""
        if self._ready is None:
            return
        with self._lock:
            self._exchange(b"Y", {"op": "sync"})

    def sandbox_pids(self) -> list[int]:
        """Every process of this sandbox, as pids of this machine (bubblewrap, the zygote and
        any job), parents before children."""
        kids = _children_map()
        out, todo = [], [self._proc.pid]
        while todo:
            pid = todo.pop(0)
            out.append(pid)
            todo.extend(kids.get(pid, []))
        return out

    def job_pids(self) -> list[int]:
        """Processes of jobs still alive (or not yet reaped): everything below the zygote."""
        pids = self.sandbox_pids()
        zygote = next((p for p in pids if b"judge.engine.zygote" in _cmdline(p)
                       and not _cmdline(p).split(b"\0")[0].endswith(b"bwrap")), None)
        if zygote is None:
            return []
        kids = _children_map()
        out, todo = [], list(kids.get(zygote, []))
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(kids.get(pid, []))
        return out

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
            if self._uid_lock is not None:
                self._uid_lock.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
