"""Ctrl-C and a crash lose nothing: a real `judge grade` is interrupted, then killed, then
resumed, and the gradebook equals that of one uninterrupted run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from judge.bank.scaffold import new_question
from judge.cli import cli

pytestmark = pytest.mark.slow

STUDENTS = 6
SLOW = """import time
import torch


def double_it(x: torch.Tensor) -> torch.Tensor:
    time.sleep(0.4)  # slow enough that a run can be stopped in its middle
    return x * {factor}
"""


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("resume")
    bank = root / "bank"
    new_question(bank, "double-it", "coding", "basics")
    subs = root / "subs"
    for i in range(STUDENTS):
        (subs / f"s{i}").mkdir(parents=True)
        (subs / f"s{i}" / "double-it.py").write_text(SLOW.format(factor=2.0 if i % 2 else 3.0))
    assignment = root / "a.toml"
    assignment.write_text('title = "t"\n[[questions]]\nid = "double-it"\npoints = 4\n')
    return bank, subs, assignment


def judged(run_dir: Path) -> int:
    path = run_dir / "run.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM results WHERE state = 'judged'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the tables are not there yet


def start(bank: Path, subs: Path, assignment: Path, run_dir: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "judge", "--bank", str(bank), "grade", str(assignment), str(subs),
           "--run", str(run_dir), "-j", "1"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def wait_for(run_dir: Path, count: int, proc: subprocess.Popen[str], limit_s: float = 120) -> int:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and proc.poll() is None:
        n = judged(run_dir)
        if n >= count:
            return n
        time.sleep(0.05)
    raise AssertionError(f"the run did not reach {count} results: {proc.poll()}")


def gradebook(bank: Path, run_dir: Path) -> str:
    result = CliRunner().invoke(cli, ["--bank", str(bank), "export", str(run_dir), "csv"])
    assert result.exit_code == 0, result.output
    return result.output


def test_interrupt_then_crash_then_resume_gives_the_uninterrupted_gradebook(
        setting: tuple[Path, Path, Path], tmp_path: Path) -> None:
    bank, subs, assignment = setting
    run_dir = tmp_path / "run"
    # 1. Ctrl-C: the run stops after the submission in progress and says how to go on
    proc = start(bank, subs, assignment, run_dir)
    wait_for(run_dir, 1, proc)
    os.killpg(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 130, out
    assert "Interrupted: every result judged so far is stored" in out
    after_ctrl_c = judged(run_dir)
    assert 1 <= after_ctrl_c < STUDENTS
    # 2. a crash (SIGKILL to the whole process group) in the middle of the next run
    proc = start(bank, subs, assignment, run_dir)
    wait_for(run_dir, after_ctrl_c + 1, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    after_crash = judged(run_dir)
    assert after_ctrl_c < after_crash < STUDENTS
    # 3. the re-run judges exactly what is left; the gradebook equals one uninterrupted run's
    resumed = CliRunner().invoke(cli, ["--bank", str(bank), "grade", str(assignment), str(subs),
                                       "--run", str(run_dir), "-j", "1"])
    assert resumed.exit_code == 0, resumed.output
    assert f"To judge: {STUDENTS - after_crash} file(s) new or changed" in resumed.output
    whole = CliRunner().invoke(cli, ["--bank", str(bank), "grade", str(assignment), str(subs),
                                     "--run", str(tmp_path / "whole"), "-j", "1"])
    assert whole.exit_code == 0, whole.output
    book = gradebook(bank, run_dir)
    assert book == gradebook(bank, tmp_path / "whole")
    scores = sorted(row.split(",")[1] for row in book.splitlines()[2:])
    assert scores == ["2"] * (STUDENTS // 2) + ["4"] * (STUDENTS // 2)
