"""Grading throughput: `judge grade` on a synthetic class, local processes and local Ray.

Prints, for one question (default distillation-loss; the class cycles through its reference and
known-wrong variants, each file made unique by a comment so nothing is shared or cached):

1. 100 submissions with -j 1 and with -j 2 (target: at most 10 s with -j 2 on a 2-core machine),
   and whether both runs stored identical results (verdicts, scores, messages, every test);
2. 1,000 submissions on the local backend (-j = cores) and on a local Ray (2 CPUs, loopback),
   and whether those two agree;
3. a re-run of the 1,000 with nothing changed (every result reused from the run store).

Wall times are of the whole command (start-up included), measured from outside; CPU is the user
and system time of its process tree, the figure to read on a machine busy with other work.

Usage: python benchmarks/grade_speed.py [--question distillation-loss] [--bank .] [--skip-1000]
       [--skip-ray] [--sandbox auto]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def make_class(folder: Path, sources: list[Path], count: int) -> None:
    folder.mkdir(parents=True)
    for i in range(count):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        (folder / f"student_{i:05d}.py").write_text(f"# student {i}\n{text}", encoding="utf-8")


CPU: list[float] = []  # CPU seconds (user + system) of the last command's process tree


def grade(bank: Path, question: str, folder: Path, run: Path, extra: list[str],
          sandbox: str) -> float:
    cmd = [PY, "-m", "judge", "--bank", str(bank), "grade", question, str(folder), "--run", str(run),
           "--sandbox", sandbox, *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
        raise SystemExit(f"`{' '.join(cmd)}` exited {proc.returncode}")
    return took


def cpu() -> str:
    """The CPU the last command used: on a busy machine, the figure that does not depend on
    what else runs (its wall time on an idle machine is about this, divided by the engines)."""
    return f"CPU {CPU[-1]:6.1f} s"


def timed(bank: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([PY, "-m", "judge", "--bank", str(bank), *args], cwd=ROOT, check=True,
                   capture_output=True)
    return time.perf_counter() - start


def results(run: Path) -> dict[tuple[str, str], tuple[object, ...]]:
    """Every stored result and test, but timings."""
    with sqlite3.connect(run / "run.sqlite") as db:
        out: dict[tuple[str, str], tuple[object, ...]] = {}
        for student, qid, state, verdict, passed, total, message in db.execute(
                "SELECT student, question, state, verdict, passed, total, message FROM results"):
            tests = tuple(db.execute(
                "SELECT name, status, verdict, message, output FROM tests WHERE student = ? AND "
                "question = ? ORDER BY position", (student, qid)))
            out[(student, qid)] = (state, verdict, passed, total, message, tests)
    return out


def verdicts(run: Path) -> str:
    with sqlite3.connect(run / "run.sqlite") as db:
        rows = db.execute("SELECT verdict, count(*) FROM results GROUP BY verdict ORDER BY 2 DESC")
        return ", ".join(f"{v} {n}" for v, n in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=ROOT)
    parser.add_argument("--question", default="distillation-loss")
    parser.add_argument("--sandbox", default="auto")
    parser.add_argument("--skip-1000", action="store_true")
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from judge.bank.loader import load_bank

    q = load_bank(args.bank).questions[args.question]
    sources = [q.reference_solution, *q.wrong_variants]
    cores = len(os.sched_getaffinity(0))
    work = Path(tempfile.mkdtemp(prefix="grade-speed-"))
    os.environ.setdefault("METAJUDGE_HOME", str(work / "home"))
    print(f"question: {q.id}; class cycles {len(sources)} files (reference + wrong variants); "
          f"{cores} cores; load average {os.getloadavg()[0]:.1f}")
    try:
        make_class(work / "c100", sources, 100)
        t1 = grade(args.bank, q.id, work / "c100", work / "r100-j1", ["-j", "1"], args.sandbox)
        print(f"1. 100 submissions, -j 1: {t1:6.1f} s ({100 / t1:5.1f}/s)  {cpu()}")
        t2 = grade(args.bank, q.id, work / "c100", work / "r100-j2", ["-j", "2"], args.sandbox)
        print(f"   100 submissions, -j 2: {t2:6.1f} s ({100 / t2:5.1f}/s)  {cpu()}   target <= 10 s")
        same = results(work / "r100-j1") == results(work / "r100-j2")
        print(f"   identical results -j 1 vs -j 2: {same}   ({verdicts(work / 'r100-j1')})")
        print(f"   then `judge similarity`: {timed(args.bank, 'similarity', str(work / 'r100-j1')):.1f} s, "
              f"`judge report`: {timed(args.bank, 'report', str(work / 'r100-j1')):.1f} s")
        if args.skip_1000:
            return
        make_class(work / "c1000", sources, 1000)
        tl = grade(args.bank, q.id, work / "c1000", work / "r1000-local", ["-j", str(cores)],
                   args.sandbox)
        print(f"2. 1,000 submissions, local backend -j {cores}: {tl:6.1f} s ({1000 / tl:5.1f}/s)  "
              f"{cpu()}")
        if not args.skip_ray:
            tr = grade(args.bank, q.id, work / "c1000", work / "r1000-ray",
                       ["--backend", "ray", "-j", str(cores)], args.sandbox)
            ray_cpu = cpu()
            same = results(work / "r1000-local") == results(work / "r1000-ray")
            print(f"   1,000 submissions, local Ray ({cores} actors, loopback): {tr:6.1f} s "
                  f"({1000 / tr:5.1f}/s)  {ray_cpu} (Ray's own daemons not counted)")
            print(f"   identical results local vs Ray: {same}")
        tre = grade(args.bank, q.id, work / "c1000", work / "r1000-local", ["-j", str(cores)],
                    args.sandbox)
        print(f"3. re-run of the 1,000, nothing changed: {tre:6.1f} s (every result reused)")
        run = str(work / "r1000-local")
        print(f"4. 1,000: `judge similarity` {timed(args.bank, 'similarity', run):.1f} s (499,500 "
              f"pairs), `judge report` {timed(args.bank, 'report', run):.1f} s, `judge export csv` "
              f"{timed(args.bank, 'export', run, 'csv'):.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
