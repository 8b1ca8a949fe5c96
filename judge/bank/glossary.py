"""The glossary (``docs/glossary.md``): the fixed Chinese term of each concept, and its check.

The glossary is a Markdown table (English | 中文 | check | avoid | notes). An entry marked
``yes`` in ``check`` is enforced: when one of its English forms occurs in the prose of
``question.md``, the prose of the translation must contain its Chinese term. A longer English
term wins over a shorter one it contains, so "knowledge distillation" counts for 知识蒸馏 only.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from judge.errors import Problem

GLOSSARY_PATH = Path("docs") / "glossary.md"
COLUMNS = ("English", "中文", "check", "avoid", "notes")
_SPLIT = re.compile(r"\s*[;；]\s*")
_WS = re.compile(r"\s+")
# Latin letters and digits only: Python's \w also matches CJK, and a term written next to
# Chinese text ("用knowledge distillation的") must still count.
_BEFORE = r"(?<![A-Za-z0-9_-])"
_AFTER = r"(?![A-Za-z0-9_])"


@dataclass(frozen=True)
class Entry:
    """One row of the glossary table."""

    english: tuple[str, ...]
    chinese: str
    enforced: bool
    avoid: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Violation:
    """An enforced term of the English file whose Chinese term the translation never uses."""

    entry: Entry
    english_form: str  # as written in question.md
    english_line: int
    found: str = ""  # an avoided variant the translation uses instead, if any
    found_line: int | None = None


@dataclass(frozen=True)
class Prose:
    """The translatable text of a file (no headings, code or formulas), with its line numbers."""

    text: str
    starts: tuple[int, ...]  # offset in ``text`` where each fragment starts
    lines: tuple[int, ...]  # the file line of each fragment

    @classmethod
    def of(cls, fragments: list[tuple[int, str]]) -> Prose:
        starts, lines, parts, offset = [], [], [], 0
        for line, text in fragments:
            starts.append(offset)
            lines.append(line)
            parts.append(text)
            offset += len(text) + 1
        return cls("\n".join(parts), tuple(starts), tuple(lines))

    def line_at(self, offset: int) -> int:
        i = bisect_right(self.starts, offset) - 1
        if i < 0:
            return self.lines[0] if self.lines else 1
        return self.lines[i] + self.text.count("\n", self.starts[i], offset)


class Glossary:
    """The parsed table, with one regular expression that finds every English form."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        forms = sorted(((form, i) for i, e in enumerate(entries) for form in e.english),
                       key=lambda fi: -len(fi[0]))
        self._owner = [i for _, i in forms]
        alternation = "|".join(f"({_form_regex(form)})" for form, _ in forms)
        self._pattern = re.compile(f"{_BEFORE}(?:{alternation}){_AFTER}", re.IGNORECASE)

    def occurrences(self, prose: Prose) -> dict[int, list[tuple[str, int]]]:
        """Entry index -> [(form as written, line)], longest match first, no overlaps."""
        found: dict[int, list[tuple[str, int]]] = {}
        if not self.entries:
            return found
        for m in self._pattern.finditer(prose.text):
            owner = self._owner[(m.lastindex or 1) - 1]
            found.setdefault(owner, []).append((_WS.sub(" ", m.group(0)), prose.line_at(m.start())))
        return found

    def check(self, english: Prose, chinese: Prose) -> list[Violation]:
        """Every enforced entry the English prose uses and the Chinese prose does not."""
        zh_flat = _WS.sub("", chinese.text)
        kept = Counter({i: len(v) for i, v in self.occurrences(chinese).items()})
        out = []
        for i, hits in self.occurrences(english).items():
            entry = self.entries[i]
            if not entry.enforced or _WS.sub("", entry.chinese) in zh_flat:
                continue
            if kept[i] >= len(hits):  # every occurrence kept in its original form (a title)
                continue
            found, found_line = _first_variant(entry.avoid, chinese)
            out.append(Violation(entry, hits[0][0], hits[0][1], found, found_line))
        return out


def _form_regex(form: str) -> str:
    words = re.split(r"[-\s]+", form.strip())
    return r"(?:-|\s+)?".join(re.escape(w) for w in words) + r"(?:es|s)?"


def _first_variant(variants: tuple[str, ...], chinese: Prose) -> tuple[str, int | None]:
    for variant in variants:
        at = chinese.text.find(variant)
        if at >= 0:
            return variant, chinese.line_at(at)
    return "", None


def parse_glossary(text: str, file: str = str(GLOSSARY_PATH)) -> tuple[Glossary, list[Problem]]:
    """The entries of the glossary table, and every malformed row with its line."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    in_table = False
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if tuple(cells) == COLUMNS:
            in_table = True
            continue
        if not in_table or set("".join(cells)) <= set("-: "):
            continue
        if len(cells) != len(COLUMNS):
            problems.append(Problem(file, "table", f"row has {len(cells)} cells, expected "
                                    f"{len(COLUMNS)} ({' | '.join(COLUMNS)})",
                                    "Write each row as | English | 中文 | check | avoid | notes |.", n))
            continue
        english, chinese, check, avoid, _notes = cells
        forms = tuple(f for f in _SPLIT.split(english) if f)
        if not forms or not chinese:
            problems.append(Problem(file, "table", "row needs an English term and a Chinese term",
                                    "Fill in the English and 中文 cells.", n))
            continue
        if check not in ("", "yes"):
            problems.append(Problem(file, "check", f"{check!r} is not 'yes' or empty",
                                    "Write yes for an enforced entry, or leave the cell empty.", n))
            continue
        for form in forms:
            key = re.sub(r"[-\s]+", " ", form.lower())
            if key in seen:
                where = "in this row" if seen[key] == n else f"on line {seen[key]}"
                problems.append(Problem(file, "English", f"{form!r} is already listed {where} "
                                        "(a hyphen and a space match alike)",
                                        "Keep one entry per English term.", n))
            seen.setdefault(key, n)
        entries.append(Entry(forms, chinese, check == "yes",
                             tuple(a for a in _SPLIT.split(avoid) if a), n))
    if not entries and not problems:
        problems.append(Problem(file, "table", "no glossary table found",
                                f"Add a table whose header is | {' | '.join(COLUMNS)} |.", 1))
    return Glossary(tuple(entries)), problems


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> tuple[Glossary, tuple[Problem, ...]]:
    glossary, problems = parse_glossary(Path(path).read_text(encoding="utf-8"), str(GLOSSARY_PATH))
    return glossary, tuple(problems)


def load_glossary(root: Path) -> tuple[Glossary, list[Problem]]:
    """The bank's glossary (``<root>/docs/glossary.md``); an empty one when the bank has none."""
    path = root / GLOSSARY_PATH
    try:
        st = path.stat()
    except OSError:
        return Glossary(()), []
    try:
        glossary, problems = _load_cached(str(path), st.st_mtime_ns, st.st_size)
    except (OSError, UnicodeDecodeError) as exc:
        return Glossary(()), [Problem(str(GLOSSARY_PATH), "file", f"cannot be read: {exc}",
                                      "Save it as UTF-8 text.")]
    return glossary, list(problems)
