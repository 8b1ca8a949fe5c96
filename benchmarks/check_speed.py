"""Speed of `judge check` over a bank: wall time, CPU time, and what an idle machine would take.

The machine this runs on may be shared, so wall time alone says little. The script also measures
the CPU time of the whole check, sandboxed processes included, when it can put the check in a
cgroup of its own (Linux cgroup v1 ``cpuacct``, as root; ``--no-cgroup`` to skip). Without the
cgroup it reports only the CPU time of the judge's own processes (resource.getrusage): the
sandbox's processes are not the check's children and are left out.

Printed per configuration: wall seconds, CPU seconds, the load average before the run, and the
idle estimate ``max(CPU / workers, CPU / cores)``: on an idle machine the check cannot be faster
than its CPU time spread over the cores it uses, and with a worker per core it comes close to
that (each worker alternates between its trusted process and its sandbox, one core's worth).

Usage:
  python benchmarks/check_speed.py                      # -j 1 and -j <cores>, no mutants
  python benchmarks/check_speed.py --jobs 2 --mutants distillation-loss
  python benchmarks/check_speed.py --judge /path/to/other/.venv/bin/judge --jobs 0
      (--jobs 0: run that judge's `check` without a -j option, e.g. an older checkout)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPUACCT = Path("/sys/fs/cgroup/cpuacct")


class CpuGroup:
    """A cpuacct cgroup that a child process joins before it starts (so all its descendants count)."""

    def __init__(self) -> None:
        self.path = CPUACCT / f"metajudge-bench-{os.getpid()}"
        self.path.mkdir()

    def join(self) -> None:  # runs in the child, before exec
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float:
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def remove(self) -> None:
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:  # a process of the group is still exiting
                time.sleep(0.1)


def cgroup_available() -> bool:
    return (CPUACCT / "cpuacct.usage").exists() and os.access(CPUACCT, os.W_OK)


def run(cmd: list[str], use_cgroup: bool) -> tuple[float, float, str, int]:
    """(wall s, CPU s, what the CPU figure covers, exit code) of ``cmd``."""
    group = CpuGroup() if use_cgroup else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, METAJUDGE_HOME=tempfile.mkdtemp())
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False,
                          preexec_fn=group.join if group else None)
    wall = time.perf_counter() - start
    if group is not None:
        time.sleep(0.5)  # let the sandbox's last processes exit and be charged
        cpu, covers = group.seconds(), "all processes (cgroup)"
        group.remove()
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        covers = "judge processes only (no cgroup)"
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    return wall, cpu, covers, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qids", nargs="*", help="questions to check (default: the whole bank)")
    parser.add_argument("--bank", type=Path, default=ROOT)
    parser.add_argument("--jobs", type=int, nargs="*", default=None,
                        help="worker counts to measure (default: 1 and the number of cores)")
    parser.add_argument("--mutants", action="store_true")
    parser.add_argument("--judge", default=str(Path(sys.executable).with_name("judge")),
                        help="the judge executable (another checkout's, to compare)")
    parser.add_argument("--no-cgroup", action="store_true")
    args = parser.parse_args()

    cores = len(os.sched_getaffinity(0))
    jobs = args.jobs if args.jobs is not None else sorted({1, cores})
    use_cgroup = not args.no_cgroup and cgroup_available()
    print(f"{cores} cores; judge {args.judge}; bank {args.bank}"
          f"{'; with mutants' if args.mutants else ''}")
    for j in jobs:
        cmd = [args.judge, "--bank", str(args.bank), "check", *args.qids]
        cmd += ["--mutants"] if args.mutants else []
        cmd += ["-j", str(j)] if j > 0 else []
        load = os.getloadavg()[0]
        wall, cpu, covers, code = run(cmd, use_cgroup)
        workers = j if j > 0 else 1
        idle = max(cpu / workers, cpu / cores)
        print(f"-j {j if j > 0 else '(none)'}: wall {wall:6.1f} s  CPU {cpu:6.1f} s [{covers}]  "
              f"load before {load:4.1f}  idle estimate {idle:6.1f} s  exit {code}")


if __name__ == "__main__":
    main()
