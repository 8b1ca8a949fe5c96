"""Trusted evidence: a submission that patches torch or judge.testing inside the sandbox cannot
pass a learning test or an "inputs unchanged" test written with judge.testing's pattern.

tests/fixtures/evidence_bank holds one task twice: `learn-line` judges with the trusted pattern
(inputs built and snapshotted here, learning recomputed from the returned states),
`learn-line-naive` from evidence computed in the sandbox. Each cheat in
tests/fixtures/evidence_cheats/ fools the naive test it targets (so it is a real cheat) and fails
the trusted one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.engine.runner import Report, run_suite
from judge.engine.sandbox import Engine
from judge.model import Bank

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHEATS = FIXTURES / "evidence_cheats"

# cheat -> (the naive test it fools, the trusted tests that must catch it)
CASES = {
    "fake_curve.py": ("test_loss_curve_falls", ["test_loss_falls_during_training"]),
    "forged_metric.py": ("test_heldout_loss_falls", ["test_loss_falls_during_training"]),
    "patched_helpers.py": ("test_inputs_are_not_modified",
                           ["test_inputs_are_not_modified", "test_loss_falls_during_training"]),
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(FIXTURES / "evidence_bank")


def _run(engine: Engine, bank: Bank, qid: str, source: bytes) -> dict[str, str]:
    report: Report = run_suite(engine, bank.questions[qid], source, "hidden")
    return {t.name: t.status for t in report.tests} | {"verdict": report.verdict}


def test_every_cheat_file_has_a_case() -> None:
    assert sorted(p.name for p in CHEATS.glob("*.py")) == sorted(CASES)


def test_the_reference_passes_both_forms(engine: Engine, bank: Bank) -> None:
    source = bank.questions["learn-line"].reference_solution.read_bytes()
    for qid in ("learn-line", "learn-line-naive"):
        assert _run(engine, bank, qid, source)["verdict"] == "Accepted", qid


@pytest.mark.parametrize("cheat", sorted(CASES))
def test_a_cheat_fools_the_naive_test_but_not_the_trusted_ones(engine: Engine, bank: Bank,
                                                                cheat: str) -> None:
    source = (CHEATS / cheat).read_bytes()
    fooled, caught_by = CASES[cheat]
    naive = _run(engine, bank, "learn-line-naive", source)
    assert naive[fooled] == "pass", f"{cheat} is meant to fool the naive {fooled}"
    trusted = _run(engine, bank, "learn-line", source)
    assert trusted["verdict"] == "Wrong Answer"
    for name in caught_by:
        assert trusted[name] == "fail", f"{cheat} passed the trusted {name}"
