"""Translations: loading, parity with the English file, the glossary check, status, stamps, views."""

from __future__ import annotations

from pathlib import Path

import pytest
from translation_bank import EN, GLOSSARY, TRANSLATION, ZH, line_of, make_bank

from judge.bank.glossary import Prose, parse_glossary
from judge.bank.loader import load_bank
from judge.bank.parity import normalise_formula
from judge.bank.translation import (
    default_lang,
    english_sha,
    localized,
    parse_lang,
    stamp,
    state_of,
    survey,
    translation_gaps,
)
from judge.errors import Problem, UsageError, ValidationError


def _problems(root: Path) -> list[Problem]:
    with pytest.raises(ValidationError) as info:
        load_bank(root)
    return info.value.problems


def _broken(tmp_path: Path, old: str, new: str) -> tuple[list[Problem], str]:
    assert old in TRANSLATION, old
    text = TRANSLATION.replace(old, new)
    return _problems(make_bank(tmp_path, text)), text


def test_a_good_translation_loads_into_the_question(tmp_path: Path) -> None:
    q = load_bank(make_bank(tmp_path)).questions["kd-basics"]
    t = q.translations["zh"]
    assert t.title == "带温度的知识蒸馏"
    assert list(t.sections) == ["Problem", "Answer", "Hints", "Key points", "Common mistakes",
                                "Follow-ups"]
    assert t.hints == ("看看$T \\to \\infty$时会发生什么。", "与$T = 1$比较。")
    assert [c.correct for c in t.choices] == [True, False, False]  # from the English file
    assert t.choices[1].why == "标签不会被缩放。"
    assert t.source_sha == "" and t.english_sha == english_sha(q) and not t.stale
    assert state_of(q) == "unstamped"


def test_a_missing_translation_is_not_a_content_error(tmp_path: Path) -> None:
    bank = load_bank(make_bank(tmp_path))
    assert bank.questions["plain"].translations == {}
    assert state_of(bank.questions["plain"]) == "missing"
    assert translation_gaps(bank) == {"missing": ["plain"], "unstamped": ["kd-basics"],
                                      "stale": []}


@pytest.mark.parametrize("old,new,field,words,fix_words,at", [
    # sections: missing, renamed, out of order, doubled, empty
    ("## Follow-ups\n\n- 为什么是$T^2$？\n- $T < 1$时会怎样？\n", "", "section 'Follow-ups'",
     "missing", "Add '## Follow-ups' after '## Common mistakes'", None),
    ("## Answer", "## 参考答案", "section '参考答案'", "is not a section of question.md",
     "Headings stay in English", "## 参考答案"),
    ("## Key points\n\n- 温度会让分布变平。\n- 软目标项要乘以$T^2$。\n\n## Common mistakes\n\n"
     "- 只对学生使用温度。\n",
     "## Common mistakes\n\n- 只对学生使用温度。\n\n## Key points\n\n- 温度会让分布变平。\n"
     "- 软目标项要乘以$T^2$。\n", "sections", "in the order", "order of question.md",
     "## Common mistakes"),
    ("## Common mistakes\n", "## Common mistakes\n\n- 重复。\n\n## Common mistakes\n",
     "section 'Common mistakes'", "appears twice", "Keep one", None),
    ("- 只对学生使用温度。\n", "", "section 'Common mistakes'", "is empty", "Translate", None),
    # list items
    ("- 温度会让分布变平。\n", "- 温度会让分布变平。\n- 多出的一条。\n", "section 'Key points'",
     "has 3 list items; question.md has 2", "one list item", "## Key points"),
    ("1. 看看$T \\to \\infty$时会发生什么。\n2. ", "1. 看看$T \\to \\infty$时会发生什么。",
     "section 'Hints'", "has 1 list items; question.md has 2", "one list item", "## Hints"),
    # code blocks
    ("# teacher probabilities", "# 教师概率", "section 'Answer'",
     "code block differs from question.md line", "byte for byte", "```python"),
    ("```python\np = F.softmax(z / T, dim=-1)  # teacher probabilities\n```\n", "",
     "section 'Answer'", "has 0 code blocks; question.md has 1", "Copy every code block",
     "## Answer"),
    # formulas
    ("$T > 1$", "$T>1$", "section 'Answer'", "formula $T>1$ is not in question.md",
     "only the words inside \\text{…}", "$T>1$"),
    ("T^2 \\, \\mathrm{KL}", "T^2 \\mathrm{KL}", "section 'Answer'", "is not in question.md",
     "Copy the formula", "$$"),
    ("与$T = 1$比较。", "与T = 1比较。", "section 'Hints'", "formula $T = 1$ of question.md line",
     "Copy the formula", "## Hints"),
    ("- $T < 1$时会怎样？", "- $T < 1$时会怎样？$x$", "section 'Follow-ups'",
     "formula $x$ is not in question.md", "Copy the formula", "$x$"),
    # inline code
    ("`F.softmax`", "`softmax`", "section 'Problem'", "inline code `softmax` is not in",
     "Keep inline code", "草稿中请使用`softmax`"),
    ("草稿中请使用`F.softmax`。", "草稿中请使用F.softmax。", "section 'Problem'",
     "inline code `F.softmax` of question.md line", "Keep inline code", "## Problem"),
    # choices
    ('  - text: "什么都不改变。"\n    why: "分布会变得更平。"\n', "", "choices",
     "has 2 choices; question.md has 3", "same order", "choices:"),
    ('    why: "标签不会被缩放。"', '    why: "标签不会被缩放。"\n    correct: false',
     "choices[1].correct", "comes from question.md", "Remove 'correct:'", "choices:"),
    ("把标签乘以$T$。", "把标签乘以$2T$。", "choices[1]", "formula $2T$ is not in question.md",
     "formulas and inline code", None),
    ('    why: "软化会抬高较小的概率。"', '    why: ""', "choices[0].why", "missing or empty",
     "Translate", "choices:"),
    # front matter
    ("title: 带温度的知识蒸馏", "title: 带温度的知识蒸馏\ntitel: x", "titel", "unknown field 'titel'",
     "Did you mean 'title'", "titel:"),
    ("title: 带温度的知识蒸馏", "title: 带温度的知识蒸馏\ntags: [kd]", "tags",
     "it comes from question.md", "only title, choices, source_sha", "tags:"),
    ("title: 带温度的知识蒸馏", "title: 带温度的知识蒸馏\nsource_sha: abc", "source_sha",
     "not 12 lowercase hex digits", "judge translation stamp", "source_sha:"),
    ("title: 带温度的知识蒸馏", "title: 带温度的知识蒸馏\nsource_sha: 123456789012", "source_sha",
     "not 12 lowercase hex digits", "Quote it", "source_sha:"),
    ("title: 带温度的知识蒸馏\n", "", "title", "missing", "translated title", None),
    ("title: 带温度的知识蒸馏", "title: [a: b", "front matter", "invalid YAML", "Fix the YAML",
     None),
    # glossary
    ("知识蒸馏", "知识提炼", "glossary", "never uses its fixed term '知识蒸馏'; it writes "
     "'知识提炼' instead", "Write 知识蒸馏 (docs/glossary.md line 5)", "title: 带温度的知识提炼"),
])
def test_each_drift_is_reported_with_its_line_and_fix(tmp_path: Path, old: str, new: str,
                                                      field: str, words: str, fix_words: str,
                                                      at: str | None) -> None:
    problems, text = _broken(tmp_path, old, new)
    hits = [p for p in problems if p.field == field and words in p.message]
    assert hits, [p.render() for p in problems]
    assert fix_words in hits[0].fix
    assert hits[0].file == str(ZH)
    if at is not None:
        assert hits[0].line == line_of(text, at), hits[0].render()


def test_words_inside_text_may_be_translated_and_formulas_reordered(tmp_path: Path) -> None:
    moved = TRANSLATION.replace("1. 看看$T \\to \\infty$时会发生什么。\n2. 与$T = 1$比较。",
                                "1. 与$T = 1$相比，$T \\to \\infty$时会怎样？\n2. 再想想$T = 1$。")
    moved = moved.replace("\\text{soft}", "\\text{软}")
    assert load_bank(make_bank(tmp_path, moved)).questions["kd-basics"].translations["zh"]


def test_every_drift_is_collected_in_one_pass(tmp_path: Path) -> None:
    text = (TRANSLATION.replace("## Answer", "## 答案").replace("# teacher", "# 教师")
            .replace("$T < 1$", "$T<1$").replace("title: 带温度的知识蒸馏", "title: x\nid: kd")
            .replace("在知识蒸馏中", "在蒸馏中"))
    fields = {p.field for p in _problems(make_bank(tmp_path, text))}
    assert {"section '答案'", "section 'Answer'", "section 'Follow-ups'", "id",
            "glossary"} <= fields


PLAIN_ZH = """\
---
title: 一个未翻译的问题
---

## Problem

什么是情景（episode）？请阅读*Knowledge Distillation: A Survey*。

## Answer

为训练而采样的一个小任务。

## Key points

- 支持集。
- 查询集。

## Common mistakes

- 把它和epoch混为一谈。

## Follow-ups

- 有几个类别（way）？
- 每类几个样本（shot）？
"""


def test_the_glossary_accepts_a_term_kept_in_english_in_a_title(tmp_path: Path) -> None:
    root = make_bank(tmp_path)
    md = root / "questions/foundations/plain/question.md"
    md.write_text(md.read_text(encoding="utf-8").replace(
        "What is an episode?", "What is an episode? Read *Knowledge Distillation: A Survey*."),
        encoding="utf-8")
    (md.parent / "question.zh.md").write_text(PLAIN_ZH, encoding="utf-8")
    assert load_bank(root).questions["plain"].translations["zh"].title == "一个未翻译的问题"
    (md.parent / "question.zh.md").write_text(
        PLAIN_ZH.replace("请阅读*Knowledge Distillation: A Survey*。", "请阅读一篇综述。"),
        encoding="utf-8")
    problems = _problems(root)
    assert [(p.field, p.line) for p in problems] == [("glossary", None)]
    assert "question.md line 17 uses 'Knowledge Distillation'" in problems[0].message


def test_an_unknown_language_and_a_non_utf8_file_are_reported(tmp_path: Path) -> None:
    root = make_bank(tmp_path)
    (root / ZH.parent / "question.zh-cn.md").write_text(TRANSLATION, encoding="utf-8")
    (root / ZH).write_bytes(TRANSLATION.encode("gb18030"))
    problems = {(Path(p.file).name, p.field): p for p in _problems(root)}
    assert "not a supported translation language" in problems[("question.zh-cn.md", "file")].message
    assert "not UTF-8" in problems[("question.zh.md", "file")].message


def test_a_malformed_glossary_is_reported_once_with_lines(tmp_path: Path) -> None:
    root = make_bank(tmp_path)
    bad = GLOSSARY + "| only | two |\n| teacher | 老师 | maybe | | |\n| Teacher | 教员 | yes | | |\n"
    (root / "docs/glossary.md").write_text(bad, encoding="utf-8")
    problems = [p for p in _problems(root) if p.file == "docs/glossary.md"]
    assert [(p.field, p.line) for p in problems] == [("table", 11), ("check", 12), ("English", 13)]
    assert "already listed on line 7" in problems[2].message


def test_stamp_writes_only_the_sha_and_a_changed_english_file_makes_it_stale(tmp_path: Path
                                                                           ) -> None:
    root = make_bank(tmp_path)
    q = load_bank(root).questions["kd-basics"]
    old, new = stamp(q)
    after = (root / ZH).read_text(encoding="utf-8")
    assert (old, new) == ("", english_sha(q))
    assert after == TRANSLATION.replace("---\n\n## Problem", f'source_sha: "{new}"\n---\n\n'
                                        "## Problem", 1)
    q = load_bank(root).questions["kd-basics"]
    assert state_of(q) == "current" and stamp(q) == (new, new)
    md = root / EN
    md.write_text(md.read_text(encoding="utf-8").replace("flattens", "smooths"), encoding="utf-8")
    q = load_bank(root).questions["kd-basics"]
    assert state_of(q) == "stale" and q.translations["zh"].stale
    assert localized(q, "zh").stale
    old2, new2 = stamp(q)
    assert old2 == new and new2 != new
    assert (root / ZH).read_text(encoding="utf-8") == after.replace(new, new2)


def test_stamp_keeps_windows_line_endings_and_refuses_a_missing_translation(tmp_path: Path
                                                                           ) -> None:
    root = make_bank(tmp_path, TRANSLATION.replace("\n", "\r\n"))
    bank = load_bank(root)
    _, new = stamp(bank.questions["kd-basics"])
    raw = (root / ZH).read_bytes()
    assert f'source_sha: "{new}"\r\n---\r\n'.encode() in raw and b"\n" not in raw.replace(b"\r\n", b"")
    with pytest.raises(UsageError, match="no valid question.zh.md"):
        stamp(bank.questions["plain"])


def test_survey_reports_each_state_even_with_a_broken_translation(tmp_path: Path) -> None:
    root = make_bank(tmp_path, TRANSLATION.replace("## Hints", "## 提示"))
    states = {s.question: s for s in survey(root)}
    assert states["plain"].state == "missing"
    assert states["kd-basics"].state == "invalid"
    assert any(p.field == "section '提示'" for p in states["kd-basics"].problems)
    (root / ZH).write_text(TRANSLATION, encoding="utf-8")
    assert {s.question: s.state for s in survey(root)} == {"kd-basics": "unstamped",
                                                            "plain": "missing"}


def test_localized_view_falls_back_to_english_per_field(tmp_path: Path) -> None:
    bank = load_bank(make_bank(tmp_path))
    q = bank.questions["kd-basics"]
    zh = localized(q, "zh")
    assert zh.title == "带温度的知识蒸馏" and zh.translated and not zh.stale
    assert zh.section("Key points").startswith("- 温度") and zh.hints[1] == "与$T = 1$比较。"
    assert zh.choices[0].text.startswith("在`softmax`") and zh.choices[0].correct
    assert zh.lang_of("title") == zh.lang_of("section:Answer") == zh.lang_of("choices") == "zh"
    assert zh.label("Key points") == "要点" and zh.label("Answer") == "参考答案"
    en = localized(q, "en")
    assert en.title == q.title and en.sections == q.sections and en.label("Answer") == "Answer"
    assert not en.translated and en.lang_of("title") == "en"
    plain = localized(bank.questions["plain"], "zh")
    assert plain.title == "An untranslated question" and not plain.translated
    assert plain.lang_of("section:Problem") == "en" and plain.label("Problem") == "题目"
    with pytest.raises(UsageError, match="unknown language 'fr'"):
        localized(q, "fr")


def test_parse_lang_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [parse_lang(v) for v in ("zh", "zh_CN", "ZH-Hans", "中文", "en", "English")] == \
        ["zh", "zh", "zh", "zh", "en", "en"]
    with pytest.raises(UsageError, match="--lang: unknown language 'fr'"):
        parse_lang("fr")
    monkeypatch.delenv("METAJUDGE_LANG", raising=False)
    assert default_lang() == "en"
    monkeypatch.setenv("METAJUDGE_LANG", "zh-CN")
    assert default_lang() == "zh"
    monkeypatch.setenv("METAJUDGE_LANG", "klingon")
    with pytest.raises(UsageError, match="METAJUDGE_LANG"):
        default_lang()


def test_normalise_formula_blanks_only_text_words() -> None:
    assert normalise_formula(r"\text{a {b} c}  +\mathrm{x}") == r"\text{…} +\mathrm{x}"
    assert normalise_formula(r"\textrm{同}\,x") == normalise_formula(r"\textrm{same}\,x")
    assert normalise_formula(r"\mathrm{a}") != normalise_formula(r"\mathrm{b}")


def test_glossary_matching_longest_first_across_forms() -> None:
    glossary, problems = parse_glossary(GLOSSARY + "| fine-tuning | 微调 | yes | | |\n")
    assert not problems
    prose = Prose.of([(3, "Knowledge\ndistillation and distillation;"),
                      (9, "用finetuning的 teachers, Fine tuning")])
    found = {glossary.entries[i].chinese: hits for i, hits in glossary.occurrences(prose).items()}
    assert found["知识蒸馏"] == [("Knowledge distillation", 3)]
    assert found["蒸馏"] == [("distillation", 4)]
    assert found["教师"] == [("teachers", 9)]
    assert [h[0] for h in found["微调"]] == ["finetuning", "Fine tuning"]


def test_inline_code_may_wrap_differently(tmp_path: Path) -> None:
    root = make_bank(tmp_path, TRANSLATION.replace("`F.softmax`", "`F.softmax(z, dim=-1)`"))
    md = root / EN
    md.write_text(md.read_text(encoding="utf-8").replace(
        "Use `F.softmax` in", "Use `F.softmax(z,\n  dim=-1)` in"), encoding="utf-8")
    assert load_bank(root).questions["kd-basics"].translations["zh"]
    (root / ZH).write_text(TRANSLATION.replace("`F.softmax`", "`F.softmax(z, dim=1)`"),
                           encoding="utf-8")
    messages = [p.message for p in _problems(root)]
    assert any("`F.softmax(z, dim=1)` is not in" in m for m in messages), messages


def test_a_term_left_untranslated_in_prose_is_not_kept_in_a_title(tmp_path: Path) -> None:
    text = TRANSLATION.replace("教师", "teacher")
    problems = _problems(make_bank(tmp_path, text))
    assert [p.message for p in problems if p.field == "glossary"] == [
        "question.md line 27 uses 'teacher', but this file never uses its fixed term '教师'"]


def test_the_authoring_guide_documents_the_translation_fields_and_commands() -> None:
    from judge.bank.translation import FRONT_MATTER_KEYS

    guide = (Path(__file__).resolve().parent.parent / "docs/authoring.md").read_text()
    part = guide[guide.index("## Translations"):]
    for key in FRONT_MATTER_KEYS:
        assert f"`{key}`" in part, key
    for words in ("judge translation status", "judge translation stamp", "--strict-translations"):
        assert words in part, words


def test_an_english_edit_that_breaks_a_stamped_translation_makes_it_stale_not_an_error(
        tmp_path: Path) -> None:
    root = make_bank(tmp_path)
    stamp(load_bank(root).questions["kd-basics"])
    md = root / EN
    text = md.read_text(encoding="utf-8")
    assert "$T = 1$" in text
    md.write_text(text.replace("$T = 1$", "$T = 2$"), encoding="utf-8")  # a formula changes
    q = load_bank(root).questions["kd-basics"]  # no ValidationError: the bank still loads
    assert "zh" not in q.translations and state_of(q) == "stale"
    assert localized(q, "zh").title == q.title  # readers see the English meanwhile
    states = {s.question: s for s in survey(root)}
    assert states["kd-basics"].state == "stale" and states["kd-basics"].problems
    # an unstamped (or current) translation that drifts is still a content error
    (root / ZH).write_text(TRANSLATION.replace("$T = 1$", "$T = 3$"), encoding="utf-8")
    assert _problems(root)
