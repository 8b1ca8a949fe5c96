"""The practice CLI in Chinese (`--lang zh`, `METAJUDGE_LANG`), through CliRunner.

The bank comes from translation_bank.make_bank: ``kd-basics`` has a Chinese translation,
``plain`` none. The question's words (title, statement, hints, choices, answers) follow the
language; verdicts, prompts and messages stay in English.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from translation_bank import EN, ZH, make_bank

from judge.bank.loader import load_bank
from judge.bank.translation import stamp
from judge.cli import cli

ZH_TITLE = "带温度的知识蒸馏"
EN_TITLE = "Knowledge distillation with a temperature"


def run(bank: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--bank", str(bank), *args], input=input,
                              catch_exceptions=False)


@pytest.fixture(autouse=True)
def _no_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("METAJUDGE_LANG", raising=False)


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    root = make_bank(tmp_path / "bank")
    stamp(load_bank(root).questions["kd-basics"])
    (root / "tracks.yaml").write_text(
        "tracks:\n  - id: kd\n    title: KD\n    questions: [kd-basics, plain]\n", encoding="utf-8")
    return root


def test_show_in_chinese_statement_hints_and_solution(bank: Path) -> None:
    plain = run(bank, "show", "kd-basics", "--lang", "zh").output
    assert plain.startswith(f"{ZH_TITLE}\n") and "温度$T$对教师的软目标" not in plain
    assert "温度T对教师的软目标" in plain  # the statement, maths as Unicode
    assert "\n题目\n" in plain and "\n选项\n" in plain and "- **A.** 在`softmax`之前" in plain
    assert "--hints 1 --lang zh` 显示第一条" in plain
    assert "Problem" not in plain and EN_TITLE not in plain
    hints = run(bank, "show", "kd-basics", "--hints", "1", "--lang", "zh").output
    assert "提示（1/2）" in hints and "看看T → ∞时会发生什么" in hints and "与T = 1比较" not in hints
    solution = run(bank, "show", "kd-basics", "--solution", "--lang", "zh").output
    for words in ("参考答案", "要点", "常见错误", "追问", "各选项解析", "除以T > 1会让教师的分布变平",
                  "- **A.** 正确：软化会抬高较小的概率。", "只对学生使用温度"):
        assert words in solution, words
    # the underline fits the title as a terminal shows it: two columns per Chinese character
    assert solution.splitlines()[1] == "=" * (2 * len(ZH_TITLE))


def test_the_environment_variable_sets_the_language_and_lang_overrides_it(
        bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METAJUDGE_LANG", "zh-CN")
    assert run(bank, "show", "kd-basics").output.startswith(ZH_TITLE)
    assert run(bank, "show", "kd-basics", "--lang", "en").output.startswith(EN_TITLE)
    monkeypatch.setenv("METAJUDGE_LANG", "klingon")
    bad = run(bank, "show", "kd-basics")
    assert bad.exit_code == 2
    assert "Error: $METAJUDGE_LANG: unknown language 'klingon'. Use one of en, zh." in bad.output


def test_an_unknown_language_is_a_usage_error(bank: Path) -> None:
    result = run(bank, "show", "kd-basics", "--lang", "fr")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Error: --lang: unknown language 'fr'. Use one of en, zh." in result.output


def test_untranslated_and_stale_questions_show_english_with_a_note(bank: Path) -> None:
    plain = run(bank, "show", "plain", "--lang", "zh").output
    assert plain.startswith("An untranslated question") and "还没有中文译文" in plain
    assert "\n题目\n" in plain and "What is an episode?" in plain  # Chinese labels, English words
    md = bank / EN
    md.write_text(md.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    stale = run(bank, "show", "kd-basics", "--lang", "zh", "--solution").output
    assert stale.startswith(EN_TITLE) and "中文译文尚待更新" in stale
    assert "Dividing by T > 1 flattens" in stale and "除以" not in stale


def test_answer_explains_in_chinese_and_keeps_the_verdict_in_english(bank: Path) -> None:
    right = run(bank, "answer", "kd-basics", "a", "--lang", "zh")
    assert right.exit_code == 0 and right.output == "Correct: A. 软化会抬高较小的概率。\n"
    wrong = run(bank, "answer", "kd-basics", "B", "--lang", "zh")
    assert wrong.exit_code == 1
    assert wrong.output.startswith("Not B: 标签不会被缩放。\nTry again")
    assert "`judge show kd-basics --solution --lang zh`" in wrong.output
    english = run(bank, "answer", "kd-basics", "B")
    assert english.output.startswith("Not B: Labels are not scaled.")
    assert "answer  A (right)" in run(bank, "history", "kd-basics").output


def test_review_drills_in_chinese(bank: Path) -> None:
    result = run(bank, "review", "kd-basics", "--lang", "zh", input="b\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Review 1 of 1: kd-basics" in out and ZH_TITLE in out
    assert "在知识蒸馏中，温度T对教师的软目标" in out and "- **B.** 把标签乘以T。" in out
    assert "Not B (the answer is A): 标签不会被缩放。" in out  # verdict English, reason Chinese
    assert "参考答案" in out and "要点" in out and "温度会让分布变平。" in out
    assert "Next review of kd-basics" in out and "Dividing" not in out
    plain = run(bank, "review", "plain", "--lang", "zh", input="\n3\n")
    assert "还没有中文译文" in plain.output and "A small task sampled for training." in plain.output


def test_next_names_the_question_in_chinese(bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(bank, "next", "--lang", "zh").output
    assert "Next: kd-basics  (track kd, step 1 of 2)" in out
    assert f"  {ZH_TITLE}  [concept, easy, distillation]" in out
    assert "judge show kd-basics --lang zh" in out and "judge answer kd-basics LETTER --lang zh" in out
    monkeypatch.setenv("METAJUDGE_LANG", "zh")
    assert ZH_TITLE in run(bank, "next").output
    assert EN_TITLE in run(bank, "next", "--lang", "en").output


def test_list_titles_follow_the_language(bank: Path) -> None:
    table = run(bank, "list", "--lang", "zh").output
    assert ZH_TITLE in table and "An untranslated question" in table
    rows = json.loads(run(bank, "list", "--json", "--lang", "zh").output)
    assert {r["id"]: r["title"] for r in rows} == {"kd-basics": ZH_TITLE,
                                                   "plain": "An untranslated question"}
    assert (bank / ZH).is_file()
