"""A question in the terminal: Markdown formatted by rich on a terminal, plain text elsewhere.

Both views come from one list of blocks, and both show the maths as Unicode
(judge/practice/maths.py). The plain view is what ``judge show`` prints into a pipe or file.

A view may be in Chinese (``lang="zh"``, ``judge show --lang zh``): the question's own words
(title, statement, hints, choices, answers) come from its current ``question.zh.md``, and the
labels around them are Chinese. A missing or stale translation (the English file changed after
its stamp) shows the English words with a note saying so. Ids, tags, code and commands are the
same in both languages.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, replace
from typing import TextIO

from rich.cells import cell_len  # a Chinese character takes two columns

from judge.bank.translation import LocalizedQuestion, localized, section_label, state_of
from judge.model import Question
from judge.practice.maths import markdown_maths

LABELS = {
    "en": {"id": "id", "kind": "kind", "topic": "topic", "difficulty": "difficulty",
           "tags": "tags", "define": "define", "choices": "Choices", "hints": "Hints ({n} of {total})",
           "hints_note": "({total} hints: `judge show {id} --hints 1` reveals the first)",
           "solution_note": "(`judge show {id} --solution` shows the model answer)",
           "choice_answers": "Answer to the choices", "correct": "correct", "wrong": "wrong",
           "reference": "Reference solution", "references": "References", "related": "Related",
           "missing": "", "stale": "", "no_answer": "(no model answer)", "colon": ": "},
    "zh": {"id": "编号", "kind": "题型", "topic": "主题", "difficulty": "难度", "tags": "标签",
           "define": "需定义", "choices": "选项", "hints": "提示（{n}/{total}）",
           "hints_note": "（共 {total} 条提示：`judge show {id} --hints 1 --lang zh` 显示第一条）",
           "solution_note": "（`judge show {id} --solution --lang zh` 显示参考答案）",
           "choice_answers": "各选项解析", "correct": "正确", "wrong": "错误",
           "reference": "参考实现", "references": "参考文献", "related": "相关题目",
           "missing": "（这道题还没有中文译文，以下为英文原文。）",
           "stale": "（这道题的英文原文在翻译之后有过修改，中文译文尚待更新，以下为英文原文。）",
           "no_answer": "（没有参考答案）", "colon": "："},
}


@dataclass(frozen=True)
class Block:
    kind: str  # title, meta, heading, markdown, code, note
    text: str


def words(q: Question, lang: str = "en") -> tuple[LocalizedQuestion, str]:
    """The question's words in ``lang`` and, when they are English instead, why.

    The reason is ``""`` when the words are in ``lang``, else ``missing`` or ``stale``: a stale
    translation is not shown, as its words may describe an older question.
    """
    if lang == "en":
        return localized(q, "en"), ""
    state = state_of(q, lang)
    if state in ("missing", "stale"):
        return replace(localized(q, "en"), lang=lang), state
    return localized(q, lang), ""


def label(name: str, lang: str = "en", **values: object) -> str:
    """An interface label of the terminal views in ``lang``."""
    return LABELS.get(lang, LABELS["en"])[name].format(**values)


def question_blocks(q: Question, hints: int = 0, solution: bool = False,
                    sections: tuple[str, ...] = ("Problem", "Examples"),
                    lang: str = "en") -> list[Block]:
    w, why = words(q, lang)
    c = label("colon", lang)
    out = [Block("title", w.title),
           Block("meta", f"{label('id', lang)}{c}{q.id}   {label('kind', lang)}{c}{q.kind}   "
                         f"{label('topic', lang)}{c}{q.topic}   "
                         f"{label('difficulty', lang)}{c}{q.difficulty}"),
           Block("meta", f"{label('tags', lang)}{c}{', '.join(q.tags)}")]
    if q.is_code:
        out.append(Block("meta", f"{label('define', lang)}{c}{', '.join(q.entry_points)}"))
    if why:
        out.append(Block("note", label(why, lang)))
    for name in sections:
        if w.section(name):
            out += [Block("heading", section_label(name, lang)), Block("markdown", w.section(name))]
    if w.choices:
        out.append(Block("heading", label("choices", lang)))
        out.append(Block("markdown", "\n".join(f"- **{chr(65 + i)}.** {c.text}"
                                               for i, c in enumerate(w.choices))))
    shown = min(max(hints, 0), len(w.hints))
    if shown:
        out.append(Block("heading", label("hints", lang, n=shown, total=len(w.hints))))
        out.append(Block("markdown", "\n".join(f"{i}. {h}" for i, h in enumerate(w.hints[:shown], 1))))
    elif w.hints:
        out.append(Block("note", label("hints_note", lang, total=len(w.hints), id=q.id)))
    if solution:
        out += answer_blocks(q, lang=lang)
        if q.is_code and q.reference_solution.is_file():
            out += [Block("heading", label("reference", lang)),
                    Block("code", q.reference_solution.read_text("utf-8"))]
    elif q.kind == "concept":
        out.append(Block("note", label("solution_note", lang, id=q.id)))
    if q.references:
        out.append(Block("heading", label("references", lang)))
        out.append(Block("markdown", "\n".join(f"- {r.cite()}" for r in q.references)))
    if q.related:
        out.append(Block("note", f"{label('related', lang)}{label('colon', lang)}{', '.join(q.related)}"))
    return out


def prompt_blocks(q: Question, lang: str = "en") -> list[Block]:
    """What a review or an interview asks: the title, the problem and the choices."""
    w, why = words(q, lang)
    out = [Block("title", w.title)]
    if why:
        out.append(Block("note", label(why, lang)))
    out.append(Block("markdown", w.section("Problem")))
    if w.choices:
        out.append(Block("markdown", "\n".join(f"- **{chr(65 + i)}.** {c.text}"
                                               for i, c in enumerate(w.choices))))
    return out


def explanation(q: Question, letter: str, lang: str = "en") -> str:
    """Why choice ``letter`` (A, B, ...) is right or wrong, in ``lang`` where translated."""
    index = ord(letter.upper()) - 65 if len(letter) == 1 else -1
    choices = words(q, lang)[0].choices
    return choices[index].why if 0 <= index < len(choices) else ""


def answer_blocks(q: Question, names: tuple[str, ...] = ("Answer", "Key points", "Common mistakes",
                                                          "Follow-ups", "Explanation"),
                  lang: str = "en") -> list[Block]:
    w, _ = words(q, lang)
    out: list[Block] = []
    if w.choices and "Answer" in names:
        right = next(i for i, c in enumerate(w.choices) if c.correct)
        out.append(Block("heading", label("choice_answers", lang)))
        out.append(Block("markdown", "\n".join(
            f"- **{chr(65 + i)}.** {label('correct' if i == right else 'wrong', lang)}"
            f"{label('colon', lang)}{c.why}"
            for i, c in enumerate(w.choices))))
    for name in names:
        if w.section(name):
            out += [Block("heading", section_label(name, lang)), Block("markdown", w.section(name))]
    return out


def plain(blocks: list[Block]) -> str:
    """Plain text: setext headings, Markdown left as written, maths as Unicode."""
    lines: list[str] = []
    for b in blocks:
        if b.kind == "title":
            lines += [b.text, "=" * cell_len(b.text)]
        elif b.kind == "heading":
            lines.append(f"\n{b.text}\n{'-' * cell_len(b.text)}")
        elif b.kind == "markdown":
            lines.append(markdown_maths(b.text))
        elif b.kind == "note":
            lines.append(f"\n{b.text}")
        else:
            lines.append(b.text)
    return "\n".join(lines).rstrip() + "\n"


def markdown(blocks: list[Block]) -> str:
    """One Markdown document for rich, with the maths already converted and escaped."""
    parts: list[str] = []
    for b in blocks:
        if b.kind == "title":
            parts.append(f"# {b.text}")
        elif b.kind == "meta":
            parts.append(f"*{markdown_maths(b.text, escape=True)}*")
        elif b.kind == "heading":
            parts.append(f"## {b.text}")
        elif b.kind == "markdown":
            parts.append(markdown_maths(b.text, escape=True))
        elif b.kind == "code":
            parts.append(f"```python\n{b.text.rstrip()}\n```")
        else:
            parts.append(f"> {b.text}")
    return "\n\n".join(parts) + "\n"


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"


def formatted(blocks: list[Block], width: int | None = None) -> str:
    """The blocks as rich renders them for a terminal (ANSI styles), as a string."""
    from rich.console import Console
    from rich.markdown import Markdown

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=width or _width(), highlight=False)
    console.print(Markdown(markdown(blocks), code_theme="monokai"))
    return buffer.getvalue()


def _width() -> int:
    import shutil

    return min(shutil.get_terminal_size((100, 24)).columns, 110)


def show(blocks: list[Block], tty: bool | None = None) -> str:
    """What to print: rich formatting on a terminal, plain text elsewhere."""
    return formatted(blocks) if (is_terminal() if tty is None else tty) else plain(blocks)


def render_question(q: Question, hints: int = 0, solution: bool = False, lang: str = "en") -> str:
    """The plain-text view of a question (kept for callers that want text)."""
    return plain(question_blocks(q, hints, solution, lang=lang))
