"""What grading safely costs: throughput of one warm engine, the per-job isolation's share, and
the worst case of a looping submission.

Prints:
1. 100 submissions of one question (a mix of the reference, the starter and the known-wrong
   variants) judged in turn on one warm engine, as `judge grade -j 1` does, with the per-job
   isolation (own PID, mount and IPC namespaces, private /tmp) on, then off; the difference is
   the isolation's cost. Target: at most 20 s for the 100 with isolation on.
2. A submission whose function never returns (`while True: pass`), judged on the same question:
   the wall time it costs the grader. Target: about one test's limit plus a few seconds.

Usage: python benchmarks/grade_safety.py [--question distillation-loss] [--bank .] [-n 100]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from judge.bank.loader import load_bank
from judge.engine.runner import run_suite
from judge.engine.sandbox import Engine

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=ROOT)
    parser.add_argument("--question", default="distillation-loss")
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--sandbox", default="bwrap")
    args = parser.parse_args()
    q = load_bank(args.bank).questions[args.question]
    pool = [q.reference_solution.read_bytes(), q.starter.read_bytes(),
            *(p.read_bytes() for p in q.wrong_variants)]
    sources = [pool[i % len(pool)] for i in range(args.n)]
    print(f"question {q.id}: {len(sources)} submissions, {len(pool)} distinct files")
    for isolate in (True, False):
        with Engine(args.sandbox, isolate_jobs=isolate) as engine:
            run_suite(engine, q, pool[0], "hidden")  # warm: pytest, the test module, torch paths
            started = time.monotonic()
            verdicts = [run_suite(engine, q, src, "hidden", feedback="minimal").verdict
                        for src in sources]
            spent = time.monotonic() - started
            label = "isolation on " if isolate else "isolation off"
            print(f"  {label}: {spent:6.2f} s for {len(sources)} ({spent / len(sources) * 1000:.0f} ms"
                  f" each); {verdicts.count('Accepted')} accepted; sandbox {engine.info.summary}")
    loop = f"def {q.entry_points[0]}(*args, **kwargs):\n    while True:\n        pass\n".encode()
    with Engine(args.sandbox) as engine:
        started = time.monotonic()
        report = run_suite(engine, q, loop, "hidden")
        spent = time.monotonic() - started
    not_run = sum(t.message.startswith("not run") for t in report.tests)
    print(f"looping submission: {spent:.2f} s ({report.verdict}; {not_run} of {len(report.tests)} "
          f"tests not run; time limit {q.limits.time_s:g} s per test)")


if __name__ == "__main__":
    main()
