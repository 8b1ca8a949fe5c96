"""Exports of a stored run: gradebook CSV, full JSON, JUnit XML and Gradescope's results.json.

Scores are computed here from the stored per-test results and the run's assignment (points and
scoring per question), so changing points needs no re-judging. Untrusted text (student names,
messages, output) stays intact in JSON; CSV cells that a spreadsheet would run as a formula are
prefixed with a quote, and XML gets only characters XML can hold.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from judge.grading.assignment import AssignedQuestion
from judge.grading.store import QuestionInfo, ResultRow, RunStore
from judge.text import safe

FORMATS = ("csv", "json", "junit", "gradescope")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_XML_BAD = re.compile("[\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Cell:
    """One student's standing on one question."""

    state: str  # judged, refused, missing, failed, or "none" (no result yet: an interrupted run)
    verdict: str
    passed: int
    total: int
    score: float | None  # None: not judged yet (the judge failed); re-run to judge it
    message: str
    seconds: float = 0.0
    path: str = ""

    @property
    def label(self) -> str:
        if self.state == "judged":
            return f"{self.verdict} {self.passed}/{self.total}"
        return {"refused": "not judged: file refused", "missing": "missing",
                "failed": "not judged: judge failure", "none": "not judged yet"}[self.state]


@dataclass
class Gradebook:
    title: str
    questions: list[QuestionInfo]
    students: list[str]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def cell(self, student: str, qid: str) -> Cell:
        return self.cells.get((student, qid), Cell("none", "", 0, 0, None,
                                                   "not judged yet: run `judge grade` again"))

    def total(self, student: str) -> float:
        return sum(self.cell(student, q.id).score or 0.0 for q in self.questions)

    def complete(self, student: str) -> bool:
        return all(self.cell(student, q.id).score is not None for q in self.questions)


def score_of(info: QuestionInfo, row: ResultRow) -> float | None:
    if row.state == "failed":
        return None
    if row.state != "judged":
        return 0.0
    return AssignedQuestion(info.id, info.points, info.scoring).score(row.verdict, row.passed,
                                                                       row.total)


def gradebook(store: RunStore) -> Gradebook:
    questions = store.questions()
    by_id = {q.id: q for q in questions}
    book = Gradebook(store.meta("title") or "", questions, store.students())
    for row in store.results():
        info = by_id.get(row.question)
        if info is None:
            continue  # a question no longer in the assignment
        book.cells[(row.student, row.question)] = Cell(
            row.state, row.verdict, row.passed, row.total, score_of(info, row), row.message,
            row.seconds, row.path)
    return book


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _cell_text(text: str) -> str:
    # a cell starting with = + - @ runs as a formula in a spreadsheet: keep it text
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(book: Gradebook) -> str:
    """One row per student, a column per question (points), the total, and notes."""
    out = io.StringIO()
    writer = csv.writer(out)  # CRLF rows (RFC 4180): a CR or LF inside a name gets quoted
    writer.writerow(["student", *[q.id for q in book.questions], "total", "notes"])
    writer.writerow(["(max)", *[number(q.points) for q in book.questions],
                     number(book.max_points), ""])
    for student in book.students:
        notes = [f"{q.id}: {book.cell(student, q.id).label}" for q in book.questions
                 if book.cell(student, q.id).state != "judged"]
        writer.writerow([_cell_text(student),
                         *[number(book.cell(student, q.id).score) for q in book.questions],
                         number(book.total(student)) + ("" if book.complete(student) else "*"),
                         _cell_text("; ".join(notes))])
    return out.getvalue()


def to_json(store: RunStore, book: Gradebook) -> dict[str, Any]:
    """Everything stored: the assignment, and per student and question the full document."""
    students = []
    rows = {(r.student, r.question): r for r in store.results()}
    for student in book.students:
        per_q = {}
        for q in book.questions:
            cell = book.cell(student, q.id)
            row = rows.get((student, q.id))
            per_q[q.id] = {
                "state": cell.state, "path": cell.path,
                "sha256": row.sha256 if row and row.state in ("judged", "failed") else "",
                "verdict": cell.verdict or None, "passed": cell.passed, "total": cell.total,
                "score": cell.score, "points": q.points, "message": cell.message or None,
                "document": store.document(student, q.id),
            }
        students.append({"student": student, "total": book.total(student),
                         "complete": book.complete(student), "questions": per_q})
    return {
        "title": book.title,
        "max_points": book.max_points,
        "questions": [{"id": q.id, "title": q.title, "points": q.points, "scoring": q.scoring,
                       "hash": q.hash} for q in book.questions],
        "students": students,
        "ignored": [{"path": p, "reason": r} for p, r in store.last_ignored()],
    }


def _xml(text: str) -> str:
    return _XML_BAD.sub("\ufffd", safe(text))


def to_junit(store: RunStore, book: Gradebook) -> str:
    """A test suite per student and question, a test case per hidden test."""
    root = ET.Element("testsuites", name=_xml(book.title))
    counts = {"tests": 0, "failures": 0, "errors": 0}
    for student in book.students:
        for q in book.questions:
            cell = book.cell(student, q.id)
            suite = ET.SubElement(root, "testsuite", name=_xml(f"{student}/{q.id}"))
            classname = _xml(f"{student}.{q.id}")
            tests = store.tests(student, q.id) if cell.state == "judged" else []
            failures = errors = 0
            if not tests:
                case = ET.SubElement(suite, "testcase", classname=classname, name="submission")
                tag = "error" if cell.state in ("failed", "judged") else "failure"
                node = ET.SubElement(case, tag, message=_xml(cell.label), type=cell.state)
                node.text = _xml(cell.message)
                failures, errors = (0, 1) if tag == "error" else (1, 0)
            for t in tests:
                case = ET.SubElement(suite, "testcase", classname=classname, name=_xml(t.name),
                                     time=f"{t.duration:.3f}")
                if t.status == "pass":
                    continue
                tag = "error" if t.status == "error" else "failure"
                node = ET.SubElement(case, tag, message=_xml(t.verdict), type=_xml(t.verdict))
                node.text = _xml("\n".join(x for x in (t.message, t.output) if x))
                if tag == "error":
                    errors += 1
                else:
                    failures += 1
            n = max(1, len(tests))
            suite.set("tests", str(n))
            suite.set("failures", str(failures))
            suite.set("errors", str(errors))
            suite.set("time", f"{cell.seconds:.3f}")
            counts["tests"] += n
            counts["failures"] += failures
            counts["errors"] += errors
    for key, value in counts.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def gradescope_results(store: RunStore, book: Gradebook, student: str) -> dict[str, Any]:
    """Gradescope's results.json for one student: a test entry per question."""
    tests = []
    seconds = 0.0
    for q in book.questions:
        cell = book.cell(student, q.id)
        seconds += cell.seconds
        lines = [f"{q.title}: {cell.label}"]
        if cell.state != "judged" and cell.message:
            lines.append(cell.message)
        for t in store.tests(student, q.id) if cell.state == "judged" else []:
            mark = "PASS" if t.status == "pass" else "FAIL"
            lines.append(f"{mark} {t.name}" + (f": {t.message}" if t.message and mark == "FAIL" else ""))
        tests.append({
            "name": q.id, "score": round(cell.score or 0.0, 4), "max_score": q.points,
            "status": "passed" if cell.verdict == "Accepted" else "failed",
            "output": "\n".join(lines), "visibility": "visible",
        })
    total = round(book.total(student), 4)
    return {
        "score": total,
        "execution_time": round(seconds, 3),
        "output": f"{book.title}: {number(total)} / {number(book.max_points)} points",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def export(store: RunStore, fmt: str) -> str:
    """The run in ``fmt`` (csv, json, junit) as text."""
    book = gradebook(store)
    if fmt == "csv":
        return to_csv(book)
    if fmt == "json":
        return json.dumps(to_json(store, book), indent=2) + "\n"
    if fmt == "junit":
        return to_junit(store, book)
    raise ValueError(fmt)
