"""Judge speed, as ratios against a plain baseline measured in the same run.

Baseline: ``python -m pytest`` on the same hidden tests, importing the submission directly in
the test process (no sandbox, no isolation). Prints:

1. one cold ``judge submit`` against one baseline run (target: at most 1.3x);
2. 50 submissions judged by one ``judge grade`` against 50 baseline runs (target: at least 10x
   faster); the baseline's 50 runs are extrapolated from --baseline-runs timed runs;
3. ``judge check`` over the bank: total time and how it grows with the number of questions.

Usage: python benchmarks/judge_speed.py [--question distillation-loss] [--bank .]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=ROOT)
    parser.add_argument("--question", default="distillation-loss")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--skip-check", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from judge.bank.loader import load_bank

    bank = load_bank(args.bank)
    q = bank.questions[args.question]
    ref = str(q.reference_solution)
    env = dict(os.environ, METAJUDGE_HOME=tempfile.mkdtemp())
    baseline = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                "-o", "addopts=", "-p", "judge.engine.plugin", "--judge-inprocess",
                f"--judge-submission={ref}", f"--judge-reference={ref}", str(q.hidden_tests)]
    judge = [PY, "-m", "judge", "--bank", str(args.bank)]

    print(f"question: {q.id} ({len(q.entry_points)} entry point(s)); {os.cpu_count()} CPUs")
    timed(baseline, env)  # warm the page cache for both
    base = [timed(baseline, env) for _ in range(args.repeats)]
    cold = [timed([*judge, "submit", q.id, ref], env) for _ in range(args.repeats)]
    b, c = statistics.median(base), statistics.median(cold)
    print(f"1. plain baseline run:        {b:6.2f} s (median of {args.repeats})")
    print(f"   cold `judge submit`:        {c:6.2f} s (median of {args.repeats})")
    print(f"   ratio submit / baseline:    {c / b:6.2f}x   (target <= 1.3x)")

    folder = Path(tempfile.mkdtemp())
    sources = [q.reference_solution, *q.wrong_variants]
    for i in range(50):
        shutil.copy(sources[i % len(sources)], folder / f"student_{i:02d}.py")
    store = Path(tempfile.mkdtemp()) / "run"  # a fresh run store: nothing reused from a last run
    grade = timed([*judge, "grade", q.id, str(folder), "--run", str(store)], env)
    per_base = statistics.median([timed(baseline, env) for _ in range(args.baseline_runs)])
    fifty = per_base * 50
    print(f"2. 50 submissions, one `judge grade`: {grade:6.2f} s ({grade / 50:.2f} s each)")
    print(f"   50 plain baseline runs:     {fifty:6.2f} s (50 x {per_base:.2f} s, median of "
          f"{args.baseline_runs} timed runs)")
    print(f"   speed-up:                   {fifty / grade:6.2f}x   (target >= 10x)")
    shutil.rmtree(folder)
    shutil.rmtree(store.parent)

    if args.skip_check:
        return
    code = [x for x in bank if x.is_code]
    print(f"3. `judge check` over the bank: {len(bank)} questions, {len(code)} coding/debug")
    sizes = sorted({1, max(1, len(code) // 4), max(1, len(code) // 2), len(code)})
    points = []
    for n in sizes:
        ids = [x.id for x in code[:n]]
        t = timed([*judge, "check", *ids], env)
        points.append((n, t))
        print(f"   {n:3d} coding questions: {t:7.1f} s  ({t / n:.2f} s per question)")
    if len(points) >= 2:
        (n0, t0), (n1, t1) = points[0], points[-1]
        slope = (t1 - t0) / (n1 - n0)
        print(f"   growth: about {slope:.2f} s per added question on top of {t0 - slope * n0:.1f} s "
              "of start-up (linear: each question is checked independently)")


if __name__ == "__main__":
    main()
