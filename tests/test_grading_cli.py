"""The grading commands through click's CliRunner, on the real engine (one warm engine, -j 1).

Covers `judge grade` on a flat folder (the single-question form) with hostile files among honest
ones, `judge assignment`, `judge export-student` (and that the pack holds no secret line),
`judge export` and `judge gradescope`.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

from judge.bank.loader import load_bank
from judge.bank.scaffold import new_question
from judge.cli import cli
from judge.grading.assignment import load_assignment
from judge.grading.pack import CONFTEST, PUBLIC_SECTIONS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MINI = FIXTURES / "mini"
SOL = MINI / "solutions/distillation/distillation-loss"
SCHEMA = json.loads((REPO / "docs/results.schema.json").read_text())
SAMPLE = REPO / "examples" / "sample-class"


def run(*args: str, bank: Path = MINI) -> Result:
    return CliRunner().invoke(cli, ["--bank", str(bank), *args], catch_exceptions=False)


def test_grade_a_flat_folder_with_hostile_files_among_honest_ones(tmp_path: Path) -> None:
    """`judge grade QID DIR`, and issue 8: a link to the reference, a FIFO, a huge file, bad
    UTF-8 and a name built to forge a terminal row, among honest files: each is a row, none is
    followed, nothing prints raw, and the JSON keeps the text intact."""
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(SOL / "reference.py", subs / "alice.py")
    shutil.copy(SOL / "wrong/reduction_mean.py", subs / "bob.py")
    (subs / "carol.py").write_text("import torch\n")
    (subs / "linked.py").symlink_to(SOL / "reference.py")
    os.mkfifo(subs / "fifo.py")
    (subs / "huge.py").write_bytes(b"#" * (2 * 1024 * 1024))
    (subs / "latin.py").write_bytes(b"# caf\xe9\n")
    forged = "x\x1b[2K\rzed   13 of 13  Accepted\u202e"
    shutil.copy(SOL / "wrong/reversed_kl.py", subs / f"{forged}.py")
    out, run_dir = tmp_path / "grades.json", tmp_path / "run"
    result = run("grade", "distillation-loss", str(subs), "--run", str(run_dir), "-j", "1",
                 "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "(flat layout): 8 file(s) matched (4 refused)" in result.output
    assert "distillation-loss: 1/8 accepted" in result.output
    assert "\x1b" not in result.output and "\r" not in result.output and "\u202e" not in result.output
    assert "x\\x1b[2K\\x0dzed" in result.output
    assert "linked.py: the file is a symbolic link; only regular files are judged" in result.output
    assert "fifo.py: the file is not a regular file" in result.output
    assert "huge.py: the file is larger than 1024 KB" in result.output
    assert "latin.py: the file is not UTF-8 text" in result.output
    data = json.loads(out.read_text())
    docs = {s["student"]: s["questions"]["distillation-loss"]["document"] for s in data["students"]}
    assert docs["alice"]["verdict"] == "Accepted" and docs["linked"] is None
    assert docs["bob"]["verdict"] == docs[forged]["verdict"] == "Wrong Answer"  # text intact
    assert docs["carol"]["verdict"] == "Compile Error"
    for doc in docs.values():
        if doc is not None:
            jsonschema.validate(doc, SCHEMA)
    rows = {r[0]: r for r in csv.reader(io.StringIO(run("export", str(run_dir), "csv").output))}
    assert rows["alice"][1] == "1" and rows["linked"][1] == "0"
    assert set(rows) == {"student", "(max)", "alice", "bob", "carol", "linked", "fifo", "huge",
                         "latin", forged}
    similar = run("similarity", str(run_dir), "--threshold", "0")
    assert similar.exit_code == 0 and "\x1b" not in similar.output
    again = run("grade", "distillation-loss", str(subs), "--run", str(run_dir), "-j", "1",
                "--json", str(out))
    assert again.exit_code == 2 and "grades.json exists" in again.output  # never overwritten
    reuse = run("grade", "distillation-loss", str(subs), "--run", str(run_dir), "-j", "1")
    assert "To judge: 0 file(s) new or changed; 4 stored result(s) reused" in reuse.output


def test_assignment_new_check_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    made = run("assignment", "new", str(path), "-q", "distillation-loss", "--title", "Week 1")
    assert made.exit_code == 0 and "created" in made.output
    again = run("assignment", "new", str(path))
    assert again.exit_code == 2 and "exists" in again.output
    checked = run("assignment", "check", str(path))
    assert checked.exit_code == 0 and "distillation-loss" in checked.output and "10 points" in checked.output
    path.write_text(path.read_text().replace("scoring", "scorring").replace("points = 10", "points = 0"))
    bad = run("assignment", "check", str(path))
    assert bad.exit_code == 3 and "Traceback" not in bad.output
    assert "unknown field 'scorring' -> Did you mean 'scoring'?" in bad.output
    assert "points: expected a positive number, got 0" in bad.output
    assert "Error: the assignment has 2 errors" in bad.output
    concept = run("assignment", "new", str(tmp_path / "b.toml"), "-q", "quiz-question")
    assert concept.exit_code == 2 and "no tests to grade" in concept.output


def _secret_lines(bank_root: Path, assignment: Path) -> tuple[set[str], set[str]]:
    """The lines of every hidden test, reference and wrong variant of the assignment that are
    not also in what a student may see (starter, visible tests, published sections)."""
    bank = load_bank(bank_root)
    secret: set[str] = set()
    public: set[str] = {line.strip() for line in CONFTEST.splitlines()}  # fixed text, no bank content
    for aq in load_assignment(assignment, bank).questions:
        q = bank.questions[aq.id]
        for path in (q.hidden_tests, q.reference_solution, *q.wrong_variants):
            secret |= {line.strip() for line in path.read_text().splitlines()}
        for path in (q.starter, q.public_tests):
            public |= {line.strip() for line in path.read_text().splitlines()}
        texts = [(q.sections, q.hints)] + [(t.sections, t.hints) for t in q.translations.values()]
        for sections, hints in texts:  # the model answer and hints, in English and in Chinese
            for name, text in sections.items():
                lines = {line.strip() for line in text.splitlines()}
                if name in PUBLIC_SECTIONS:
                    public |= lines
                else:
                    secret |= lines
            secret |= {line.strip() for hint in hints for line in hint.splitlines()}
    return {s for s in secret - public if s}, public


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _pack_lines(pack: Path) -> dict[str, set[str]]:
    lines: dict[str, set[str]] = {}
    for path in pack.rglob("*"):
        if not path.is_file() or path.suffix in (".woff2", ".woff", ".ttf", ".png", ".svg"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            parser = _Text()
            parser.feed(text)
            text = text + "\n" + "".join(parser.parts)
        lines[str(path.relative_to(pack))] = {line.strip() for line in text.splitlines()}
    return lines


def test_student_pack_holds_no_line_of_a_secret_file(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    result = run("export-student", str(SAMPLE / "assignment.toml"), "--out", str(pack), bank=REPO)
    assert result.exit_code == 0, result.output
    ids = ("distillation-loss", "prototypical-loss", "infonce-loss")
    for qid in ids:
        assert (pack / "work" / f"{qid}.py").is_file() and (pack / "statements" / f"{qid}.md").is_file()
        assert (pack / "tests" / qid / "test_public.py").is_file()
        assert (pack / "site" / "questions" / f"{qid}.html").is_file()
    pages = {p.name for p in (pack / "site" / "questions").glob("*.html")}
    assert pages == {f"{qid}{lang}.html" for qid in ids for lang in ("", ".zh")}  # nothing else
    secret, _ = _secret_lines(REPO, SAMPLE / "assignment.toml")
    assert len(secret) > 150  # the check has teeth: references, wrong variants, hidden tests
    leaks = {(f, line) for f, lines in _pack_lines(pack).items() for line in lines & secret}
    assert not leaks, f"secret lines in the student pack: {sorted(leaks)[:10]}"
    statement = (pack / "statements" / "distillation-loss.md").read_text()
    assert "## Problem" in statement and "## Examples" in statement
    assert "## Explanation" not in statement and "## Hints" not in statement
    page = (pack / "site" / "questions" / "distillation-loss.html").read_text()
    assert "Starter code" in page and "Reference solution" not in page and 'id="hints"' not in page
    # the same check fails on a folder that does hold a secret line (the check can fail)
    reference = load_bank(REPO).questions["infonce-loss"].reference_solution
    shutil.copy(reference, pack / "work" / "infonce-loss.py")
    leaked = {(f, line) for f, lines in _pack_lines(pack).items() for line in lines & secret}
    assert leaked and all(f == "work/infonce-loss.py" for f, _ in leaked)
    again = run("export-student", str(SAMPLE / "assignment.toml"), "--out", str(pack), bank=REPO)
    assert again.exit_code == 2 and "--force" in again.output
    other = tmp_path / "mine"
    other.mkdir()
    (other / "thesis.tex").write_text("mine")
    refused = run("export-student", str(SAMPLE / "assignment.toml"), "--out", str(other), "--force",
                  "--no-html", bank=REPO)
    assert refused.exit_code == 2 and (other / "thesis.tex").read_text() == "mine"


def test_student_pack_runs_its_visible_tests(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(MINI, bank)
    new_question(bank, "double-it", "coding", "basics")
    pack = tmp_path / "pack"
    assignment = tmp_path / "a.toml"
    made = run("assignment", "new", str(assignment), "-q", "distillation-loss", "-q", "double-it",
               bank=bank)
    assert made.exit_code == 0, made.output
    assert run("export-student", str(assignment), "--out", str(pack), "--no-html",
               bank=bank).exit_code == 0
    assert not (pack / "site").exists()
    shutil.copy(SOL / "reference.py", pack / "work" / "distillation-loss.py")  # double-it: starter
    cmd = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-rfs"]
    done = subprocess.run(cmd, cwd=pack, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "1 failed, 1 passed, 1 skipped" in done.stdout, done.stdout
    assert "FAILED tests/double-it/test_public.py::test_worked_example" in done.stdout
    assert "compares with the reference solution, which is not in this pack" in done.stdout


def test_export_formats_and_gradescope(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    (subs / "ann").mkdir(parents=True)
    shutil.copy(SOL / "reference.py", subs / "ann" / "distillation_loss.py")
    (subs / "bob").mkdir()
    shutil.copy(SOL / "wrong/missing_t_squared.py", subs / "bob" / "distillation-loss.py")
    assert run("assignment", "new", str(tmp_path / "a.toml"), "-q", "distillation-loss").exit_code == 0
    graded = run("grade", str(tmp_path / "a.toml"), str(subs), "--run", str(tmp_path / "run"), "-j", "1")
    assert graded.exit_code == 0, graded.output
    for fmt, name in (("csv", "g.csv"), ("json", "g.json"), ("junit", "g.xml")):
        made = run("export", str(tmp_path / "run"), fmt, "--out", str(tmp_path / name))
        assert made.exit_code == 0 and (tmp_path / name).stat().st_size > 50
        again = run("export", str(tmp_path / "run"), fmt, "--out", str(tmp_path / name))
        assert again.exit_code == 2 and "--force" in again.output
    assert "ann,10,10," in (tmp_path / "g.csv").read_text()
    folder = run("export", str(tmp_path / "run"), "gradescope", "--out", str(tmp_path / "gs"))
    assert folder.exit_code == 0 and len(list((tmp_path / "gs").glob("*/results.json"))) == 2
    results = tmp_path / "results" / "results.json"
    auto = run("gradescope", str(tmp_path / "a.toml"), "--submission", str(subs / "bob"),
               "--results", str(results))
    assert auto.exit_code == 0, auto.output
    doc = json.loads(results.read_text())
    assert 0 < doc["score"] < 10 and doc["tests"][0]["max_score"] == 10
    assert "Wrong Answer" in doc["tests"][0]["output"]
    missing = run("export", str(tmp_path / "nothing"), "csv")
    assert missing.exit_code == 2 and "no run store" in missing.output
