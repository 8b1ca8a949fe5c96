"""`judge translation status|stamp` and the translation warnings of `judge check`, via CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner, Result
from translation_bank import EN, TRANSLATION, ZH, make_bank

from judge.cli import cli


def run(bank: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--bank", str(bank), *args], catch_exceptions=False)


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return make_bank(tmp_path / "bank")


def test_status_counts_per_topic_and_lists_the_fixes(bank: Path) -> None:
    (bank / ZH).write_text(TRANSLATION.replace("## Hints", "## 提示"), encoding="utf-8")
    result = run(bank, "translation", "status")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()
            if line.split() and line.split()[0] in ("distillation", "foundations", "all")}
    # columns: current, unstamped, stale, missing, invalid
    assert rows == {"distillation": ["0", "0", "0", "0", "1"],
                    "foundations": ["0", "0", "0", "1", "0"], "all": ["0", "0", "0", "1", "1"]}
    assert f"{ZH}:" in result.output and "'## 提示' is not a section" in result.output
    assert "0 of 2 question(s) have a current zh translation." in result.output
    states = json.loads(run(bank, "translation", "status", "--json").output)
    assert {s["id"]: s["state"] for s in states} == {"kd-basics": "invalid", "plain": "missing"}


def test_stamp_then_status_then_stale(bank: Path) -> None:
    assert "0 of 2 question(s) have a current" in run(bank, "translation", "status").output
    stamped = run(bank, "translation", "stamp", "kd-basics")
    assert stamped.exit_code == 0 and "stamped     " + str(ZH) in stamped.output
    assert "(unstamped -> " in stamped.output
    again = run(bank, "translation", "stamp", "--all")
    assert again.exit_code == 0 and "up to date" in again.output and "0 translation(s) stamped" \
        in again.output
    assert "1 of 2 question(s) have a current" in run(bank, "translation", "status").output
    md = bank / EN
    md.write_text(md.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    status = run(bank, "translation", "status")
    assert "stale     kd-basics" in status.output and "review the change" in status.output


@pytest.mark.parametrize("args,words", [
    ((), "name the questions to stamp, or pass --all"),
    (("kd-basics", "--all"), "not both"),
    (("plain",), "no zh translation for plain"),
    (("no-such-id",), "no question with id 'no-such-id'"),
])
def test_stamp_refuses_bad_arguments_and_writes_nothing(bank: Path, args: tuple[str, ...],
                                                         words: str) -> None:
    before = (bank / ZH).read_bytes()
    result = run(bank, "translation", "stamp", *args)
    assert result.exit_code == 2 and words in result.output
    assert (bank / ZH).read_bytes() == before


def test_stamp_needs_a_translation_that_passes_parity(bank: Path) -> None:
    (bank / ZH).write_text(TRANSLATION.replace("$T > 1$", "$T>1$"), encoding="utf-8")
    result = run(bank, "translation", "stamp", "kd-basics")
    assert result.exit_code == 3 and "formula $T>1$ is not in question.md" in result.output
    assert "source_sha" not in (bank / ZH).read_text(encoding="utf-8")


def test_missing_translation_keeps_list_and_show_working_but_drift_stops_them(bank: Path) -> None:
    assert run(bank, "list").exit_code == 0
    assert run(bank, "show", "plain").exit_code == 0
    (bank / ZH).write_text(TRANSLATION.replace("# teacher", "# 教师"), encoding="utf-8")
    broken = run(bank, "list")
    assert broken.exit_code == 3 and "code block differs" in broken.output


class _NoEngine:
    """Concept questions never reach the sandbox; skip starting one (seconds per invocation)."""

    info = SimpleNamespace(warning="")

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def __enter__(self) -> _NoEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_check_warns_about_gaps_and_fails_on_them_only_when_strict(
        bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("judge.engine.sandbox.Engine", _NoEngine)
    monkeypatch.delenv("METAJUDGE_STRICT_TRANSLATIONS", raising=False)
    lenient = run(bank, "check", "--sandbox", "none")
    assert lenient.exit_code == 0, lenient.output
    assert "warning: 1 question(s) have no zh translation: plain" in lenient.output
    assert "warning: 1 question(s) have an unstamped zh translation" in lenient.output
    assert run(bank, "translation", "stamp", "kd-basics").exit_code == 0
    monkeypatch.setenv("METAJUDGE_STRICT_TRANSLATIONS", "1")
    strict = run(bank, "check", "--sandbox", "none")
    assert strict.exit_code == 1 and "1 question(s) lack a current translation" in strict.output
    assert "unstamped" not in strict.output and "no zh translation: plain" in strict.output
