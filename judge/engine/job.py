"""A job child inside the sandbox: set up its own world, take the source, import it, serve calls.

The zygote forks this child and returns at once; everything here runs in the child. The source
arrives on the job's own socket straight from the judge, so the zygote (which later jobs are
forked from) never holds a submission's code. Nothing here decides a verdict: the judge compares
the data that comes back. Only the standard library, torch, cloudpickle and judge.engine modules
that use nothing else are imported.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import resource
import signal
import socket
import sys
import tempfile
import traceback
from typing import Any

from judge.engine import isolation, wire

PR_SET_PDEATHSIG = 1
MEMORY_MARKERS = ("can't allocate memory", "not enough memory", "DefaultCPUAllocator",
                  "out of memory", "std::bad_alloc")
MAX_SOURCE = 1024 * 1024
MAX_MESSAGE = 2000
MAX_FRAMES = 20
SETUP_FAILED = 71  # exit code of a child whose isolation could not be set up (the judge's fault)


class Setup:
    """How the zygote wants this job's world built."""

    def __init__(self, *, isolate: bool, uid: int | None, rootless: bool, scratch: str,
                 bwrap: bool = True) -> None:
        self.isolate, self.uid, self.rootless, self.scratch = isolate, uid, rootless, scratch
        self.bwrap = bwrap


def run_child(fds: list[int], limits: dict[str, Any], setup: Setup, entry_points: list[str],
              close_fds: list[int]) -> None:
    """The body of a job child. Never returns."""
    call_fd, out_fd = fds
    try:
        for fd in close_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        if not setup.isolate:
            # with a PID namespace per job, the sandbox's own end takes the job with it
            isolation.libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        keep = {0, 1, 2, call_fd}
        for name in os.listdir("/proc/self/fd"):
            if int(name) not in keep:
                try:
                    os.close(int(name))
                except OSError:
                    pass
        workdir = _build_world(limits, setup)
    except BaseException:  # noqa: BLE001 - no submission code has run: this is the judge's failure
        try:
            os.write(2, traceback.format_exc()[-1500:].encode())
        finally:
            os._exit(SETUP_FAILED)
    sock = socket.socket(fileno=call_fd)
    try:
        # before any submission code exists here: what the judge reads next is trustworthy
        wire.send(sock, {"setup": True})
        source = _receive_source(sock)
    except (OSError, EOFError, wire.WireError):
        os._exit(0)
    path = os.path.join(workdir, "submission.py")
    with open(path, "wb") as fh:
        fh.write(source)
    del source
    _set_limits(limits, setup)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.path[:] = [p for p in sys.path if p not in ("", ".", workdir)]
    _serve(sock, path, entry_points)
    os._exit(0)


def _build_world(limits: dict[str, Any], setup: Setup) -> str:
    workdir = isolation.private_world(int(limits.get("tmp_mb", 64))) if setup.isolate else ""
    if setup.uid is not None:
        isolation.become(setup.uid)
    elif setup.isolate:
        isolation.drop_capabilities()
    if setup.isolate:
        os.makedirs(workdir, mode=0o700)
    else:
        # a shared scratch folder (sticky, closed to listing): a fresh folder with a random name
        workdir = tempfile.mkdtemp(prefix="job-", dir=setup.scratch)
    os.chdir(workdir)
    os.environ["HOME"] = workdir
    os.environ["TMPDIR"] = workdir
    return workdir


def _receive_source(sock: socket.socket) -> bytes:
    header, blobs = wire.recv(sock, max_header=4096, max_blobs=MAX_SOURCE)
    if header.get("op") != "source" or len(blobs) != 1:
        raise wire.WireError("expected the source")
    return blobs[0]


def _set_limits(limits: dict[str, Any], setup: Setup) -> None:
    # The soft CPU limit is raised by each test to the CPU used so far plus its own budget (see
    # _serve); the hard limit bounds the whole submission. The wall-clock limits, enforced from
    # outside, are the real stop (as pid 1 of its namespace the job ignores a default SIGXCPU).
    cpu = max(1, int(limits["cpu_s"] + 0.999))
    hard = max(cpu, int(limits.get("total_s", 60) * 2) + 1)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
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
    # rootless, the count is per user namespace: bubblewrap's holds only this sandbox's tasks
    if setup.uid is not None or (setup.bwrap and setup.rootless):
        isolation.limit_processes(int(limits["processes"]) + 4, rootless=setup.uid is None)


def _frames(exc: BaseException, path: str) -> list[dict[str, Any]]:
    out = []
    for fr in traceback.extract_tb(exc.__traceback__):
        if fr.filename == path:
            out.append({"line": int(fr.lineno or 0), "function": str(fr.name)[:100],
                        "code": (fr.line or "").strip()[:200]})
    return out[-MAX_FRAMES:]


def _error(kind: str, exc: BaseException, path: str) -> dict[str, Any]:
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable message>"
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "..."
    info: dict[str, Any] = {"kind": kind, "type": type(exc).__name__[:100], "message": message,
                            "frames": _frames(exc, path)}
    if isinstance(exc, SyntaxError) and exc.filename == path:
        info["frames"] = [{"line": int(exc.lineno or 0), "function": "<module>",
                           "code": (exc.text or "").strip()[:200]}]
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


def _defined(module: Any) -> list[str]:
    return sorted(n for n, v in vars(module).items()
                  if not n.startswith("_") and callable(v) and getattr(v, "__module__", "") ==
                  "submission")[:20]


def _serve(sock: socket.socket, path: str, entry_points: list[str]) -> None:
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
    missing = [ep for ep in entry_points if not callable(getattr(module, ep, None))]
    if missing:
        defined = _defined(module)
        found = f"; it defines {', '.join(defined)}" if defined else "; it defines no function"
        _reply(sock, {"ready": False, "error": {
            "kind": "missing", "type": "MissingEntryPoint", "frames": [],
            "message": f"your file does not define {', '.join(missing)}{found}"}})
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
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
            resource.setrlimit(resource.RLIMIT_CPU, (min(soft, hard), hard))
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
                                                 "message": str(exc)[:MAX_MESSAGE],
                                                 "frames": []}})
            continue
        del result
        _reply(sock, {"ok": True, "value": tree}, out)
