"""How long `judge site build` takes: the repository bank, and a synthetic bank of 100 questions.

    .venv/bin/python benchmarks/site_build.py [--copies 100] [--runs 3]

The synthetic bank duplicates the questions of tests/fixtures/site_bank under new ids. Identical
formulas are rendered once per build, so duplicates flatter the math step; the benchmark also
renders every formula of the synthetic bank made distinct, and prints the worst case with that.
The target is well under 5 s for 100 questions on the 2-core CI machine.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from judge.bank.loader import load_bank  # noqa: E402
from judge.errors import JudgeError  # noqa: E402
from judge.model import Bank  # noqa: E402
from judge.sitegen import BuildReport, build_site  # noqa: E402
from judge.sitegen.katex import CHUNK_MIN, Formula, render_formulas  # noqa: E402
from judge.sitegen.pages import parse_question  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "site_bank"
TARGET_S = 5.0


def synthesize(dest: Path, copies: int) -> Path:
    """A bank of ``copies`` questions, each a fixture question under the id ``<id>-<n>``."""
    source = load_bank(FIXTURE)
    originals = list(source)
    ids = {q.id for q in originals}
    for n in range(copies):
        q = originals[n % len(originals)]
        round_ = n // len(originals)
        new_id = f"{q.id}-{round_}"
        qdir = dest / "questions" / q.topic / new_id
        shutil.copytree(q.directory, qdir, ignore=shutil.ignore_patterns("__pycache__"))
        if q.solution_dir.is_dir():
            shutil.copytree(q.solution_dir, dest / "solutions" / q.topic / new_id,
                            ignore=shutil.ignore_patterns("__pycache__"))
        md = qdir / "question.md"
        text = md.read_text(encoding="utf-8")
        text = re.sub(r"^id: .*$", f"id: {new_id}", text, count=1, flags=re.M)
        text = re.sub(r"^title: (.*)$", rf"title: \1 (copy {round_})", text, count=1, flags=re.M)
        # related ids point at the same round's copies, and only at copies that exist
        made = {f"{o.id}-{round_}" for i, o in enumerate(originals)
                if round_ * len(originals) + i < copies}
        related = [f"{r}-{round_}" for r in q.related if r in ids and f"{r}-{round_}" in made]
        text = re.sub(r"^related: \[.*\]$", f"related: [{', '.join(related)}]", text,
                      count=1, flags=re.M)
        md.write_text(text, encoding="utf-8")
    return dest


@dataclass(frozen=True)
class Run:
    """One build: its report, and the CPU seconds of Python and of the Node workers."""

    report: BuildReport
    python_cpu: float
    node_cpu: float

    @property
    def idle_estimate(self) -> float:
        """Wall time on an idle machine: Python's CPU plus Node's, split over its workers."""
        workers = max(1, min(os.cpu_count() or 1, self.report.formulas // CHUNK_MIN))
        return self.python_cpu + self.node_cpu / workers


def cpu() -> tuple[float, float]:
    """CPU seconds so far of this process, and of its finished children (the Node workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def timed(action: Callable[[], BuildReport]) -> Run:
    own, kids = cpu()
    report = action()
    own2, kids2 = cpu()
    return Run(report, own2 - own, kids2 - kids)


def describe(name: str, runs: list[Run]) -> Run:
    best = min(runs, key=lambda r: r.report.seconds)
    rep = best.report
    n = len(rep.per_question)
    per_q = sorted(rep.per_question.values())
    print(f"{name}: {n} questions, {rep.pages} pages, {rep.formulas} formulas")
    print(f"  full build: first {runs[0].report.seconds:.2f} s, best {rep.seconds:.2f} s, "
          f"median {statistics.median(r.report.seconds for r in runs):.2f} s wall "
          f"(of which math {rep.math_seconds:.2f} s)")
    print(f"  CPU: Python {best.python_cpu:.2f} s + Node {best.node_cpu:.2f} s; "
          f"on an idle machine about {best.idle_estimate:.2f} s")
    if n:
        print(f"  per question: {rep.seconds / n * 1000:.1f} ms of the full build; "
              f"own parse+render median {statistics.median(per_q) * 1000:.1f} ms, "
              f"max {per_q[-1] * 1000:.1f} ms")
    return best


def distinct_math(bank: Bank) -> Run:
    """Render every formula of ``bank``, each made unique, as if no two were alike."""
    formulas = [f for q in bank for f in parse_question(q, bank.root).formulas()]
    unique = [Formula(f"{f.tex} {{}}^{{{i}}}", f.display, f.file, f.line)
              for i, f in enumerate(formulas)]

    def render() -> BuildReport:
        start = time.perf_counter()
        render_formulas(unique, REPO / "site")
        return BuildReport(out=REPO, pages=0, seconds=time.perf_counter() - start,
                           formulas=len(unique))

    return timed(render)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(wall times stretch when the machine is busy; CPU times do not)")
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        work = Path(tmp)
        try:
            real = load_bank()  # the repository bank; $METAJUDGE_BANK overrides it
        except JudgeError as exc:
            print(f"repository bank: not built ({exc.message})")
        else:
            describe("repository bank", [timed(lambda: build_site(real, work / "real-site"))
                                         for _ in range(args.runs)])
        bank = load_bank(synthesize(work / "bank", args.copies))
        best = describe(f"synthetic bank ({args.copies} copies of the fixture questions)",
                        [timed(lambda: build_site(bank, work / "synthetic-site"))
                         for _ in range(args.runs)])
        math = distinct_math(bank)
        dedup_math = min(best.report.math_seconds, best.report.seconds)
        worst_wall = best.report.seconds - dedup_math + math.report.seconds
        worst_idle = best.idle_estimate - best.node_cpu + math.idle_estimate
        print(f"  if no formula repeated ({math.report.formulas} distinct): math "
              f"{math.report.seconds:.2f} s wall, {math.node_cpu:.2f} s Node CPU; full build "
              f"about {worst_wall:.2f} s wall, about {worst_idle:.2f} s on an idle machine")
        ok = worst_idle < TARGET_S
        print(f"{'meets' if ok else 'MISSES'} the target of {TARGET_S:.0f} s for "
              f"{args.copies} questions (idle-machine estimate, worst case)")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
