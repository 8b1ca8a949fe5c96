"""Grade mode: hostile files among honest ones never change the honest students' results.

One warm engine judges a class in turn (as `judge grade` does). Each attacker sits between
honest students; every honest student's document must equal the one it gets when judged alone
on a fresh engine, the run must finish in bounded time, and nothing may be left behind.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from judge.engine.pool import Task, judge_all
from judge.engine.sandbox import Engine

pytestmark = pytest.mark.xdist_group("hostile")
HOSTILE = Path(__file__).resolve().parent / "hostile"
FIXTURES_HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile_bank"

# one attacker per class of issue 8 and 14, and the classic ones that touch shared state
ATTACKERS = [
    "reply_string_error.py", "reply_deep_nesting.py", "reply_trickle.py", "reply_huge_error.py",
    "reply_oversized.py", "reply_lying_sizes.py", "forge_judge_fault.py", "ansi_output.py",
    "plant_for_friend.py", "friend_finds_note.py", "memory_scan.py", "tmpfs_hog.py",
    "kill_parent.py", "kill_judge.py", "infinite_loop.py", "fork_bomb.py", "memory_bomb.py",
    "print_flood.py", "daemon.py", "write_outside.py", "segfault.py",
]
MUST_FIND_NOTHING = {"friend_finds_note.py", "memory_scan.py"}


def _honest(bank_dir: Path) -> dict[str, bytes]:
    solutions = bank_dir / "solutions/sandbox/multi"
    reference = (solutions / "reference.py").read_text()
    return {
        # carries the secret memory_scan.py looks for in memory
        "honest_secret": (reference + '\nSECRET = "metajudge-honest-k3Q9zT1vX7pL"\n').encode(),
        "honest_wrong": (solutions / "wrong/times_3.py").read_bytes(),
        "honest_partial": b"import torch\n\ndef f(x, hint):\n    print('n =', x.numel())\n"
                          b"    return x * 2 if x.numel() < 4 else x * 3\n",
    }


def _essence(doc: dict[str, Any]) -> dict[str, Any]:
    return {"verdict": doc["verdict"], "score": doc["score"], "message": doc["message"],
            "tests": [(t["name"], t["status"], t["verdict"], t["message"], t["output"])
                      for t in doc["tests"]]}


def test_attackers_do_not_touch_honest_students(attack_env: dict) -> None:
    honest = _honest(FIXTURES_HOSTILE)
    names = list(honest)
    alone = {}
    for name, source in honest.items():
        with Engine("bwrap") as fresh:
            from judge.bank.loader import load_bank
            from judge.engine.results import to_document
            from judge.engine.runner import run_suite

            q = load_bank(FIXTURES_HOSTILE).questions["multi"]
            alone[name] = _essence(to_document(run_suite(fresh, q, source, "hidden",
                                                         feedback="minimal")))
    tasks = []
    for i, attacker in enumerate(ATTACKERS):
        h = names[i % len(names)]
        tasks.append(Task(f"{i:02d}-{h}", "multi", honest[h], feedback="minimal"))
        tasks.append(Task(f"{i:02d}-x-{attacker}", "multi", (HOSTILE / attacker).read_bytes(),
                          feedback="minimal"))
    tasks.append(Task("99-honest_secret", "multi", honest["honest_secret"], feedback="minimal"))
    started = time.monotonic()
    docs = {o.key: o for o in judge_all(FIXTURES_HOSTILE, tasks, workers=1, sandbox="bwrap")}
    spent = time.monotonic() - started
    assert len(docs) == len(tasks)
    for key, outcome in docs.items():
        assert outcome.error == "", (key, outcome.error)
        doc = outcome.document
        assert all(t["status"] != "error" for t in doc["tests"]), key
        if "-x-" not in key:
            assert _essence(doc) == alone[key.split("-", 1)[1]], key
        elif key.split("-x-")[1] in MUST_FIND_NOTHING:
            assert doc["verdict"] == "Accepted", (key, doc["message"])
    # each attacker costs at most about one test's limit (3 s) plus a few seconds
    assert spent < 6 * len(ATTACKERS), spent
    leftovers = [line.split()[0] for line in open("/proc/sysvipc/shm").read().splitlines()[1:]]
    assert "1296695297" not in leftovers  # 0x4D4A0001, the planted segment's key, never on the host
    assert not any(name.startswith("metajudge-note") for name in os.listdir("/tmp"))
