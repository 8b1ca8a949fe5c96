"""What each page shows: a question's Markdown parsed with file lines, then its template context.

Only what a learner may see is read: the question's sections, starter.py and the reference
solution. test_hidden.py and solutions/*/wrong/ are never opened here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from judge.bank.loader import split_front_matter
from judge.model import Bank, Question
from judge.sitegen import markdown as mdr
from judge.sitegen.errors import SiteBuildError
from judge.sitegen.highlight import code_block
from judge.sitegen.katex import Formula

# Sections shown in the open, and those behind a <details> (name, summary label).
CONCEPT_HIDDEN = (("Answer", "Model answer"), ("Key points", "Key points"),
                  ("Common mistakes", "Common mistakes"), ("Follow-ups", "Follow-ups"))
DIFFICULTY_LABEL = {"easy": "Easy", "medium": "Medium", "hard": "Hard"}
KIND_LABEL = {"coding": "Coding", "debug": "Debug", "concept": "Concept"}
FENCE = re.compile(r"^(```|~~~)")  # the loader's rule: headings inside fences are code


def slug(text: str) -> str:
    """A file-name-safe slug for a topic or tag."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "topic"


def question_url(qid: str) -> str:
    return f"questions/{qid}.html"


def topic_url(topic: str) -> str:
    return f"topics/{slug(topic)}.html"


@dataclass
class ParsedQuestion:
    """A question's Markdown parsed into fragments that know their file and line."""

    question: Question
    file: str
    sections: dict[str, mdr.Fragment] = field(default_factory=dict)
    hints: list[mdr.Fragment] = field(default_factory=list)
    choices: list[tuple[mdr.Fragment, mdr.Fragment, bool]] = field(default_factory=list)
    starter: str = ""
    reference: str = ""

    def fragments(self) -> list[mdr.Fragment]:
        out = list(self.sections.values()) + self.hints
        for text, why, _ in self.choices:
            out += [text, why]
        return out

    def formulas(self) -> list[Formula]:
        return [f for frag in self.fragments() for f in mdr.formulas(frag)]

    def search_text(self) -> str:
        names = ("Problem", "Examples", "Explanation", "Answer")
        return " ".join(mdr.plain_text(self.sections[n]) for n in names if n in self.sections)


def section_lines(path: Path) -> dict[str, int]:
    """For each `## ` section of question.md, the file line where its (stripped) text starts."""
    text = path.read_text(encoding="utf-8")
    parts = split_front_matter(text)
    body = parts[1] if parts else text
    first = text[: len(text) - len(body)].count("\n") + 1  # counted here, not trusted
    lines = body.splitlines()
    starts: dict[str, int] = {}
    in_fence = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            starts.setdefault(line[3:].strip(), first + j)
    return starts


def _key_line(path: Path, key: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(f"{key}:"):
            return n
    return 1


def _read(path: Path, what: str, rel: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SiteBuildError(
            f"cannot read {what} {rel}: {exc.strerror}",
            f"Create {rel} (run `judge check` to see what the question needs).") from exc


def parse_question(q: Question, root: Path) -> ParsedQuestion:
    """Parse every section, hint and choice of ``q``; read its starter and reference code."""
    rel = _relative(q.markdown_path, root)
    pq = ParsedQuestion(q, rel)
    starts = section_lines(q.markdown_path)
    for name, text in q.sections.items():
        if text:
            pq.sections[name] = mdr.parse(text, rel, starts.get(name, 1))
    if "Hints" in pq.sections:
        pq.hints = mdr.list_items(pq.sections.pop("Hints"))
    if q.choices:
        line = _key_line(q.markdown_path, "choices")
        pq.choices = [(mdr.parse(c.text, rel, line), mdr.parse(c.why, rel, line), c.correct)
                      for c in q.choices]
    if q.is_code:
        pq.starter = _read(q.starter, "starter code", _relative(q.starter, root))
        pq.reference = _read(q.reference_solution, "reference solution",
                             _relative(q.reference_solution, root))
    return pq


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _code(source: str, block_id: str) -> Markup | None:
    return Markup(code_block(source, "python", block_id)) if source else None


def summary(q: Question) -> dict[str, Any]:
    """What a question list item shows (index and topic pages)."""
    return {
        "id": q.id, "title": q.title, "url": question_url(q.id), "topic": q.topic,
        "topic_url": topic_url(q.topic), "kind": q.kind, "kind_label": KIND_LABEL[q.kind],
        "difficulty": q.difficulty, "difficulty_label": DIFFICULTY_LABEL[q.difficulty],
        "tags": list(q.tags),
    }


def question_context(pq: ParsedQuestion, math: mdr.MathMap, bank: Bank,
                     order: Sequence[str]) -> dict[str, Any]:
    """The template context of one question page."""
    q = pq.question

    def html(name: str) -> Markup | None:
        frag = pq.sections.get(name)
        return mdr.render(frag, math) if frag else None

    pos = order.index(q.id)
    prev_q = bank.questions[order[pos - 1]] if pos > 0 else None
    next_q = bank.questions[order[pos + 1]] if pos + 1 < len(order) else None
    correct = [i for i, (_, _, ok) in enumerate(pq.choices) if ok]
    return {
        **summary(q),
        "problem": html("Problem"),
        "examples": html("Examples"),
        "explanation": html("Explanation"),
        "concept_sections": [
            {"id": slug(name), "summary": label, "html": html(name)}
            for name, label in CONCEPT_HIDDEN if name in pq.sections
        ],
        "hints": [mdr.render(h, math) for h in pq.hints],
        "choices": [{"letter": chr(65 + i), "text": mdr.render(t, math),
                     "why": mdr.render(w, math), "correct": ok}
                    for i, (t, w, ok) in enumerate(pq.choices)],
        "correct_letter": chr(65 + correct[0]) if correct else "",
        "starter_html": _code(pq.starter, "starter-code"),
        "reference_html": _code(pq.reference, "reference-code"),
        "references": [{"cite": r.cite(), "url": r.url, "title": r.title, "authors": r.authors,
                        "year": r.year} for r in q.references],
        "related": [summary(bank.questions[r]) for r in q.related if r in bank.questions],
        "prev": summary(prev_q) if prev_q else None,
        "next": summary(next_q) if next_q else None,
        "entry_points": list(q.entry_points),
    }
