"""A question in the terminal: Markdown formatted by rich on a terminal, plain text elsewhere.

Both views come from one list of blocks, and both show the maths as Unicode
(judge/practice/maths.py). The plain view is what ``judge show`` prints into a pipe or file.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from typing import TextIO

from judge.model import Question
from judge.practice.maths import markdown_maths


@dataclass(frozen=True)
class Block:
    kind: str  # title, meta, heading, markdown, code, note
    text: str


def question_blocks(q: Question, hints: int = 0, solution: bool = False,
                    sections: tuple[str, ...] = ("Problem", "Examples")) -> list[Block]:
    out = [Block("title", q.title),
           Block("meta", f"id: {q.id}   kind: {q.kind}   topic: {q.topic}   difficulty: {q.difficulty}"),
           Block("meta", f"tags: {', '.join(q.tags)}")]
    if q.is_code:
        out.append(Block("meta", f"define: {', '.join(q.entry_points)}"))
    for name in sections:
        if q.section(name):
            out += [Block("heading", name), Block("markdown", q.section(name))]
    if q.choices:
        out.append(Block("heading", "Choices"))
        out.append(Block("markdown", "\n".join(f"- **{chr(65 + i)}.** {c.text}"
                                               for i, c in enumerate(q.choices))))
    shown = min(max(hints, 0), len(q.hints))
    if shown:
        out.append(Block("heading", f"Hints ({shown} of {len(q.hints)})"))
        out.append(Block("markdown", "\n".join(f"{i}. {h}" for i, h in enumerate(q.hints[:shown], 1))))
    elif q.hints:
        out.append(Block("note", f"({len(q.hints)} hints: `judge show {q.id} --hints 1` reveals the first)"))
    if solution:
        out += answer_blocks(q)
        if q.is_code and q.reference_solution.is_file():
            out += [Block("heading", "Reference solution"),
                    Block("code", q.reference_solution.read_text("utf-8"))]
    elif q.kind == "concept":
        out.append(Block("note", f"(`judge show {q.id} --solution` shows the model answer)"))
    if q.references:
        out.append(Block("heading", "References"))
        out.append(Block("markdown", "\n".join(f"- {r.cite()}" for r in q.references)))
    if q.related:
        out.append(Block("note", f"Related: {', '.join(q.related)}"))
    return out


def prompt_blocks(q: Question) -> list[Block]:
    """What a review or an interview asks: the title, the problem and the choices."""
    out = [Block("title", q.title), Block("markdown", q.section("Problem"))]
    if q.choices:
        out.append(Block("markdown", "\n".join(f"- **{chr(65 + i)}.** {c.text}"
                                               for i, c in enumerate(q.choices))))
    return out


def answer_blocks(q: Question, names: tuple[str, ...] = ("Answer", "Key points", "Common mistakes",
                                                          "Follow-ups", "Explanation")) -> list[Block]:
    out: list[Block] = []
    if q.choices and "Answer" in names:
        right = next(i for i, c in enumerate(q.choices) if c.correct)
        out.append(Block("heading", "Answer to the choices"))
        out.append(Block("markdown", "\n".join(
            f"- **{chr(65 + i)}.** {'correct' if i == right else 'wrong'}: {c.why}"
            for i, c in enumerate(q.choices))))
    for name in names:
        if q.section(name):
            out += [Block("heading", name), Block("markdown", q.section(name))]
    return out


def plain(blocks: list[Block]) -> str:
    """Plain text: setext headings, Markdown left as written, maths as Unicode."""
    lines: list[str] = []
    for b in blocks:
        if b.kind == "title":
            lines += [b.text, "=" * len(b.text)]
        elif b.kind == "heading":
            lines.append(f"\n{b.text}\n{'-' * len(b.text)}")
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


def render_question(q: Question, hints: int = 0, solution: bool = False) -> str:
    """The plain-text view of a question (kept for callers that want text)."""
    return plain(question_blocks(q, hints, solution))
