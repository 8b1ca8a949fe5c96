"""Load a bank and validate all of it, collecting every problem before aborting once."""

from __future__ import annotations

import ast
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from judge.errors import Problem, UsageError, ValidationError
from judge.model import (
    CODE_KINDS,
    DIFFICULTIES,
    KINDS,
    LIMIT_FIELDS,
    Bank,
    Choice,
    Limits,
    Question,
    Reference,
)

BANK_ENV = "METAJUDGE_BANK"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

FRONT_MATTER_KEYS = {
    "id": "the question id; must equal the folder name",
    "title": "a short title",
    "kind": "concept, coding or debug",
    "topic": "the topic; must equal the parent folder name",
    "tags": "a list of lowercase tags",
    "difficulty": "easy, medium or hard",
    "entry_points": "coding/debug: names the submission must define",
    "limits": "coding/debug: optional overrides of the default limits",
    "references": "papers: authors, year, title, arxiv or doi",
    "related": "ids of related questions",
    "choices": "concept: optional multiple-choice form",
}
REQUIRED_KEYS = ("id", "title", "kind", "topic", "tags", "difficulty", "references")
REFERENCE_KEYS = ("authors", "year", "title", "arxiv", "doi")
CHOICE_KEYS = ("text", "correct", "why")

SECTIONS_BY_KIND: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required sections, optional sections)
    "coding": (("Problem", "Examples", "Hints", "Explanation"), ()),
    "debug": (("Problem", "Hints", "Explanation"), ("Examples",)),
    "concept": (
        ("Problem", "Answer", "Key points", "Common mistakes", "Follow-ups"),
        ("Hints", "Explanation"),
    ),
}
LIST_SECTIONS = {"Hints": 2, "Key points": 2, "Follow-ups": 2, "Common mistakes": 1}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARXIV = re.compile(r"^\d{4}\.\d{4,5}$|^[a-z\-]+(?:\.[A-Z]{2})?/\d{7}$")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def default_root() -> Path:
    """The bank root: $METAJUDGE_BANK, else the checkout that holds this package, else cwd."""
    env = os.environ.get(BANK_ENV)
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    if (repo / "questions").is_dir():
        return repo
    return Path.cwd()


@dataclass
class _Collector:
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: Path | str, fld: str, msg: str, fix: str = "", line: int | None = None) -> None:
        self.problems.append(Problem(str(file), fld, msg, fix, line))


def load_bank(root: Path | str | None = None, *, translations: bool = True) -> Bank:
    """Load every question under ``root``; raise ValidationError listing every problem.

    ``translations=False`` skips the ``question.<lang>.md`` files (and their parity checks).
    """
    root = Path(root) if root is not None else default_root()
    if not (root / "questions").is_dir():
        raise UsageError(
            f"no questions/ folder in bank root {root}",
            f"Pass --bank DIR (or set {BANK_ENV}) to a folder holding questions/ and solutions/.",
        )
    out = _Collector()
    questions: dict[str, Question] = {}
    seen: dict[str, Path] = {}
    for md in sorted((root / "questions").glob("*/*/question.md")):
        q = _load_question(root, md, out, translations)
        if q is None:
            continue
        if q.id in seen:
            out.add(md.relative_to(root), "id",
                    f"duplicate id {q.id!r}, also used by {seen[q.id].relative_to(root)}",
                    "Give one of the two questions a different id and folder name.")
            continue
        seen[q.id] = md
        questions[q.id] = q
    for folder in sorted((root / "questions").glob("*/*")):
        if folder.is_dir() and not (folder / "question.md").exists():
            out.add(folder.relative_to(root), "question.md", "folder has no question.md",
                    "Add question.md (see docs/authoring.md) or remove the folder.")
    for q in questions.values():
        for rel in q.related:
            if rel not in questions:
                close = difflib.get_close_matches(rel, list(questions), n=1)
                fix = f"Did you mean {close[0]!r}?" if close else "Remove it or add that question."
                out.add(q.markdown_path.relative_to(root), "related",
                        f"unknown question id {rel!r}", fix,
                        _key_line(q.markdown_path, "related"))
    if translations:
        from judge.bank.translation import glossary_problems  # it imports this module
        out.problems.extend(glossary_problems(root))
    if out.problems:
        raise ValidationError(out.problems)
    ordered = dict(sorted(questions.items(), key=lambda kv: (kv[1].topic, kv[0])))
    return Bank(root=root, questions=ordered)


def find_question(bank: Bank, qid: str) -> Question:
    """The question with id ``qid``, or a UsageError suggesting close ids."""
    if qid in bank.questions:
        return bank.questions[qid]
    close = difflib.get_close_matches(qid, list(bank.questions), n=3)
    hint = f"Did you mean: {', '.join(close)}?" if close else "Run `judge list` to see the ids."
    raise UsageError(f"no question with id {qid!r} in {bank.root}", hint)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(yaml, body, first body line number) or None when there is no front matter."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        return None
    yaml_text = text[4:end]
    body = text[end + 5:]
    return yaml_text, body, yaml_text.count("\n") + 4


def _key_line(md: Path, key: str) -> int | None:
    try:
        for n, line in enumerate(md.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(f"{key}:"):
                return n
    except OSError:
        return None
    return None


def _load_question(root: Path, md: Path, out: _Collector, translations: bool = True
                   ) -> Question | None:
    rel = md.relative_to(root)
    text = md.read_text(encoding="utf-8")
    parts = split_front_matter(text)
    if parts is None:
        out.add(rel, "front matter", "missing YAML front matter",
                "Start the file with a line '---', the YAML fields, and another '---'.", 1)
        return None
    yaml_text, body, body_line = parts
    try:
        meta = yaml.load(yaml_text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        out.add(rel, "front matter", f"invalid YAML: {getattr(exc, 'problem', exc)}",
                "Fix the YAML syntax (quote strings holding ':' or '#').", line)
        return None
    if not isinstance(meta, dict):
        out.add(rel, "front matter", "front matter is not a mapping of fields",
                "Write 'key: value' lines.", 2)
        return None
    n_before = len(out.problems)

    def line_of(key: str) -> int | None:
        for n, line in enumerate(yaml_text.splitlines(), 2):
            if line.startswith(f"{key}:"):
                return n
        return None

    def bad(fld: str, msg: str, fix: str) -> None:
        out.add(rel, fld, msg, fix, line_of(fld.split(".")[0].split("[")[0]))

    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            close = difflib.get_close_matches(str(key), list(FRONT_MATTER_KEYS), n=1)
            fix = f"Did you mean {close[0]!r}?" if close else "Remove it"
            bad(str(key), f"unknown field {key!r}",
                f"{fix} Known fields: {', '.join(FRONT_MATTER_KEYS)}. A new field must be added to "
                "judge/bank/loader.py FRONT_MATTER_KEYS and docs/authoring.md.")
    for key in REQUIRED_KEYS:
        if key not in meta:
            out.add(rel, key, "missing required field", f"Add '{key}:' ({FRONT_MATTER_KEYS[key]}).", 2)

    folder_topic, folder_slug = md.parent.parent.name, md.parent.name
    qid = _str(meta, "id", bad)
    if qid and qid != folder_slug:
        bad("id", f"id {qid!r} differs from its folder name {folder_slug!r}",
            "Rename the folder or the id so they match.")
    if qid and not SLUG.match(qid):
        bad("id", f"id {qid!r} is not a lowercase-hyphen slug", "Use letters, digits and hyphens.")
    title = _str(meta, "title", bad)
    kind = _enum(meta, "kind", KINDS, bad)
    topic = _str(meta, "topic", bad)
    if topic and topic != folder_topic:
        bad("topic", f"topic {topic!r} differs from its folder {folder_topic!r}",
            f"Set 'topic: {folder_topic}' or move the folder under questions/{topic}/.")
    difficulty = _enum(meta, "difficulty", DIFFICULTIES, bad)
    tags = _str_list(meta, "tags", bad)
    related = _str_list(meta, "related", bad)
    references = _references(meta, bad)
    entry_points: tuple[str, ...] = ()
    limits = Limits()
    choices: tuple[Choice, ...] = ()
    if kind in CODE_KINDS:
        entry_points = _str_list(meta, "entry_points", bad)
        if not entry_points:
            bad("entry_points", "a coding or debug question needs at least one entry point",
                "List the functions or classes the submission must define, e.g. [my_loss].")
        limits = _limits(meta, bad)
    elif kind == "concept":
        for key in ("entry_points", "limits"):
            if key in meta:
                bad(key, f"{key!r} applies only to coding and debug questions", "Remove it.")
    if kind == "concept":
        choices = _choices(meta, bad)
        _check_choice_tex(rel, yaml_text, choices, out)
    elif "choices" in meta:
        bad("choices", "'choices' applies only to concept questions", "Remove it.")

    sections, hints = _sections(rel, body, body_line, kind, out)
    _check_math(rel, body, body_line, out)

    sol_dir = root / "solutions" / folder_topic / folder_slug
    if kind in CODE_KINDS:
        _check_code_files(root, md.parent, sol_dir, entry_points, out)

    if len(out.problems) != n_before or not (qid and title and kind and topic and difficulty):
        return None
    question = Question(
        id=qid, title=title, kind=kind, topic=topic, difficulty=difficulty, tags=tags,
        references=references, related=related, directory=md.parent, solution_dir=sol_dir,
        sections=sections, hints=hints, entry_points=entry_points, limits=limits, choices=choices,
    )
    if not translations:
        return question
    from judge.bank.translation import attach_translations  # it imports this module
    return attach_translations(root, question, out.add)


def _str(meta: dict[str, Any], key: str, bad: Any) -> str:
    val = meta.get(key)
    if val is None:
        return ""
    if not isinstance(val, str) or not val.strip():
        bad(key, f"expected a non-empty string, got {val!r}", f"Write '{key}: some text'.")
        return ""
    return val.strip()


def _enum(meta: dict[str, Any], key: str, allowed: tuple[str, ...], bad: Any) -> str:
    val = meta.get(key)
    if val is None:
        return ""
    if val not in allowed:
        bad(key, f"{val!r} is not one of {', '.join(allowed)}", f"Set '{key}:' to one of those.")
        return ""
    return str(val)


def _str_list(meta: dict[str, Any], key: str, bad: Any) -> tuple[str, ...]:
    val = meta.get(key, [])
    if val is None:
        return ()
    if not isinstance(val, list) or not all(isinstance(v, str) and v for v in val):
        bad(key, f"expected a list of strings, got {val!r}", f"Write '{key}: [a, b]'.")
        return ()
    return tuple(val)


def _references(meta: dict[str, Any], bad: Any) -> tuple[Reference, ...]:
    val = meta.get("references")
    if val is None:
        return ()
    if not isinstance(val, list) or not val:
        bad("references", "expected a non-empty list of papers",
            "Add at least one paper: authors, year, title, arxiv or doi.")
        return ()
    refs = []
    for i, item in enumerate(val):
        where = f"references[{i}]"
        if not isinstance(item, dict):
            bad(where, "expected a mapping", "Write authors:, year:, title:, arxiv: or doi:.")
            continue
        unknown = [k for k in item if k not in REFERENCE_KEYS]
        for k in unknown:
            bad(f"{where}.{k}", f"unknown field {k!r}", f"Use only {', '.join(REFERENCE_KEYS)}.")
        missing = [k for k in ("authors", "year", "title") if not item.get(k)]
        for k in missing:
            bad(f"{where}.{k}", "missing", f"Add '{k}:'.")
        arxiv = str(item["arxiv"]) if item.get("arxiv") is not None else None
        doi = str(item["doi"]) if item.get("doi") is not None else None
        if arxiv is None and doi is None:
            bad(where, "a reference needs an arXiv id or a DOI", "Add 'arxiv: \"1503.02531\"' or 'doi:'.")
        if arxiv is not None and not ARXIV.match(arxiv):
            bad(f"{where}.arxiv", f"{arxiv!r} is not an arXiv id",
                "Quote it as a string, e.g. arxiv: \"1503.02531\" (YAML reads 1503.0253 as a number).")
        if doi is not None and not DOI.match(doi):
            bad(f"{where}.doi", f"{doi!r} is not a DOI", "Write it as 10.xxxx/yyyy.")
        year = item.get("year")
        if year is not None and not (isinstance(year, int) and 1900 < year < 2100):
            bad(f"{where}.year", f"{year!r} is not a year", "Write a four-digit year.")
        if not unknown and not missing:
            refs.append(Reference(str(item["authors"]), int(item["year"]) if isinstance(year, int) else 0,
                                  str(item["title"]), arxiv, doi))
    return tuple(refs)


def _limits(meta: dict[str, Any], bad: Any) -> Limits:
    val = meta.get("limits")
    if val is None:
        return Limits()
    if not isinstance(val, dict):
        bad("limits", "expected a mapping", f"Use keys among {', '.join(LIMIT_FIELDS)}.")
        return Limits()
    clean: dict[str, Any] = {}
    for k, v in val.items():
        if k not in LIMIT_FIELDS:
            close = difflib.get_close_matches(str(k), LIMIT_FIELDS, n=1)
            hint = f"Did you mean {close[0]!r}? " if close else ""
            bad(f"limits.{k}", f"unknown limit {k!r}", f"{hint}Known: {', '.join(LIMIT_FIELDS)}.")
        elif not isinstance(v, int | float) or isinstance(v, bool) or v <= 0:
            bad(f"limits.{k}", f"expected a positive number, got {v!r}", "Write a number.")
        else:
            clean[k] = v
    return Limits(**clean)


def _choices(meta: dict[str, Any], bad: Any) -> tuple[Choice, ...]:
    val = meta.get("choices")
    if val is None:
        return ()
    if not isinstance(val, list) or len(val) < 2:
        bad("choices", "expected a list of at least two options", "Give text:, correct:, why: per option.")
        return ()
    out = []
    for i, item in enumerate(val):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            bad(f"choices[{i}]", "expected a mapping with text:", "Write text:, correct:, why:.")
            continue
        for k in item:
            if k not in CHOICE_KEYS:
                bad(f"choices[{i}].{k}", f"unknown field {k!r}", f"Use only {', '.join(CHOICE_KEYS)}.")
        out.append(Choice(item["text"], bool(item.get("correct", False)), str(item.get("why", ""))))
    if out and sum(c.correct for c in out) != 1:
        bad("choices", "exactly one option must have 'correct: true'", "Mark the one right option.")
    return tuple(out)


PLAIN_TEX = re.compile(
    r"[A-Za-z0-9)\]]\^[\w{(-]"          # T^2, O(P^2), V^pi
    r"|[A-Za-z]_\{|\b[A-Za-z]_[A-Za-z0-9]\b"  # s_{t+1}, w_t
    r"|\\[A-Za-z]+"                       # \nabla
    r"|\b(?:alpha|beta|gamma|delta|epsilon|eta|theta|lambda|mu|nu|pi|sigma|tau|phi|psi|omega)\b")


def _check_choice_tex(rel: Path, yaml_text: str, choices: tuple[Choice, ...], out: _Collector) -> None:
    """Quiz choices are rendered as Markdown with math: maths written as plain text (``T^2``,
    ``s_{t+1}``, ``gamma``) shows up raw. Flag it outside ``$...$`` and backticks."""
    lines = list(enumerate(yaml_text.splitlines(), 2))
    start = next((k for k, (_, ln) in enumerate(lines) if ln.startswith("choices:")), 0)
    for i, choice in enumerate(choices):
        for fld, text in (("text", choice.text), ("why", choice.why)):
            plain = re.sub(r"`[^`]*`", "", re.sub(r"(?<!\\)\$[^$]*\$", "", text))
            found = list(dict.fromkeys(m.group() for m in PLAIN_TEX.finditer(plain)))
            if not found:
                continue
            line = next((n for n, ln in lines[start:] if found[0] in ln), None)
            out.add(rel, f"choices[{i}].{fld}",
                    f"maths written as plain text: {', '.join(map(repr, found))}",
                    "Write each formula as inline math, e.g. $T^2$, $s_{t+1}$, $\\gamma$ (and "
                    "quote the YAML string if it holds ': '); code goes in backticks.", line)

FENCE = re.compile(r"^(```|~~~)")


def _sections(rel: Path, body: str, first_line: int, kind: str, out: _Collector
              ) -> tuple[dict[str, str], tuple[str, ...]]:
    sections: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    current: str | None = None
    in_fence = False
    for n, line in enumerate(body.splitlines(), first_line):
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            current = line[3:].strip()
            if current in sections:
                out.add(rel, f"section '{current}'", "appears twice", "Merge the two sections.", n)
            sections[current] = []
            starts[current] = n
            continue
        if current is not None:
            sections[current].append(line)
    text = {k: "\n".join(v).strip() for k, v in sections.items()}
    if kind not in SECTIONS_BY_KIND:
        return text, ()
    required, optional = SECTIONS_BY_KIND[kind]
    for name in text:
        if name not in required and name not in optional:
            allowed = ", ".join(required + optional)
            close = difflib.get_close_matches(name, list(required + optional), n=1)
            hint = f"Did you mean '## {close[0]}'? " if close else ""
            out.add(rel, f"section '{name}'", f"not a section of a {kind} question",
                    f"{hint}Allowed: {allowed}.", starts[name])
    for name in required:
        if not text.get(name):
            out.add(rel, f"section '{name}'", "missing or empty",
                    f"Add a '## {name}' section with content (see docs/authoring.md).")
    hints: tuple[str, ...] = ()
    for name, minimum in LIST_SECTIONS.items():
        if not text.get(name):
            continue
        items = list_items(text[name])
        if len(items) < minimum:
            out.add(rel, f"section '{name}'", f"has {len(items)} list item(s), needs at least {minimum}",
                    "Write each item as a Markdown list entry ('1. ...' or '- ...').", starts[name])
        if name == "Hints":
            hints = tuple(items)
    return text, hints


LIST_ITEM = re.compile(r"^(?:\d+[.)]|[-*+])\s+")


def list_items(markdown: str) -> list[str]:
    """Top-level list items of a Markdown fragment, each with its continuation lines."""
    items: list[list[str]] = []
    for line in markdown.splitlines():
        if LIST_ITEM.match(line):
            items.append([LIST_ITEM.sub("", line, count=1)])
        elif items and (line.startswith((" ", "\t")) or not line.strip()):
            items[-1].append(line.strip() if line.strip() else "")
    return ["\n".join(i).strip() for i in items]


def _strip_code(body: str) -> list[str]:
    lines, in_fence = [], False
    for line in body.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            lines.append("")
            continue
        lines.append("" if in_fence else re.sub(r"`[^`]*`", "", line))
    return lines


def _check_math(rel: Path, body: str, first_line: int, out: _Collector) -> None:
    open_display: int | None = None
    for n, line in enumerate(_strip_code(body), first_line):
        line = line.replace("\\$", "")
        pieces = line.split("$$")
        for i, piece in enumerate(pieces):
            if i > 0:
                open_display = None if open_display is not None else n
            if open_display is None and piece.count("$") % 2:
                out.add(rel, "math", "unbalanced '$' in inline math",
                        "Close the formula with '$', or write '\\$' for a literal dollar.", n)
    if open_display is not None:
        out.add(rel, "math", "'$$' display math is never closed", "Add the closing '$$'.", open_display)


def defined_names(path: Path) -> set[str] | None:
    """Top-level names a Python file defines, or None if it does not parse."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, ValueError):
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _check_code_files(root: Path, qdir: Path, sol_dir: Path, entry_points: tuple[str, ...],
                      out: _Collector) -> None:
    files = {
        qdir / "starter.py": "the starter code the learner begins from",
        qdir / "test_public.py": "visible tests a learner may read and run",
        qdir / "test_hidden.py": "the hidden tests",
        sol_dir / "reference.py": "the reference solution",
    }
    for path, what in files.items():
        rel = path.relative_to(root)
        if not path.is_file():
            out.add(rel, "file", f"missing ({what})", f"Create {rel}.")
            continue
        names = defined_names(path)
        if names is None:
            out.add(rel, "file", "is not valid Python", f"Fix the syntax error in {rel}.")
            continue
        if path.name in ("starter.py", "reference.py"):
            for ep in entry_points:
                if ep not in names:
                    out.add(rel, "entry_points", f"does not define entry point {ep!r}",
                            f"Define {ep} at the top level of {rel}, or fix entry_points.")
    wrong = sorted((sol_dir / "wrong").glob("*.py")) if (sol_dir / "wrong").is_dir() else []
    if len(wrong) < 3:
        out.add(sol_dir.relative_to(root) / "wrong", "wrong variants",
                f"has {len(wrong)} known-wrong variant(s), needs at least 3",
                "Add files under wrong/, each a plausible real mistake named in its module docstring.")
    for path in wrong:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            out.add(path.relative_to(root), "file", "is not valid Python", "Fix its syntax.")
            continue
        if not ast.get_docstring(tree):
            out.add(path.relative_to(root), "docstring", "a wrong variant must name its mistake",
                    "Start the file with a docstring saying which real mistake it makes.")
