"""Parity of a translation with its English file: sections, lists, code, formulas, inline code.

Both files are parsed the same way (``parse_body``); ``check_sections`` and ``check_choices``
report every drift through ``bad(field, message, fix, line)``. Code blocks must be identical;
formulas (with the words inside ``\\text{…}`` blanked) and inline code are compared as sets per
section, so a translation may reorder a sentence, but nothing may be changed, added or lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from judge.bank.loader import FENCE, LIST_SECTIONS, list_items
from judge.model import Choice

_INLINE_CODE = re.compile(r"`[^`\n]*(?:\n(?![ \t]*\n)[^`\n]*)*`")
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"\$([^$\n]+?)\$")
_TEXT_CMD = re.compile(r"\\(?:text|textrm|textit|textbf|mbox)\s*\{")
_WS = re.compile(r"\s+")
_LINK_URL = re.compile(r"\]\([^)]*\)")


@dataclass
class Section:
    name: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    fences: list[tuple[int, str]] = field(default_factory=list)  # (first line, block text)
    maths: list[tuple[int, str]] = field(default_factory=list)  # (line, normalised formula)
    codes: list[tuple[int, str]] = field(default_factory=list)  # (line, inline code span)
    prose: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.lines).strip()


def parse_body(body: str, first_line: int) -> list[Section]:
    """The ``## `` sections of a body (headings inside code blocks do not count), as the loader."""
    sections: list[Section] = []
    fence: list[tuple[int, str]] | None = None
    for n, line in enumerate(body.splitlines(), first_line):
        is_fence = bool(FENCE.match(line))
        if fence is None and not is_fence and line.startswith("## "):
            sections.append(Section(line[3:].strip(), n))
            continue
        sec = sections[-1] if sections else Section("", n)  # text before the first heading
        sec.lines.append((n, line))
        if fence is None and not is_fence:
            sec.prose.append((n, line))
            continue
        sec.prose.append((n, ""))
        if fence is None:
            fence = [(n, line)]
            continue
        fence.append((n, line))
        if is_fence:
            sec.fences.append((fence[0][0], "\n".join(t for _, t in fence)))
            fence = None
    if fence is not None and sections:  # an unclosed block: compare what there is
        sections[-1].fences.append((fence[0][0], "\n".join(t for _, t in fence)))
    for sec in sections:
        sec.codes, sec.maths, sec.prose = split_prose(sec.prose)
    return sections


def split_prose(fragments: list[tuple[int, str]]
                 ) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str]]]:
    """Inline code spans, formulas and the remaining words of consecutive lines of Markdown."""
    if not fragments:
        return [], [], []
    first = fragments[0][0]
    codes: list[tuple[int, str]] = []
    maths: list[tuple[int, str]] = []

    def cut(pattern: re.Pattern[str], src: str, keep: Callable[[int, str], None]) -> str:
        def sub(m: re.Match[str]) -> str:
            keep(first + src.count("\n", 0, m.start()), m.group(0))
            return " " + "\n" * m.group(0).count("\n")  # the words around stay apart
        return pattern.sub(sub, src)

    # A code span may run over a line break (not a blank line); its whitespace counts as one space.
    text = cut(_INLINE_CODE, "\n".join(t for _, t in fragments),
               lambda n, span: codes.append((n, _WS.sub(" ", span))))
    text = text.replace("\\$", "")
    text = cut(_DISPLAY, text, lambda n, tex: maths.append((n, "$$" + normalise_formula(tex[2:-2]))))
    text = cut(_INLINE_MATH, text, lambda n, tex: maths.append((n, "$" + normalise_formula(tex[1:-1]))))
    maths.sort()
    text = _LINK_URL.sub("]", text)
    return codes, maths, [(first + i, t) for i, t in enumerate(text.split("\n"))]


def normalise_formula(tex: str) -> str:
    """A formula with the words inside ``\\text{…}`` blanked and whitespace collapsed."""
    out, i = [], 0
    for m in _TEXT_CMD.finditer(tex):
        if m.start() < i:
            continue
        depth, j = 1, m.end()
        while j < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[j], 0) if tex[j - 1] != "\\" else 0
            j += 1
        out.append(tex[i:m.start()] + "\\text{…}")
        i = j
    out.append(tex[i:])
    return _WS.sub(" ", "".join(out)).strip()


def check_sections(en_rel: str, en_sections: list[Section], zh: list[Section],
                   bad: Callable[..., None]) -> None:
    """Same sections, in the same order, each with the same lists, code, formulas, inline code."""
    en_names = [s.name for s in en_sections]
    zh_names = [s.name for s in zh]
    seen: set[str] = set()
    for s in zh:
        if s.name in seen:
            bad(f"section '{s.name}'", "appears twice", "Keep one '## " + s.name + "' section.", s.line)
        elif s.name not in en_names:
            bad(f"section '{s.name}'", f"'## {s.name}' is not a section of {en_rel}",
                f"Headings stay in English, exactly as in {en_rel}: "
                f"{', '.join('## ' + n for n in en_names)}.", s.line)
        seen.add(s.name)
    for i, name in enumerate(en_names):
        if name not in zh_names:
            after = f" after '## {en_names[i - 1]}'" if i else " first"
            bad(f"section '{name}'", "missing", f"Add '## {name}'{after}, translating "
                f"{en_rel} line {en_sections[i].line}.", None)
    common_en = [n for n in en_names if n in zh_names]
    common_zh = [n for n in dict.fromkeys(zh_names) if n in en_names]
    if common_en != common_zh:
        at = next((s.line for s in zh if s.name in en_names and
                   common_zh.index(s.name) != common_en.index(s.name)), None)
        bad("sections", f"in the order {', '.join(common_zh)}; {en_rel} has {', '.join(common_en)}",
            "Put the sections in the order of question.md.", at)
    zh_by: dict[str, Section] = {}
    for s in zh:
        zh_by.setdefault(s.name, s)
    for en in en_sections:
        if en.name in zh_by:
            _check_section(en_rel, en, zh_by[en.name], bad)


def _check_section(en_rel: str, en: Section, zh: Section, bad: Callable[..., None]) -> None:
    where = f"section '{en.name}'"
    if en.text and not zh.text:
        bad(where, "is empty", f"Translate {en_rel} lines {en.line}-{en.lines[-1][0]}.", zh.line)
        return
    if en.name in LIST_SECTIONS:
        n_en, n_zh = len(list_items(en.text)), len(list_items(zh.text))
        if n_en != n_zh:
            bad(where, f"has {n_zh} list items; {en_rel} has {n_en} (line {en.line})",
                "Translate each item as one list item ('1. …' or '- …'), in the same order.", zh.line)
    if len(en.fences) != len(zh.fences):
        bad(where, f"has {len(zh.fences)} code blocks; {en_rel} has {len(en.fences)}",
            f"Copy every code block of {en_rel}'s section unchanged.", zh.line)
    for (en_line, en_code), (zh_line, zh_code) in zip(en.fences, zh.fences, strict=False):
        if en_code != zh_code:
            bad(where, f"code block differs from {en_rel} line {en_line}: "
                f"{_first_difference(en_code, zh_code)}",
                "Copy the block byte for byte, comments included; translate only the prose.", zh_line)
    _compare(en_rel, where, "formula", en.maths, zh.maths, zh.line, bad,
             "Copy the formula from question.md; only the words inside \\text{…} may change.")
    _compare(en_rel, where, "inline code", en.codes, zh.codes, zh.line, bad,
             "Keep inline code (`…`) exactly as in question.md.")


def _first_difference(en: str, zh: str) -> str:
    for i, (a, b) in enumerate(zip(en.splitlines(), zh.splitlines(), strict=False)):
        if a != b:
            return f"its line {i + 1} is {_short(b)}, expected {_short(a)}"
    return (f"it has {len(zh.splitlines())} lines, expected {len(en.splitlines())}"
            if len(en.splitlines()) != len(zh.splitlines()) else "whitespace differs")


def _short(text: str, width: int = 60) -> str:
    text = text.strip()
    return "'" + (text if len(text) <= width else text[:width - 1] + "…") + "'"


def _show_formula(key: str) -> str:
    kind, tex = ("$$", key[2:]) if key.startswith("$$") else ("$", key[1:])
    return f"{kind}{_short(tex)[1:-1]}{kind}"


def _compare(en_rel: str, where: str, what: str, en: list[tuple[int, str]],
             zh: list[tuple[int, str]], zh_default: int | None, bad: Callable[..., None],
             fix: str, scope: str = "section") -> None:
    """As sets: a sentence may be reordered and a formula or name said once more or once less,
    but nothing may be changed, added or lost."""
    show = _show_formula if what == "formula" else str
    en_set, zh_set = {k for _, k in en}, {k for _, k in zh}
    reported: set[str] = set()
    for line, key in zh:
        if key not in en_set and key not in reported:
            reported.add(key)
            bad(where, f"{what} {show(key)} is not in {en_rel}'s {scope}", fix, line)
    for line, key in en:
        if key not in zh_set and key not in reported:
            reported.add(key)
            bad(where, f"{what} {show(key)} of {en_rel} line {line} is missing", fix, zh_default)


def check_choices(en_choices: tuple[Choice, ...], choices: tuple[Choice, ...], en_rel: str,
                  bad: Callable[..., None]) -> None:
    """The same formulas and inline code in each choice."""
    for i, (en, zh) in enumerate(zip(en_choices, choices, strict=False)):
        en_codes, en_maths, _ = split_prose([(0, en.text), (0, en.why)])
        zh_codes, zh_maths, _ = split_prose([(0, zh.text), (0, zh.why)])
        fix = "Keep the choice's formulas and inline code exactly as in question.md."
        _compare(en_rel, f"choices[{i}]", "formula", en_maths, zh_maths, None, bad, fix, "choice")
        _compare(en_rel, f"choices[{i}]", "inline code", en_codes, zh_codes, None, bad, fix,
                 "choice")
