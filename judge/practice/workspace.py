"""The learner's workspace: ``judge start`` writes a starter file, never over an existing one."""

from __future__ import annotations

from pathlib import Path

from judge.errors import UsageError
from judge.model import Question


def start(question: Question, directory: Path, force: bool = False) -> Path:
    """Write the question's starter to ``directory/<id>.py`` and return its path."""
    if not question.is_code:
        raise UsageError(f"{question.id} is a concept question: there is no code to start",
                         f"Read it with `judge show {question.id}`.")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--dir {directory} exists and is not a folder", "Pass a folder path.")
    target = directory / f"{question.id.replace('-', '_')}.py"
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; not overwriting your work",
                         "Pass --force to replace it with the starter, or --dir for another folder.")
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(question.starter.read_text(encoding="utf-8"), encoding="utf-8")
    return target
