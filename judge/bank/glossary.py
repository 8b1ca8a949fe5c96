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
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_GAP = re.compile(r"-|\s+")


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
    """The parsed table, with an index from each English form's words to its entry."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        self._index: dict[tuple[str, ...], int] = {}
        for i, entry in enumerate(entries):
            for form in entry.english:
                words = tuple(_TOKEN.findall(form.lower()))
                self._index.setdefault(words, i)
                self._index.setdefault(("".join(words),), i)  # "metalearning", "finetuning"
        self._starts: dict[str, int] = {}  # first word -> most words of a form starting with it
        for key in self._index:
            self._starts[key[0]] = max(self._starts.get(key[0], 0), len(key))

    def _lookup(self, words: tuple[str, ...]) -> int | None:
        hit = self._index.get(words)
        if hit is None and words[-1].endswith("s"):  # a plural of the last word
            hit = self._index.get(words[:-1] + (words[-1][:-1],))
            if hit is None and words[-1].endswith("es"):
                hit = self._index.get(words[:-1] + (words[-1][:-2],))
        return hit

    def occurrences(self, prose: Prose) -> dict[int, list[tuple[str, int]]]:
        """Entry index -> [(form as written, line)]: leftmost, then longest, match first.

        Words are runs of Latin letters and digits (Python's ``\\w`` would also take CJK, and a
        term written next to Chinese text must still count); the words of a form may be joined
        by a hyphen, by whitespace (a line break too) or by nothing.
        """
        text = prose.text
        toks = [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        joined = [_GAP.fullmatch(text, a[2], b[1]) is not None
                  for a, b in zip(toks, toks[1:], strict=False)]
        found: dict[int, list[tuple[str, int]]] = {}
        i = 0
        while i < len(toks):
            word = toks[i][0]
            longest = max(self._starts.get(word, 0), self._starts.get(word[:-1], 0),
                          self._starts.get(word[:-2], 0))  # a plural of a one-word form
            for n in range(min(longest, len(toks) - i), 0, -1):
                if not all(joined[i:i + n - 1]):
                    continue
                owner = self._lookup(tuple(t[0] for t in toks[i:i + n]))
                if owner is not None:
                    start, end = toks[i][1], toks[i + n - 1][2]
                    found.setdefault(owner, []).append(
                        (_WS.sub(" ", text[start:end]), prose.line_at(start)))
                    i += n
                    break
            else:
                i += 1
        return found

    def check(self, english: Prose, chinese: Prose) -> list[Violation]:
        """Every enforced entry the English prose uses and the Chinese prose does not."""
        zh_flat = _WS.sub("", chinese.text)
        # A term kept in its original form in the translation is one in a title: Title Case.
        kept = Counter({i: sum(_title_case(form) for form, _ in v)
                        for i, v in self.occurrences(chinese).items()})
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


def _title_case(text: str) -> bool:
    return all(w[0].isupper() or w[0].isdigit() for w in _TOKEN.findall(text))


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
