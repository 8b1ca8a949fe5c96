"""Grade a class: plan what needs judging, judge it on a backend, store each result at once.

A stored result is reused when the file's content hash and its question's hash (hidden tests,
reference, limits, feedback level) are unchanged; ``force`` re-judges everything. Refused files
and missing questions are rows too, so every student has a row for every question.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import judge.engine
from judge.engine.pool import Outcome, Task
from judge.grading.assignment import Assignment, effective_question, question_hash
from judge.grading.backends import Judge, Overrides
from judge.grading.layout import Found, Scan
from judge.grading.store import QuestionInfo, RunStore
from judge.model import Bank

INTERNAL = "Internal Error"
ENGINE_DIR = Path(judge.engine.__file__).resolve().parent


@dataclass
class Summary:
    """What one ``judge grade`` did."""

    scan: Scan
    planned: int = 0
    judged: int = 0
    reused: int = 0
    failed: int = 0  # the judge itself could not judge (retried by the next run)
    absent: list[str] = field(default_factory=list)  # stored students not in this folder
    seconds: float = 0.0
    interrupted: bool = False
    engine_changed: bool = False  # the judge's engine differs from the one of the last run


@functools.cache
def engine_fingerprint() -> str:
    """A hash of the judge's own code that verdicts depend on (the engine and the authors' API):
    after an upgrade that changes it, stored verdicts are judged again."""
    digest = hashlib.sha256()
    for path in sorted([*ENGINE_DIR.glob("*.py"), ENGINE_DIR.parent / "testing.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def question_infos(bank: Bank, assignment: Assignment, feedback: str) -> list[QuestionInfo]:
    infos = []
    for aq in assignment.questions:
        q = effective_question(bank.questions[aq.id], aq)
        starter = q.starter.read_text(encoding="utf-8") if q.starter.is_file() else ""
        digest = question_hash(q, feedback, engine_fingerprint())
        infos.append(QuestionInfo(q.id, q.title, aq.points, aq.scoring, digest, starter))
    return infos


def overrides_of(assignment: Assignment) -> Overrides:
    return {aq.id: dict(aq.limits) for aq in assignment.questions if aq.limits}


def plan(store: RunStore, scan: Scan, hashes: dict[str, str], force: bool) -> list[Found]:
    """The judgeable files with no valid stored result (all of them with ``force``)."""
    jobs = []
    for found in scan.judgeable:
        row = store.stored(found.student, found.question)
        if (force or row is None or row["state"] != "judged" or row["sha256"] != found.sha256
                or row["question_hash"] != hashes[found.question] or row["verdict"] == INTERNAL):
            jobs.append(found)
    return jobs


def grade_class(bank: Bank, assignment: Assignment, scan: Scan, store: RunStore, judge: Judge, *,
                feedback: str, force: bool = False,
                on_plan: Callable[[Summary], None] | None = None,
                on_result: Callable[[Found, Outcome], None] | None = None) -> Summary:
    """Judge what ``scan`` holds that ``store`` lacks; store every result as it comes."""
    started = time.monotonic()
    infos = question_infos(bank, assignment, feedback)
    hashes = {i.id: i.hash for i in infos}
    previous = store.meta("engine")
    store.begin(assignment.text, assignment.title, str(Path(bank.root).resolve()), infos,
                engine_fingerprint())
    store.record_scan(str(scan.root), scan.layout, scan.students, scan.ignored)
    for found in scan.refused:
        store.put(found.student, found.question, "refused", path=found.path, sha256=found.sha256,
                  question_hash=hashes[found.question], message=found.error)
    for student, qids in scan.missing.items():
        for qid in qids:
            row = store.stored(student, qid)
            if row is None or row["state"] != "missing":
                store.put(student, qid, "missing", message="no file for this question")
    jobs = plan(store, scan, hashes, force)
    summary = Summary(scan=scan, planned=len(jobs),
                      engine_changed=previous is not None and previous != engine_fingerprint())
    summary.reused = len(scan.judgeable) - len(jobs)
    summary.absent = sorted(set(store.students()) - set(scan.students))
    if on_plan is not None:
        on_plan(summary)
    tasks = [Task(key=str(i), question=f.question, source=f.source or b"", suite="hidden",
                  feedback=feedback, filename=Path(f.path).name) for i, f in enumerate(jobs)]
    outcomes = judge(tasks)
    try:
        for outcome in outcomes:
            found = jobs[int(outcome.key)]
            if outcome.error:
                summary.failed += 1
            else:
                summary.judged += 1
            store.put(found.student, found.question, "failed" if outcome.error else "judged",
                      path=found.path, sha256=found.sha256, question_hash=hashes[found.question],
                      source=found.source,
                      message=f"not judged: {outcome.error}" if outcome.error else "",
                      document=None if outcome.error else outcome.document)
            if on_result is not None:
                on_result(found, outcome)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()  # stop the backend now: its workers, engines or Ray actors
    summary.seconds = time.monotonic() - started
    return summary
