"""The two-sided authoring check: references pass, starters and known-wrong variants fail.

Also flags hidden tests that pass for the starter and every wrong variant alike (such a test
cannot fail on any mistake we know of) and, with ``mutants=True``, runs the hidden tests on every
generated mutant of the reference (judge/bank/mutants.py): a mutant that survives must be killed
by a new test or listed as equivalent in the task's mutants.yaml (judge/bank/equivalents.py).

A check is planned as a list of runs (one submission judged on one suite), the runs are judged
(on the worker pool of judge/engine/pool.py, or one engine for ``check_question``), and each
question is assessed from its runs' results documents once they are all in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.bank import equivalents
from judge.bank.mutants import Mutant, generate
from judge.bank.mutation_ops import EFFECT, REACHED
from judge.model import Bank, Question

ACCEPTED = "Accepted"
COMPILE = "Compile Error"
INTERNAL = "Internal Error"
# Operators whose mutant reports at run time whether it changed anything (judge/bank/mutation_ops.py).
SELF_REPORTING = {
    "result-dtype": "no hidden test gets a floating tensor back from it, so the cast changes nothing",
    "result-detach": "its result never requires grad in any hidden test, so detaching changes nothing",
    "add-detach": "this input is never a floating tensor in any hidden test, so detaching changes "
                  "nothing",
}


@dataclass(frozen=True)
class Run:
    """One submission judged on one suite: what the check needs to know about a question."""

    key: str
    question: str
    role: str  # "reference", "starter", "wrong variant" or "mutant"
    suite: str
    where: str  # the file, relative to the bank root, or the mutant id
    source: bytes
    mutant: Mutant | None = None


@dataclass
class MutantResult:
    """What the hidden tests made of one mutant."""

    mutant: Mutant
    status: str  # "killed", "survived", "equivalent" or "error"
    detail: str = ""  # the killing test, the reason it is equivalent, or the judge's error


@dataclass
class CheckResult:
    question: str
    kind: str
    topic: str = ""
    problems: list[str] = field(default_factory=list)
    wrong_total: int = 0
    wrong_rejected: int = 0
    hidden_tests: int = 0
    seconds: float = 0.0
    judge_failed: bool = False
    sandbox_warning: str = ""
    mutants: list[MutantResult] | None = None  # None when mutants were not run

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, status: str) -> int:
        return sum(m.status == status for m in self.mutants or [])


@dataclass
class _Plan:
    question: Question
    runs: list[Run]
    listed: dict[str, equivalents.Equivalent] = field(default_factory=dict)
    stale: list[equivalents.Equivalent] = field(default_factory=list)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def plan(bank: Bank, q: Question, mutants: bool = False) -> _Plan:
    """The runs that check ``q``: reference (public and hidden), starter, wrong variants, mutants."""
    if not q.is_code:
        return _Plan(q, [])
    root = bank.root
    ref = q.reference_solution
    source = ref.read_bytes()
    runs = [Run(f"{q.id}\treference\t{suite}", q.id, "reference", suite, _rel(ref, root), source)
            for suite in ("public", "hidden")]
    runs.append(Run(f"{q.id}\tstarter", q.id, "starter", "hidden", _rel(q.starter, root),
                    q.starter.read_bytes()))
    for path in q.wrong_variants:
        runs.append(Run(f"{q.id}\twrong\t{path.name}", q.id, "wrong variant", "hidden",
                        _rel(path, root), path.read_bytes()))
    result = _Plan(q, runs)
    if mutants:
        generated = generate(source, q.entry_points, filename=str(ref))
        for m in generated:
            runs.append(Run(f"{q.id}\tmutant\t{m.id}", q.id, "mutant", "hidden", m.id, m.source, m))
        result.listed = equivalents.load(q, root)[0]
        result.stale = equivalents.stale_entries(result.listed, (m.id for m in generated))
    return result


def _first_failure(doc: dict[str, Any]) -> str:
    bad = [t for t in doc.get("tests", []) if t.get("status") != "pass"]
    if not bad:
        return str(doc.get("message") or doc.get("verdict"))
    message = (bad[0].get("message") or "").splitlines()
    return f"{bad[0]['name']}: {bad[0]['verdict']}: {message[0] if message else ''}"


def _mutant_result(run: Run, doc: dict[str, Any] | None, error: str,
                   listed: dict[str, equivalents.Equivalent]) -> MutantResult:
    assert run.mutant is not None
    m = run.mutant
    if doc is None or doc.get("verdict") == INTERNAL:
        return MutantResult(m, "error", error or _first_failure(doc or {}))
    if doc.get("verdict") != ACCEPTED:
        failing = [t["name"] for t in doc.get("tests", []) if t.get("status") != "pass"]
        return MutantResult(m, "killed", failing[0] if failing else str(doc.get("verdict")))
    if m.id in listed:
        return MutantResult(m, "equivalent", listed[m.id].reason)
    if m.operator in SELF_REPORTING:
        output = "".join(t.get("output") or "" for t in doc.get("tests", []))
        if REACHED in output and EFFECT not in output:
            return MutantResult(m, "equivalent", SELF_REPORTING[m.operator])
        if REACHED not in output:
            return MutantResult(m, "survived", "no hidden test reaches this code")
    return MutantResult(m, "survived")


def assess(bank: Bank, p: _Plan, results: dict[str, tuple[dict[str, Any] | None, str]]
           ) -> CheckResult:
    """The check of one question from its runs' documents (key -> (document, judge error))."""
    q, root = p.question, bank.root
    res = CheckResult(q.id, q.kind, q.topic)
    if not q.is_code:
        return res
    passing: dict[str, int] = {}
    candidates = 0
    mutant_results: list[MutantResult] = []
    for run in p.runs:
        doc, error = results[run.key]
        if doc is not None:
            res.seconds += float(doc.get("timings", {}).get("total_s", 0.0))
            warnings = doc.get("sandbox", {}).get("warnings") or []
            res.sandbox_warning = res.sandbox_warning or (warnings[0] if warnings else "")
        if run.role == "mutant":
            mutant_results.append(_mutant_result(run, doc, error, p.listed))
            continue
        if doc is None or doc.get("verdict") == INTERNAL:
            res.judge_failed = True
            res.problems.append(f"the judge failed on {run.where} ({run.suite} tests): "
                                f"{error or _first_failure(doc or {})}; this is not the task's "
                                "fault: run the check again.")
            continue
        verdict = doc["verdict"]
        if run.role == "reference":
            if verdict != ACCEPTED:
                tests = q.public_tests if run.suite == "public" else q.hidden_tests
                res.problems.append(
                    f"{run.where} is not accepted by the {run.suite} tests ({verdict}; "
                    f"{_first_failure(doc)}). Fix the reference or {_rel(tests, root)}.")
            if run.suite == "hidden":
                res.hidden_tests = len(doc.get("tests", []))
            continue
        candidates += 1
        if run.role == "wrong variant":
            res.wrong_total += 1
        if verdict == ACCEPTED:
            what = ("make the starter incomplete (a TODO that raises)" if run.role == "starter" else
                    "add a hidden test that catches this mistake, or delete the variant if it is "
                    "actually correct")
            res.problems.append(f"{run.where}: the {run.role} passes every hidden test; {what}.")
        elif verdict == COMPILE:
            res.problems.append(f"{run.where}: the {run.role} fails only because it does not load "
                                f"({doc.get('message')}); it must import and define "
                                f"{', '.join(q.entry_points)}.")
        elif run.role == "wrong variant":
            res.wrong_rejected += 1
        for t in doc.get("tests", []):
            if t.get("status") == "pass":
                passing[t["name"]] = passing.get(t["name"], 0) + 1
    for name, count in passing.items():
        if count == candidates:
            res.problems.append(
                f"{_rel(q.hidden_tests, root)}::{name} passes for the starter and every wrong "
                "variant: it cannot fail on any known mistake. Strengthen it, or add a wrong "
                "variant under solutions/ that it catches.")
    if any(r.role == "mutant" for r in p.runs) or p.stale:
        res.mutants = mutant_results
        _mutant_problems(res, p, root)
    return res


def _mutant_problems(res: CheckResult, p: _Plan, root: Path) -> None:
    listing = _rel(equivalents.path_of(p.question), root)
    for r in res.mutants or []:
        m = r.mutant
        if r.status == "survived":
            why = f" ({r.detail})" if r.detail else ""
            res.problems.append(
                f"mutant {m.id} survives every hidden test{why}: {m.describe()}. Add a hidden "
                f"test that kills it, or list it as equivalent in {listing} with a one-line reason.")
        elif r.status == "error":
            res.judge_failed = True
            res.problems.append(f"the judge failed on mutant {m.id} ({r.detail}); run the check "
                                "again.")
        elif r.status == "killed" and m.id in p.listed:
            res.problems.append(
                f"{listing}:{p.listed[m.id].line}: mutant {m.id} is listed as equivalent but "
                f"{r.detail} kills it; remove the entry.")
    for entry in p.stale:
        res.problems.append(
            f"{listing}:{entry.line}: stale entry {entry.id}: no generated mutant has this id any "
            "more (the reference changed); remove it, and list the new survivors if any.")


ProgressFn = Callable[[int, int], None]
RUNS_PER_WORKER = 24  # a worker process costs about as much to start as this many runs


def auto_workers(runs: int, cores: int) -> int:
    """Workers for ``runs`` runs: one per core, but none that would have fewer than
    RUNS_PER_WORKER runs to do (a small check is faster in this process alone)."""
    return max(1, min(cores, runs // RUNS_PER_WORKER))


def check_bank(bank: Bank, questions: Iterable[Question], *, workers: int | None = 1,
               sandbox: str = "auto", mutants: bool = False,
               on_start: ProgressFn | None = None,
               on_result: Callable[[CheckResult], None] | None = None,
               on_progress: ProgressFn | None = None) -> list[CheckResult]:
    """Check ``questions`` on ``workers`` warm engines; report each question as it completes.

    ``workers=None`` chooses with ``auto_workers``. ``on_start(runs, workers)`` is called once
    the runs are planned; results come back in completion order; ``on_progress(done, total)``
    follows every run.
    """
    from judge.engine.pool import Judges, Task, default_workers

    plans = [plan(bank, q, mutants) for q in questions]
    by_key = {run.key: p for p in plans for run in p.runs}
    left = {p.question.id: len(p.runs) for p in plans}
    collected: dict[str, dict[str, tuple[dict[str, Any] | None, str]]] = {
        p.question.id: {} for p in plans}
    results: list[CheckResult] = []

    def finish(p: _Plan) -> None:
        res = assess(bank, p, collected[p.question.id])
        results.append(res)
        if on_result is not None:
            on_result(res)

    for p in plans:
        if not p.runs:
            finish(p)
    # Two passes. First the references and starters; then the wrong variants, each stopped at its
    # first failing test when the task's starter failed every hidden test (no test can then pass
    # for the starter and every wrong variant alike, so the rest of a variant's run could not
    # change the check). A mutant is always killed by its first failing test (and a hung one
    # costs one test's limit: the judge skips the rest after a time-out).
    first = [run for p in plans for run in p.runs if run.role in ("reference", "starter")]
    later = [run for p in plans for run in p.runs if run.role not in ("reference", "starter")]
    total = len(first) + len(later)
    if workers is None:
        workers = auto_workers(total, default_workers())
    if on_start is not None:
        on_start(total, workers)
    done = 0

    def collect(judges: Judges, tasks: list[Task]) -> None:
        nonlocal done
        for outcome in judges.run(tasks):
            p = by_key[outcome.key]
            qid = p.question.id
            collected[qid][outcome.key] = (outcome.document or None, outcome.error)
            left[qid] -= 1
            done += 1
            if on_progress is not None:
                on_progress(done, total)
            if left[qid] == 0:
                finish(p)

    with Judges(bank, workers, sandbox) as judges:  # workers get it without translations
        collect(judges, [Task(run.key, run.question, run.source, run.suite) for run in first])
        quick = {p.question.id for p in plans if _starter_fails_every_test(p, collected)}
        collect(judges, [Task(run.key, run.question, run.source, run.suite,
                              stop_first=run.role == "mutant" or run.question in quick)
                         for run in later])
    return results


def _starter_fails_every_test(p: _Plan, collected: dict[str, dict[str, tuple[
        dict[str, Any] | None, str]]]) -> bool:
    """True when the task's starter ran its hidden tests and passed none of them."""
    for run in p.runs:
        if run.role == "starter" and run.suite == "hidden":
            doc, _ = collected[p.question.id].get(run.key, (None, ""))
            return (doc is not None and doc.get("verdict") not in (INTERNAL, ACCEPTED)
                    and bool(doc.get("tests"))
                    and all(t.get("status") != "pass" for t in doc["tests"]))
    return False


def check_question(engine: Any, bank: Bank, q: Question, mutants: bool = False) -> CheckResult:
    """Check one question on an engine the caller holds (one run after another)."""
    from judge.engine.results import to_document
    from judge.engine.runner import run_suite

    started = time.monotonic()
    p = plan(bank, q, mutants)
    collected: dict[str, tuple[dict[str, Any] | None, str]] = {}
    for run in p.runs:
        report = run_suite(engine, q, run.source, run.suite)
        collected[run.key] = (to_document(report), "")
    res = assess(bank, p, collected)
    res.seconds = time.monotonic() - started
    return res
