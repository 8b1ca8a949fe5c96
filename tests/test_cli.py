"""The CLI through click's CliRunner: exit codes, output, and that nothing of the user's is lost."""

from __future__ import annotations

import json
import re
import shlex
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


def test_show_prints_maths_as_unicode_and_plain_text_into_a_pipe() -> None:
    out = run("show", "distillation-loss").output
    assert "ℝ^(B×C)" in out and "\\mathbb" not in out and "$" not in out.split("Examples")[0]
    assert "\x1b[" not in out  # no terminal styles when the output is not a terminal


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


def test_progress_and_history_record_submissions() -> None:
    run("submit", "distillation-loss", str(REF))
    out = run("progress").output
    row = next(line for line in out.splitlines() if line.startswith("distillation "))
    assert row.split()[1:] == ["1", "1", "1", "0", "0", "0"]
    assert "history.sqlite3" in out and "METAJUDGE_HOME" in out
    history = run("history", "distillation-loss").output
    assert re.search(r"submit\s+Accepted\s+13/13\s+cli", history), history
    assert "Last accepted code" in history and REF.read_text().strip() in history


def test_list_topic_ignores_case_and_lists_topics_when_unknown() -> None:
    mixed = run("list", "--topic", "Distillation", "--json")
    assert mixed.exit_code == 0 and [r["id"] for r in json.loads(mixed.output)] == ["distillation-loss"]
    unknown = run("list", "--topic", "distilation")
    assert unknown.exit_code == 2
    assert "no topic 'distilation'" in unknown.output and "Did you mean 'distillation'?" in unknown.output
    assert "Topics: distillation, foundations." in unknown.output


def test_a_folder_as_submission_says_so(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("x = 1\n")
    for command in ("test", "submit", "watch"):
        result = run(command, "distillation-loss", str(tmp_path))
        assert result.exit_code == 2, command
        assert "is a folder, not a Python file" in result.output and "mine.py" in result.output


def test_answers_and_hints_go_into_the_history() -> None:
    run("answer", "quiz-question", "a")
    run("answer", "quiz-question", "B")
    run("show", "distillation-loss", "--hints", "2")
    out = run("history", "quiz-question").output
    assert "answer  A (wrong)" in out and "answer  B (right)" in out
    hints = run("history", "distillation-loss").output
    assert "Hints revealed: 1, 2 of 4" in hints and "No attempts yet" not in hints
    recent = run("history").output
    assert "quiz-question: B right" in recent
    assert run("history", "nope").exit_code == 2


def test_next_proposes_the_track_step_and_remembers_the_track(bank_copy: Path) -> None:
    (bank_copy / "tracks.yaml").write_text(
        "tracks:\n  - id: kd\n    title: KD\n    questions: [distillation-loss, quiz-question]\n"
        "  - id: quiz\n    title: Quiz\n    questions: [quiz-question]\n")
    first = run("next", bank=bank_copy)
    assert first.exit_code == 0
    assert "Next: distillation-loss  (track kd, step 1 of 2)" in first.output
    assert "judge watch distillation-loss" in first.output and "other tracks: quiz" in first.output
    chosen = run("next", "--track", "quiz", bank=bank_copy)
    assert "Next: quiz-question  (track quiz, step 1 of 1)" in chosen.output
    assert "(track quiz" in run("next", bank=bank_copy).output  # remembered
    bad = run("next", "--track", "quizz", bank=bank_copy)
    assert bad.exit_code == 2 and "Did you mean 'quiz'?" in bad.output
    run("answer", "quiz-question", "B", bank=bank_copy)
    done = run("next", bank=bank_copy).output
    assert "Track quiz: all 1 steps done." in done and "Weakest topic: distillation" in done


def test_review_rates_and_schedules(tmp_path: Path) -> None:
    wrong = CliRunner().invoke(cli, ["--bank", str(MINI), "review"], input="A\n")
    assert wrong.exit_code == 0, wrong.output
    assert "Review 1 of 1: quiz-question" in wrong.output and "Not A (the answer is B)" in wrong.output
    assert "Key points" in wrong.output and "Next review of quiz-question in 1 minute" in wrong.output
    again = run("review")
    assert "Nothing is due for review. Next review in 1 minute." in again.output
    direct = CliRunner().invoke(cli, ["--bank", str(MINI), "review", "quiz-question"], input="b\n")
    assert "Right:" in direct.output and "Reviewed 1 question(s)" in direct.output
    code = run("review", "distillation-loss")
    assert code.exit_code == 2 and "its review is your next `judge submit`" in code.output
    ratings = [line for line in run("history", "quiz-question").output.splitlines() if "review" in line]
    assert ["Again" in ratings[0], "Good" in ratings[1]] == [True, True]


def test_review_quits_cleanly_at_end_of_input() -> None:
    result = CliRunner().invoke(cli, ["--bank", str(MINI), "review"], input="")
    assert result.exit_code == 0 and "Aborted" not in result.output
    assert "Reviewed 0 question(s)" in result.output


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


def test_interview_records_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--bank", str(MINI), "interview", "--minutes", "5", "--dir",
                                      str(tmp_path)], input="B\n")  # then end of input: submit
    assert result.exit_code == 0, result.output
    assert "1 concept question(s), then the coding task distillation-loss" in result.output
    assert "Right:" in result.output and "time left" in result.output
    assert "coding  distillation-loss: Runtime Error (0/13 hidden tests)" in result.output
    assert "concept quiz-question: Good" in result.output
    assert (tmp_path / "interview_distillation_loss.py").read_text().startswith("import torch")
    recent = run("history").output
    assert "interview  distillation-loss: Runtime Error 0/13; concepts recalled 1/1" in recent
    assert re.search(r"submit\s+distillation-loss: Runtime Error 0/13 \(interview\)", recent), recent
    from judge.practice.store import open_store

    with open_store(MINI) as store:
        summary = store.interviews()[-1][1]
    assert summary["concepts"] == [{"qid": "quiz-question", "rating": 3, "rating_name": "Good",
                                    "answer": "B"}]
    assert summary["coding"]["verdict"] == "Runtime Error" and summary["minutes"] == 5
    again = CliRunner().invoke(cli, ["--bank", str(MINI), "interview", "--dir", str(tmp_path),
                                     "--topic", "foundations"])
    assert again.exit_code == 2 and "has no coding task" in again.output


TOUR_INPUT = {"watch": "q\n", "review": "", "interview": ""}  # q quits; no input ends a prompt


def tour_commands() -> list[tuple[list[str], int]]:
    """The tour's commands with the exit code its comment gives as a final '(exit N ...)'."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    tour = readme[readme.index("## A two-minute tour"):readme.index("For instructors and authors:")]
    block = tour.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        if not line.strip() or line.startswith("source "):
            continue
        command, _, comment = line.partition("#")
        match = re.search(r"\(exit (\d)[^)]*\)\s*$", comment)
        commands.append((shlex.split(command), int(match.group(1)) if match else 0))
    return commands


@pytest.mark.slow
def test_the_readme_tour_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("METAJUDGE_BANK", raising=False)  # the bundled bank, as in the README
    commands = tour_commands()
    names = [argv[1] for argv, _ in commands]
    assert all(argv[0] == "judge" for argv, _ in commands)
    assert {"watch", "next", "review", "interview", "history", "progress"} <= set(names)
    assert [code for argv, code in commands if argv[1] in ("test", "submit")] == [1, 1, 1]
    outputs: dict[str, str] = {}
    for argv, code in commands:
        result = CliRunner().invoke(cli, argv[1:], input=TOUR_INPUT.get(argv[1], ""),
                                    catch_exceptions=False)
        assert result.exit_code == code, (
            f"`{' '.join(argv)}` exited {result.exit_code}, the README says {code}:\n{result.output}")
        outputs[argv[1]] = result.output
    assert "Next: what-is-meta-learning  (track fundamentals, step 1 of 21)" in outputs["next"]
    assert (tmp_path / "ws/distillation_loss.py").is_file()
    assert "Runtime Error" in outputs["watch"] and "Stopped watching" in outputs["watch"]
    assert outputs["answer"].startswith("Correct: C.")
    assert "Interview summary" in outputs["interview"] and list((tmp_path / "ws").glob("interview_*.py"))
    assert re.search(r"submit\s+Runtime Error\s+0/\d+\s+cli", outputs["history"])
