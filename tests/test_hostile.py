"""Hostile submissions: each gets the right verdict, the judge survives, and nothing is left.

Every file in tests/hostile/ attacks one thing (its first comment says what). The network test
aims only at a loopback listener this test starts itself.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from pathlib import Path

import pytest

from judge.engine.runner import Report, run_suite
from judge.engine.sandbox import UID_BLOCK, Engine
from judge.model import Bank

HOSTILE = Path(__file__).resolve().parent / "hostile"
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
}


def test_every_hostile_file_has_an_expected_verdict() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.py")) == sorted(EXPECTED)


def _leftovers(engine: Engine) -> list[str]:
    """Processes that a job left behind: any of this engine's job uids, or the daemon's marker."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{entry}").st_uid
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if engine.uid_base <= uid < engine.uid_base + UID_BLOCK or "987.654" in cmd:
            found.append(f"pid {entry} uid {uid}: {cmd[:80]}")
    return found


def _judge(engine: Engine, bank: Bank, path: Path) -> Report:
    q = bank.questions["echo"]
    box: dict[str, Report] = {}
    worker = threading.Thread(target=lambda: box.setdefault(
        "r", run_suite(engine, q, path.read_bytes(), "hidden")))
    worker.start()
    worker.join(timeout=120)  # a liveness guard: the judge must never hang on a submission
    assert not worker.is_alive(), f"the judge hung on {path.name}"
    return box["r"]


@pytest.fixture
def attack_env(tmp_path: Path, hostile_bank: Bank, monkeypatch: pytest.MonkeyPatch) -> dict:
    """A loopback listener, the judge's secret paths, and a marker name for escaped writes."""
    q = hostile_bank.questions["echo"]
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    marker = f"metajudge-escape-{uuid.uuid4().hex[:8]}"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    paths = [str(q.hidden_tests), str(q.reference_solution), str(victim)]
    monkeypatch.setenv("METAJUDGE_TEST_PORT", str(listener.getsockname()[1]))
    monkeypatch.setenv("METAJUDGE_TEST_PATHS", os.pathsep.join(paths))
    monkeypatch.setenv("METAJUDGE_TEST_MARKER", marker)
    yield {"listener": listener, "victim": victim, "marker": marker, "paths": paths}
    listener.close()


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
