"""Translations of a question (``question.zh.md``): loading, parity with English, status, stamps.

A translation changes only the words. The loader checks, and reports every drift with its file,
line and fix: the same sections in the same order, the same number of list items in the list
sections, code blocks byte-identical, the same formulas (only the words inside ``\\text{…}`` may
differ), the same inline code, the same number of choices, and the glossary's fixed terms.
A parity error is a content error like any other; a missing, unstamped or stale translation is
not (``judge check`` lists those, and fails on them with ``--strict-translations``).

The other surfaces (CLI, site, review drill) call :func:`localized`.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from judge.bank.glossary import Glossary, Prose, load_glossary
from judge.bank.loader import FENCE, LIST_SECTIONS, list_items, load_bank, split_front_matter
from judge.errors import Problem, UsageError
from judge.model import Choice, Question, Translation

LANGS = ("en", "zh")  # what a view can be shown in; English is the source
TRANSLATION_LANGS = ("zh",)  # the languages a question.<lang>.md may be written in
LANG_ENV = "METAJUDGE_LANG"
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
SECTION_LABELS = {
    "en": {},
    "zh": {"Problem": "题目", "Examples": "示例", "Hints": "提示", "Answer": "参考答案",
           "Key points": "要点", "Common mistakes": "常见错误", "Follow-ups": "追问",
           "Explanation": "讲解"},
}
_LANG_ALIASES = {"en": "en", "en-us": "en", "en-gb": "en", "english": "en", "zh": "zh",
                 "zh-cn": "zh", "zh-hans": "zh", "zh-sg": "zh", "cn": "zh", "chinese": "zh",
                 "中文": "zh"}
FRONT_MATTER_KEYS = {
    "title": "the title, translated",
    "choices": "one {text, why} per choice of question.md, same order",
    "source_sha": "the English version this follows; written by `judge translation stamp`",
}
CHOICE_KEYS = ("text", "why")
SHA = re.compile(r"^[0-9a-f]{12}$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INLINE_CODE = re.compile(r"`[^`\n]*(?:\n(?![ \t]*\n)[^`\n]*)*`")
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"\$([^$\n]+?)\$")
_TEXT_CMD = re.compile(r"\\(?:text|textrm|textit|textbf|mbox)\s*\{")
_WS = re.compile(r"\s+")
_LINK_URL = re.compile(r"\]\([^)]*\)")

Add = Callable[..., None]  # loader._Collector.add: (file, field, message, fix, line)


def english_sha(question: Question) -> str:
    """The first 12 hex digits of the SHA-256 of the English ``question.md`` bytes."""
    return hashlib.sha256(question.markdown_path.read_bytes()).hexdigest()[:12]


def translation_path(question: Question, lang: str) -> Path:
    return question.directory / f"question.{lang}.md"


# --- parsing -----------------------------------------------------------------------------------

@dataclass
class _Section:
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


def _parse_body(body: str, first_line: int) -> list[_Section]:
    """The ``## `` sections of a body (headings inside code blocks do not count), as the loader."""
    sections: list[_Section] = []
    fence: list[tuple[int, str]] | None = None
    for n, line in enumerate(body.splitlines(), first_line):
        is_fence = bool(FENCE.match(line))
        if fence is None and not is_fence and line.startswith("## "):
            sections.append(_Section(line[3:].strip(), n))
            continue
        sec = sections[-1] if sections else _Section("", n)  # text before the first heading
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
        sec.codes, sec.maths, sec.prose = _split_prose(sec.prose)
    return sections


def _split_prose(fragments: list[tuple[int, str]]
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


# --- loading one translation --------------------------------------------------------------------

@dataclass
class _Source:
    """The English side of a comparison, parsed once per question."""

    question: Question
    rel: str
    sections: list[_Section]
    prose: Prose
    sha: str


def _english(root: Path, q: Question) -> _Source:
    raw = q.markdown_path.read_bytes()
    parts = split_front_matter(raw.decode("utf-8"))
    body, first = (parts[1], parts[2]) if parts else ("", 1)
    sections = _parse_body(body, first)
    title_line = next((n for n, ln in enumerate(raw.decode("utf-8").splitlines(), 1)
                       if ln.startswith("title:")), 1)
    fragments = [(title_line, q.title)] + [f for s in sections for f in s.prose]
    for c in q.choices:
        fragments += _split_prose([(1, c.text), (1, c.why)])[2]
    return _Source(q, q.markdown_path.name, sections, Prose.of(fragments),
                   hashlib.sha256(raw).hexdigest()[:12])


def attach_translations(root: Path, question: Question, add: Add) -> Question:
    """The loader's hook: the question with its valid translations; problems go to ``add``."""
    found: dict[str, Translation] = {}
    src: _Source | None = None
    glossary, _ = load_glossary(root)
    for path in sorted(question.directory.glob("question.*.md")):
        lang = path.name[len("question."):-len(".md")]
        rel = path.relative_to(root)
        if lang not in TRANSLATION_LANGS:
            close = difflib.get_close_matches(lang, TRANSLATION_LANGS, n=1)
            hint = f"Did you mean question.{close[0]}.md? " if close else ""
            add(rel, "file", f"{lang!r} is not a supported translation language",
                f"{hint}The Chinese file is question.zh.md; no other language is supported yet.")
            continue
        src = src or _english(root, question)
        t = read_translation(root, src, path, lang, glossary, add)
        if t is not None:
            found[lang] = t
    return replace(question, translations=found) if found else question


def read_translation(root: Path, src: _Source, path: Path, lang: str, glossary: Glossary,
                     add: Add) -> Translation | None:
    """One translation file, checked against its English source; None if it has any problem."""
    rel = str(path.relative_to(root))
    problems: list[Problem] = []

    def bad(fld: str, msg: str, fix: str, line: int | None = None) -> None:
        problems.append(Problem(rel, fld, msg, fix, line))

    meta, body, first = _front_matter(path, bad)
    if meta is None:
        for p in problems:
            add(p.file, p.field, p.message, p.fix, p.line)
        return None
    q = src.question
    title = _title(meta, bad)
    source_sha = _source_sha(meta, bad)
    choices = _choices(q, meta, src.rel, bad)
    sections = _parse_body(body, first)
    _check_sections(src, sections, bad)
    _check_choices(q, choices, src.rel, bad)
    zh_fragments = [(_meta_line(meta, "title"), title)] + [f for s in sections for f in s.prose]
    for c in choices:
        zh_fragments += _split_prose([(_meta_line(meta, "choices"), c.text),
                                      (_meta_line(meta, "choices"), c.why)])[2]
    for v in glossary.check(src.prose, Prose.of(zh_fragments)):
        instead = f"; it writes {v.found!r} instead" if v.found else ""
        bad("glossary", f"{src.rel} line {v.english_line} uses {v.english_form!r}, but this file "
            f"never uses its fixed term {v.entry.chinese!r}{instead}",
            f"Write {v.entry.chinese} (docs/glossary.md line {v.entry.line}).", v.found_line)
    for p in problems:
        add(p.file, p.field, p.message, p.fix, p.line)
    if problems:
        return None
    by_name = {s.name: s.text for s in sections}
    hints = tuple(list_items(by_name["Hints"])) if by_name.get("Hints") else ()
    return Translation(lang=lang, path=path, title=title, sections=by_name, hints=hints,
                       choices=choices, source_sha=source_sha, english_sha=src.sha)


def _front_matter(path: Path, bad: Callable[..., None]
                  ) -> tuple[dict[str, Any] | None, str, int]:
    try:
        text = path.read_bytes().decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        bad("file", f"is not UTF-8 ({exc.reason} at byte {exc.start})", "Save the file as UTF-8.")
        return None, "", 1
    parts = split_front_matter(text)
    if parts is None:
        bad("front matter", "missing YAML front matter",
            "Start the file with '---', then 'title: …' (and 'choices:' if question.md has them), "
            "then '---'.", 1)
        return None, "", 1
    yaml_text, body, first = parts
    try:
        meta = yaml.load(yaml_text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        bad("front matter", f"invalid YAML: {getattr(exc, 'problem', exc)}",
            "Fix the YAML syntax (quote text holding ': ' or starting with a quote or '*').",
            mark.line + 2 if mark is not None else None)
        return None, "", 1
    if not isinstance(meta, dict):
        bad("front matter", "front matter is not a mapping of fields", "Write 'key: value' lines.", 2)
        return None, "", 1
    meta["__lines__"] = {k: n for n, ln in enumerate(yaml_text.splitlines(), 2)
                         for k in [ln.split(":", 1)[0]] if ln[:1].strip() and ":" in ln}
    for key in meta:
        if key == "__lines__" or key in FRONT_MATTER_KEYS:
            continue
        close = difflib.get_close_matches(str(key), list(FRONT_MATTER_KEYS), n=1)
        why = ("it comes from question.md; a translation holds only the words"
               if str(key) in ("id", "kind", "topic", "tags", "difficulty", "references",
                               "related", "entry_points", "limits") else "")
        hint = f"Did you mean {close[0]!r}? " if close and not why else ""
        bad(str(key), f"unknown field {key!r}" + (f": {why}" if why else ""),
            f"{hint}Remove it. A translation's front matter holds only "
            f"{', '.join(FRONT_MATTER_KEYS)}.", _meta_line(meta, str(key)))
    return meta, body, first


def _meta_line(meta: dict[str, Any], key: str) -> int:
    return int(meta.get("__lines__", {}).get(key, 2))


def _title(meta: dict[str, Any], bad: Callable[..., None]) -> str:
    val = meta.get("title")
    if not isinstance(val, str) or not val.strip():
        bad("title", "missing or empty" if val is None else f"expected text, got {val!r}",
            "Add 'title: …' with the translated title.", _meta_line(meta, "title"))
        return ""
    return val.strip()


def _source_sha(meta: dict[str, Any], bad: Callable[..., None]) -> str:
    val = meta.get("source_sha")
    if val is None:
        return ""
    if not isinstance(val, str) or not SHA.match(val):
        hint = " Quote it: YAML reads a value of digits only as a number." if isinstance(val, int) else ""
        bad("source_sha", f"{val!r} is not 12 lowercase hex digits",
            f"Let `judge translation stamp ID` write it, or remove the line.{hint}",
            _meta_line(meta, "source_sha"))
        return ""
    return val


def _choices(q: Question, meta: dict[str, Any], en_rel: str, bad: Callable[..., None]
             ) -> tuple[Choice, ...]:
    val = meta.get("choices")
    line = _meta_line(meta, "choices")
    if val is None:
        if q.choices:
            bad("choices", f"{en_rel} has {len(q.choices)} choices; this file has none",
                "Add 'choices:' with one {text, why} per choice, in the same order.", line)
        return ()
    if not q.choices:
        bad("choices", f"{en_rel} has no choices", "Remove 'choices:'.", line)
        return ()
    if not isinstance(val, list):
        bad("choices", "expected a list of {text, why}", "Write '- text: …' and 'why: …' per choice.", line)
        return ()
    out = []
    for i, item in enumerate(val):
        where = f"choices[{i}]"
        if not isinstance(item, dict):
            bad(where, "expected a mapping with text: and why:", "Write text: and why:.", line)
            continue
        for k in item:
            if k == "correct":
                bad(f"{where}.correct", "the right answer comes from question.md",
                    "Remove 'correct:'; a translation holds only text: and why:.", line)
            elif k not in CHOICE_KEYS:
                bad(f"{where}.{k}", f"unknown field {k!r}", f"Use only {', '.join(CHOICE_KEYS)}.", line)
        text, why = item.get("text"), item.get("why", "")
        if not isinstance(text, str) or not text.strip():
            bad(f"{where}.text", "missing or empty", "Translate the choice's text.", line)
            continue
        en = q.choices[i] if i < len(q.choices) else None
        if not isinstance(why, str) or (en is not None and en.why and not why.strip()):
            bad(f"{where}.why", "missing or empty", "Translate the choice's explanation.", line)
            continue
        out.append(Choice(text.strip(), en.correct if en else False, why.strip()))
    if len(val) != len(q.choices):
        bad("choices", f"has {len(val)} choices; {en_rel} has {len(q.choices)}",
            "Translate each choice of question.md once, in the same order.", line)
    return tuple(out)


# --- parity -------------------------------------------------------------------------------------

def _check_sections(src: _Source, zh: list[_Section], bad: Callable[..., None]) -> None:
    en_names = [s.name for s in src.sections]
    zh_names = [s.name for s in zh]
    seen: set[str] = set()
    for s in zh:
        if s.name in seen:
            bad(f"section '{s.name}'", "appears twice", "Keep one '## " + s.name + "' section.", s.line)
        elif s.name not in en_names:
            bad(f"section '{s.name}'", f"'## {s.name}' is not a section of {src.rel}",
                f"Headings stay in English, exactly as in {src.rel}: "
                f"{', '.join('## ' + n for n in en_names)}.", s.line)
        seen.add(s.name)
    for i, name in enumerate(en_names):
        if name not in zh_names:
            after = f" after '## {en_names[i - 1]}'" if i else " first"
            bad(f"section '{name}'", "missing", f"Add '## {name}'{after}, translating "
                f"{src.rel} line {src.sections[i].line}.", None)
    common_en = [n for n in en_names if n in zh_names]
    common_zh = [n for n in dict.fromkeys(zh_names) if n in en_names]
    if common_en != common_zh:
        at = next((s.line for s in zh if s.name in en_names and
                   common_zh.index(s.name) != common_en.index(s.name)), None)
        bad("sections", f"in the order {', '.join(common_zh)}; {src.rel} has {', '.join(common_en)}",
            "Put the sections in the order of question.md.", at)
    zh_by: dict[str, _Section] = {}
    for s in zh:
        zh_by.setdefault(s.name, s)
    for en in src.sections:
        if en.name in zh_by:
            _check_section(src.rel, en, zh_by[en.name], bad)


def _check_section(en_rel: str, en: _Section, zh: _Section, bad: Callable[..., None]) -> None:
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


def _check_choices(q: Question, choices: tuple[Choice, ...], en_rel: str,
                   bad: Callable[..., None]) -> None:
    for i, (en, zh) in enumerate(zip(q.choices, choices, strict=False)):
        en_codes, en_maths, _ = _split_prose([(0, en.text), (0, en.why)])
        zh_codes, zh_maths, _ = _split_prose([(0, zh.text), (0, zh.why)])
        fix = "Keep the choice's formulas and inline code exactly as in question.md."
        _compare(en_rel, f"choices[{i}]", "formula", en_maths, zh_maths, None, bad, fix, "choice")
        _compare(en_rel, f"choices[{i}]", "inline code", en_codes, zh_codes, None, bad, fix,
                 "choice")


# --- the whole bank: status and stamps ---------------------------------------------------------

def glossary_problems(root: Path) -> list[Problem]:
    """Malformed rows of the bank's glossary (the loader reports them once per bank)."""
    return load_glossary(root)[1]


@dataclass(frozen=True)
class TranslationState:
    """Where one question's translation stands."""

    question: str
    topic: str
    lang: str
    state: str  # current, unstamped, stale, missing or invalid
    path: str
    problems: tuple[Problem, ...] = ()


STATES = ("current", "unstamped", "stale", "missing", "invalid")


def state_of(question: Question, lang: str = "zh") -> str:
    """current, unstamped, stale or missing, for a question loaded with its translations."""
    t = question.translations.get(lang)
    if t is None:
        return "missing"
    if not t.source_sha:
        return "unstamped"
    return "stale" if t.stale else "current"


def translation_gaps(questions: Iterable[Question], lang: str = "zh") -> dict[str, list[str]]:
    """Question ids that are missing, unstamped or stale (what ``judge check`` warns about)."""
    gaps: dict[str, list[str]] = {"missing": [], "unstamped": [], "stale": []}
    for q in questions:
        state = state_of(q, lang)
        if state in gaps:
            gaps[state].append(q.id)
    return gaps


def survey(root: Path | str | None = None, lang: str = "zh") -> list[TranslationState]:
    """Every question's translation state, including those with parity errors.

    Loads the English bank (a ValidationError if the English itself is invalid), then checks each
    translation on its own, so one broken translation does not hide the others.
    """
    bank = load_bank(root, translations=False)
    glossary, _ = load_glossary(bank.root)
    out = []
    for q in bank:
        path = translation_path(q, lang)
        rel = str(path.relative_to(bank.root))
        if not path.exists():
            out.append(TranslationState(q.id, q.topic, lang, "missing", rel))
            continue
        problems: list[Problem] = []

        def add(file: object, fld: str, msg: str, fix: str = "", line: int | None = None,
                _into: list[Problem] = problems) -> None:
            _into.append(Problem(str(file), fld, msg, fix, line))

        t = read_translation(bank.root, _english(bank.root, q), path, lang, glossary, add)
        if t is None:
            out.append(TranslationState(q.id, q.topic, lang, "invalid", rel, tuple(problems)))
        else:
            state = state_of(replace(q, translations={lang: t}), lang)
            out.append(TranslationState(q.id, q.topic, lang, state, rel))
    return out


_SHA_LINE = re.compile(r"^source_sha:[^\r\n]*", re.MULTILINE)


def stamp(question: Question, lang: str = "zh") -> tuple[str, str]:
    """Write the English file's current sha into the translation's ``source_sha``; (old, new).

    Only that one line of the front matter changes (or is added before the closing ``---``);
    the file is replaced atomically. The translation must have loaded, i.e. passed parity.
    """
    t = question.translations.get(lang)
    if t is None:
        raise UsageError(f"{question.id} has no valid {translation_path(question, lang).name}",
                         "Write it (see docs/authoring.md, 'Translations') and fix what "
                         "`judge translation status` reports, then stamp it.")
    new = english_sha(question)
    if t.source_sha == new:
        return t.source_sha, new
    raw = t.path.read_bytes().decode("utf-8")
    newline = "\r\n" if "\r\n" in raw.split("\n", 1)[0] + "\n" else "\n"
    start = raw.index("---") + 3
    end = raw.index(f"{newline}---", start)
    head = raw[:end]
    line = f'source_sha: "{new}"'
    head = _SHA_LINE.sub(line, head, count=1) if _SHA_LINE.search(head) else head + newline + line
    _write_atomically(t.path, head + raw[end:])
    return t.source_sha, new


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the view the other surfaces use ------------------------------------------------------------

def parse_lang(value: str, source: str = "--lang") -> str:
    """A language code (``en`` or ``zh``) from what a user typed, e.g. ``zh-CN`` or ``中文``."""
    code = _LANG_ALIASES.get(value.strip().lower().replace("_", "-"))
    if code is None:
        raise UsageError(f"{source}: unknown language {value!r}",
                         f"Use one of {', '.join(LANGS)}.")
    return code


def default_lang() -> str:
    """The language of ``$METAJUDGE_LANG``, else English."""
    value = os.environ.get(LANG_ENV, "").strip()
    return parse_lang(value, f"${LANG_ENV}") if value else "en"


def section_label(name: str, lang: str) -> str:
    """The heading to show for a section (sections are named in English in the files)."""
    return SECTION_LABELS.get(lang, {}).get(name, name)


@dataclass(frozen=True)
class LocalizedQuestion:
    """A question's words in one language, English where a field has no translation.

    ``field_langs`` says which language each field is actually shown in (keys ``title``,
    ``hints``, ``choices`` and ``section:<name>``), so a page can set its ``lang`` attributes.
    """

    question: Question
    lang: str
    title: str
    sections: dict[str, str]
    hints: tuple[str, ...]
    choices: tuple[Choice, ...]
    field_langs: dict[str, str]
    stale: bool = False  # the translation shown predates the English file

    def section(self, name: str) -> str:
        return self.sections.get(name, "")

    def label(self, name: str) -> str:
        return section_label(name, self.lang)

    def lang_of(self, field_name: str) -> str:
        return self.field_langs.get(field_name, "en")

    @property
    def translated(self) -> bool:
        """At least one field is shown in the requested (non-English) language."""
        return self.lang != "en" and self.lang in self.field_langs.values()


def localized(question: Question, lang: str = "en") -> LocalizedQuestion:
    """The question in ``lang`` (``en`` or ``zh``), falling back to English field by field."""
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}", f"Use one of {', '.join(LANGS)}.")
    q = question
    t = q.translations.get(lang) if lang != "en" else None
    langs = {"title": "en", "hints": "en", "choices": "en"}
    langs.update({f"section:{name}": "en" for name in q.sections})
    if t is None:
        return LocalizedQuestion(q, lang, q.title, dict(q.sections), q.hints, q.choices, langs)
    title = t.title or q.title
    langs["title"] = lang if t.title else "en"
    sections = {}
    for name, text in q.sections.items():
        local = t.sections.get(name, "")
        sections[name] = local or text
        langs[f"section:{name}"] = lang if local else "en"
    hints = q.hints
    if t.hints and len(t.hints) == len(q.hints):
        hints, langs["hints"] = t.hints, lang
    choices = q.choices
    if len(t.choices) == len(q.choices) and t.choices:
        choices = tuple(Choice(c.text or e.text, e.correct, c.why or e.why)
                        for e, c in zip(q.choices, t.choices, strict=True))
        langs["choices"] = lang
    return LocalizedQuestion(q, lang, title, sections, hints, choices, langs, t.stale)
