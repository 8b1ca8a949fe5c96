"""The two-sided authoring check: references pass, starters and known-wrong variants fail.

Also flags hidden tests that pass for the starter and every wrong variant alike: such a test
cannot fail on any mistake we know of.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from judge.engine.runner import ACCEPTED, COMPILE, Report, run_suite
from judge.engine.sandbox import Engine
from judge.model import Bank, Question


@dataclass
class CheckResult:
    question: str
    kind: str
    problems: list[str] = field(default_factory=list)
    wrong_total: int = 0
    wrong_rejected: int = 0
    hidden_tests: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _first_failure(report: Report) -> str:
    bad = [t for t in report.tests if t.status != "pass"]
    if not bad:
        return report.message or report.verdict
    return f"{bad[0].name}: {bad[0].verdict}: {bad[0].message.splitlines()[0] if bad[0].message else ''}"


def check_question(engine: Engine, bank: Bank, q: Question) -> CheckResult:
    started = time.monotonic()
    result = CheckResult(q.id, q.kind)
    if not q.is_code:
        result.seconds = time.monotonic() - started
        return result
    root = bank.root
    ref = _rel(q.reference_solution, root)
    source = q.reference_solution.read_bytes()
    for suite in ("public", "hidden"):
        report = run_suite(engine, q, source, suite)
        if report.verdict != ACCEPTED:
            result.problems.append(
                f"{ref} is not accepted by the {suite} tests ({report.verdict}; "
                f"{_first_failure(report)}). Fix the reference or "
                f"{_rel(q.public_tests if suite == 'public' else q.hidden_tests, root)}.")
        if suite == "hidden":
            result.hidden_tests = len(report.tests)
    passing: dict[str, int] = {}
    candidates = [("starter", q.starter), *(("wrong variant", p) for p in q.wrong_variants)]
    for label, path in candidates:
        report = run_suite(engine, q, path.read_bytes(), "hidden")
        where = _rel(path, root)
        if label == "wrong variant":
            result.wrong_total += 1
        if report.verdict == ACCEPTED:
            what = ("make the starter incomplete (a TODO that raises)" if label == "starter" else
                    "add a hidden test that catches this mistake, or delete the variant if it is "
                    "actually correct")
            result.problems.append(f"{where}: the {label} passes every hidden test; {what}.")
        elif report.verdict == COMPILE:
            result.problems.append(f"{where}: the {label} fails only because it does not load "
                                   f"({report.message}); it must import and define "
                                   f"{', '.join(q.entry_points)}.")
        elif label == "wrong variant":
            result.wrong_rejected += 1
        for t in report.tests:
            if t.status == "pass":
                passing[t.name] = passing.get(t.name, 0) + 1
    for name, count in passing.items():
        if count == len(candidates):
            result.problems.append(
                f"{_rel(q.hidden_tests, root)}::{name} passes for the starter and every wrong "
                "variant: it cannot fail on any known mistake. Strengthen it, or add a wrong "
                "variant under solutions/ that it catches.")
    result.seconds = time.monotonic() - started
    return result


def check_bank(engine: Engine, bank: Bank, questions: Iterable[Question],
               on_result: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    results = []
    for q in questions:
        res = check_question(engine, bank, q)
        if on_result is not None:
            on_result(res)
        results.append(res)
    return results
