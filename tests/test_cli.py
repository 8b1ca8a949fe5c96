"""The CLI through click's CliRunner: exit codes, output, and that nothing of the user's is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from judge.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
REF = MINI / "solutions/distillation/distillation-loss/reference.py"
WRONG = MINI / "solutions/distillation/distillation-loss/wrong/reduction_mean.py"
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs/results.schema.json").read_text())


def run(*args: str, bank: Path = MINI) -> Result:
    return CliRunner().invoke(cli, ["--bank", str(bank), *args], catch_exceptions=False)


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "bank"
    shutil.copytree(MINI, dest)
    return dest


def test_list_table_and_json() -> None:
    table = run("list")
    assert table.exit_code == 0 and "distillation-loss" in table.output and "2 question(s)" in table.output
    rows = json.loads(run("list", "--json", "--kind", "coding").output)
    assert rows == [{"id": "distillation-loss", "title": "Hinton knowledge-distillation loss",
                     "kind": "coding", "topic": "distillation", "difficulty": "easy",
                     "tags": ["knowledge-distillation", "kl-divergence", "temperature", "softmax"]}]
    assert json.loads(run("list", "--json", "--difficulty", "hard").output) == []
    assert json.loads(run("list", "--json", "--tag", "softmax", "--kind", "coding").output)


def test_bank_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METAJUDGE_BANK", str(MINI))
    result = CliRunner().invoke(cli, ["list", "--json"])
    assert [r["id"] for r in json.loads(result.output)] == ["distillation-loss", "quiz-question"]


def test_show_reveals_hints_one_at_a_time() -> None:
    none = run("show", "distillation-loss").output
    assert "4 hints" in none and "batchmean" not in none
    one = run("show", "distillation-loss", "--hints", "1").output
    assert "Hints (1 of 4)" in one and "log**-probabilities" in one and "batchmean" not in one
    sol = run("show", "distillation-loss", "--solution").output
    assert "Reference solution" in sol and 'reduction="batchmean"' in sol


def test_unknown_id_is_a_clear_error() -> None:
    result = run("show", "distilation-loss")
    assert result.exit_code == 2
    assert "Error: no question with id 'distilation-loss'" in result.output
    assert "Did you mean: distillation-loss" in result.output
    assert "Traceback" not in result.output


def test_start_never_overwrites_without_force(tmp_path: Path) -> None:
    first = run("start", "distillation-loss", "--dir", str(tmp_path))
    target = tmp_path / "distillation_loss.py"
    assert first.exit_code == 0 and target.read_text().startswith("import torch")
    target.write_text("my work")
    again = run("start", "distillation-loss", "--dir", str(tmp_path))
    assert again.exit_code == 2 and "already exists" in again.output and "--force" in again.output
    assert target.read_text() == "my work"
    forced = run("start", "distillation-loss", "--dir", str(tmp_path), "--force")
    assert forced.exit_code == 0 and "raise NotImplementedError" in target.read_text()


def test_test_and_submit_exit_codes_and_json() -> None:
    ok = run("test", "distillation-loss", str(REF))
    assert ok.exit_code == 0 and ok.output.startswith("Accepted") and "Score 2/2" in ok.output
    bad = run("submit", "distillation-loss", str(WRONG), "--json")
    assert bad.exit_code == 1
    doc = json.loads(bad.output)
    jsonschema.validate(doc, SCHEMA)
    assert doc["verdict"] == "Wrong Answer" and doc["status"] == "fail"
    assert doc["score"]["total"] == 13 and 0 < doc["score"]["passed"] < 12
    failing = [t for t in doc["tests"] if t["status"] == "fail"]
    assert any("max abs error" in t["message"] for t in failing)
    assert all("expected" not in (t["message"] or "") for t in failing)  # hidden: no expected values


def test_compile_error_document(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def distillation_loss(:\n    pass\n")
    result = run("submit", "distillation-loss", str(broken), "--json")
    doc = json.loads(result.output)
    jsonschema.validate(doc, SCHEMA)
    assert result.exit_code == 1 and doc["verdict"] == "Compile Error" and doc["status"] == "error"
    assert "SyntaxError" in doc["message"] and "line 1" in doc["message"]


def test_submit_missing_file(tmp_path: Path) -> None:
    result = run("submit", "distillation-loss", str(tmp_path / "nope.py"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_progress_records_submissions(tmp_path: Path) -> None:
    run("submit", "distillation-loss", str(REF))
    out = run("progress").output
    assert "distillation" in out and "     1      1      1" in out


def test_check_passes_on_a_good_bank() -> None:
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "wrong variants rejected 5/5" in result.output


def test_check_fails_when_the_reference_is_broken(bank_copy: Path) -> None:
    ref = bank_copy / "solutions/distillation/distillation-loss/reference.py"
    ref.write_text(ref.read_text().replace("(T * T)", "T"))
    result = run("check", bank=bank_copy)
    assert result.exit_code == 1
    assert "reference.py is not accepted by the hidden tests" in result.output
    assert "Fix the reference" in result.output


def test_check_fails_when_a_wrong_variant_is_made_correct(bank_copy: Path) -> None:
    sol = bank_copy / "solutions/distillation/distillation-loss"
    (sol / "wrong/reversed_kl.py").write_text('"""Mistake: none."""\n' + (sol / "reference.py").read_text())
    result = run("check", bank=bank_copy)
    assert result.exit_code == 1
    assert "wrong/reversed_kl.py: the wrong variant passes every hidden test" in result.output


def test_check_flags_a_test_that_cannot_fail(bank_copy: Path) -> None:
    hidden = bank_copy / "questions/distillation/distillation-loss/test_hidden.py"
    hidden.write_text(hidden.read_text() + "\n\ndef test_always_true(submission):\n    assert True\n")
    result = run("check", bank=bank_copy)
    assert result.exit_code == 1
    assert "test_always_true passes for the starter and every wrong variant" in result.output


def test_check_fails_on_a_misspelled_key(bank_copy: Path) -> None:
    md = bank_copy / "questions/distillation/distillation-loss/question.md"
    md.write_text(md.read_text().replace("difficulty:", "dificulty:"))
    result = run("check", bank=bank_copy)
    assert result.exit_code == 3
    assert "unknown field 'dificulty'" in result.output and "Did you mean 'difficulty'" in result.output
    assert "Traceback" not in result.output


def test_new_scaffolds_questions_that_pass_the_check(bank_copy: Path) -> None:
    made = run("new", "my-loss", "--kind", "coding", "--topic", "distillation", bank=bank_copy)
    assert made.exit_code == 0 and "created" in made.output
    made = run("new", "my-idea", "--kind", "concept", "--topic", "foundations", bank=bank_copy)
    assert made.exit_code == 0
    assert run("list", bank=bank_copy).output.count("\n") > 3
    result = run("check", "my-loss", "my-idea", bank=bank_copy)
    assert result.exit_code == 0, result.output
    again = run("new", "my-loss", "--kind", "coding", "--topic", "distillation", bank=bank_copy)
    assert again.exit_code == 2 and "already exists" in again.output


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"judge {name}" in readme, f"`judge {name}` is not documented in README.md"


def test_answer_checks_a_multiple_choice_form() -> None:
    right = run("answer", "quiz-question", "b")
    assert right.exit_code == 0 and right.output.startswith("Correct: B.")
    wrong = run("answer", "quiz-question", "A")
    assert wrong.exit_code == 1 and "Not A:" in wrong.output and "--solution" in wrong.output
    bad = run("answer", "quiz-question", "Z")
    assert bad.exit_code == 2 and "not one of A, B" in bad.output
    none = run("answer", "distillation-loss", "A")
    assert none.exit_code == 2 and "no multiple-choice form" in none.output
