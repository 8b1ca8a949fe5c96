"""The warm process inside the sandbox: imports torch once, then forks one child per job.

Run as ``python -I -m judge.engine.zygote FD`` with FD a Unix socket to the judge. For each job
the judge passes, over FD, the job's own socket (for calls) and pipe (for its prints); the child
builds its own world (judge/engine/job.py, judge/engine/isolation.py) and takes the submission's
source straight from the judge on its own socket. The zygote never receives a submission's code
or data, so nothing of one job can be found in the memory of the next.

This module must import only the standard library, torch, cloudpickle and judge.engine modules
that do the same.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import os
import signal
import socket
import sys
import tempfile
import time
from typing import Any

from judge.engine import isolation, job, wire

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


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


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rfind(b")") + 2:][:1] == b"Z"
    except OSError:
        return True


class Zygote:
    def __init__(self, ctl: socket.socket) -> None:
        self.ctl = ctl
        self.jobs: dict[int, dict[str, Any]] = {}
        self.in_bwrap = os.environ.get("METAJUDGE_BWRAP") == "1"
        self.privileged = os.geteuid() == 0 and os.environ.get("METAJUDGE_UID_SWITCH") == "1"
        self.optimizers_warm = False
        self.scratch = os.environ.get("METAJUDGE_WORKROOT") or tempfile.mkdtemp(prefix="jobs-")
        os.makedirs(self.scratch, exist_ok=True)
        os.chmod(self.scratch, 0o1733)  # each job makes its own folder here; none can list them
        self.pidns: isolation.PidNamespaces | None = None
        self.pidns_mode = ""  # "setns" or "double" once the probe found one that works
        self.isolation_error = ""
        if self.in_bwrap and os.environ.get("METAJUDGE_NO_JOB_ISOLATION") != "1":
            self.isolation_error = self._probe_isolation()
        elif self.in_bwrap:
            self.isolation_error = "turned off for a measurement"

    # -- start-up

    def _probe_isolation(self) -> str:
        """Build one job's world in a throw-away child; empty when it works here.

        Also finds how to give each job its own PID namespace: by resetting ours after each
        fork (one fork per job; needs CAP_SYS_ADMIN over our own PID namespace, as root), or by
        an intermediate child that creates the namespace and exits (rootless bubblewrap).
        """
        r, w = os.pipe()
        probe = os.fork()
        if probe == 0:
            os.close(r)
            try:
                own = isolation.PidNamespaces()
                own.before_fork()
                child = os.fork()
                if child == 0:
                    try:
                        isolation.private_world(1)
                        if self.privileged:
                            isolation.become(isolation_probe_uid())
                        else:
                            isolation.drop_capabilities()
                        os._exit(0)
                    except BaseException as exc:  # noqa: BLE001 - reported below
                        os.write(w, f"E{exc}".encode()[:300])
                        os._exit(1)
                _, status = os.waitpid(child, 0)
                if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
                    os._exit(1)
                try:
                    own.after_fork()
                    os.write(w, b"Ssetns")
                except OSError:
                    os.write(w, b"Sdouble")
                os._exit(0)
            except BaseException as exc:  # noqa: BLE001 - reported below
                os.write(w, f"E{exc}".encode()[:300])
                os._exit(1)
        os.close(w)
        os.waitpid(probe, 0)
        answer = os.read(r, 400).decode(errors="replace")
        os.close(r)
        if answer.startswith("Ssetns"):
            self.pidns = isolation.PidNamespaces()
            self.pidns_mode = "setns"
            return ""
        if answer.startswith("Sdouble"):
            self.pidns_mode = "double"
            return ""
        return f"no private PID namespace and /tmp per job ({answer[1:] or 'setup failed'})"

    @property
    def isolated(self) -> bool:
        return self.in_bwrap and self.pidns_mode != ""

    def serve(self) -> None:
        wire.send(self.ctl, {"ready": True, "pid": os.getpid(), "uid_switch": self.privileged,
                             "isolation": self.isolated, "isolation_error": self.isolation_error})
        while True:
            try:
                _, fds, _, _ = socket.recv_fds(self.ctl, 1, 2)
                header, blobs = wire.recv(self.ctl)
            except (EOFError, ConnectionError, OSError, wire.WireError):
                self._kill_all()
                return
            op = header.get("op")
            cleanup = None
            if op == "spawn" and len(fds) == 2:
                reply = self._spawn(header, fds)
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

    # -- jobs

    def _spawn(self, header: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        if header.get("warm_optimizers") and not self.optimizers_warm:
            # the first optimizer costs torch a second or more (it imports torch._dynamo): pay
            # it once here, for every later job, when the question's code uses optimisers
            import torch

            _warm_optimizers(torch)
            gc.collect()
            gc.freeze()
            self.optimizers_warm = True
        number = int(header["job"])
        uid = int(header["uid"]) if self.privileged and header.get("uid") else None
        setup = job.Setup(isolate=self.isolated, uid=uid, rootless=not self.privileged,
                          scratch=self.scratch, bwrap=self.in_bwrap)
        args = (fds, dict(header["limits"]), setup, list(header.get("entry_points", [])),
                [self.ctl.fileno()])
        if self.pidns_mode == "double":
            pid = self._fork_double(args)
            if pid < 0:
                return {"error": "could not create the job's PID namespace"}
        else:
            if self.pidns is not None:
                try:
                    self.pidns.before_fork()
                except OSError as exc:
                    return {"error": f"could not create the job's PID namespace: {exc}"}
            pid = os.fork()
            if pid == 0:  # the job child: never returns
                try:
                    job.run_child(*args)
                finally:
                    os._exit(70)
            if self.pidns is not None:
                self.pidns.after_fork()
        self.jobs[number] = {"pid": pid, "uid": uid, "start": time.monotonic()}
        return {"pid": pid}

    def _fork_double(self, args: tuple[Any, ...]) -> int:
        """Fork an intermediate child that creates the job's PID namespace, forks the job as
        its pid 1 and exits; the job is then re-parented to us (a child subreaper)."""
        r, w = os.pipe()
        middle = os.fork()
        if middle == 0:
            try:
                os.close(r)
                isolation.libc().unshare(isolation.CLONE_NEWPID)
                pid = os.fork()
                if pid == 0:
                    try:
                        os.close(w)
                        job.run_child(*args)
                    finally:
                        os._exit(70)
                os.write(w, str(pid).encode())
            finally:
                os._exit(0)
        os.close(w)
        os.waitpid(middle, 0)
        answer = os.read(r, 32)
        os.close(r)
        return int(answer) if answer.isdigit() else -1

    def _finish(self, number: int, wait_s: float) -> tuple[dict[str, Any], Any]:
        """How the job's process ended (waiting up to ``wait_s`` when it is expected to be dying),
        and a clean-up that kills everything it started."""
        info = self.jobs.pop(number, None)
        if info is None:
            return {"status": "unknown"}, None
        pid = info["pid"]
        status: dict[str, Any] = {"status": "killed"}
        deadline = time.monotonic() + wait_s
        reaped = False
        while True:
            try:
                done, code = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, code = -1, 0
            if done == pid:
                status, reaped = _describe(code), True
                break
            if done == -1 or time.monotonic() >= deadline:
                break
            time.sleep(0.002)
        try:
            # pid 1 of its own namespace: its death takes every process of the job with it.
            # Without namespaces, its own process group is usually all there is.
            os.kill(pid, signal.SIGKILL) if self.isolated else os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

        def cleanup() -> None:
            if not reaped:
                _reap_pid(pid, 5.0)
            self._kill_tree(pid, info["uid"])

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
        # Without a PID namespace per job, a submission may fork, setsid and double-fork. Orphans
        # are re-parented to us (we are a child subreaper), so every process left is a descendant
        # of ours; with a per-job uid we also kill(-1) as that uid, which reaches everything it
        # owns in one sweep. With namespaces this finds nothing: the kernel has done it.
        self._reap()
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            victims = [p for p in _descendants(os.getpid()) if p != pid and not _is_zombie(p)]
            if uid is not None and victims:
                _kill_as(uid)
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
        for number, info in list(self.jobs.items()):
            try:
                os.kill(info["pid"], signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._kill_tree(info["pid"], info["uid"])
            self.jobs.pop(number, None)


def isolation_probe_uid() -> int:
    return int(os.environ.get("METAJUDGE_PROBE_UID", "0")) or 65534


def _reap_pid(pid: int, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done == pid:
            return
        time.sleep(0.001)


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
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return {"status": "signaled", "signal": sig, "signal_name": name}
    return {"status": "exited", "code": os.WEXITSTATUS(code)}


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
