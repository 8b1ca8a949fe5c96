"""The mutation check: mutants.yaml validation, how each mutant is judged, the parallel check, CLI.

The fixture bank tests/fixtures/mutants_bank has two tasks: ``row-sum``, whose one hidden test
looks only at an all-ones square matrix (four mutants survive it, so the check fails), and
``sum-of-squares``, whose tests kill every mutant but the dropped ``clamp_min(0.0)``, listed as
equivalent with its reason in solutions/tensors/sum-of-squares/mutants.yaml.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from judge.bank import equivalents
from judge.bank.checker import _starter_fails_every_test, assess, auto_workers, check_bank, plan
from judge.bank.loader import load_bank
from judge.bank.mutation_ops import EFFECT, REACHED
from judge.cli import cli

BANK = Path(__file__).resolve().parent / "fixtures" / "mutants_bank"
LISTING = "solutions/tensors/sum-of-squares/mutants.yaml"
WEAK_SURVIVORS = {"add-detach:row_sum:807335", "add-no-grad:row_sum:ff4f61", "dim:row_sum:310b7f",
                  "result-dtype:row_sum:5704f2"}
EQUIVALENT = "drop-guard:sum_of_squares:d88c60"


@pytest.fixture
def bank_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "bank"
    shutil.copytree(BANK, dest)
    return dest


def write_listing(root: Path, text: str, task: str = "tensors/sum-of-squares") -> None:
    folder = root / "solutions" / task
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mutants.yaml").write_text(text, encoding="utf-8")


# -- mutants.yaml


def test_the_fixture_listing_is_valid() -> None:
    bank = load_bank(BANK)
    listed, problems = equivalents.load(bank.questions["sum-of-squares"], BANK)
    assert problems == []
    assert listed[EQUIVALENT].reason.startswith("a sum of squares is never negative")
    assert listed[EQUIVALENT].line == 3
    assert equivalents.load(bank.questions["row-sum"], BANK) == ({}, [])  # no file: nothing listed


@pytest.mark.parametrize("text,field,message,line", [
    ("equivalents:\n  - id: \"dim:f:abcdef\"\n    reason: r\n", "equivalents",
     "unknown key 'equivalents'", 1),
    ("equivalent:\n  - id: \"dim:f:abcdef\"\n    reson: r\n", "equivalent[0].reson",
     "unknown key 'reson'", 3),
    ("equivalent:\n  - id: \"dim:f:abcdef\"\n", "equivalent[0].reason", "missing", 2),
    ("equivalent:\n  - id: \"dim f\"\n    reason: r\n", "equivalent[0].id", "is not a mutant id", 2),
    ("equivalent:\n  - id: \"dim:f:abcdef\"\n    reason: \"\"\n", "equivalent[0].reason",
     "must be one non-empty line", 2),
    ("equivalent:\n  - id: \"dim:f:abcdef\"\n    reason: [a, b]\n", "equivalent[0].reason",
     "expected a string", 3),
    ("equivalent:\n  - id: \"dim:f:abcdef\"\n    reason: a\n  - id: \"dim:f:abcdef\"\n    reason: b\n",
     "equivalent[1].id", "listed twice (also line 2)", 4),
    ("equivalent: {id: x}\n", "equivalent", "expected a list", 1),
    ("- id: x\n", "file", "expected a mapping", 1),
    ("equivalent:\n  - id: [unclosed\n", "file", "invalid YAML", 3),
])
def test_listing_problems_name_file_field_and_line(bank_copy: Path, text: str, field: str,
                                                   message: str, line: int) -> None:
    write_listing(bank_copy, text)
    bank = load_bank(bank_copy)
    _, problems = equivalents.load(bank.questions["sum-of-squares"], bank_copy)
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.file, p.field, p.line) == (LISTING, field, line)
    assert message in p.message and p.fix
    if field.endswith("reson"):
        assert "Did you mean 'reason'?" in p.fix


def test_a_listing_for_a_concept_question_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "mini", root)
    write_listing(root, "equivalent: []\n", task="foundations/quiz-question")
    bank = load_bank(root)
    problems = equivalents.validate(bank, root)
    assert [(p.file, p.field) for p in problems] == [
        ("solutions/foundations/quiz-question/mutants.yaml", "file")]


def test_stale_entries_are_found_without_judging(bank_copy: Path) -> None:
    write_listing(bank_copy, (BANK / LISTING).read_text() +
                  "  - id: \"dim:sum_of_squares:000000\"\n    reason: \"an old mutant\"\n")
    bank = load_bank(bank_copy)
    p = plan(bank, bank.questions["sum-of-squares"], mutants=True)
    assert [e.id for e in p.stale] == ["dim:sum_of_squares:000000"]
    assert set(p.listed) == {EQUIVALENT, "dim:sum_of_squares:000000"}
    assert sum(r.role == "mutant" for r in p.runs) == 10
    assert plan(bank, bank.questions["sum-of-squares"]).stale == []  # only with mutants


# -- judging a mutant from its results document


def document(verdict: str = "Accepted", outputs: tuple[str, ...] = ("",),
             failing: str = "test_values") -> dict[str, Any]:
    tests = [{"name": failing if verdict != "Accepted" and i == 0 else f"test_{i}",
              "status": "pass" if verdict == "Accepted" or i else "fail",
              "verdict": verdict if i == 0 else "Accepted", "message": None, "output": out or None}
             for i, out in enumerate(outputs)]
    return {"verdict": verdict, "tests": tests, "message": None, "timings": {"total_s": 0.5},
            "sandbox": {"warnings": []}}


def judged(root: Path, qid: str, docs: dict[str, dict[str, Any]]) -> Any:
    """assess() of ``qid`` with mutants: the reference, starter and wrong runs as they should be,
    each mutant's document from ``docs`` (by mutant id), Accepted by default."""
    bank = load_bank(root)
    p = plan(bank, bank.questions[qid], mutants=True)
    results: dict[str, tuple[dict[str, Any] | None, str]] = {}
    for run in p.runs:
        if run.role == "reference":
            results[run.key] = (document(), "")
        elif run.role == "mutant":
            assert run.mutant is not None
            results[run.key] = (docs.get(run.mutant.id, document()), "")
        else:
            results[run.key] = (document("Wrong Answer", failing="test_0"), "")
    return assess(bank, p, results)


def test_how_each_mutant_is_counted(bank_copy: Path) -> None:
    res = judged(bank_copy, "row-sum", {
        "reduction:row_sum:22344e": document("Wrong Answer"),
        "result-detach:row_sum:1d1dcc": document(outputs=(REACHED,)),  # reached, changed nothing
        "result-dtype:row_sum:5704f2": document(outputs=(REACHED + EFFECT,)),
        "add-detach:row_sum:807335": document(outputs=("",)),  # never reached
    })
    status = {r.mutant.id: (r.status, r.detail) for r in res.mutants}
    assert status["reduction:row_sum:22344e"] == ("killed", "test_values")
    assert status["result-detach:row_sum:1d1dcc"][0] == "equivalent"
    assert "never requires grad" in status["result-detach:row_sum:1d1dcc"][1]
    assert status["result-dtype:row_sum:5704f2"] == ("survived", "")
    assert status["add-detach:row_sum:807335"] == ("survived", "no hidden test reaches this code")
    assert (res.count("killed"), res.count("equivalent"), res.count("survived")) == (1, 1, 4)
    survivors = [p for p in res.problems if "survives every hidden test" in p]
    assert len(survivors) == 4 and not res.ok
    assert any("dim:row_sum:310b7f survives every hidden test: dim, line 5 in row_sum: "
               "x.sum(dim=-1) -> x.sum(dim=-2)" in p for p in survivors)
    assert all("solutions/tensors/row-sum/mutants.yaml" in p for p in survivors)


def test_listed_equivalents_stale_entries_and_listed_but_killed(bank_copy: Path) -> None:
    write_listing(bank_copy, (BANK / LISTING).read_text() +
                  "  - id: \"constant:sum_of_squares:6e2d9f\"\n    reason: \"wrongly listed\"\n"
                  "  - id: \"dim:sum_of_squares:000000\"\n    reason: \"an old mutant\"\n")
    docs = {m: document("Wrong Answer") for m in (
        "add-detach:sum_of_squares:a94184", "add-no-grad:sum_of_squares:04c080",
        "constant:sum_of_squares:6e2d9f", "constant:sum_of_squares:ea4912",
        "dim:sum_of_squares:2f7758", "in-place:sum_of_squares:6a7ed4",
        "reduction:sum_of_squares:ef40b1", "result-detach:sum_of_squares:1bf1cd",
        "result-dtype:sum_of_squares:cd68f6")}
    res = judged(bank_copy, "sum-of-squares", docs)
    equivalent = [r for r in res.mutants if r.status == "equivalent"]
    assert [(r.mutant.id, r.detail) for r in equivalent] == [
        (EQUIVALENT, "a sum of squares is never negative, so clamp_min(0.0) never changes a value")]
    assert res.problems == [
        f"{LISTING}:5: mutant constant:sum_of_squares:6e2d9f is listed as equivalent but "
        "test_values kills it; remove the entry.",
        f"{LISTING}:7: stale entry dim:sum_of_squares:000000: no generated mutant has this id any "
        "more (the reference changed); remove it, and list the new survivors if any.",
    ]


def test_a_judge_failure_is_not_a_kill(bank_copy: Path) -> None:
    res = judged(bank_copy, "row-sum", {"dim:row_sum:310b7f": document("Internal Error")})
    assert res.judge_failed
    assert [r.status for r in res.mutants if r.mutant.id == "dim:row_sum:310b7f"] == ["error"]


def test_wrong_variants_stop_early_only_when_the_starter_fails_every_test() -> None:
    """Stopping a wrong variant at its first failure cannot change the check only when no test
    passes for the starter (so none can pass for the starter and every variant alike)."""
    bank = load_bank(BANK)
    p = plan(bank, bank.questions["row-sum"])
    starter = next(r.key for r in p.runs if r.role == "starter")

    def with_starter(doc: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        return {"row-sum": {starter: (doc, "")}}  # type: ignore[dict-item]

    fails_all = document("Wrong Answer", ("", ""))
    fails_all["tests"][1]["status"] = "fail"
    assert _starter_fails_every_test(p, with_starter(fails_all))
    assert not _starter_fails_every_test(p, with_starter(document("Wrong Answer", ("", ""))
                                                         | {"tests": []}))
    passes_one = document("Wrong Answer", ("", ""))  # its second test passes
    assert not _starter_fails_every_test(p, with_starter(passes_one))
    assert not _starter_fails_every_test(p, with_starter(document("Internal Error")))
    assert not _starter_fails_every_test(p, with_starter(None))


# -- the real thing: the pool, the sandbox and the CLI


def test_parallel_check_matches_the_expected_verdicts() -> None:
    bank = load_bank(BANK)
    seen: list[str] = []
    progress: list[tuple[int, int]] = []
    results = check_bank(bank, list(bank), workers=2, sandbox="bwrap",
                         on_result=lambda r: seen.append(r.question),
                         on_progress=lambda done, total: progress.append((done, total)))
    assert sorted(seen) == ["row-sum", "sum-of-squares"]
    assert progress[-1] == (12, 12) and [d for d, _ in progress] == list(range(1, 13))
    for res in results:
        assert res.ok, res.problems
        assert (res.wrong_total, res.wrong_rejected) == (3, 3) and res.mutants is None
    assert {r.question: r.hidden_tests for r in results} == {"row-sum": 1, "sum-of-squares": 2}


def test_cli_check_with_mutants_fails_on_the_weak_task_only() -> None:
    result = CliRunner().invoke(cli, ["--bank", str(BANK), "check", "--mutants", "-j", "1",
                                      "--sandbox", "bwrap"], catch_exceptions=False)
    out = result.output
    assert result.exit_code == 1, out
    assert "checking 2 (28 runs with mutants) on 1 worker" in out
    assert ("FAIL row-sum" in out and "mutants 6: killed 1, equivalent 1, survived 4" in out)
    assert ("ok   sum-of-squares" in out and "mutants 10: killed 9, equivalent 1, survived 0" in out)
    for survivor in WEAK_SURVIVORS:
        assert f"mutant {survivor} survives every hidden test" in out
    assert "mutant dim:row_sum:310b7f survives every hidden test: dim, line 5 in row_sum: " \
           "x.sum(dim=-1) -> x.sum(dim=-2)" in out
    assert re.search(r"^tensors +2 +16 +10 +2 +4$", out, re.MULTILINE), out
    assert "Error: 1 of 2 question(s) failed the check" in out and ": row-sum" in out


def test_cli_rejects_a_bad_listing_before_judging(bank_copy: Path) -> None:
    write_listing(bank_copy, "equivalent:\n  - id: \"dim:f:abcdef\"\n    reson: r\n")
    result = CliRunner().invoke(cli, ["--bank", str(bank_copy), "check", "sum-of-squares"])
    assert result.exit_code == 3
    assert f"{LISTING}:3: equivalent[0].reson: unknown key 'reson'" in result.output
    assert "Validated" not in result.output


def test_small_checks_stay_in_one_process() -> None:
    assert [auto_workers(runs, 2) for runs in (0, 8, 47, 48, 2000)] == [1, 1, 1, 2, 2]
    assert auto_workers(2000, 1) == 1 and auto_workers(100, 8) == 4


def test_cli_rejects_zero_jobs() -> None:
    result = CliRunner().invoke(cli, ["--bank", str(BANK), "check", "-j", "0"])
    assert result.exit_code == 2 and "-j" in result.output
