"""A question's Markdown parsed into fragments that remember their file and line.

Only what a learner may see is read: the question's sections, starter.py and the reference
solution. test_hidden.py and solutions/*/wrong/ are never opened here. What a page shows from
the parsed question is in context.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from judge.bank.loader import split_front_matter
from judge.bank.translation import LocalizedQuestion, translation_path
from judge.model import Question
from judge.sitegen import markdown as mdr
from judge.sitegen.errors import SiteBuildError
from judge.sitegen.i18n import view
from judge.sitegen.katex import Formula

STATEMENT = ("Problem", "Examples")  # what a search result's snippet is cut from
FENCE = re.compile(r"^(```|~~~)")  # the loader's rule: headings inside fences are code


def slug(text: str) -> str:
    """A file-name-safe slug for a topic or tag."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "topic"


@dataclass
class ParsedQuestion:
    """A question's Markdown parsed into fragments that know their file and line."""

    question: Question
    file: str
    shown: LocalizedQuestion  # the words shown, in ``lang`` or English per field
    lang: str = "en"
    state: str = ""  # the translation's state ("" for English): see i18n.view
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

    def statement_text(self) -> str:
        """Problem, Examples and the quiz's choices as plain text (search snippets, description)."""
        parts = [mdr.plain_text(self.sections[n]) for n in STATEMENT if n in self.sections]
        parts += [mdr.plain_text(text) for text, _, _ in self.choices]
        return " ".join(parts)

    def answer_text(self) -> str:
        """Every other section, the hints and the quiz's explanations, as plain text."""
        parts = [mdr.plain_text(f) for n, f in self.sections.items() if n not in STATEMENT]
        parts += [mdr.plain_text(h) for h in self.hints]
        parts += [mdr.plain_text(w) for _, w, _ in self.choices]
        return " ".join(parts)


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


def parse_question(q: Question, root: Path, lang: str = "en") -> ParsedQuestion:
    """Parse every section, hint and choice of ``q`` as shown in ``lang``; read its code.

    Each fragment remembers the file it came from (``question.md`` or ``question.zh.md``), so a
    LaTeX error names the right file and line.
    """
    shown, state = view(q, lang)
    files = {"en": q.markdown_path}
    if lang != "en" and shown.translated:
        files[lang] = translation_path(q, lang)
    rels = {k: _relative(path, root) for k, path in files.items()}
    starts = {k: section_lines(path) for k, path in files.items()}
    pq = ParsedQuestion(q, rels["en"], shown, lang, state)
    for name, text in shown.sections.items():
        src = shown.lang_of(f"section:{name}")
        if text:
            pq.sections[name] = mdr.parse(text, rels[src], starts[src].get(name, 1))
    if "Hints" in pq.sections:
        pq.hints = mdr.list_items(pq.sections.pop("Hints"))
    if shown.choices:
        src = shown.lang_of("choices")
        line = _key_line(files[src], "choices")
        pq.choices = [(mdr.parse(c.text, rels[src], line), mdr.parse(c.why, rels[src], line),
                       c.correct) for c in shown.choices]
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
