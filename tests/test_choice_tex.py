"""`judge check` flags maths written as plain text in quiz choices, with file, field, line and fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.errors import ValidationError

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
QUIZ = Path("questions/foundations/quiz-question/question.md")


def _bank_with_choice(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "bank"
    shutil.copytree(MINI, root)
    md = root / QUIZ
    text = md.read_text(encoding="utf-8")
    assert old in text
    md.write_text(text.replace(old, new), encoding="utf-8")
    return root


@pytest.mark.parametrize("plain,found", [
    ("dividing the loss by T^2 changes nothing", "'T^2'"),
    ("each TD error holds gamma V(s_{t+1})", "'gamma', 's_{'"),
    ("memory is O(P^2) in the parameters", "'P^2'"),
    ("the other N^2 - N pairs are negatives", "'N^2'"),
    ("the update w_t = w_{t-1} - eta g", "'w_t', 'w_{', 'eta'"),
    ("the gradient \\nabla L", "'\\\\nabla'"),
])
def test_plain_text_maths_in_a_choice_is_flagged(tmp_path: Path, plain: str, found: str) -> None:
    root = _bank_with_choice(tmp_path, "why: The inner loop takes a few gradient steps on the new "
                             "task's support set.", f"why: {json.dumps(plain)}")
    with pytest.raises(ValidationError) as info:
        load_bank(root)
    (problem,) = info.value.problems
    assert problem.file == str(QUIZ) and problem.field == "choices[1].why"
    assert problem.message == f"maths written as plain text: {found}"
    assert problem.line == 20 and "$T^2$" in problem.fix


def test_maths_in_dollars_and_code_in_backticks_pass(tmp_path: Path) -> None:
    text = "The inner loop: $\\theta - \\alpha \\nabla L$, `w_t = x**2`, $T^2$"
    root = _bank_with_choice(tmp_path, "text: The inner loop", f"text: {json.dumps(text)}")
    bank = load_bank(root)
    assert bank.questions["quiz-question"].choices[1].text.startswith("The inner loop: $")
