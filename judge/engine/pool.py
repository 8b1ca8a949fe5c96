"""Judge many submissions on warm engines: in this process, or in N worker processes.

A ``Worker`` is one warm sandbox plus the bank; it judges one ``Task`` at a time and returns the
results document (judge/engine/results.py). The same class runs in this process (``workers=1``),
in each process of a local pool, or inside any other executor (a Ray actor, say): tasks and
results are plain data, so they cross process and machine boundaries unchanged.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.errors import JudgeError, SandboxError


@dataclass(frozen=True)
class Task:
    """One submission to judge. ``key`` is the caller's and comes back with the outcome."""

    key: str
    question: str
    source: bytes
    suite: str = "hidden"
    feedback: str = "full"
    filename: str = "submission.py"
    stop_first: bool = False  # stop at the first failing test (enough to kill a mutant)
    limits: tuple[tuple[str, float], ...] = ()  # overrides of the question's limits


@dataclass(frozen=True)
class Outcome:
    """The results document of a task, or why the judge could not produce one.

    ``error`` is set only when the judge itself failed (the sandbox would not start or died
    twice); a submission's own failures are verdicts inside ``document``.
    """

    key: str
    document: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    worker: int = 0


class Worker:
    """A warm engine and the bank it judges against."""

    def __init__(self, bank_root: Path | str, sandbox: str = "auto") -> None:
        from judge.bank.loader import load_bank

        self.bank = load_bank(bank_root)
        self.sandbox = sandbox
        self._engine: Any = None

    def _engine_ready(self) -> Any:
        from judge.engine.sandbox import Engine

        if self._engine is None:
            self._engine = Engine(self.sandbox)
        return self._engine

    def judge(self, task: Task) -> dict[str, Any]:
        """Judge ``task``; one retry on a fresh engine if the sandbox itself failed."""
        from judge.engine.results import to_document
        from judge.engine.runner import run_suite

        question = self.bank.questions.get(task.question)
        if question is None:
            raise JudgeError(f"unknown question {task.question!r} in {self.bank.root}")
        if task.limits:
            from dataclasses import replace

            overrides: dict[str, Any] = dict(task.limits)
            question = replace(question, limits=replace(question.limits, **overrides))
        for attempt in (1, 2):
            engine = self._engine_ready()
            try:
                report = run_suite(engine, question, task.source, task.suite,
                                   feedback=task.feedback, filename=task.filename,
                                   stop_first=task.stop_first)
                return to_document(report)
            except SandboxError:
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._engine is not None:
            try:
                self._engine.close()
            finally:
                self._engine = None


# -- a local pool of worker processes

_WORKER: Worker | None = None


def _init(bank_root: str, sandbox: str) -> None:
    global _WORKER
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER = Worker(bank_root, sandbox)
    _WORKER._engine_ready()


def _work(task: Task) -> Outcome:
    assert _WORKER is not None
    try:
        return Outcome(task.key, _WORKER.judge(task), worker=os.getpid())
    except JudgeError as exc:
        return Outcome(task.key, error=str(exc), worker=os.getpid())


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def judge_all(bank_root: Path | str, tasks: Iterable[Task], workers: int = 1,
              sandbox: str = "auto") -> Iterator[Outcome]:
    """Judge every task; yield outcomes as they complete (in completion order).

    ``workers=1`` judges in this process on one warm engine; more start that many worker
    processes, each with its own engine. Closing the iterator early (or Ctrl-C in the caller)
    cancels what has not started; what was yielded is complete.
    """
    if workers <= 1:
        worker = Worker(bank_root, sandbox)
        try:
            for task in tasks:
                try:
                    yield Outcome(task.key, worker.judge(task))
                except JudgeError as exc:
                    yield Outcome(task.key, error=str(exc))
        finally:
            worker.close()
        return
    ctx = multiprocessing.get_context("spawn")  # never fork a process that imported torch
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init,
                                  initargs=(str(bank_root), sandbox))
    try:
        pending = {pool.submit(_work, task): task for task in tasks}
        for future in cf.as_completed(pending):
            task = pending[future]
            try:
                yield future.result()
            except cf.process.BrokenProcessPool as exc:
                raise SandboxError(f"a grading worker process died ({exc})",
                                   "Re-run: finished results are kept.") from None
            except Exception as exc:  # noqa: BLE001 - a worker-side bug is the judge's failure
                yield Outcome(task.key, error=f"{type(exc).__name__}: {exc}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)




