"""Save-to-verdict time of ``judge watch``: from writing the file to the verdict being shown.

Runs what ``judge watch`` runs (one warm engine, the watchfiles watcher, the judge-and-record
loop) on a temporary file, saving the reference and a known-wrong variant in turn, and times each
save until the screen callback has the new verdict. Target: p50 at most 0.3 s for
distillation-loss on an idle machine. The load average is printed with the figures.

Usage: python benchmarks/watch_speed.py [--question distillation-loss] [--saves 30] [--sandbox auto]
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=ROOT)
    parser.add_argument("--question", default="distillation-loss")
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--hidden", action="store_true", help="Time the hidden tests on save.")
    parser.add_argument("--sandbox", default="auto")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="watch-speed-"))
    os.environ["METAJUDGE_HOME"] = str(work / "home")  # never touch the real history
    from judge.bank.loader import load_bank
    from judge.engine.sandbox import Engine
    from judge.practice.session import Outcome, Session
    from judge.practice.store import open_store
    from judge.practice.watch import Event, run_loop, watch_file

    bank = load_bank(args.bank)
    q = bank.questions[args.question]
    versions = [q.reference_solution.read_text(), q.wrong_variants[0].read_text()]
    path = work / "solution.py"
    path.write_text(versions[0])
    shown: queue.Queue[tuple[float, Outcome]] = queue.Queue()
    events: queue.Queue[Event] = queue.Queue()
    stop = threading.Event()
    started = time.perf_counter()
    with Engine(args.sandbox) as engine, open_store(bank.root) as store:
        session = Session(engine, bank, q, path, store, "watch")
        watch_file(path, events, stop)
        loop = threading.Thread(target=run_loop, daemon=True,
                                args=(session, events, lambda o, s: shown.put((time.perf_counter(), o)),
                                      args.hidden))
        loop.start()
        first_at, first = shown.get(timeout=300)
        print(f"start (sandbox, torch import, first {'hidden' if args.hidden else 'visible'} run): "
              f"{first_at - started:.2f} s, {first.report.verdict if first.report else first.error}")
        times, verdicts = [], []
        for n in range(args.saves):
            time.sleep(0.25)  # a learner does not save twice within a quarter second
            path.write_text(versions[(n + 1) % 2])
            saved = time.perf_counter()
            at, outcome = shown.get(timeout=120)
            times.append(at - saved)
            verdicts.append(outcome.report.verdict if outcome.report else outcome.error)
        events.put(Event("key", "q"))
        loop.join(timeout=60)
        stop.set()
    times.sort()
    p90 = times[int(0.9 * (len(times) - 1))]
    print(f"{args.question}: {len(times)} saves, save-to-verdict p50 {statistics.median(times):.3f} s, "
          f"p90 {p90:.3f} s, min {times[0]:.3f} s, max {times[-1]:.3f} s "
          f"(target: p50 <= 0.3 s on an idle machine)")
    print(f"verdicts seen: {sorted(set(verdicts))}; sandbox {engine.info.mode}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
