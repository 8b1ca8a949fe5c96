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
from judge.model import Bank


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


Overrides = dict[str, dict[str, Any]]  # question id -> limit name -> value


class Worker:
    """A warm engine and the bank it judges against, with optional per-question limit overrides
    (an assignment's)."""

    def __init__(self, bank_root: Path | str | Bank, sandbox: str = "auto",
                 overrides: Overrides | None = None) -> None:
        from dataclasses import replace

        from judge.bank.loader import load_bank

        # a loaded bank (sent by the parent: a worker then loads nothing), or its folder
        bank = (bank_root if isinstance(bank_root, Bank)
                else load_bank(bank_root, translations=False))  # judging needs no translation
        if overrides:
            questions = dict(bank.questions)
            for qid, limits in overrides.items():
                if qid in questions and limits:
                    q = questions[qid]
                    questions[qid] = replace(q, limits=replace(q.limits, **limits))
            bank = Bank(bank.root, questions)
        self.bank = bank
        self.sandbox = sandbox
        self._engine: Any = None

    def _engine_ready(self) -> Any:
        from judge.engine.sandbox import Engine

        if self._engine is None:
            self._engine = Engine(self.sandbox)
        return self._engine

    def warm(self) -> None:
        """Start the sandbox and import the judge's own side meanwhile; return when both are
        ready, so that the first submission's time is its own."""
        engine = self._engine_ready()  # the sandbox's warm process starts importing torch
        import judge.engine.runner  # noqa: F401 - torch and pytest, in this process, meanwhile

        engine.info  # noqa: B018 - blocks until the sandbox is ready

    def judge(self, task: Task) -> dict[str, Any]:
        """Judge ``task``; one retry on a fresh engine if the sandbox itself failed."""
        from dataclasses import replace

        from judge.engine.results import to_document
        from judge.engine.runner import run_suite

        question = self.bank.questions.get(task.question)
        if question is None:
            raise JudgeError(f"unknown question {task.question!r} in {self.bank.root}")
        if task.limits:
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

    def outcome(self, task: Task) -> Outcome:
        """Judge ``task``; any failure of the judge itself becomes the outcome's ``error``, so
        that one task never stops the others."""
        try:
            return Outcome(task.key, self.judge(task), worker=os.getpid())
        except Exception as exc:  # noqa: BLE001 - reported per task, retried by the caller
            return Outcome(task.key, error=f"{type(exc).__name__}: {exc}", worker=os.getpid())

    def close(self) -> None:
        if self._engine is not None:
            try:
                self._engine.close()
            finally:
                self._engine = None


# -- a local pool of worker processes

_WORKER: Worker | None = None


def _init(bank_root: str | Bank, sandbox: str, overrides: Overrides | None) -> None:
    global _WORKER
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER = Worker(bank_root, sandbox, overrides)
    _WORKER.warm()


def _work(task: Task) -> Outcome:
    assert _WORKER is not None
    return _WORKER.outcome(task)


def judging_bank(bank: Bank) -> Bank:
    """``bank`` without its translations: what a worker needs, small to send to a process."""
    from dataclasses import replace

    return Bank(bank.root, {qid: replace(q, translations={}) for qid, q in bank.questions.items()})


def _sendable(bank: Path | str | Bank) -> str | Bank:
    return judging_bank(bank) if isinstance(bank, Bank) else str(bank)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def judge_all(bank_root: Path | str | Bank, tasks: Iterable[Task], workers: int = 1,
              sandbox: str = "auto", overrides: Overrides | None = None) -> Iterator[Outcome]:
    """Judge every task; yield outcomes as they complete (in completion order).

    ``workers=1`` judges in this process on one warm engine; more start that many worker
    processes, each with its own engine. No task's failure stops the others: a judge failure is
    that task's ``error``, and if a worker process dies, every task not yet done gets one.
    Closing the iterator early (or Ctrl-C in the caller) cancels what has not started; what was
    yielded is complete.
    """
    with Judges(bank_root, workers, sandbox, overrides) as judges:
        yield from judges.run(tasks)


class Judges:
    """Warm engines kept for several batches of tasks (``judge_all`` is one batch).

    ``workers=1`` is one engine in this process; more are worker processes, started once.
    """

    def __init__(self, bank_root: Path | str | Bank, workers: int = 1, sandbox: str = "auto",
                 overrides: Overrides | None = None) -> None:
        self._worker: Worker | None = None
        self._pool: cf.ProcessPoolExecutor | None = None
        if workers <= 1:
            self._worker = Worker(bank_root, sandbox, overrides)
        else:
            ctx = multiprocessing.get_context("spawn")  # never fork a process that imported torch
            self._pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                                initializer=_init,
                                                initargs=(_sendable(bank_root), sandbox,
                                                          overrides))

    def __enter__(self) -> Judges:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Judge one batch; yield outcomes in completion order (see ``judge_all``)."""
        if self._worker is not None:
            for task in tasks:
                yield self._worker.outcome(task)
            return
        assert self._pool is not None
        pending = {self._pool.submit(_work, task): task for task in tasks}
        try:
            for future in cf.as_completed(pending):
                task = pending.pop(future)
                try:
                    yield future.result()
                except cf.process.BrokenProcessPool:
                    yield Outcome(task.key, error="a judging worker process died")
                    for other in pending.values():
                        yield Outcome(other.key, error="a judging worker process died")
                    return
                except Exception as exc:  # noqa: BLE001 - a worker-side bug is the judge's failure
                    yield Outcome(task.key, error=f"{type(exc).__name__}: {exc}")
        finally:
            for future in pending:
                future.cancel()
