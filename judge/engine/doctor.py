"""``judge doctor``: test each protection of the sandbox on this machine, as a job would meet it.

Every check runs a real job in the engine (the same path a submission takes) and observes what
it could do: reach a loopback listener, read or write the judge's files, see an earlier job's
files, exceed the process or memory limit, signal the sandbox's own processes. The result is a
table of what holds here, in the mode the judge runs in (root or rootless, bwrap or none).
"""

from __future__ import annotations

import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.engine.remote import RemoteModule, SubmissionFailure
from judge.engine.sandbox import Engine
from judge.model import Limits

LIMITS = Limits(time_s=20, cpu_s=20, memory_mb=256, processes=8, total_s=120)


@dataclass(frozen=True)
class Check:
    name: str
    holds: bool
    detail: str


def _job(engine: Engine) -> RemoteModule:
    job = RemoteModule(engine, b"", LIMITS, ())
    job.start()
    job.begin_test("doctor")
    return job


def _run(engine: Engine, probe: Any) -> Any:
    job = _job(engine)
    try:
        return job.run(probe)
    except SubmissionFailure as exc:
        return {"failure": exc.verdict, "message": exc.message}
    finally:
        job.close()
        engine.sync()


def _probe_network(port: int) -> Any:
    def probe(module: Any) -> Any:
        import socket as s

        try:
            s.create_connection(("127.0.0.1", port), timeout=2).close()
            return True
        except OSError:
            return False
    return probe


def _probe_files(read: str, write_dir: str) -> Any:
    def probe(module: Any) -> Any:
        import os as o

        out = {"read": False, "write": False}
        try:
            with open(read, encoding="utf-8") as fh:
                out["read"] = bool(fh.read(10))
        except OSError:
            pass
        try:
            with open(o.path.join(write_dir, "doctor-escape"), "w") as fh:
                fh.write("x")
            out["write"] = True
        except OSError:
            pass
        return out
    return probe


def _probe_plant(module: Any) -> Any:
    import ctypes
    import os as o

    with open("/tmp/metajudge-doctor-note", "w") as fh:
        fh.write("x")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmget(0x4D4A0D0C, 4096, 0o1600)
    return o.getuid()


def _probe_find(module: Any) -> Any:
    import ctypes
    import os as o

    libc = ctypes.CDLL(None, use_errno=True)
    return {"file": o.path.exists("/tmp/metajudge-doctor-note"),
            "shm": libc.shmget(0x4D4A0D0C, 0, 0) != -1}


def _probe_fork(module: Any) -> Any:
    import os as o
    import time

    made = 0
    for _ in range(64):
        try:
            pid = o.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(30)
            o._exit(0)
        made += 1
    return made


def _probe_memory(module: Any) -> Any:
    try:
        block = bytearray(512 * 1024 * 1024)
        return len(block) > 0
    except MemoryError:
        return False


def _probe_signal(module: Any) -> Any:
    import os as o

    hit = 0
    for name in o.listdir("/proc"):
        if name.isdigit() and int(name) != o.getpid():
            try:
                o.kill(int(name), 0)  # the permission check of a real signal, nothing sent
                hit += 1
            except OSError:
                pass
    return hit


def diagnose(engine: Engine) -> list[Check]:
    """Run every check on ``engine``; each returns whether the protection held, and what was
    seen."""
    info = engine.info
    checks = [Check("sandbox", info.mode == "bwrap",
                    f"{info.mode}, {info.privilege}" + (f"; {info.warning}" if info.warning else ""))]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        reached = _run(engine, _probe_network(listener.getsockname()[1]))
    finally:
        listener.close()
    checks.append(Check("network", reached is False,
                        "a job could not reach a listener on 127.0.0.1" if reached is False
                        else "a job reached a listener on 127.0.0.1"))
    with tempfile.TemporaryDirectory(prefix="metajudge-doctor-") as outside:
        secret = Path(outside) / "secret.txt"
        secret.write_text("not for jobs")
        os.chmod(outside, 0o755)
        os.chmod(secret, 0o644)
        seen = _run(engine, _probe_files(str(secret), outside))
        escaped = (Path(outside) / "doctor-escape").exists()
    ok = isinstance(seen, dict) and not seen.get("read") and not escaped
    checks.append(Check("file system", ok, "a job could neither read nor write the judge's files"
                        if ok else f"a job could read or write outside its folder ({seen})"))
    uid = _run(engine, _probe_plant)
    found = _run(engine, _probe_find)
    ok = isinstance(found, dict) and not found.get("file") and not found.get("shm")
    checks.append(Check("fresh /tmp and IPC per job", ok,
                        "a job found nothing an earlier job left in /tmp or shared memory" if ok
                        else f"a job found what an earlier one left ({found})"))
    made = _run(engine, _probe_fork)
    ok = isinstance(made, int) and made <= LIMITS.processes + 4
    checks.append(Check("process limit", ok, f"a job could start {made} of 64 processes "
                        f"(limit {LIMITS.processes})"))
    big = _run(engine, _probe_memory)
    ok = big is False or (isinstance(big, dict) and big.get("failure") == "Memory Limit Exceeded")
    checks.append(Check("memory limit", ok, f"a 512 MB allocation was {'refused' if ok else 'allowed'}"
                        f" (limit {LIMITS.memory_mb} MB)"))
    hit = _run(engine, _probe_signal)
    ok = hit == 0
    checks.append(Check("sandbox processes", ok, "a job could not signal any process but its own"
                        if ok else f"a job could signal {hit} other processes"))
    checks.append(Check("per-job uid", info.uid_switch,
                        f"jobs run as uid {uid}" if info.uid_switch
                        else "rootless: jobs run as your uid" + (
                            ", in namespaces of their own" if info.isolation else "")))
    return checks
