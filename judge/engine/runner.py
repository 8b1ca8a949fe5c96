"""Run a question's public or hidden tests against a submission and build the results document.

The tests, the reference and every comparison run here, in the trusted process, under pytest.
The submission only ever runs in the sandbox (judge/engine/sandbox.py) behind ``RemoteModule``.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cloudpickle
import pytest

import judge.testing
from judge.engine.files import read_source
from judge.engine.remote import RemoteModule, SubmissionFailure
from judge.engine.sandbox import Engine
from judge.errors import UsageError
from judge.model import Limits, Question

ACCEPTED = "Accepted"
WRONG = "Wrong Answer"
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

    @property
    def passed(self) -> int:
        return sum(t.status == "pass" for t in self.tests)

    @property
    def accepted(self) -> bool:
        return self.verdict == ACCEPTED


class _Collector:
    """A pytest plugin object: makes the proxies and turns pytest's reports into TestResults."""

    def __init__(self, job: RemoteModule, question: Question, hidden: bool,
                 compile_failure: SubmissionFailure | None) -> None:
        self.job, self.question, self.hidden = job, question, hidden
        self.compile_failure = compile_failure
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
                      else _TestHandle(self.job))
        self.proxies[request.node.nodeid] = proxy
        return proxy

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        outcome = yield
        report = outcome.get_result()
        state = self._phase.setdefault(item.nodeid, {"duration": 0.0, "exc": None, "when": None})
        state["duration"] += report.duration
        if report.failed and state["exc"] is None and call.excinfo is not None:
            state["exc"] = call.excinfo.value
            state["when"] = call.when
        if call.when == "teardown":
            self.results.append(self._result(item, state))

    def _result(self, item: pytest.Item, state: dict[str, Any]) -> TestResult:
        result = self._classify(item, state)
        if not self.hidden and result.status == "fail":
            # visible tests: point at the code the learner may read
            result.message += f"\n(test code: {self.question.public_tests}::{result.name})"
        return result

    def _classify(self, item: pytest.Item, state: dict[str, Any]) -> TestResult:
        name = item.nodeid.split("::", 1)[-1]
        proxy = self.proxies.get(item.nodeid)
        output = proxy.output[:MAX_OUTPUT_SHOWN] if proxy is not None else ""
        exc, duration = state["exc"], state["duration"]
        fatal = getattr(proxy, "failure", None)
        if fatal is not None:
            return TestResult(name, "fail", fatal.verdict, fatal.message, duration, output)
        if exc is None:
            return TestResult(name, "pass", ACCEPTED, "", duration, output)
        if isinstance(exc, SubmissionFailure):
            message = exc.message
            if exc.verdict == "Runtime Error":
                message = f"your code raised {message}"
            return TestResult(name, "fail", exc.verdict, message, duration, output)
        if isinstance(exc, AssertionError):
            return TestResult(name, "fail", WRONG, self._assert_text(exc), duration, output)
        if isinstance(exc, pytest.fail.Exception) and state["when"] == "call":
            text = str(exc).replace("<class '", "").replace("'>", "")  # e.g. DID NOT RAISE ValueError
            return TestResult(name, "fail", WRONG, text[:600], duration, output)
        if state["when"] == "call" and proxy is not None and getattr(proxy, "calls", 0) > 0:
            text = f"the test could not use your result: {type(exc).__name__}: {exc}"
            return TestResult(name, "fail", WRONG, text[:600], duration, output)
        text = f"the judge failed in this test ({type(exc).__name__}: {exc}); this is not your fault"
        return TestResult(name, "error", INTERNAL, text[:600], duration, output)

    def _assert_text(self, exc: AssertionError) -> str:
        text = str(exc)
        if isinstance(exc, judge.testing.Mismatch):
            return text[:1000]
        first = text.split("\n", 1)[0].strip()
        if self.hidden:
            # pytest's rewritten assert text shows expressions and values: never for hidden tests
            return first if first and not first.startswith("assert ") else "a check on your result failed"
        return text[:1000]


class _TestHandle:
    """What one test sees as ``submission``: the run's job, with this test's accounting."""

    def __init__(self, job: RemoteModule) -> None:
        self._job = job
        job.begin_test()

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
              feedback: str = "full", filename: str = "submission.py") -> Report:
    """Judge ``source`` on the question's ``suite`` ("public" or "hidden") tests.

    ``feedback``: "full" (practice: values and errors in messages) or "minimal" (graded work:
    what failed, no magnitudes). ``filename``: the learner's name for the file, used in messages.
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
    compile_failure: SubmissionFailure | None = None
    job = RemoteModule(engine, source, question.limits, question.entry_points,
                       warm_optimizers=_uses_optimizers(question, source))
    try:
        job.start()  # import once up front: a compile error is reported once, not per test
    except SubmissionFailure as exc:
        compile_failure = exc
    collector = _Collector(job, question, suite == "hidden", compile_failure)
    # A lean pytest: no third-party plugins, no tracebacks (we write our own messages), no
    # capture (the trusted side prints nothing; the submission's prints come over a pipe).
    args = [str(tests), "-p", "judge.engine.plugin", "-p", "no:cacheprovider", "-p", "no:logging",
            "-p", "no:doctest", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:debugging",
            "-p", "no:unraisableexception", "-p", "no:threadexception",
            "--import-mode=importlib", "--noconftest", "-o", "addopts=", "-q", "-rN", "--tb=no",
            "--capture=no", f"--rootdir={tests.parent}", "-c", str(_empty_ini()),
            f"--judge-reference={question.reference_solution}"]
    before = set(sys.modules)
    judge.testing.REDACT_EXPECTED = suite == "hidden"
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
        judge.testing.REDACT_EXPECTED = False
        job.close()
        engine.sync()  # nothing of this submission outlives its run
        for name in set(sys.modules) - before:
            mod = sys.modules.get(name)
            if mod is not None and str(getattr(mod, "__file__", "") or "").startswith(
                    str(question.directory)):
                del sys.modules[name]
    report = Report(question=question.id, suite=suite, verdict=ACCEPTED, tests=collector.results,
                    seconds=time.monotonic() - started, limits=question.limits,
                    sandbox=engine.info.mode, warnings=[engine.info.warning] if engine.info.warning else [])
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


def _empty_ini() -> Path:
    """An empty pytest configuration shipped with the package (never one from the bank)."""
    return Path(__file__).resolve().parent / "pytest.ini"
