"""Grading without the engine: assignments, folder scans, the run store, resuming, exports.

A stand-in judge (deterministic documents from the source text) drives ``grade_class`` so that
what is judged, reused, invalidated and stored can be counted exactly; the real engine is used
in test_grading_cli.py, test_grading_resume.py and test_grading_sample.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.bank.scaffold import new_question
from judge.engine.pool import Outcome, Task
from judge.errors import UsageError
from judge.grading.assignment import (
    AssignedQuestion,
    Assignment,
    AssignmentError,
    load_assignment,
    new_assignment_text,
    parse_assignment,
)
from judge.grading.exports import export, gradebook, gradescope_results, to_csv, to_json
from judge.grading.grade import Summary, grade_class
from judge.grading.layout import scan
from judge.grading.store import RunStore
from judge.model import Bank

QUESTIONS = ("double-it", "halve-it")
ASSIGNMENT = """title = "Week 1"
[[questions]]
id = "double-it"
points = 10
[[questions]]
id = "halve-it"
points = 5
scoring = "all-or-nothing"
"""


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    root = tmp_path_factory.mktemp("tiny-bank")
    for qid in QUESTIONS:
        new_question(root, qid, "coding", "basics")
    return load_bank(root)


@pytest.fixture
def assignment(bank: Bank) -> Assignment:
    return parse_assignment(ASSIGNMENT, "assignment.toml", bank)


class FakeJudge:
    """Judges by reading the source: RIGHT passes both tests, anything else passes one."""

    def __init__(self, stop_after: int | None = None, fail: set[str] | None = None) -> None:
        self.seen: list[Task] = []
        self.stop_after = stop_after
        self.fail = fail or set()

    def __call__(self, tasks: list[Task]) -> Iterator[Outcome]:
        for task in tasks:
            if self.stop_after is not None and len(self.seen) >= self.stop_after:
                raise KeyboardInterrupt
            self.seen.append(task)
            text = task.source.decode()
            if any(word in text for word in self.fail):
                yield Outcome(task.key, error="SandboxError: the sandbox stopped answering")
                continue
            right = "RIGHT" in text
            tests = [{"name": "test_matches_reference", "status": "pass", "verdict": "Accepted",
                      "message": None, "output": None, "duration_s": 0.01},
                     {"name": "test_inputs_are_not_modified", "status": "pass" if right else "fail",
                      "verdict": "Accepted" if right else "Wrong Answer",
                      "message": None if right else "input after the call: values differ",
                      "output": None if right else "\x1b[31mred\x1b[0m", "duration_s": 0.02}]
            yield Outcome(task.key, {
                "version": 3, "status": "pass" if right else "fail", "question": task.question,
                "verdict": "Accepted" if right else "Wrong Answer", "tests": tests,
                "score": {"passed": 2 if right else 1, "total": 2}, "message": None,
                "timings": {"total_s": 0.5 if right else 0.25}, "feedback": task.feedback})

    @property
    def judged(self) -> set[tuple[str, str]]:
        return {(t.filename, t.question) for t in self.seen}


def write_class(root: Path, students: dict[str, dict[str, str]]) -> Path:
    for student, files in students.items():
        (root / student).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (root / student / name).write_text(text)
    return root


CLASS = {
    "ann": {"double-it.py": "RIGHT 1", "halve-it.py": "RIGHT 2"},
    "bob": {"double_it.py": "wrong 1", "halve_it.py": "RIGHT 3"},
    "cy": {"double-it.py": "wrong 2"},
}


def run(bank: Bank, assignment: Assignment, folder: Path, store_dir: Path, judge: FakeJudge,
        force: bool = False) -> tuple[Summary, str]:
    with RunStore(store_dir, create=True) as store:
        summary = grade_class(bank, assignment, scan(folder, assignment.ids), store, judge,
                              feedback="minimal", force=force)
        return summary, to_csv(gradebook(store))


# ---------------------------------------------------------------- assignments


def test_assignment_reports_every_problem_with_a_fix(bank: Bank) -> None:
    text = """title = ""
feedbak = "full"
[[questions]]
id = "double-itt"
points = -1
scorng = "fraction"
[[questions]]
id = "halve-it"
points = 3
scoring = "half"
limits = { time_z = 1, memory_mb = "big" }
"""
    with pytest.raises(AssignmentError) as info:
        parse_assignment(text, "a.toml", bank)
    rendered = "\n".join(p.render() for p in info.value.problems)
    assert "a.toml:2: feedbak: unknown field 'feedbak' -> Did you mean 'feedback'?" in rendered
    assert "questions[0].scorng: unknown field 'scorng' -> Did you mean 'scoring'?" in rendered
    assert "no question 'double-itt'" in rendered and "Did you mean 'double-it'?" in rendered
    assert "questions[0].points: expected a positive number, got -1" in rendered
    assert "questions[1].scoring: 'half' is not one of fraction, all-or-nothing" in rendered
    assert "unknown limit 'time_z'" in rendered and "Did you mean 'time_s'?" in rendered
    assert "questions[1].limits.memory_mb: expected a positive number" in rendered
    assert "title: missing or empty" in rendered
    assert len(info.value.problems) == 8
    assert str(info.value).startswith("the assignment has 8 errors")


def test_assignment_rejects_bad_toml_duplicates_and_concept_questions(bank: Bank,
                                                                      mini_bank: Bank) -> None:
    with pytest.raises(AssignmentError, match="the assignment has 1 error"):
        parse_assignment("title = \n", "a.toml", bank)
    dup = 'title = "t"\n[[questions]]\nid = "double-it"\npoints = 1\n' * 1 + \
        '[[questions]]\nid = "double-it"\npoints = 2\n'
    with pytest.raises(AssignmentError) as info:
        parse_assignment(dup, "a.toml", bank)
    assert "listed twice" in info.value.problems[0].message
    concept = 'title = "t"\n[[questions]]\nid = "quiz-question"\npoints = 1\n'
    with pytest.raises(AssignmentError) as info:
        parse_assignment(concept, "a.toml", mini_bank)
    assert "is a concept question: it has no tests to grade" in info.value.problems[0].message


def test_assignment_limits_and_scoring(bank: Bank) -> None:
    made = parse_assignment(ASSIGNMENT.replace('scoring = "all-or-nothing"',
                                               'scoring = "all-or-nothing"\nlimits = { time_s = 2.5, '
                                               'memory_mb = 512 }'), "a.toml", bank)
    half = made.get("halve-it")
    assert half.limits == {"time_s": 2.5, "memory_mb": 512} and made.max_points == 15
    assert half.score("Accepted", 2, 2) == 5 and half.score("Wrong Answer", 1, 2) == 0
    assert made.get("double-it").score("Wrong Answer", 1, 4) == 2.5
    assert AssignedQuestion("x", 3).score("Compile Error", 0, 0) == 0


def test_new_assignment_validates_and_never_overwrites_silently(bank: Bank, tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(new_assignment_text(bank, ["halve-it", "double-it"], 'My "course"'))
    made = load_assignment(path, bank)
    assert made.ids == ["halve-it", "double-it"] and made.title == 'My "course"'
    assert made.feedback == "minimal" and not made.hints
    assert load_assignment(_write(tmp_path / "b.toml", new_assignment_text(bank, [], "x")), bank).ids
    with pytest.raises(UsageError, match="no question 'nope'"):
        new_assignment_text(bank, ["nope"], "x")
    with pytest.raises(UsageError, match="no assignment file"):
        load_assignment(tmp_path / "missing.toml", bank)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ---------------------------------------------------------------- scanning


def test_scan_gives_every_file_a_row_or_a_reason(tmp_path: Path) -> None:
    root = write_class(tmp_path / "subs", {
        "ann": {"double-it.py": "x = 1\n", "notes.txt": "hi", "extra.py": "", ".DS_Store": ""},
        "bob": {"double-it.py": "a", "double_it.py": "b"},
        "cy": {"double-it.py": "\xe9".encode("latin-1").decode("latin-1")},
    })
    (root / "cy" / "double-it.py").write_bytes(b"x = '\xe9'\n")
    (root / "ann" / "old").mkdir()
    (root / "dee").mkdir()
    (root / "dee" / "double-it.py").write_bytes(b"#" * (1024 * 1024 + 1))
    (root / "eve").mkdir()
    os.mkfifo(root / "eve" / "halve-it.py")
    (root / "eve" / "double-it.py").symlink_to(root / "ann" / "double-it.py")
    (root / "fay").symlink_to(root / "ann")  # a student folder that is a link
    (root / "stray.py").write_text("")
    (root / "__MACOSX").mkdir()
    found = scan(root, list(QUESTIONS))
    assert found.layout == "per-student"
    assert found.students == ["ann", "bob", "cy", "dee", "eve", "fay"]
    rows = {(f.student, f.question): f for f in found.found}
    assert rows[("ann", "double-it")].source == b"x = 1\n"
    reasons = {k: f.error for k, f in rows.items() if f.error}
    assert "two files for this question (double-it.py and double_it.py)" in reasons[("bob", "double-it")]
    assert "not UTF-8" in reasons[("cy", "double-it")]
    assert "larger than 1024 KB" in reasons[("dee", "double-it")]
    assert "symbolic link" in reasons[("eve", "double-it")]
    assert "not a regular file" in reasons[("eve", "halve-it")]
    assert reasons[("fay", "double-it")] == reasons[("fay", "halve-it")] == \
        "the student folder is a symbolic link; it is not followed"
    assert found.missing == {"ann": ["halve-it"], "bob": ["halve-it"], "cy": ["halve-it"],
                             "dee": ["halve-it"]}
    ignored = dict(found.ignored)
    assert ignored["ann/notes.txt"] == "not a .py file"
    assert ignored["ann/extra.py"].startswith("not named after a question of this assignment")
    assert ignored["ann/old"] == "a folder inside a student folder (not searched)"
    assert ignored["ann/.DS_Store"] == "a hidden or system file"
    assert ignored["stray.py"] == "a file outside any student folder"
    assert ignored["__MACOSX"] == "a hidden or system folder"


def test_flat_layout_is_one_question_per_file(tmp_path: Path) -> None:
    (tmp_path / "ann.py").write_text("a")
    (tmp_path / "bob.py").symlink_to(tmp_path / "ann.py")
    (tmp_path / "readme.md").write_text("")
    found = scan(tmp_path, ["double-it"])
    assert found.layout == "flat" and found.students == ["ann", "bob"]
    assert [f.error for f in found.found][1].endswith("only regular files are judged")
    assert found.ignored == [("readme.md", "not a .py file")]
    with pytest.raises(UsageError, match="a flat folder of .py files holds one question"):
        scan(tmp_path, list(QUESTIONS), "flat")
    with pytest.raises(UsageError, match="is not a folder"):
        scan(tmp_path / "ann.py", ["double-it"])


# ---------------------------------------------------------------- the run store


def test_rerun_judges_only_what_is_new_or_changed(bank: Bank, assignment: Assignment,
                                                  tmp_path: Path) -> None:
    subs = write_class(tmp_path / "subs", CLASS)
    first = FakeJudge()
    summary, book = run(bank, assignment, subs, tmp_path / "run", first)
    assert len(first.seen) == 5 and summary.judged == 5
    assert all(t.feedback == "minimal" for t in first.seen)
    again = FakeJudge()
    summary, book2 = run(bank, assignment, subs, tmp_path / "run", again)
    assert again.seen == [] and summary.reused == 5 and book2 == book
    # a late student and a changed file: exactly those are judged
    write_class(subs, {"dan": {"double-it.py": "RIGHT 4", "halve-it.py": "wrong"}})
    (subs / "cy" / "double-it.py").write_text("RIGHT now")
    late = FakeJudge()
    run(bank, assignment, subs, tmp_path / "run", late)
    assert sorted((t.question, t.source) for t in late.seen) == [
        ("double-it", b"RIGHT 4"), ("double-it", b"RIGHT now"), ("halve-it", b"wrong")]
    forced = FakeJudge()
    run(bank, assignment, subs, tmp_path / "run", forced, force=True)
    assert len(forced.seen) == 7


def test_a_changed_question_invalidates_exactly_its_results(bank: Bank, tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(bank.root, root)
    copy = load_bank(root)
    made = parse_assignment(ASSIGNMENT, "a.toml", copy)
    subs = write_class(tmp_path / "subs", CLASS)
    run(copy, made, subs, tmp_path / "run", FakeJudge())
    hidden = copy.questions["halve-it"].hidden_tests
    hidden.write_text(hidden.read_text() + "\n# one more case\n")
    after = FakeJudge()
    run(copy, made, subs, tmp_path / "run", after)
    assert {t.question for t in after.seen} == {"halve-it"} and len(after.seen) == 2
    # the feedback level is part of what a result depends on, for every question
    full = FakeJudge()
    with RunStore(tmp_path / "run") as store:
        grade_class(copy, made, scan(subs, made.ids), store, full, feedback="full")
    assert len(full.seen) == 5


def test_an_interrupted_run_keeps_what_it_judged_and_resumes(bank: Bank, assignment: Assignment,
                                                             tmp_path: Path) -> None:
    subs = write_class(tmp_path / "subs", CLASS)
    _, whole = run(bank, assignment, subs, tmp_path / "whole", FakeJudge())
    cut = FakeJudge(stop_after=2)
    summary, _ = run(bank, assignment, subs, tmp_path / "cut", cut)
    assert summary.interrupted and summary.judged == 2
    rest = FakeJudge()
    _, resumed = run(bank, assignment, subs, tmp_path / "cut", rest)
    assert len(rest.seen) == 3 and resumed == whole


def test_judge_failures_are_rows_and_are_retried(bank: Bank, assignment: Assignment,
                                                 tmp_path: Path) -> None:
    subs = write_class(tmp_path / "subs", CLASS)
    summary, book = run(bank, assignment, subs, tmp_path / "run", FakeJudge(fail={"RIGHT 3"}))
    assert summary.failed == 1
    assert "bob,5,,5*,halve-it: not judged: judge failure" in book
    retry = FakeJudge()
    _, book = run(bank, assignment, subs, tmp_path / "run", retry)
    assert [t.source for t in retry.seen] == [b"RIGHT 3"] and "bob,5,5,10," in book


def test_store_keeps_untrusted_text_intact(tmp_path: Path) -> None:
    with RunStore(tmp_path, create=True) as store:
        doc = {"verdict": "Wrong Answer", "score": {"passed": 0, "total": 1},
               "tests": [{"name": "t", "status": "fail", "verdict": "Wrong Answer",
                          "message": "bad \ud800 surrogate", "output": "\x1b[2J\r\nAccepted 13/13"}]}
        store.put("=cmd|' /C calc'!A0\r\n", "q", "judged", document=doc)
        assert store.document("=cmd|' /C calc'!A0\r\n", "q") == doc
        test = store.tests("=cmd|' /C calc'!A0\r\n", "q")[0]
        assert test.output == "\x1b[2J\r\nAccepted 13/13"
        assert test.message == "bad \\ud800 surrogate"
    with pytest.raises(UsageError, match="no run store"):
        RunStore(tmp_path / "nothing")


def test_one_grade_at_a_time_per_run(tmp_path: Path) -> None:
    with RunStore(tmp_path, create=True) as first:
        first.lock()
        with RunStore(tmp_path) as second, pytest.raises(UsageError, match="another `judge grade`"):
            second.lock()


# ---------------------------------------------------------------- exports


@pytest.fixture
def graded(bank: Bank, assignment: Assignment, tmp_path: Path) -> Path:
    subs = write_class(tmp_path / "subs", {**CLASS, "=HYPERLINK(x)": {"double-it.py": "RIGHT"}})
    (subs / "eve").mkdir()
    (subs / "eve" / "double-it.py").symlink_to(subs / "ann" / "double-it.py")
    run(bank, assignment, subs, tmp_path / "run", FakeJudge())
    return tmp_path / "run"


def test_gradebook_csv(graded: Path) -> None:
    with RunStore(graded) as store:
        rows = list(csv.reader(io.StringIO(export(store, "csv"))))
    assert rows[0] == ["student", "double-it", "halve-it", "total", "notes"]
    assert rows[1] == ["(max)", "10", "5", "15", ""]
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["ann"][1:4] == ["10", "5", "15"]
    assert by_name["bob"][1:4] == ["5", "5", "10"]  # fraction 1/2 of 10; all-or-nothing 5
    assert by_name["cy"][1:5] == ["5", "0", "5", "halve-it: missing"]
    assert by_name["eve"][4] == "double-it: not judged: file refused; halve-it: missing"
    assert "'=HYPERLINK(x)" in by_name  # a spreadsheet must not run a student's name


def test_full_json_and_gradescope(graded: Path) -> None:
    with RunStore(graded) as store:
        data = json.loads(export(store, "json"))
        book = gradebook(store)
        result = gradescope_results(store, book, "bob")
        assert to_json(store, book)["max_points"] == 15
    ann = next(s for s in data["students"] if s["student"] == "ann")
    assert ann["total"] == 15 and ann["questions"]["double-it"]["document"]["verdict"] == "Accepted"
    assert ann["questions"]["double-it"]["sha256"]
    eve = next(s for s in data["students"] if s["student"] == "eve")
    assert eve["questions"]["double-it"]["state"] == "refused"
    assert "symbolic link" in eve["questions"]["double-it"]["message"]
    assert result["score"] == 10 and [t["max_score"] for t in result["tests"]] == [10, 5]
    assert result["tests"][0]["status"] == "failed" and result["tests"][1]["status"] == "passed"
    assert "FAIL test_inputs_are_not_modified: input after the call" in result["tests"][0]["output"]
    assert set(result) >= {"score", "tests", "output"}
    assert all(set(t) >= {"name", "score", "max_score", "output", "visibility"} for t in result["tests"])


def test_junit_xml_parses_and_counts(graded: Path) -> None:
    with RunStore(graded) as store:
        text = export(store, "junit")
    root = ET.fromstring(text.encode())
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["bob/double-it"].get("failures") == "1"
    assert suites["ann/halve-it"].get("failures") == "0"
    assert suites["cy/halve-it"].find("testcase/failure").get("message") == "missing"
    failure = suites["bob/double-it"].find("testcase/failure")
    assert failure is not None and "\\x1b[31mred" in (failure.text or "")  # escaped, not raw
    assert int(root.get("tests", "0")) == sum(int(s.get("tests", "0")) for s in suites.values())


def test_every_assignment_field_and_grading_command_is_documented() -> None:
    from judge.cli import cli
    from judge.grading.assignment import QUESTION_KEYS, TOP_KEYS
    from judge.model import LIMIT_FIELDS

    guide = (Path(__file__).resolve().parent.parent / "docs" / "grading.md").read_text()
    for key in [*TOP_KEYS, *QUESTION_KEYS, *LIMIT_FIELDS]:
        assert f"`{key}`" in guide, f"docs/grading.md does not document the field {key!r}"
    for name in ("assignment", "export-student", "grade", "export", "report", "similarity",
                 "gradescope"):
        assert name in cli.commands and f"judge {name}" in guide, name
    for option in cli.commands["grade"].params:
        if option.name not in ("target", "submissions", "json_out", "run_dir", "jobs"):
            assert f"--{option.name.replace('_', '-')}" in guide, option.name


def test_report_escapes_what_students_control(bank: Bank, assignment: Assignment,
                                              tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from judge.grading.report import build_report

    hostile = "<img src=x onerror=alert(1)>"
    subs = write_class(tmp_path / "subs", {**CLASS, hostile: {"double-it.py": "RIGHT </pre>"}})
    run(bank, assignment, subs, tmp_path / "run", FakeJudge())
    with RunStore(tmp_path / "run") as store:
        info = build_report(store, tmp_path / "report.html", threshold=0.0)
    page = (tmp_path / "report.html").read_text()
    assert info.students == 4 and hostile not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("<svg") == 3 and "<script" not in page
    assert "\x1b" not in page and "\\x1b[31mred" in page  # control characters shown as escapes
    empty = write_class(tmp_path / "none", {})
    empty.mkdir(exist_ok=True)
    run(bank, assignment, empty, tmp_path / "empty", FakeJudge())
    with RunStore(tmp_path / "empty") as store:
        assert build_report(store, tmp_path / "empty.html").students == 0
    assert "No hidden test failed." in (tmp_path / "empty.html").read_text()


def test_a_changed_engine_invalidates_everything(bank: Bank, assignment: Assignment, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import judge.grading.grade as grading

    subs = write_class(tmp_path / "subs", CLASS)
    run(bank, assignment, subs, tmp_path / "run", FakeJudge())
    monkeypatch.setattr(grading, "engine_fingerprint", lambda: "another engine")
    after = FakeJudge()
    summary, _ = run(bank, assignment, subs, tmp_path / "run", after)
    assert len(after.seen) == 5 and summary.engine_changed


def test_an_interrupted_gradebook_says_what_is_not_judged_yet(bank: Bank, assignment: Assignment,
                                                              tmp_path: Path) -> None:
    subs = write_class(tmp_path / "subs", CLASS)
    summary, book = run(bank, assignment, subs, tmp_path / "run", FakeJudge(stop_after=1))
    assert summary.interrupted
    rows = {r[0]: r for r in csv.reader(io.StringIO(book))}
    assert rows["cy"][1:] == ["", "0", "0*", "double-it: not judged yet; halve-it: missing"]


ORIGINAL = '''import torch


def double_it(x):
    """RIGHT"""
    total = torch.zeros_like(x)
    for step in range(2):
        total = total + x * 1.0
    scale = torch.ones_like(x).sum() / x.numel()
    return (total * scale).to(x.dtype)
'''


def test_similarity_sees_through_renaming_and_ignores_the_starter(bank: Bank, tmp_path: Path) -> None:
    pytest.importorskip("copydetect")
    from judge.grading.similarity import find_pairs, segments

    made = parse_assignment('title = "t"\n[[questions]]\nid = "double-it"\npoints = 1\n', "a", bank)
    renamed = ORIGINAL.replace("total", "acc").replace("step", "i").replace("scale", "factor")
    other = "import torch\n\n\ndef double_it(x):\n    '''RIGHT'''\n    return torch.add(x, x)\n"
    starter = bank.questions["double-it"].starter.read_text()
    subs = write_class(tmp_path / "subs", {
        "ann": {"double-it.py": ORIGINAL}, "bob": {"double-it.py": renamed},
        "cy": {"double-it.py": other}, "dee": {"double-it.py": starter},
        "eve": {"double-it.py": starter + "\n"}})
    run(bank, made, subs, tmp_path / "run", FakeJudge())
    with RunStore(tmp_path / "run") as store:
        pairs = find_pairs(store)
        everything = find_pairs(store, threshold=0.0)
    assert [(p.a, p.b) for p in pairs] == [("ann", "bob")] and pairs[0].similarity > 0.9
    assert ("dee", "eve") not in {(p.a, p.b) for p in everything}  # the starter is boilerplate
    pieces = segments(ORIGINAL, pairs[0].spans_a)
    assert "".join(text for text, _ in pieces) == ORIGINAL and any(hit for _, hit in pieces)


def test_statement_shows_hints_only_when_the_assignment_says_so(mini_bank: Bank) -> None:
    from judge.grading.pack import statement

    q = mini_bank.questions["distillation-loss"]
    plain, hinted = statement(q, False), statement(q, True)
    assert "## Problem" in plain and "## Hints" not in plain and "## Explanation" not in plain
    assert "## Hints" in hinted and q.section("Hints").strip() in hinted
    assert "`distillation_loss`" in plain and "Hinton" in plain  # entry point and references
