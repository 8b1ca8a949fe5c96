"""The headline figures of a run, shared by the terminal summary and the HTML report."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from judge.grading.exports import Gradebook
from judge.grading.store import RunStore


@dataclass(frozen=True)
class QuestionStats:
    id: str
    title: str
    points: float
    submitted: int  # students with a file judged for it
    accepted: int
    mean_score: float
    verdicts: dict[str, int]

    def pass_rate(self, students: int) -> float:
        return self.accepted / students if students else 0.0


@dataclass(frozen=True)
class HiddenTestStats:
    question: str
    name: str
    ran: int
    failed: int

    @property
    def failure_rate(self) -> float:
        return self.failed / self.ran if self.ran else 0.0


@dataclass(frozen=True)
class Slow:
    student: str
    question: str
    seconds: float
    verdict: str


@dataclass
class Headline:
    students: int
    max_points: float
    totals: list[float] = field(default_factory=list)
    questions: list[QuestionStats] = field(default_factory=list)
    tests: list[HiddenTestStats] = field(default_factory=list)  # most failed first
    slowest: list[Slow] = field(default_factory=list)
    incomplete: int = 0  # students with a file not judged yet (interrupted, or a judge failure)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.totals) if self.totals else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.totals) if self.totals else 0.0


def headline(store: RunStore, book: Gradebook, top: int = 10) -> Headline:
    students = book.students
    head = Headline(students=len(students), max_points=book.max_points,
                    totals=[book.total(s) for s in students],
                    incomplete=sum(not book.complete(s) for s in students))
    for q in book.questions:
        cells = [book.cell(s, q.id) for s in students]
        judged = [c for c in cells if c.state == "judged"]
        verdicts = Counter(c.verdict if c.state == "judged" else c.label for c in cells)
        head.questions.append(QuestionStats(
            q.id, q.title, q.points, len(judged), sum(c.verdict == "Accepted" for c in judged),
            statistics.fmean([c.score or 0.0 for c in cells]) if cells else 0.0, dict(verdicts)))
    ran: Counter[tuple[str, str]] = Counter()
    failed: Counter[tuple[str, str]] = Counter()
    wanted = set(students)
    ids = {q.id for q in book.questions}
    for student, qid, test in store.all_tests():
        if student not in wanted or qid not in ids:
            continue
        if test.status not in ("pass", "fail", "error"):
            continue  # e.g. a test the judge did not run after an earlier time-out
        ran[(qid, test.name)] += 1
        failed[(qid, test.name)] += test.status != "pass"
    head.tests = sorted((HiddenTestStats(q, n, ran[(q, n)], failed[(q, n)]) for q, n in ran),
                        key=lambda t: (-t.failure_rate, t.question, t.name))
    slow = [Slow(s, q.id, c.seconds, c.verdict) for s in students for q in book.questions
            for c in [book.cell(s, q.id)] if c.state == "judged"]
    head.slowest = sorted(slow, key=lambda x: -x.seconds)[:top]
    return head
