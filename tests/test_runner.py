"""The runner and the test contract: verdicts, messages and output across the sandbox boundary."""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.engine.runner import run_suite
from judge.engine.sandbox import Engine
from judge.model import Bank

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(FIXTURES / "contract_bank")


def judge(engine: Engine, bank: Bank, source: str, suite: str = "hidden"):  # type: ignore[no-untyped-def]
    return run_suite(engine, bank.questions["square"], source.encode(), suite)


def by_name(report):  # type: ignore[no-untyped-def]
    return {t.name: t for t in report.tests}


def test_reference_is_accepted(engine: Engine, bank: Bank) -> None:
    ref = bank.questions["square"].reference_solution.read_text()
    report = judge(engine, bank, ref)
    assert report.verdict == "Accepted" and report.passed == len(report.tests) == 4
    assert report.sandbox == "bwrap" and report.warnings == []


def test_expected_exceptions_cross_the_boundary(engine: Engine, bank: Bank) -> None:
    wrong = (FIXTURES / "contract_bank/solutions/contract/square/wrong/no_check.py").read_text()
    tests = by_name(judge(engine, bank, wrong))
    assert tests["test_rejects_negative_input"].verdict == "Wrong Answer"
    assert tests["test_rejects_negative_input"].message == "DID NOT RAISE ValueError"
    assert tests["test_square_matches"].status == "pass"


def test_output_is_captured_per_test(engine: Engine, bank: Bank) -> None:
    src = "def square(x):\n    print('side effect', 42)\n    return x * 3\n\n" \
          "def check_positive(x):\n    return True\n"
    tests = by_name(judge(engine, bank, src))
    assert tests["test_square_matches"].output.strip() == "side effect 42"


def test_gradient_probe_detects_a_detached_result(engine: Engine, bank: Bank) -> None:
    wrong = (FIXTURES / "contract_bank/solutions/contract/square/wrong/detached.py").read_text()
    tests = by_name(judge(engine, bank, wrong))
    probe = tests["test_gradient_through_a_probe"]
    assert probe.verdict == "Runtime Error"  # backward() on a tensor without grad raises
    assert "RuntimeError" in probe.message and "does not require grad" in probe.message


def test_hidden_plain_assert_shows_only_its_message(engine: Engine, bank: Bank) -> None:
    src = "def square(x):\n    return x + 1\n\ndef check_positive(x):\n    return True\n"
    hidden = by_name(judge(engine, bank, src))["test_plain_assert_message"]
    assert hidden.message == "square(2) must be 4"


def test_public_tests_may_show_expected_values(engine: Engine, bank: Bank) -> None:
    src = "def square(x):\n    return x + 1\n\ndef check_positive(x):\n    return True\n"
    report = judge(engine, bank, src, suite="public")
    assert report.verdict == "Wrong Answer"
    assert "expected 9" in report.tests[0].message


def test_runtime_error_points_at_the_learners_line(engine: Engine, bank: Bank) -> None:
    src = "def square(x):\n    y = x.view(7, 7)\n    return y\n\ndef check_positive(x):\n    return True\n"
    tests = by_name(judge(engine, bank, src))
    msg = tests["test_square_matches"].message
    assert tests["test_square_matches"].verdict == "Runtime Error"
    assert "RuntimeError" in msg and "your line 2: y = x.view(7, 7)" in msg


def test_returning_an_object_is_a_wrong_answer_with_advice(engine: Engine, bank: Bank) -> None:
    src = ("class Box:\n    pass\n\ndef square(x):\n    return Box()\n\n"
           "def check_positive(x):\n    return True\n")
    tests = by_name(judge(engine, bank, src))
    msg = tests["test_square_matches"].message
    assert tests["test_square_matches"].verdict == "Wrong Answer"
    assert "cannot cross the sandbox boundary" in msg


def test_a_crash_in_one_test_does_not_take_down_the_others(engine: Engine, bank: Bank) -> None:
    src = ("import os\n\ndef square(x):\n    return x * x\n\n"
           "def check_positive(x):\n    os._exit(3)\n")
    report = judge(engine, bank, src)
    tests = by_name(report)
    assert tests["test_rejects_negative_input"].verdict == "Runtime Error"
    assert "exit code 3" in tests["test_rejects_negative_input"].message
    assert tests["test_square_matches"].status == "pass"
    assert tests["test_gradient_through_a_probe"].status == "pass"
    assert tests["test_plain_assert_message"].status == "pass"
    assert report.verdict == "Runtime Error"
