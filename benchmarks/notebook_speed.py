"""Time of ``notebook.submit`` from Python: the first call (starts the kernel's engine) and warm ones.

The function below is judged exactly as a notebook cell's function is (its source and the names
it uses are sent into the sandbox). Target: a warm submit takes at most 0.3 s. The load average
is printed with the figures.

Usage: python benchmarks/notebook_speed.py [--submits 20] [--suite hidden] [--sandbox auto]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent


def distillation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
                      temperature: float, alpha: float) -> torch.Tensor:
    T = temperature
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1),
                    F.softmax(teacher_logits.detach() / T, dim=1), reduction="batchmean")
    return alpha * T * T * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=ROOT)
    parser.add_argument("--submits", type=int, default=20)
    parser.add_argument("--suite", choices=["hidden", "public"], default="hidden")
    parser.add_argument("--sandbox", default="auto")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["METAJUDGE_HOME"] = tempfile.mkdtemp(prefix="notebook-speed-")
    from judge.practice import notebook

    notebook.use(bank=args.bank, sandbox=args.sandbox)
    call = notebook.submit if args.suite == "hidden" else notebook.test
    started = time.perf_counter()
    first = call("distillation-loss", distillation_loss)
    print(f"first {args.suite} submit (starts the engine): {time.perf_counter() - started:.2f} s, "
          f"{first.verdict}")
    times, cpu = [], []
    for _ in range(args.submits):
        t0, c0 = time.perf_counter(), time.process_time()
        result = call("distillation-loss", distillation_loss)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert result.accepted, result
    times.sort()
    print(f"warm {args.suite} submits: {len(times)}, p50 {statistics.median(times):.3f} s, "
          f"p90 {times[int(0.9 * (len(times) - 1))]:.3f} s, min {times[0]:.3f} s "
          f"(target: <= 0.3 s after the first)")
    print(f"CPU time of the notebook's own process per warm submit: p50 {statistics.median(cpu):.3f} s "
          "(the sandbox's share comes on top; on a busy machine the wall time is mostly waiting)")
    print(f"sandbox {first.report.sandbox}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    notebook.close()


if __name__ == "__main__":
    main()
