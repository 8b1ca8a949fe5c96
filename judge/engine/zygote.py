"""The warm process inside the sandbox: imports torch once, then forks one child per job.

Run as ``python -I -m judge.engine.zygote FD`` with FD a Unix socket to the judge. Each job child gets
its own socket (for calls) and pipe (for its prints) passed over FD, drops to a per-job uid when
it can, sets resource limits, writes the submission into a fresh directory, imports it and
serves calls. Nothing here decides a verdict: the judge compares the data that comes back.
This module must import only the standard library, torch, cloudpickle and judge.engine.wire.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.util
import os
import resource
import shutil
import signal
import socket
import sys
import time
import traceback
from typing import Any

from judge.engine import wire

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MEMORY_MARKERS = ("can't allocate memory", "not enough memory", "DefaultCPUAllocator",
                  "out of memory", "std::bad_alloc")


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name may hold spaces or parentheses: split after the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def _descendants(root: int) -> list[int]:
    kids, out, todo = _children_map(), [], [root]
    while todo:
        for child in kids.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class Zygote:
    def __init__(self, ctl: socket.socket) -> None:
        self.ctl = ctl
        self.jobs: dict[int, dict[str, Any]] = {}
        self.privileged = os.geteuid() == 0 and os.environ.get("METAJUDGE_UID_SWITCH") == "1"
        self.optimizers_warm = False
        self.workroot = os.environ.get("METAJUDGE_WORKROOT", "/tmp/jobs")
        os.makedirs(self.workroot, exist_ok=True)
        if self.privileged:
            os.chmod(self.workroot, 0o1777)  # per-job uids each make their own 0700 folder

    def serve(self) -> None:
        wire.send(self.ctl, {"ready": True, "pid": os.getpid(), "uid_switch": self.privileged})
        while True:
            try:
                _, fds, _, _ = socket.recv_fds(self.ctl, 1, 2)
                header, blobs = wire.recv(self.ctl)
            except (EOFError, ConnectionError, OSError):
                self._kill_all()
                return
            op = header.get("op")
            cleanup = None
            if op == "spawn":
                reply = self._spawn(header, blobs, fds)
            elif op == "finish":
                reply, cleanup = self._finish(int(header["job"]), float(header.get("wait_s", 0)))
            elif op == "sync":
                reply = self._sync()
            else:
                reply = {"error": f"unknown op {op!r}"}
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass
            wire.send(self.ctl, reply)
            if cleanup is not None:
                # the judge goes on with its own work while we make sure the job is gone; the
                # next command is read only after this, so no job overlaps another
                cleanup()

    def _spawn(self, header: dict[str, Any], blobs: list[bytes], fds: list[int]) -> dict[str, Any]:
        if header.get("warm_optimizers") and not self.optimizers_warm:
            # the first optimizer costs torch a second or more (it imports torch._dynamo): pay
            # it once here, for every later job, when the question's code uses optimisers
            import torch

            _warm_optimizers(torch)
            gc.collect()
            gc.freeze()
            self.optimizers_warm = True
        job = int(header["job"])
        limits = header["limits"]
        uid = int(header["uid"]) if self.privileged and header.get("uid") else None
        pid = os.fork()
        if pid == 0:  # the job child: never returns
            try:
                _child(self.ctl, fds, blobs[0], limits, uid, self.workroot, job,
                       list(header.get("entry_points", [])))
            finally:
                os._exit(70)
        self.jobs[job] = {"pid": pid, "uid": uid, "start": time.monotonic()}
        return {"pid": pid}

    def _finish(self, job: int, wait_s: float) -> tuple[dict[str, Any], Any]:
        """How the job's process ended (waiting up to ``wait_s`` when it is expected to be dying),
        and a clean-up that kills everything it started."""
        info = self.jobs.pop(job, None)
        if info is None:
            return {"status": "unknown"}, None
        pid = info["pid"]
        status: dict[str, Any] = {"status": "killed"}
        deadline = time.monotonic() + wait_s
        while True:
            try:
                done, code = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, code = -1, 0
            if done == pid:
                status = _describe(code)
                break
            if done == -1 or time.monotonic() >= deadline:
                break
            time.sleep(0.002)
        try:
            os.killpg(pid, signal.SIGKILL)  # the job's own group first: usually all there is
        except (ProcessLookupError, PermissionError):
            pass

        def cleanup() -> None:
            self._kill_tree(pid, info["uid"])
            shutil.rmtree(os.path.join(self.workroot, f"job-{job}"), ignore_errors=True)

        return status, cleanup

    def _sync(self) -> dict[str, Any]:
        """Wait until every finished job's processes are gone (the judge asks at the end of a run)."""
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            leftover = [p for p in _descendants(os.getpid()) if not _is_zombie(p)]
            for victim in leftover:
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self._reap()
            if not leftover and not _descendants(os.getpid()):
                return {"ok": True}
            time.sleep(0.002)
        return {"ok": False}

    def _kill_tree(self, pid: int, uid: int | None) -> None:
        # A submission may fork, setsid and double-fork. Orphans are re-parented to us (we are a
        # child subreaper), so every process left is a descendant of ours; with a per-job uid we
        # also kill(-1) as that uid, which reaches everything it owns in one sweep.
        # The job's own process already has SIGKILL pending and runs no more code; not waiting
        # for the kernel to tear it down keeps the next job from waiting on it.
        self._reap()
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            victims = [p for p in _descendants(os.getpid()) if p != pid and not _is_zombie(p)]
            if uid is not None and victims:
                _kill_as(uid)  # the job left processes behind: sweep everything of its uid
            for victim in victims:
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self._reap()
            if not victims:
                return
            time.sleep(0.002)

    def _reap(self) -> int:
        count = 0
        while True:
            try:
                done, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return count
            if done == 0:
                return count
            count += 1

    def _kill_all(self) -> None:
        for job, info in list(self.jobs.items()):
            self._kill_tree(info["pid"], info["uid"])
            self.jobs.pop(job, None)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rfind(b")") + 2:][:1] == b"Z"
    except OSError:
        return True


def _kill_as(uid: int) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(3):
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    break
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _describe(code: int) -> dict[str, Any]:
    if os.WIFSIGNALED(code):
        sig = os.WTERMSIG(code)
        return {"status": "signaled", "signal": sig, "signal_name": signal.Signals(sig).name}
    return {"status": "exited", "code": os.WEXITSTATUS(code)}


def _set_limits(limits: dict[str, Any], uid: int | None) -> None:
    # soft limit only: each test raises it to the CPU used so far plus its own budget
    # (see _serve_job); the wall-clock limit, enforced from outside, is the hard stop
    cpu = max(1, int(limits["cpu_s"] + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.RLIM_INFINITY))
    size = int(limits["file_size_mb"] * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    vm = 0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                vm = int(line.split()[1]) * 1024
    budget = vm + int(limits["memory_mb"] * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    if uid is not None:
        # processes *and threads* of this uid; the uid is used by this job alone
        nproc = int(limits["processes"]) + 4
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def _child(ctl: socket.socket, fds: list[int], source: bytes, limits: dict[str, Any],
           uid: int | None, workroot: str, job: int, entry_points: list[str]) -> None:
    call_fd, out_fd = fds
    ctl.close()
    os.setpgid(0, 0)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    keep = {0, 1, 2, call_fd}
    for fd in os.listdir("/proc/self/fd"):
        if int(fd) not in keep:
            try:
                os.close(int(fd))
            except OSError:
                pass
    sock = socket.socket(fileno=call_fd)
    workdir = os.path.join(workroot, f"job-{job}")
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    os.makedirs(workdir, mode=0o700)
    os.chdir(workdir)
    os.environ["HOME"] = workdir
    os.environ["TMPDIR"] = workdir
    path = os.path.join(workdir, "submission.py")
    with open(path, "wb") as fh:
        fh.write(source)
    _set_limits(limits, uid)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.path[:] = [p for p in sys.path if p not in ("", ".", workdir)]
    _serve_job(sock, path, entry_points)


def _frames(exc: BaseException, path: str) -> list[dict[str, Any]]:
    out = []
    for fr in traceback.extract_tb(exc.__traceback__):
        if fr.filename == path:
            out.append({"line": fr.lineno, "function": fr.name, "code": (fr.line or "").strip()})
    return out


def _error(kind: str, exc: BaseException, path: str) -> dict[str, Any]:
    message = str(exc)
    if len(message) > 2000:
        message = message[:2000] + "..."
    info: dict[str, Any] = {"kind": kind, "type": type(exc).__name__, "message": message,
                            "frames": _frames(exc, path)}
    if isinstance(exc, SyntaxError) and exc.filename == path:
        info["frames"] = [{"line": exc.lineno, "function": "<module>",
                           "code": (exc.text or "").strip()}]
    return info


def _is_memory(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or (
        isinstance(exc, RuntimeError) and any(m in str(exc) for m in MEMORY_MARKERS))


def _reply(sock: socket.socket, header: dict[str, Any], blobs: list[bytes] | None = None) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    wire.send(sock, header, blobs or [])


def _serve_job(sock: socket.socket, path: str, entry_points: list[str]) -> None:
    import cloudpickle

    spec = importlib.util.spec_from_file_location("submission", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["submission"] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        _reply(sock, {"ready": False, "error": _error("syntax", exc, path)})
        return
    except ImportError as exc:
        _reply(sock, {"ready": False, "error": _error("import", exc, path)})
        return
    except BaseException as exc:  # noqa: BLE001 - anything at import time is the submission's
        kind = "memory" if _is_memory(exc) else "import-runtime"
        _reply(sock, {"ready": False, "error": _error(kind, exc, path)})
        return
    missing = [ep for ep in entry_points if not hasattr(module, ep)]
    if missing:
        _reply(sock, {"ready": False, "error": {
            "kind": "missing", "type": "MissingEntryPoint", "frames": [],
            "message": f"the submission does not define {', '.join(missing)}"}})
        return
    _reply(sock, {"ready": True})
    while True:
        try:
            header, blobs = wire.recv(sock)
        except (EOFError, OSError, wire.WireError):
            return
        if "cpu_s" in header:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            soft = int(usage.ru_utime + usage.ru_stime + float(header["cpu_s"])) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        try:
            payload = cloudpickle.loads(blobs[0])
            if header.get("op") == "call":
                args, kwargs = payload
                target = getattr(module, header["name"])
                result = target(*args, **kwargs)
            else:
                result = payload(module)
            del payload
        except BaseException as exc:  # noqa: BLE001 - report, never die silently
            kind = "memory" if _is_memory(exc) else "exception"
            info = _error(kind, exc, path)
            exc.__traceback__ = None
            del exc
            gc.collect()
            _reply(sock, {"ok": False, "error": info})
            continue
        try:
            tree, out = wire.encode(result)
        except (TypeError, RuntimeError, ValueError) as exc:
            _reply(sock, {"ok": False, "error": {"kind": "result", "type": "BadResult",
                                                 "message": str(exc), "frames": []}})
            continue
        del result
        _reply(sock, {"ok": True, "value": tree}, out)


def _warm_up(torch: Any) -> None:
    """Pay torch's lazy first-use costs (autograd, conv kernels) once, not per job."""
    try:
        net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                                  torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(8, 2))
        loss = torch.nn.functional.cross_entropy(net(torch.randn(2, 1, 4, 4)), torch.tensor([0, 1]))
        loss.backward()
        x = torch.randn(3, requires_grad=True)
        torch.autograd.grad((x * x).sum(), x, create_graph=True)
    except Exception:  # noqa: BLE001 - a warm-up must never stop the sandbox from starting
        pass


def _warm_optimizers(torch: Any) -> None:
    try:
        p = torch.nn.Parameter(torch.ones(2))
        for opt in (torch.optim.SGD([p], lr=0.1), torch.optim.Adam([p], lr=0.1)):
            p.grad = torch.ones(2)
            opt.step()
            opt.zero_grad()
    except Exception:  # noqa: BLE001 - a warm-up must never stop a job from starting
        pass


def main() -> None:
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _prctl(PR_SET_DUMPABLE, 0)
    ctl = socket.socket(fileno=int(sys.argv[1]))
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import warnings

    warnings.filterwarnings("ignore")
    import cloudpickle  # noqa: F401 - warm the import for every child
    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    import judge.testing  # noqa: F401 - probes use it

    for name in ("math", "random", "collections", "itertools", "functools", "dataclasses",
                 "typing", "torch.nn", "torch.nn.functional", "torch.optim", "numpy"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    _warm_up(torch)
    # Move everything imported so far out of the collector's reach: a child's garbage collection
    # would otherwise touch (and so copy-on-write) the whole pre-imported heap.
    gc.collect()
    gc.freeze()
    Zygote(ctl).serve()


if __name__ == "__main__":
    main()
