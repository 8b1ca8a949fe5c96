"""The trusted side of a submission in the sandbox: a module-like proxy that forwards calls.

Every reply is read under a deadline for the whole message, checked against the protocol's
schema (judge/engine/protocol.py) and decoded as data (judge/engine/wire.py) within a size
budget. Anything that goes wrong on the submission's side becomes a ``SubmissionFailure``
carrying the verdict it implies; the runner reads it. After a time-out the submission is halted:
its later tests are not run, so a looping file costs about one test's limit.
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

from judge.engine import fastpickle, protocol, wire
from judge.engine.sandbox import Engine
from judge.errors import SandboxError
from judge.model import Limits

fastpickle.install()  # probes are pickled here, once per call: see judge.engine.fastpickle


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


class SubmissionNotRun(SubmissionTimeout):
    """A test skipped because an earlier one ran out of time (or the submission's budget did)."""


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
    return cls(message, remote_type)


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
        self._spent = 0.0  # seconds this test spent waiting on the submission
        self._total = 0.0  # the same, over the whole run
        self._new_test = True
        self._spawned = False
        self.failure: SubmissionFailure | None = None
        self.halted: SubmissionFailure | None = None  # later tests are not run
        self.calls = 0
        self.end_status: dict[str, Any] = {}
        self.test_name = ""

    def begin_test(self, name: str = "") -> None:
        """Start a test's accounting: a full time budget, no calls, no output, no failure."""
        self._spent, self.calls, self.failure, self._new_test = 0.0, 0, None, True
        self.test_name = name
        if self._out is not None:
            self._out.data.clear()
            self._out.overflow = False

    def halt(self, why: str) -> None:
        """Skip the remaining tests (reported as not run, for ``why``)."""
        if self.halted is None:
            self.halted = SubmissionNotRun(f"not run: {why}")

    @property
    def waited(self) -> float:
        """Seconds the current test has spent waiting on the submission."""
        return self._spent

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
        """Spawn the job, send it the source and wait until it is imported (or failed to)."""
        if self._job is not None:
            return
        if self.halted is not None:
            raise self.halted
        try:
            job, sock, out_r = self._engine.spawn(self._limits, self._entry_points,
                                                  self._warm_optimizers)
        except SandboxError as exc:
            if not self._spawned:
                raise  # no code of this submission has run: the judge's own failure
            self._fail(SubmissionFailure(
                f"the judge's sandbox process stopped while running your code ({exc.message}); "
                "do not signal or stop processes you did not start"))
        self._spawned = True
        self._job, self._sock = job, sock
        self._out = _Output(out_r, int(self._limits.output_kb * 1024))
        self._await_setup()
        try:
            wire.send(sock, {"op": "source"}, [self._source])
        except OSError:
            self._died()
        # importing the submission has its own allowance, not charged to the first test
        header = self._receive(budget=self._limits.time_s, import_phase=True)[0]
        try:
            error = protocol.parse_ready(header)
        except protocol.ProtocolError as exc:
            self._fail(SubmissionFailure(f"your code's process sent a malformed message ({exc})"))
        if error is None:
            return
        text = error.describe()
        if error.kind == "memory":
            self._fail(SubmissionMemory(f"memory limit exceeded while importing: {text}"))
        if error.kind == "import-runtime":
            self._fail(SubmissionFailure(f"your file raised while being imported: {text}"))
        self._fail(SubmissionCompile(text))

    def _await_setup(self) -> None:
        """The job's world is built before it takes the source; a failure there is ours."""
        assert self._sock is not None and self._out is not None
        try:
            header, _ = wire.recv(self._sock, deadline=time.monotonic() + 30, max_header=64,
                                  max_blobs=0)
            if header != {"setup": True}:
                raise wire.WireError("unexpected setup message")
        except (EOFError, OSError, TimeoutError, wire.WireError) as exc:
            self.close(wait_s=1.0)
            detail = self._out.data.decode("utf-8", "replace")[-600:].strip()
            raise SandboxError(f"a job's sandbox could not be set up ({exc}): {detail}",
                               "This is the judge's failure, not the submission's; try "
                               "--sandbox none to rule out bubblewrap.") from None

    def close(self, wait_s: float = 0.0) -> None:
        if self._job is None:
            return
        job, self._job = self._job, None
        if self._sock is not None:
            self._sock.close()
        try:
            self.end_status = self._engine.finish(job, wait_s)
        except SandboxError:
            self.end_status = {"status": "sandbox-restarted"}
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
            if isinstance(failure, SubmissionTimeout) and self.halted is None:
                where = f"test {self.test_name}" if self.test_name else "an earlier test"
                self.halted = SubmissionNotRun(
                    f"not run: {where} exceeded the time limit, so the remaining tests were "
                    "skipped")
            self.close()  # the job may hold on to what broke it: the next test starts afresh
        raise failure

    def _request(self, header: dict[str, Any], payload: Any) -> Any:
        if self.failure is not None:
            raise self.failure
        if self.halted is not None:
            self.failure = self.halted
            raise self.halted
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
        raw, blobs = self._receive()
        try:
            reply = protocol.parse_reply(raw)
        except protocol.ProtocolError as exc:
            return self._fail(SubmissionFailure(
                f"your code's process sent a malformed reply ({exc})"))
        if reply.ok:
            try:
                return wire.decode(reply.value, blobs)
            except (wire.WireError, ValueError, RuntimeError, TypeError, OverflowError,
                    RecursionError, MemoryError) as exc:
                return self._fail(SubmissionBadResult(
                    f"your result could not be read: {str(exc)[:200]}"))
        error = reply.error
        assert error is not None
        text = error.describe()
        if error.kind == "memory":
            return self._fail(SubmissionMemory(
                f"memory limit ({self._limits.memory_mb} MB) exceeded: {text}"))
        if error.kind == "result":
            return self._fail(SubmissionBadResult(text))
        return self._fail(_raised(text, error.type))

    def _budget(self) -> tuple[float, str]:
        per_test = self._limits.time_s - self._spent
        overall = self._limits.total_s - self._total
        if overall < per_test:
            return overall, "total"
        return per_test, "test"

    def _receive(self, budget: float | None = None, import_phase: bool = False,
                 ) -> tuple[dict[str, Any], list[bytes]]:
        """Wait for the job's next reply within the time left, reading its output meanwhile."""
        assert self._sock is not None and self._out is not None
        which = "import"
        if budget is None:
            budget, which = self._budget()
        else:
            budget = min(budget, self._limits.total_s - self._total)
        start = time.monotonic()
        deadline = start + max(budget, 0.001)
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return self._timed_out(which)
                watch = [self._sock] + ([self._out.fd] if self._out.fd >= 0 else [])
                ready, _, _ = select.select(watch, [], [], left)
                if self._out.fd in ready:
                    self._out.drain()
                    if self._out.overflow:
                        return self._died()
                if self._sock in ready:
                    self._out.drain()  # what it printed before replying
                    try:
                        return wire.recv(self._sock, deadline=deadline,
                                         max_header=protocol.MAX_REPLY_HEADER,
                                         max_blobs=int(self._limits.result_mb * 1024 * 1024))
                    except TimeoutError:
                        return self._timed_out(which)
                    except wire.WireError as exc:
                        return self._fail(SubmissionFailure(
                            f"your code's process sent a malformed reply ({exc}); return "
                            f"plain data of at most {self._limits.result_mb:g} MB"))
        except (EOFError, OSError):
            return self._died()
        finally:
            elapsed = time.monotonic() - start
            self._total += elapsed
            if not import_phase:
                self._spent += elapsed

    def _timed_out(self, which: str) -> Any:
        self.close()
        if which == "import":
            text = (f"time limit exceeded: importing your file took more than "
                    f"{self._limits.time_s:g} s")
        elif which == "total":
            text = (f"time limit exceeded: your code used up the whole time budget for this "
                    f"question ({self._limits.total_s:g} s of wall time over all tests)")
        else:
            text = (f"time limit exceeded: your code ran for more than "
                    f"{self._limits.time_s:g} s of wall time in this test")
        return self._fail(SubmissionTimeout(text))

    def _died(self) -> Any:
        self.close(wait_s=2.0)
        status = self.end_status
        if self._out is not None and self._out.overflow:
            return self._fail(SubmissionOutput(
                f"output limit exceeded: your code printed more than "
                f"{self._limits.output_kb:g} KB"))
        if status.get("status") == "signaled":
            sig = int(status.get("signal", 0))
            if sig in (signal.SIGXCPU, signal.SIGKILL):
                return self._fail(SubmissionTimeout(
                    f"CPU time limit exceeded ({self._limits.cpu_s:g} s of CPU in this test)"))
            if sig == signal.SIGXFSZ:
                return self._fail(SubmissionFailure(
                    f"file size limit exceeded ({self._limits.file_size_mb:g} MB)"))
            name = str(status.get("signal_name", sig))[:40]
            extra = " (a segmentation fault)" if sig == signal.SIGSEGV else ""
            return self._fail(SubmissionFailure(f"your code's process crashed with {name}"
                                                f"{extra}"))
        if status.get("status") == "exited":
            code = status.get("code")
            return self._fail(SubmissionFailure(
                f"your code's process exited (exit code {code}) in the middle of the test; "
                "do not call sys.exit or os._exit"))
        return self._fail(SubmissionFailure(
            "your code's process closed its connection to the judge in the middle of the test"))
