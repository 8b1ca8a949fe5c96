"""Hostile submissions: each gets the right verdict, the judge survives, and nothing is left.

Every file in tests/hostile/ attacks one thing (its first comment says what). The network test
aims only at a loopback listener this test starts itself.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from judge.engine.runner import Report, run_suite
from judge.engine.sandbox import UID_BLOCK, Engine
from judge.model import Bank

HOSTILE = Path(__file__).resolve().parent / "hostile"
FIXTURES_HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile_bank"
# one worker runs them all: the leftover checks look at every process on the machine
pytestmark = pytest.mark.xdist_group("hostile")

EXPECTED = {
    "infinite_loop.py": "Time Limit Exceeded",
    "long_torch_op.py": "Time Limit Exceeded",
    "swallow_base_exception.py": "Time Limit Exceeded",
    "sigterm_ignore.py": "Time Limit Exceeded",
    "slow_import.py": "Time Limit Exceeded",
    "fork_bomb.py": "Time Limit Exceeded",
    "memory_bomb.py": "Memory Limit Exceeded",
    "torch_memory_bomb.py": "Memory Limit Exceeded",
    "print_flood.py": "Output Limit Exceeded",
    "sys_exit_import.py": "Runtime Error",
    "os_exit_import.py": "Runtime Error",
    "sys_exit_call.py": "Runtime Error",
    "os_exit_call.py": "Runtime Error",
    "segfault.py": "Runtime Error",
    "deep_recursion.py": "Runtime Error",
    "c_stack_overflow.py": "Runtime Error",
    "patch_checks.py": "Wrong Answer",
    "lying_tensor.py": "Wrong Answer",
    "lying_object.py": "Wrong Answer",
    "frame_walk.py": "Wrong Answer",
    "fake_results.py": "Wrong Answer",
    "kill_judge.py": "Wrong Answer",
    "syntax_error.py": "Compile Error",
    "missing_entry.py": "Compile Error",
    "import_error.py": "Compile Error",
    "daemon.py": "Accepted",
    "read_hidden.py": "Accepted",
    "open_socket.py": "Accepted",
    "write_outside.py": "Accepted",
    "symlink_trap.py": "Accepted",
    "torch.py": "Accepted",
    # the protocol and the judge's own resources (issue 8)
    "reply_string_error.py": "Runtime Error",
    "reply_deep_nesting.py": "Runtime Error",
    "reply_trickle.py": "Time Limit Exceeded",
    "reply_huge_error.py": "Runtime Error",
    "reply_oversized.py": "Runtime Error",
    "reply_lying_sizes.py": "Runtime Error",
    "forge_judge_fault.py": "Runtime Error",
    "ansi_output.py": "Runtime Error",
    # state shared between jobs (issue 8) and the sandbox's own processes (issue 14)
    "plant_for_friend.py": "Accepted",
    "friend_finds_note.py": "Accepted",
    "memory_scan.py": "Accepted",
    "tmpfs_hog.py": "Accepted",
    "kill_parent.py": "Wrong Answer",
}
# No attack may take the judge longer than this (seconds): the time limit of the question is 4 s.
BOUND_S = 20.0


def test_every_hostile_file_has_an_expected_verdict() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.py")) == sorted(EXPECTED)


def _leftovers(engine: Engine) -> list[str]:
    """Processes that a job left behind: anything below the zygote, any of this engine's job
    uids, or the daemon's marker."""
    found = [f"pid {pid} below the zygote" for pid in engine.job_pids()]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{entry}").st_uid
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if (engine.uid_base and engine.uid_base <= uid < engine.uid_base + UID_BLOCK) \
                or "987.654" in cmd:
            found.append(f"pid {entry} uid {uid}: {cmd[:80]}")
    return found


def _judge(engine: Engine, bank: Bank, path: Path, qid: str = "echo") -> Report:
    q = bank.questions[qid]
    box: dict[str, Report] = {}
    worker = threading.Thread(target=lambda: box.setdefault(
        "r", run_suite(engine, q, path.read_bytes(), "hidden")))
    started = time.monotonic()
    worker.start()
    worker.join(timeout=120)  # a liveness guard: the judge must never hang on a submission
    assert not worker.is_alive(), f"the judge hung on {path.name}"
    assert time.monotonic() - started < BOUND_S, f"{path.name} took the judge too long"
    return box["r"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_submission(name: str, engine: Engine, hostile_bank: Bank, attack_env: dict) -> None:
    report = _judge(engine, hostile_bank, HOSTILE / name)
    assert report.verdict == EXPECTED[name], (report.verdict, report.message,
                                              [(t.name, t.message) for t in report.tests])
    assert _leftovers(engine) == []
    # nothing escaped: no connection reached our listener, no file was written outside
    try:
        conn, _ = attack_env["listener"].accept()
        conn.close()
        pytest.fail("the submission reached a loopback listener outside the sandbox")
    except TimeoutError:
        pass
    marker = attack_env["marker"]
    for folder in [Path("/tmp"), Path.home(), *(Path(p).parent for p in attack_env["paths"])]:
        assert not (folder / marker).exists(), f"{name} wrote {folder / marker}"
    assert attack_env["victim"].read_text() == "keep me"
    for path in attack_env["paths"]:
        assert Path(path).exists()


def test_messages_say_what_happened(engine: Engine, hostile_bank: Bank, attack_env: dict) -> None:
    syntax = _judge(engine, hostile_bank, HOSTILE / "syntax_error.py")
    assert "SyntaxError" in syntax.message and "line 2" in syntax.message
    missing = _judge(engine, hostile_bank, HOSTILE / "missing_entry.py")
    assert "does not define f" in missing.message
    segv = _judge(engine, hostile_bank, HOSTILE / "segfault.py")
    assert "SIGSEGV" in segv.tests[0].message
    flood = _judge(engine, hostile_bank, HOSTILE / "print_flood.py")
    assert "output limit" in flood.tests[0].message
    assert 0 < len(flood.tests[0].output) <= 2000 + len("\n[output truncated]")
    memory = _judge(engine, hostile_bank, HOSTILE / "memory_bomb.py")
    assert "256 MB" in memory.tests[0].message


def test_judge_still_works_after_an_attack_on_it(engine: Engine, hostile_bank: Bank,
                                                 attack_env: dict) -> None:
    _judge(engine, hostile_bank, HOSTILE / "kill_judge.py")
    ref = hostile_bank.questions["echo"].reference_solution
    assert _judge(engine, hostile_bank, ref).verdict == "Accepted"


def test_judges_own_faults_are_never_the_submissions(engine: Engine, hostile_bank: Bank,
                                                     attack_env: dict) -> None:
    # malformed, forged or oversized replies are the submission's failures, never the judge's
    for name in ("reply_string_error.py", "reply_deep_nesting.py", "reply_lying_sizes.py",
                 "forge_judge_fault.py", "reply_oversized.py"):
        report = _judge(engine, hostile_bank, HOSTILE / name)
        assert all(t.status != "error" for t in report.tests), name
        text = " ".join(t.message for t in report.tests) + report.message
        assert "not your fault" not in text and "do not call sys.exit" not in text or \
            name == "forge_judge_fault.py", (name, text)


def test_untrusted_text_is_capped_and_escaped(engine: Engine, hostile_bank: Bank,
                                              attack_env: dict) -> None:
    from judge.engine.results import render, to_document

    huge = _judge(engine, hostile_bank, HOSTILE / "reply_huge_error.py")
    assert len(huge.tests[0].message) < 2600  # a 1 MB forged message is cut at 2,000 characters
    assert len(json.dumps(to_document(huge))) < 10_000
    ansi = _judge(engine, hostile_bank, HOSTILE / "ansi_output.py")
    doc = to_document(ansi)
    assert "\x1b" in doc["tests"][0]["output"]  # the JSON keeps the text intact
    shown = render(ansi, color=False)
    for bad in ("\x1b", "\r", "\x07", "\u202e"):
        assert bad not in shown, repr(bad)
    assert "Accepted" not in shown.splitlines()[0]


def test_a_looping_file_costs_about_one_test(engine: Engine, hostile_bank: Bank,
                                            attack_env: dict) -> None:
    started = time.monotonic()
    report = _judge(engine, hostile_bank, HOSTILE / "infinite_loop.py", qid="multi")
    spent = time.monotonic() - started
    limit = hostile_bank.questions["multi"].limits.time_s
    assert report.verdict == "Time Limit Exceeded"
    assert [t.verdict for t in report.tests] == ["Time Limit Exceeded"] * 5
    assert sum(t.message.startswith("not run") for t in report.tests) == 4
    assert spent < limit + 5, spent


def test_the_checks_own_time_is_bounded(engine: Engine, hostile_bank: Bank,
                                        attack_env: dict, tmp_path: Path) -> None:
    # the test's own work on a result (here: proportional to its length) has its own limit
    flood = tmp_path / "long_list.py"
    flood.write_text("def f(x, hint):\n    return [0.0] * 20_000\n")
    started = time.monotonic()
    report = _judge(engine, hostile_bank, flood, qid="slowcheck")
    assert report.verdict == "Time Limit Exceeded"
    assert "checking your result" in report.tests[0].message
    assert time.monotonic() - started < 10
    # and the engine is fine afterwards
    ref = hostile_bank.questions["slowcheck"].reference_solution
    assert _judge(engine, hostile_bank, ref, qid="slowcheck").verdict == "Accepted"


def test_fork_bomb_is_bounded(engine: Engine, hostile_bank: Bank, attack_env: dict) -> None:
    peak = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], len(engine.job_pids()))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        report = _judge(engine, hostile_bank, HOSTILE / "fork_bomb.py")
    finally:
        done.set()
        watcher.join()
    assert report.verdict == "Time Limit Exceeded"
    limit = hostile_bank.questions["echo"].limits.processes
    assert 1 < peak[0] <= limit + 8, peak[0]  # the job, what it may add, a little slack


NONE_MODE = {  # without bubblewrap only resource limits apply: the cases those limits cover
    "infinite_loop.py": "Time Limit Exceeded",
    "memory_bomb.py": "Memory Limit Exceeded",
    "print_flood.py": "Output Limit Exceeded",
    "segfault.py": "Runtime Error",
    "os_exit_call.py": "Runtime Error",
    "lying_tensor.py": "Wrong Answer",
    "daemon.py": "Accepted",
    "syntax_error.py": "Compile Error",
}


def test_fallback_without_bubblewrap(hostile_bank: Bank, attack_env: dict) -> None:
    with Engine("none") as eng:
        assert "sandbox: none" in eng.info.warning
        for name, verdict in NONE_MODE.items():
            report = _judge(eng, hostile_bank, HOSTILE / name)
            assert report.verdict == verdict, (name, report.verdict, report.message)
            assert report.sandbox == "none" and report.warnings
            assert _leftovers(eng) == [], name
        tmp = eng._tmp
    assert not os.path.exists(tmp), "the engine left its temporary folder behind"
