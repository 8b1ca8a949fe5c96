"""Translations of a question (``question.zh.md``): loading, parity with English, status, stamps.

A translation changes only the words. The loader checks, and reports every drift with its file,
line and fix: the same sections in the same order, the same number of list items in the list
sections, code blocks byte-identical, the same formulas (only the words inside ``\\text{…}`` may
differ), the same inline code, the same number of choices, and the glossary's fixed terms.
A parity error of a current translation is a content error like any other; a stale one that
drifted is left out and reported as stale, not as an error; a missing, unstamped or stale one is
not (``judge check`` lists those, and fails on them with ``--strict-translations``).

The comparison itself lives in ``judge.bank.parity``, the glossary in ``judge.bank.glossary``.
The other surfaces (CLI, site, review drill) call :func:`localized`.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from judge.bank.glossary import Glossary, Prose, load_glossary
from judge.bank.loader import list_items, load_bank, split_front_matter
from judge.bank.parity import Section, check_choices, check_sections, parse_body, split_prose
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
           "Explanation": "解析"},
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

Add = Callable[..., None]  # loader._Collector.add: (file, field, message, fix, line)


def english_sha(question: Question) -> str:
    """The first 12 hex digits of the SHA-256 of the English ``question.md`` bytes."""
    return hashlib.sha256(question.markdown_path.read_bytes()).hexdigest()[:12]


def translation_path(question: Question, lang: str) -> Path:
    return question.directory / f"question.{lang}.md"


# --- loading one translation --------------------------------------------------------------------

@dataclass
class _Source:
    """The English side of a comparison, parsed once per question."""

    question: Question
    rel: str
    sections: list[Section]
    prose: Prose
    sha: str


def _english(root: Path, q: Question) -> _Source:
    raw = q.markdown_path.read_bytes()
    parts = split_front_matter(raw.decode("utf-8"))
    body, first = (parts[1], parts[2]) if parts else ("", 1)
    sections = parse_body(body, first)
    title_line = next((n for n, ln in enumerate(raw.decode("utf-8").splitlines(), 1)
                       if ln.startswith("title:")), 1)
    fragments = [(title_line, q.title)] + [f for s in sections for f in s.prose]
    for c in q.choices:
        fragments += split_prose([(1, c.text), (1, c.why)])[2]
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
                     add: Add, defer_stale: bool = True) -> Translation | None:
    """One translation file, checked against its English source; None if it has any problem.

    A stale translation (stamped for an older English file) that no longer matches is not a
    content error: the English changed, the translation is due for an update. It is left out
    (readers see the English) and ``judge translation status`` lists it as stale, with its
    drift, unless ``defer_stale`` is false.
    """
    rel = str(path.relative_to(root))
    problems: list[Problem] = []

    def bad(fld: str, msg: str, fix: str, line: int | None = None) -> None:
        problems.append(Problem(rel, fld, msg, fix, line))

    fm, body, first = _front_matter(path, bad)
    if fm is None:
        for p in problems:
            add(p.file, p.field, p.message, p.fix, p.line)
        return None
    q = src.question
    title = _title(fm, bad)
    source_sha = _source_sha(fm, bad)
    choices = _choices(q, fm, src.rel, bad)
    sections = parse_body(body, first)
    check_sections(src.rel, src.sections, sections, bad)
    check_choices(q.choices, choices, src.rel, bad)
    zh_fragments = [(fm.line("title"), title)] + [f for s in sections for f in s.prose]
    for c in choices:
        zh_fragments += split_prose([(fm.line("choices"), c.text),
                                      (fm.line("choices"), c.why)])[2]
    for v in glossary.check(src.prose, Prose.of(zh_fragments)):
        instead = f"; it writes {v.found!r} instead" if v.found else ""
        bad("glossary", f"{src.rel} line {v.english_line} uses {v.english_form!r}, but this file "
            f"never uses its fixed term {v.entry.chinese!r}{instead}",
            f"Write {v.entry.chinese} (docs/glossary.md line {v.entry.line}).", v.found_line)
    if problems and defer_stale and source_sha and source_sha != src.sha:
        return None
    for p in problems:
        add(p.file, p.field, p.message, p.fix, p.line)
    if problems:
        return None
    by_name = {s.name: s.text for s in sections}
    hints = tuple(list_items(by_name["Hints"])) if by_name.get("Hints") else ()
    return Translation(lang=lang, path=path, title=title, sections=by_name, hints=hints,
                       choices=choices, source_sha=source_sha, english_sha=src.sha)


@dataclass(frozen=True)
class _FrontMatter:
    values: dict[str, Any]
    lines: dict[str, int]  # key -> line in the file

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def line(self, key: str) -> int:
        return self.lines.get(key, 2)


def _front_matter(path: Path, bad: Callable[..., None]) -> tuple[_FrontMatter | None, str, int]:
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
    fm = _FrontMatter(meta, {ln.split(":", 1)[0]: n
                             for n, ln in enumerate(yaml_text.splitlines(), 2)
                             if ln[:1].strip() and ":" in ln})
    for key in meta:
        if key in FRONT_MATTER_KEYS:
            continue
        close = difflib.get_close_matches(str(key), list(FRONT_MATTER_KEYS), n=1)
        why = ("it comes from question.md; a translation holds only the words"
               if str(key) in ("id", "kind", "topic", "tags", "difficulty", "references",
                               "related", "entry_points", "limits") else "")
        hint = f"Did you mean {close[0]!r}? " if close and not why else ""
        bad(str(key), f"unknown field {key!r}" + (f": {why}" if why else ""),
            f"{hint}Remove it. A translation's front matter holds only "
            f"{', '.join(FRONT_MATTER_KEYS)}.", fm.line(str(key)))
    return fm, body, first


def _title(fm: _FrontMatter, bad: Callable[..., None]) -> str:
    val = fm.get("title")
    if not isinstance(val, str) or not val.strip():
        bad("title", "missing or empty" if val is None else f"expected text, got {val!r}",
            "Add 'title: …' with the translated title.", fm.line("title"))
        return ""
    return val.strip()


def _source_sha(fm: _FrontMatter, bad: Callable[..., None]) -> str:
    val = fm.get("source_sha")
    if val is None:
        return ""
    if not isinstance(val, str) or not SHA.match(val):
        hint = " Quote it: YAML reads a value of digits only as a number." if isinstance(val, int) else ""
        bad("source_sha", f"{val!r} is not 12 lowercase hex digits",
            f"Let `judge translation stamp ID` write it, or remove the line.{hint}",
            fm.line("source_sha"))
        return ""
    return val


def _choices(q: Question, fm: _FrontMatter, en_rel: str, bad: Callable[..., None]
             ) -> tuple[Choice, ...]:
    val = fm.get("choices")
    line = fm.line("choices")
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
        # a file that is there but not loaded without a content error is a stale one that drifted
        return "stale" if translation_path(question, lang).exists() else "missing"
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

        src = _english(bank.root, q)
        t = read_translation(bank.root, src, path, lang, glossary, add, defer_stale=False)
        if t is None:
            stamped = _SHA_VALUE.search(path.read_text(encoding="utf-8"))
            stale = bool(stamped) and stamped.group(1) != src.sha  # type: ignore[union-attr]
            out.append(TranslationState(q.id, q.topic, lang, "stale" if stale else "invalid", rel,
                                        tuple(problems)))
        else:
            state = state_of(replace(q, translations={lang: t}), lang)
            out.append(TranslationState(q.id, q.topic, lang, state, rel))
    return out


_SHA_LINE = re.compile(r"^source_sha:[^\r\n]*", re.MULTILINE)
_SHA_VALUE = re.compile(r"^source_sha:\s*[\"']?([0-9a-f]{12})", re.MULTILINE)


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
