"""The trusted side of a submission in the sandbox: a module-like proxy that forwards calls.

Results are decoded as data (judge/engine/wire.py). Anything that goes wrong on the submission's side
becomes a ``SubmissionFailure`` carrying the verdict it implies; the runner reads it.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

import cloudpickle

from judge.engine import wire
from judge.engine.sandbox import Engine
from judge.model import Limits


class SubmissionFailure(Exception):
    """The submission failed in a way that decides the test's verdict."""

    verdict = "Runtime Error"
    fatal = True  # the job is gone; the verdict stands even if the test swallowed the error

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SubmissionRaised(SubmissionFailure):
    """The submission raised an exception inside a call (it may be expected by the test)."""

    fatal = False

    def __init__(self, message: str, remote_type: str) -> None:
        super().__init__(message)
        self.remote_type = remote_type


class SubmissionTimeout(SubmissionFailure):
    verdict = "Time Limit Exceeded"


class SubmissionMemory(SubmissionFailure):
    verdict = "Memory Limit Exceeded"


class SubmissionOutput(SubmissionFailure):
    verdict = "Output Limit Exceeded"


class SubmissionCompile(SubmissionFailure):
    verdict = "Compile Error"


class SubmissionBadResult(SubmissionFailure):
    verdict = "Wrong Answer"
    fatal = False


# Remote exceptions of these types are re-raised as subclasses of the same builtin, so a test
# can write ``with pytest.raises(ValueError): submission.f(bad_input)``.
_MIRRORED = {t.__name__: t for t in (ValueError, TypeError, IndexError, KeyError, RuntimeError,
                                     NotImplementedError, ZeroDivisionError, AttributeError,
                                     ArithmeticError, LookupError, StopIteration)}
_mirror_cache: dict[str, type[SubmissionRaised]] = {}


def _raised(message: str, remote_type: str) -> SubmissionRaised:
    base = _MIRRORED.get(remote_type)
    if base is None:
        return SubmissionRaised(message, remote_type)
    cls = _mirror_cache.get(remote_type)
    if cls is None:
        cls = type(f"Submission{remote_type}", (SubmissionRaised, base), {})
        _mirror_cache[remote_type] = cls
    exc = cls(message, remote_type)
    return exc


def describe_error(info: dict[str, Any]) -> str:
    """'ValueError: bad shape (submission.py line 12: x = y.view(3))'."""
    kind, typ, msg = info.get("kind"), str(info.get("type", "")), str(info.get("message", ""))
    frames = info.get("frames") or []
    text = f"{typ}: {msg}" if msg else typ
    if kind == "missing":
        text = msg
    if frames:
        last = frames[-1]
        text += f" (your line {last.get('line')}: {str(last.get('code', ''))[:120]})"
    return text


class _Output:
    """A job's stdout/stderr pipe, read without blocking while we wait for its replies.

    The child flushes its streams before every reply, so everything it printed during a call is
    in the pipe by the time the reply arrives. At most ``cap`` bytes are kept.
    """

    def __init__(self, fd: int, cap: int) -> None:
        os.set_blocking(fd, False)
        self.fd, self.cap = fd, cap
        self.data = bytearray()
        self.overflow = False

    def drain(self) -> None:
        while self.fd >= 0:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self.close()
                return
            room = self.cap - len(self.data)
            self.data += chunk[: max(room, 0)]
            if len(chunk) > room:
                self.overflow = True
                return

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class RemoteModule:
    """A submission in the sandbox, seen as a module: calls are forwarded to a job child.

    One job serves the tests of a run in turn (``begin_test`` resets the per-test time, CPU
    and output accounting); a failure that leaves the job unusable (a limit, a crash) ends it,
    and the next test gets a fresh one.
    """

    def __init__(self, engine: Engine, source: bytes, limits: Limits,
                 entry_points: tuple[str, ...], warm_optimizers: bool = False) -> None:
        self._engine, self._source, self._limits = engine, source, limits
        self._warm_optimizers = warm_optimizers
        self._entry_points = entry_points
        self._job: int | None = None
        self._sock: socket.socket | None = None
        self._out: _Output | None = None
        self._spent = 0.0
        self._new_test = True
        self.failure: SubmissionFailure | None = None
        self.calls = 0
        self.end_status: dict[str, Any] = {}

    def begin_test(self) -> None:
        """Start a test's accounting: a full time budget, no calls, no output, no failure."""
        self._spent, self.calls, self.failure, self._new_test = 0.0, 0, None, True
        if self._out is not None:
            self._out.data.clear()
            self._out.overflow = False

    # -- module-like surface

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._request({"op": "call", "name": name}, (args, kwargs))

        call.__name__ = name
        return call

    def run(self, probe: Callable[[Any], Any]) -> Any:
        return self._request({"op": "run"}, probe)

    # -- lifecycle

    def start(self) -> None:
        """Spawn the job and wait until the submission is imported (or failed to import)."""
        if self._job is not None:
            return
        job, sock, out_r = self._engine.spawn(self._source, self._limits, self._entry_points,
                                              self._warm_optimizers)
        self._job, self._sock = job, sock
        self._out = _Output(out_r, int(self._limits.output_kb * 1024))
        # importing the submission has its own allowance, so a slow machine does not eat the
        # test's time limit; a submission that sleeps at import still cannot wait forever
        header = self._receive(budget=3 * self._limits.time_s)[0]
        if not header.get("ready"):
            info = header.get("error") or {}
            text = describe_error(info)
            kind = info.get("kind")
            if kind == "memory":
                self._fail(SubmissionMemory(f"memory limit exceeded while importing: {text}"))
            if kind == "import-runtime":
                self._fail(SubmissionFailure(f"the submission raised while being imported: {text}"))
            self._fail(SubmissionCompile(text))

    def close(self, wait_s: float = 0.0) -> None:
        if self._job is None:
            return
        job, self._job = self._job, None
        if self._sock is not None:
            self._sock.close()
        self.end_status = self._engine.finish(job, wait_s)
        if self._out is not None:
            self._out.drain()
            self._out.close()

    @property
    def output(self) -> str:
        if self._out is None:
            return ""
        text = self._out.data.decode("utf-8", errors="replace")
        return text + ("\n[output truncated]" if self._out.overflow else "")

    # -- internals

    def _fail(self, failure: SubmissionFailure) -> Any:
        if failure.fatal:
            if self.failure is None:
                self.failure = failure
            self.close()  # the job may hold on to what broke it: the next test starts afresh
        raise failure

    def _request(self, header: dict[str, Any], payload: Any) -> Any:
        if self.failure is not None:
            raise self.failure
        self.start()
        assert self._sock is not None
        try:
            data = cloudpickle.dumps(payload)
        except Exception as exc:  # noqa: BLE001 - a test bug: surface it as an internal error
            raise RuntimeError(f"the test passed a value that cannot be sent: {exc}") from None
        self.calls += 1
        if self._new_test:
            header = {**header, "cpu_s": self._limits.cpu_s}  # a fresh CPU budget per test
            self._new_test = False
        try:
            wire.send(self._sock, header, [data])
        except OSError:
            self._died()
        reply, blobs = self._receive()
        if reply.get("ok"):
            try:
                return wire.decode(reply.get("value"), blobs)
            except (wire.WireError, ValueError, RuntimeError) as exc:
                self._fail(SubmissionBadResult(f"the submission's result could not be read: {exc}"))
        info = reply.get("error") or {}
        text = describe_error(info)
        if info.get("kind") == "memory":
            self._fail(SubmissionMemory(f"memory limit ({self._limits.memory_mb} MB) exceeded: {text}"))
        if info.get("kind") == "result":
            self._fail(SubmissionBadResult(text))
        return self._fail(_raised(text, str(info.get("type", ""))))

    def _receive(self, budget: float | None = None) -> tuple[dict[str, Any], list[bytes]]:
        """Wait for the job's next reply within the time left, reading its output meanwhile."""
        assert self._sock is not None and self._out is not None
        remaining = budget if budget is not None else self._limits.time_s - self._spent
        start = time.monotonic()
        deadline = start + max(remaining, 0.001)
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return self._timed_out(budget)
                watch = [self._sock] + ([self._out.fd] if self._out.fd >= 0 else [])
                ready, _, _ = select.select(watch, [], [], left)
                if self._out.fd in ready:
                    self._out.drain()
                    if self._out.overflow:
                        return self._died()
                if self._sock in ready:
                    self._out.drain()  # what it printed before replying
                    self._sock.settimeout(max(deadline - time.monotonic(), 0.001))
                    try:
                        return wire.recv(self._sock)
                    except TimeoutError:
                        return self._timed_out(budget)
        except (EOFError, OSError, wire.WireError):
            return self._died()
        finally:
            if budget is None:
                self._spent += time.monotonic() - start

    def _timed_out(self, budget: float | None) -> Any:
        self.close()
        if budget is not None:
            text = f"time limit exceeded: importing the submission took more than {budget:g} s"
        else:
            text = (f"time limit exceeded: the submission ran for more than "
                    f"{self._limits.time_s:g} s of wall time in this test")
        return self._fail(SubmissionTimeout(text))

    def _died(self) -> Any:
        self.close(wait_s=2.0)
        status = self.end_status
        if self._out is not None and self._out.overflow:
            return self._fail(SubmissionOutput(
                f"output limit exceeded: the submission printed more than "
                f"{self._limits.output_kb:g} KB"))
        if status.get("status") == "signaled":
            sig = int(status.get("signal", 0))
            if sig in (signal.SIGXCPU, signal.SIGKILL):
                return self._fail(SubmissionTimeout(
                    f"CPU time limit exceeded ({self._limits.cpu_s:g} s of CPU in this test)"))
            if sig == signal.SIGXFSZ:
                return self._fail(SubmissionFailure(
                    f"file size limit exceeded ({self._limits.file_size_mb:g} MB)"))
            name = status.get("signal_name", str(sig))
            extra = " (a segmentation fault)" if sig == signal.SIGSEGV else ""
            return self._fail(SubmissionFailure(f"the submission's process crashed with {name}"
                                                f"{extra}"))
        code = status.get("code")
        return self._fail(SubmissionFailure(
            f"the submission's process exited (exit code {code}) in the middle of the test; "
            "do not call sys.exit or os._exit"))
