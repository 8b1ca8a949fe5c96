"""The offline HTML report of a run: one self-contained file, charts inline, no script, no network.

Everything a student controls (names, file names, messages, output, source) is autoescaped by
the template; the only ``Markup`` values are the charts' SVG, which matplotlib writes from labels
that come from the bank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from judge.grading import charts
from judge.grading.exports import Gradebook, gradebook, number
from judge.grading.similarity import DEFAULT_THRESHOLD, Pair, find_pairs, segments
from judge.grading.stats import Headline, headline
from judge.grading.store import RunStore
from judge.text import clip, safe

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_OUTPUT = 2000  # characters of a test's output shown per failing test
TOP_TESTS = 15
MAX_PAIRS = 100  # similar pairs shown side by side (`judge similarity` lists them all)


@dataclass(frozen=True)
class ReportInfo:
    path: Path
    students: int
    pairs: int


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["number"] = number
    env.filters["shown"] = safe  # control characters a student wrote, shown as \x.. escapes
    env.filters["percent"] = lambda x: f"{100 * x:.0f}%"
    return env


def build_report(store: RunStore, out: Path, *, similarity: bool = True,
                 threshold: float = DEFAULT_THRESHOLD) -> ReportInfo:
    """Write the report of ``store`` to ``out`` (an .html file)."""
    book = gradebook(store)
    head = headline(store, book)
    pairs = find_pairs(store, threshold) if similarity else []
    html = _env().get_template("report.html").render(**context(store, book, head, pairs, similarity))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return ReportInfo(out, head.students, len(pairs))


def context(store: RunStore, book: Gradebook, head: Headline, pairs: list[Pair],
            similarity: bool) -> dict[str, Any]:
    failing = [t for t in head.tests if t.failed][:TOP_TESTS]
    sources = {(r.student, r.question): r.source or "" for r in store.results(with_source=True)}
    anchors = {s: f"student-{i}" for i, s in enumerate(book.students)}
    return {
        "title": book.title or "Grading report",
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "run": str(store.dir),
        "head": head,
        "questions": book.questions,
        "charts": {
            "histogram": Markup(charts.histogram(head.totals, head.max_points)),
            "verdicts": Markup(charts.verdicts_per_question(
                [(q.id, q.verdicts) for q in head.questions])),
            "failures": Markup(charts.failure_rates(
                [(f"{t.question}::{t.name}", t.failure_rate) for t in failing])) if failing else None,
        },
        "failing": failing,
        "students": [_student(store, book, s, anchors[s]) for s in book.students],
        "anchors": anchors,
        "similarity": similarity,
        "pairs_total": len(pairs),
        "pairs": [{
            "question": p.question, "a": p.a, "b": p.b, "score": p.similarity,
            "a_anchor": anchors.get(p.a, ""), "b_anchor": anchors.get(p.b, ""),
            "left": segments(sources.get((p.a, p.question), ""), p.spans_a),
            "right": segments(sources.get((p.b, p.question), ""), p.spans_b),
        } for p in pairs[:MAX_PAIRS]],
        "ignored": store.last_ignored(),
    }


def _student(store: RunStore, book: Gradebook, student: str, anchor: str) -> dict[str, Any]:
    rows = []
    for q in book.questions:
        cell = book.cell(student, q.id)
        tests = store.tests(student, q.id) if cell.state == "judged" else []
        rows.append({
            "question": q.id, "points": q.points, "cell": cell,
            "passed": [t.name for t in tests if t.status == "pass"],
            "failed": [{"name": t.name, "verdict": t.verdict, "message": t.message,
                        "output": clip(t.output, MAX_OUTPUT)}
                       for t in tests if t.status not in ("pass",)],
        })
    return {"name": student, "anchor": anchor, "total": book.total(student),
            "complete": book.complete(student), "rows": rows}
