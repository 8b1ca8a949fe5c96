"""One learner judging one file on a warm engine, with every run written to the history."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from judge.engine.runner import Report, read_submission, run_suite
from judge.engine.sandbox import Engine
from judge.errors import UsageError
from judge.model import Bank, Question
from judge.practice.review import Reviewer
from judge.practice.store import Store


def check_submission_path(path: Path) -> None:
    """A clear error for a folder passed where a file is wanted (before the engine reads it)."""
    if path.is_dir():
        py = sorted(p.name for p in path.glob("*.py"))[:3]
        hint = f" It holds {', '.join(py)}." if py else ""
        raise UsageError(f"{path} is a folder, not a Python file",
                         f"Pass the .py file you wrote, e.g. {path / (py[0] if py else 'solution.py')}."
                         + hint)


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run the trusted side's torch on one thread while judging, then restore the setting.

    The tests compare small tensors: intra-op threads add only synchronisation, and on a busy
    machine they made a warm hidden-test run about four times slower (0.55 s against 0.13 s
    for distillation-loss, measured with benchmarks/notebook_speed.py).
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def record(store: Store, bank: Bank, report: Report, code: str | None, origin: str) -> None:
    """Write a judged run to the history; a hidden-test verdict may also be a due review."""
    if report.verdict == "Internal Error":
        return  # the judge's fault: not the learner's attempt
    tests = [{"name": t.name, "status": t.status, "verdict": t.verdict, "message": t.message,
              "duration_s": round(t.duration, 4)} for t in report.tests]
    store.record_submission(report.question, report.suite, report.verdict, tests, code, origin)
    if report.suite == "hidden":
        Reviewer(bank, store).after_submission(report.question, report.accepted)


@dataclass
class Outcome:
    """A judged run, or why there was none (the file is missing, unreadable, a folder)."""

    report: Report | None
    error: str = ""


class Session:
    """Judge ``path`` for ``question`` on demand, on a warm engine, recording each run."""

    def __init__(self, engine: Engine, bank: Bank, question: Question, path: Path,
                 store: Store | None, origin: str) -> None:
        self.engine, self.bank, self.question, self.path = engine, bank, question, path
        self.store, self.origin = store, origin
        self.runs = 0
        self.last_hidden: Report | None = None

    def judge(self, suite: str) -> Outcome:
        try:
            check_submission_path(self.path)
            source = read_submission(self.path)
        except UsageError as exc:
            return Outcome(None, str(exc))
        with single_thread():
            report = run_suite(self.engine, self.question, source, suite, filename=self.path.name)
        self.runs += 1
        if suite == "hidden":
            self.last_hidden = report
        if self.store is not None:
            record(self.store, self.bank, report, source.decode("utf-8", "replace"), self.origin)
        return Outcome(report)
