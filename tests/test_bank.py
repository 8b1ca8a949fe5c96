"""`judge check` over the bundled bank, one test per question so a failure names it.

Runs the same two-sided check as the CLI: the reference passes the public and hidden tests, the
starter and every known-wrong variant fail the hidden tests, and no hidden test passes for all of
them alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from judge.bank.checker import check_question
from judge.bank.loader import load_bank
from judge.engine.sandbox import Engine

ROOT = Path(__file__).resolve().parent.parent
BANK = load_bank(ROOT)  # a content error fails collection with every problem listed
CODE = [q.id for q in BANK if q.is_code]


def test_bank_size() -> None:
    kinds = [q.kind for q in BANK]
    assert kinds.count("concept") >= 12
    assert len(CODE) >= 8


@pytest.mark.parametrize("qid", CODE)
def test_question_passes_the_check(qid: str, engine: Engine) -> None:
    result = check_question(engine, BANK, BANK.questions[qid])
    assert result.problems == []
    assert result.wrong_total >= 3 and result.wrong_rejected == result.wrong_total
