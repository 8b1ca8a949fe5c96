"""Run a question's public or hidden tests against a submission and build the results document.

The tests, the reference and every comparison run here, in the trusted process, under pytest.
The submission only ever runs in the sandbox (judge/engine/sandbox.py) behind ``RemoteModule``.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import io
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
import torch

import judge.testing
from judge.engine.files import read_source
from judge.engine.remote import RemoteModule, SubmissionFailure, SubmissionRaised
from judge.engine.sandbox import Engine, SandboxInfo
from judge.errors import UsageError
from judge.model import Limits, Question

ACCEPTED = "Accepted"
WRONG = "Wrong Answer"
TLE = "Time Limit Exceeded"
INTERNAL = "Internal Error"
COMPILE = "Compile Error"
VERDICTS = (ACCEPTED, WRONG, "Runtime Error", "Time Limit Exceeded", "Memory Limit Exceeded",
            "Output Limit Exceeded", COMPILE, INTERNAL)
MAX_OUTPUT_SHOWN = 2000
_AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
_FROZEN: list[bool] = []


@dataclass
class TestResult:
    name: str
    status: str  # "pass", "fail" (the submission's fault) or "error" (the judge's fault)
    verdict: str
    message: str = ""
    duration: float = 0.0
    output: str = ""


@dataclass
class Report:
    question: str
    suite: str  # "public" or "hidden"
    verdict: str
    tests: list[TestResult] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0
    limits: Limits = Limits()
    sandbox: str = ""
    warnings: list[str] = field(default_factory=list)
    sandbox_info: SandboxInfo | None = None
    feedback: str = "full"

    @property
    def passed(self) -> int:
        return sum(t.status == "pass" for t in self.tests)

    @property
    def accepted(self) -> bool:
        return self.verdict == ACCEPTED


class _Collector:
    """A pytest plugin object: makes the proxies and turns pytest's reports into TestResults.

    Only text is kept from a failed test: the exception (and the submission's values its
    traceback holds) is dropped as soon as its message is written.
    """

    def __init__(self, job: RemoteModule, question: Question, hidden: bool,
                 compile_failure: SubmissionFailure | None, feedback: str,
                 watchdog: _Watchdog) -> None:
        self.job, self.question, self.hidden = job, question, hidden
        self.compile_failure = compile_failure
        self.minimal = feedback == "minimal"
        self.watchdog = watchdog
        self.proxies: dict[str, Any] = {}
        self.results: list[TestResult] = []
        self._phase: dict[str, dict[str, Any]] = {}

    def pytest_configure(self, config: pytest.Config) -> None:
        config._metajudge_factory = self.factory  # type: ignore[attr-defined]

    def factory(self, request: pytest.FixtureRequest) -> Any:
        module = request.module
        with contextlib.suppress(ValueError, ImportError):
            cloudpickle.register_pickle_by_value(module)
        proxy: Any = (_FailingModule(self.compile_failure) if self.compile_failure
                      else _TestHandle(self.job, request.node.nodeid.split("::", 1)[-1]))
        self.proxies[request.node.nodeid] = proxy
        return proxy

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Any:
        self.watchdog.begin(self.job)
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        report = outcome.get_result()
        state = self._phase.setdefault(item.nodeid, {"duration": 0.0, "result": None})
        state["duration"] += report.duration
        if report.failed and state["result"] is None and call.excinfo is not None:
            state["result"] = self._classify(item, call.excinfo.value, call.when)
        if call.when == "teardown":
            self.watchdog.end()
            self.results.append(self._result(item, state))
            self._phase.pop(item.nodeid, None)
            self.proxies.pop(item.nodeid, None)

    def _result(self, item: pytest.Item, state: dict[str, Any]) -> TestResult:
        name = item.nodeid.split("::", 1)[-1]
        proxy = self.proxies.get(item.nodeid)
        output = proxy.output[:MAX_OUTPUT_SHOWN] if proxy is not None else ""
        if self.minimal:
            output = ""  # the submission could print the hidden inputs to its own feedback
        fatal = getattr(proxy, "failure", None)
        if isinstance(proxy, _FailingModule):
            status, verdict, message = "fail", proxy.failure.verdict, "not run: your file did not load"
        elif fatal is not None:
            status, verdict, message = "fail", fatal.verdict, self._failure_text(fatal)
        elif state["result"] is None:
            status, verdict, message = "pass", ACCEPTED, ""
        else:
            status, verdict, message = state["result"]
        result = TestResult(name, status, verdict, message, state["duration"], output)
        if not self.hidden and result.status == "fail":
            # visible tests: point at the code the learner may read
            result.message += f"\n(test code: {self.question.public_tests}::{result.name})"
        return result

    def _failure_text(self, exc: SubmissionFailure) -> str:
        message = exc.message
        if self.minimal and isinstance(exc, SubmissionRaised):
            # the exception's text is the submission's to choose: it could carry hidden inputs
            message = message.split(":", 1)[0] + " raised" + _line_of(message)
        if exc.verdict == "Runtime Error" and isinstance(exc, SubmissionRaised):
            message = f"your code raised {message}"
        return message

    def _classify(self, item: pytest.Item, exc: BaseException, when: str) -> tuple[str, str, str]:
        proxy = self.proxies.get(item.nodeid)
        if isinstance(exc, _TrustedTimeout):
            return ("fail", TLE, f"time limit exceeded: checking your result took the judge "
                    f"more than {self.question.limits.trusted_s:g} s (is it far larger than the "
                    "task asks for?)")
        if isinstance(exc, SubmissionFailure):
            return "fail", exc.verdict, self._failure_text(exc)
        if isinstance(exc, judge.testing.AuthoringError):
            text = f"the test itself is wrong ({_safe_str(exc)}); this is not your fault"
            return "error", INTERNAL, text[:600]
        if isinstance(exc, AssertionError):
            return "fail", WRONG, self._assert_text(exc)
        if isinstance(exc, pytest.fail.Exception) and when == "call":
            text = str(exc).replace("<class '", "").replace("'>", "")  # e.g. DID NOT RAISE ValueError
            return "fail", WRONG, text[:600]
        if when == "call" and proxy is not None and getattr(proxy, "calls", 0) > 0:
            text = f"the test could not use your result: {type(exc).__name__}"
            if not self.minimal:
                text += f": {_safe_str(exc)}"
            return "fail", WRONG, text[:600]
        text = (f"the judge failed in this test ({type(exc).__name__}: {_safe_str(exc)}); "
                "this is not your fault")
        return "error", INTERNAL, text[:600]

    def _assert_text(self, exc: AssertionError) -> str:
        text = _safe_str(exc)
        if isinstance(exc, judge.testing.Mismatch):
            return text[:1000]
        first = text.split("\n", 1)[0].strip()
        if self.minimal:
            # a test's own message may print values; graded work gets the property only
            return "a check on your result failed"
        if self.hidden:
            # pytest's rewritten assert text shows expressions and values: never for hidden tests
            return first[:600] if first and not first.startswith("assert ") else \
                "a check on your result failed"
        return text[:1000]


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - str() of anything built from a reply must not escape
        return "<unprintable>"


def _line_of(message: str) -> str:
    at = message.rfind(" (your line ")
    return message[at:] if at >= 0 else ""


class _TrustedTimeout(Exception):
    """Raised into the test thread when the test's own work on a result runs too long."""


class _Watchdog:
    """Bounds each test's own (trusted) time: wall time minus the time spent waiting on the
    submission. A test that overruns gets ``_TrustedTimeout`` raised in its thread."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.thread_id = threading.get_ident()
        self._cond = threading.Condition()
        self._job: RemoteModule | None = None
        self._started = 0.0
        self._closed = False
        self.fired = False
        self._thread = threading.Thread(target=self._watch, daemon=True, name="metajudge-watchdog")
        self._thread.start()

    def begin(self, job: RemoteModule) -> None:
        with self._cond:
            self._job, self._started = job, time.monotonic()
            self._cond.notify()

    def end(self) -> None:
        with self._cond:
            self._job = None
            if self.fired:
                # a time-out that fired as the test was ending must not land in pytest itself
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id), None)
            self._cond.notify()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()

    def _watch(self) -> None:
        with self._cond:
            while not self._closed:
                if self._job is None:
                    self._cond.wait()
                    continue
                own = time.monotonic() - self._started - self._job.waited
                if own > self.limit_s:
                    self.fired = True
                    self._job.halt("the judge's check of an earlier result ran out of time")
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(self.thread_id), ctypes.py_object(_TrustedTimeout))
                    self._job = None
                    continue
                self._cond.wait(timeout=max(self.limit_s - own, 0.05))


class _TestHandle:
    """What one test sees as ``submission``: the run's job, with this test's accounting."""

    def __init__(self, job: RemoteModule, name: str) -> None:
        self._job = job
        job.begin_test(name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._job, name)

    def close(self) -> None:
        """The job outlives the test; the runner ends it after the last one."""


class _FailingModule:
    """Stands in for a submission that did not compile: every use fails the same way."""

    def __init__(self, failure: SubmissionFailure) -> None:
        self.failure = failure
        self.calls = 0
        self.output = ""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise self.failure

    def run(self, probe: Any) -> Any:
        raise self.failure

    def close(self) -> None:
        pass


def read_submission(path: Path) -> bytes:
    """A submission's bytes: a regular UTF-8 file of at most 1 MB, never read through a link."""
    return read_source(path)


FEEDBACK_LEVELS = ("full", "minimal")


def run_suite(engine: Engine, question: Question, source: bytes, suite: str, *,
              feedback: str = "full", filename: str = "submission.py",
              stop_first: bool = False) -> Report:
    """Judge ``source`` on the question's ``suite`` ("public" or "hidden") tests.

    ``feedback``: "full" (practice: values and errors in messages) or "minimal" (graded work:
    what failed, no magnitudes). ``filename``: the learner's name for the file, used in messages.
    ``stop_first``: stop at the first failing test (the authoring check's mutants need no more).
    """
    if not question.is_code:
        raise UsageError(f"{question.id} is a {question.kind} question with no tests to run",
                         f"Read it with `judge show {question.id}`.")
    tests = question.public_tests if suite == "public" else question.hidden_tests
    started = time.monotonic()
    if not _FROZEN:
        # torch and pytest are imported for good: keep the collector from walking them again
        gc.collect()
        gc.freeze()
        _FROZEN.append(True)
    if feedback not in FEEDBACK_LEVELS:
        raise UsageError(f"unknown feedback level {feedback!r}",
                         f"Use one of {', '.join(FEEDBACK_LEVELS)}.")
    compile_failure: SubmissionFailure | None = None
    uses_optimizers = _uses_optimizers(question, source)
    if uses_optimizers:
        _warm_trusted_optimizers()  # once per process, outside any test's time
    job = RemoteModule(engine, source, question.limits, question.entry_points,
                       warm_optimizers=uses_optimizers)
    try:
        job.start()  # import once up front: a compile error is reported once, not per test
    except SubmissionFailure as exc:
        compile_failure = exc
        compile_failure.message = compile_failure.message.replace("submission.py", filename)
    watchdog = _Watchdog(question.limits.trusted_s)
    collector = _Collector(job, question, suite == "hidden", compile_failure, feedback, watchdog)
    # A lean pytest: no third-party plugins, no tracebacks (we write our own messages), no
    # capture (the trusted side prints nothing; the submission's prints come over a pipe).
    args = [str(tests), "-p", "judge.engine.plugin", "-p", "no:cacheprovider", "-p", "no:logging",
            "-p", "no:doctest", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:debugging",
            "-p", "no:unraisableexception", "-p", "no:threadexception",
            "--import-mode=importlib", "--noconftest", "-o", "addopts=", "-q", "-rN", "--tb=no",
            "--capture=no", f"--rootdir={tests.parent}", "-c", str(_empty_ini()),
            f"--judge-reference={question.reference_solution}", *(["-x"] if stop_first else [])]
    before = set(sys.modules)
    # the tests' tensors are tiny: one thread is fastest, and several only contend with the
    # sandbox (and, on a busy machine, with everything else) for the cores
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    judge.testing.REDACT_EXPECTED = suite == "hidden"
    judge.testing.FEEDBACK = feedback
    plugin_log = io.StringIO()
    autoload = os.environ.get(_AUTOLOAD)
    os.environ[_AUTOLOAD] = "1"  # the tests need only our plugin: skip scanning entry points
    try:
        with contextlib.redirect_stdout(plugin_log), contextlib.redirect_stderr(plugin_log):
            code = pytest.main(args, plugins=[collector])
    finally:
        if autoload is None:
            os.environ.pop(_AUTOLOAD, None)
        else:
            os.environ[_AUTOLOAD] = autoload
        torch.set_num_threads(threads)
        judge.testing.REDACT_EXPECTED = False
        judge.testing.FEEDBACK = "full"
        watchdog.close()
        job.close()
        engine.sync()  # nothing of this submission outlives its run
        for name in set(sys.modules) - before:
            mod = sys.modules.get(name)
            if mod is not None and str(getattr(mod, "__file__", "") or "").startswith(
                    str(question.directory)):
                del sys.modules[name]
    info = engine.info
    report = Report(question=question.id, suite=suite, verdict=ACCEPTED, tests=collector.results,
                    seconds=time.monotonic() - started, limits=question.limits,
                    sandbox=info.mode, warnings=[info.warning] if info.warning else [],
                    sandbox_info=info, feedback=feedback)
    if compile_failure is not None:
        report.verdict = compile_failure.verdict
        report.message = compile_failure.message
    elif not report.tests:
        report.verdict = INTERNAL
        tail = plugin_log.getvalue()[-800:]
        report.message = f"no test ran (pytest exit code {int(code)}); this is not your fault.\n{tail}"
    elif any(t.verdict == INTERNAL for t in report.tests):
        report.verdict = INTERNAL
        report.message = "the judge failed; see the tests marked error"
    else:
        failing = [t for t in report.tests if t.status != "pass"]
        if failing:
            report.verdict = failing[0].verdict
            report.message = f"{failing[0].name}: {failing[0].message}"
    return report


def _uses_optimizers(question: Question, source: bytes) -> bool:
    """Whether the task's code builds torch optimisers (then the sandbox pre-warms them)."""
    texts = [source.decode("utf-8", "replace")]
    for path in (question.reference_solution, question.hidden_tests, question.public_tests):
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return any("optim" in text for text in texts)


_WARM: list[bool] = []


def _warm_trusted_optimizers() -> None:
    """The first torch optimiser in a process costs seconds (torch imports its compiler stack);
    pay it here rather than inside a test, whose own time is limited (``trusted_s``)."""
    if _WARM:
        return
    _WARM.append(True)
    try:
        p = torch.nn.Parameter(torch.ones(2))
        for opt in (torch.optim.SGD([p], lr=0.1), torch.optim.Adam([p], lr=0.1)):
            p.grad = torch.ones(2)
            opt.step()
            opt.zero_grad()
    except Exception:  # noqa: BLE001 - a warm-up must never fail a run
        pass


def _empty_ini() -> Path:
    """An empty pytest configuration shipped with the package (never one from the bank)."""
    return Path(__file__).resolve().parent / "pytest.ini"
