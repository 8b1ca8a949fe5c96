"""The validating loader: every error kind, all reported at once, with file, line and fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from judge.bank.loader import find_question, list_items, load_bank
from judge.errors import Problem, UsageError, ValidationError

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        load_bank(FIXTURES / "broken")
    return info.value.problems


def _find(problems: list[Problem], folder: str, field: str) -> Problem:
    hits = [p for p in problems if f"/{folder}/" in p.file + "/" and p.field.startswith(field)]
    assert hits, f"no problem for {folder} / {field}: {[p.render() for p in problems]}"
    return hits[0]


@pytest.mark.parametrize("folder,field,words,fix_words", [
    ("misspelled-key", "dificulty", "unknown field", "Did you mean 'difficulty'"),
    ("misspelled-key", "difficulty", "missing required field", "Add 'difficulty:'"),
    ("bad-enum", "kind", "not one of concept, coding, debug", "Set 'kind:'"),
    ("missing-hidden", "file", "missing (the hidden tests)", "Create"),
    ("undefined-entry", "entry_points", "does not define entry point 'kd_loss'", "Define kd_loss"),
    ("too-few-wrong", "wrong variants", "needs at least 3", "Add files under wrong/"),
    ("bad-limit", "limits.memory", "unknown limit", "Did you mean 'memory_mb'"),
    ("bad-limit", "limits.time_s", "positive number", "Write a number"),
    ("dangling-related", "related", "unknown question id 'no-such-question'", "Remove it"),
    ("unbalanced-math", "math", "unbalanced '$'", "\\$"),
    ("missing-section", "section 'Key points'", "missing or empty", "## Key points"),
    ("bad-yaml", "front matter", "invalid YAML", "Fix the YAML syntax"),
    ("bad-arxiv", "references[0].arxiv", "is not an arXiv id", "Quote it"),
    ("dup-id", "id", "duplicate id 'dup-id'", "different id"),
    ("wrong-topic", "topic", "differs from its folder", "topic: foundations"),
    ("unknown-section", "section 'Followups'", "not a section", "Did you mean '## Follow-ups'"),
])
def test_each_error_kind_is_reported(problems: list[Problem], folder: str, field: str,
                                     words: str, fix_words: str) -> None:
    problem = _find(problems, folder, field)
    assert words in problem.message
    assert fix_words in problem.fix


def test_all_errors_are_collected_in_one_pass(problems: list[Problem]) -> None:
    folders = {Path(p.file).parts[2] if p.file.startswith("questions") else Path(p.file).parts[2]
               for p in problems}
    assert len(folders) >= 14


def test_lines_are_given_where_known(problems: list[Problem]) -> None:
    assert _find(problems, "misspelled-key", "dificulty").line == 7
    assert _find(problems, "unbalanced-math", "math").line == 22
    assert _find(problems, "unknown-section", "section 'Followups'").line == 33
    assert _find(problems, "bad-yaml", "front matter").line == 4


def test_problem_paths_are_relative_to_the_bank(problems: list[Problem]) -> None:
    assert all(not p.file.startswith("/") for p in problems), [p.file for p in problems]


def test_valid_bank_loads(mini_bank) -> None:  # type: ignore[no-untyped-def]
    q = mini_bank.questions["distillation-loss"]
    assert q.kind == "coding" and q.entry_points == ("distillation_loss",)
    assert len(q.hints) == 4 and q.hints[0].startswith("`torch.nn.functional.kl_div")
    assert q.references[0].url == "https://arxiv.org/abs/1503.02531"
    assert len(q.wrong_variants) == 5
    assert q.limits.time_s == 10


def test_missing_bank_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no questions/ folder"):
        load_bank(tmp_path)


def test_unknown_id_suggests_close_ids(mini_bank) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="Did you mean: distillation-loss"):
        find_question(mini_bank, "distilation-loss")


def test_misspelled_key_in_a_copied_bank(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES / "mini", bank)
    md = bank / "questions/distillation/distillation-loss/question.md"
    md.write_text(md.read_text().replace("tags:", "tag:"))
    with pytest.raises(ValidationError) as info:
        load_bank(bank)
    assert any("Did you mean 'tags'" in p.fix for p in info.value.problems)


def test_list_items_keeps_continuation_lines() -> None:
    text = "1. first\n   more of it\n2. second\n\n- third"
    assert list_items(text) == ["first\nmore of it", "second", "third"]
