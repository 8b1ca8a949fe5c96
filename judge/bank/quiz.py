"""The multiple-choice form of concept questions: check an answer given as a letter."""

from __future__ import annotations

from dataclasses import dataclass

from judge.errors import UsageError
from judge.model import Question


@dataclass(frozen=True)
class QuizResult:
    correct: bool
    letter: str
    why: str
    right_letter: str


def answer(question: Question, letter: str) -> QuizResult:
    if not question.choices:
        raise UsageError(f"{question.id} has no multiple-choice form",
                         f"Read the model answer with `judge show {question.id} --solution`.")
    letters = [chr(65 + i) for i in range(len(question.choices))]
    pick = letter.strip().upper()
    if pick not in letters:
        raise UsageError(f"answer {letter!r} is not one of {', '.join(letters)}",
                         f"See the choices with `judge show {question.id}`.")
    choice = question.choices[letters.index(pick)]
    right = letters[next(i for i, c in enumerate(question.choices) if c.correct)]
    return QuizResult(choice.correct, pick, choice.why, right)
