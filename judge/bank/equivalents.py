"""``solutions/<topic>/<id>/mutants.yaml``: the mutants of a reference that no test can kill.

A surviving mutant either gets a hidden test that kills it or is listed here as equivalent (it
computes the same thing as the reference on every input the statement allows) with a one-line
reason::

    equivalent:
      - id: "dim:_variance:3f2a9c"
        reason: "z is 2-D, so dim=0 and dim=-2 name the same axis"

The file is validated like the rest of the bank: unknown keys, missing or malformed fields and
duplicate ids are errors with file, line and fix. Entries that no generated mutant matches any
more (the reference changed) are reported by ``stale_entries``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from judge.errors import Problem
from judge.model import Question

FILE_NAME = "mutants.yaml"
TOP_KEYS = {"equivalent": "a list of {id, reason}: mutants that compute what the reference does"}
ENTRY_KEYS = {"id": "the mutant's id as `judge check --mutants` prints it",
              "reason": "one line: why no input the statement allows tells it from the reference"}
ID_PATTERN = re.compile(r"^[a-z][a-z-]*:[A-Za-z0-9_.<>]+:[0-9a-f]{6}$")
MAX_REASON = 200
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Report = Callable[[str, str, str, "int | None"], None]  # field, message, fix, line


@dataclass(frozen=True)
class Equivalent:
    """One listed mutant: its id, the author's reason and where it is written."""

    id: str
    reason: str
    line: int


def path_of(question: Question) -> Path:
    return question.solution_dir / FILE_NAME


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def load(question: Question, root: Path) -> tuple[dict[str, Equivalent], list[Problem]]:
    """The listed equivalents of ``question`` (empty when it has no file) and every problem."""
    path = path_of(question)
    if not path.exists():
        return {}, []
    rel = _rel(path, root)
    problems: list[Problem] = []

    def bad(fld: str, msg: str, fix: str, line: int | None) -> None:
        problems.append(Problem(rel, fld, msg, fix, line))

    if not question.is_code:
        bad("file", f"{question.id} is a {question.kind} question: it has no reference to mutate",
            "Delete the file.", None)
        return {}, problems
    try:
        text = path.read_text(encoding="utf-8")
        root_node = yaml.compose(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError) as exc:
        bad("file", f"cannot be read ({exc})", "Save it as UTF-8 text.", None)
        return {}, problems
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        bad("file", f"invalid YAML: {getattr(exc, 'problem', exc)}",
            "Fix the YAML syntax (quote strings holding ': ' or '#').",
            mark.line + 1 if mark is not None else None)
        return {}, problems
    if root_node is None:
        return {}, problems
    if not isinstance(root_node, yaml.MappingNode):
        bad("file", "expected a mapping with the key 'equivalent'",
            "Write 'equivalent:' followed by a list of '- id: ...' / 'reason: ...' entries.",
            root_node.start_mark.line + 1)
        return {}, problems
    entries: dict[str, Equivalent] = {}
    for key_node, value_node in root_node.value:
        key = key_node.value
        if key not in TOP_KEYS:
            close = difflib.get_close_matches(str(key), list(TOP_KEYS), n=1)
            hint = f"Did you mean {close[0]!r}? " if close else ""
            bad(str(key), f"unknown key {key!r}", f"{hint}Known keys: {', '.join(TOP_KEYS)}.",
                key_node.start_mark.line + 1)
            continue
        if isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "null", "~"):
            continue
        if not isinstance(value_node, yaml.SequenceNode):
            bad("equivalent", "expected a list of entries",
                "Write each entry as '- id: ...' with 'reason: ...' on the next line.",
                value_node.start_mark.line + 1)
            continue
        for i, item in enumerate(value_node.value):
            entry = _entry(item, f"equivalent[{i}]", bad)
            if entry is None:
                continue
            if entry.id in entries:
                bad(f"equivalent[{i}].id", f"{entry.id!r} is listed twice (also line "
                    f"{entries[entry.id].line})", "Keep one entry per mutant.", entry.line)
                continue
            entries[entry.id] = entry
    return entries, problems


def _entry(item: yaml.Node, where: str, report: Report) -> Equivalent | None:
    line = item.start_mark.line + 1
    if not isinstance(item, yaml.MappingNode):
        report(where, "expected a mapping with 'id' and 'reason'",
               "Write '- id: \"op:scope:abcdef\"' and 'reason: ...'.", line)
        return None
    values: dict[str, str] = {}
    ok = True
    for key_node, value_node in item.value:
        key = str(key_node.value)
        key_line = key_node.start_mark.line + 1
        if key not in ENTRY_KEYS:
            close = difflib.get_close_matches(key, list(ENTRY_KEYS), n=1)
            hint = f"Did you mean {close[0]!r}? " if close else ""
            report(f"{where}.{key}", f"unknown key {key!r}",
                   f"{hint}An entry has only {' and '.join(ENTRY_KEYS)}.", key_line)
            ok = False
            continue
        if not isinstance(value_node, yaml.ScalarNode) or value_node.tag != "tag:yaml.org,2002:str":
            report(f"{where}.{key}", "expected a string",
                   f"Write '{key}: \"...\"'.", key_line)
            ok = False
            continue
        values[key] = value_node.value
    for key in ENTRY_KEYS:
        if key not in values and ok:
            report(f"{where}.{key}", "missing", f"Add '{key}:' ({ENTRY_KEYS[key]}).",
                   line)
            ok = False
    if not ok:
        return None
    mutant_id, reason = values["id"].strip(), values["reason"].strip()
    if not ID_PATTERN.match(mutant_id):
        report(f"{where}.id", f"{mutant_id!r} is not a mutant id",
               "Copy the id exactly as `judge check --mutants` prints it (operator:scope:hash).",
               line)
        return None
    if not reason or "\n" in reason or len(reason) > MAX_REASON:
        report(f"{where}.reason", "must be one non-empty line of at most "
               f"{MAX_REASON} characters", "Say in one line why no allowed input tells the mutant "
               "from the reference.", line)
        return None
    return Equivalent(mutant_id, reason, line)


def validate(questions: Iterable[Question], root: Path) -> list[Problem]:
    """Every problem in the mutants.yaml files of ``questions`` (files that do not exist are fine)."""
    problems: list[Problem] = []
    for q in questions:
        problems.extend(load(q, root)[1])
    return problems


def stale_entries(listed: dict[str, Equivalent], generated: Iterable[str]) -> list[Equivalent]:
    """Listed entries whose id no generated mutant has any more, in file order."""
    ids = set(generated)
    return sorted((e for e in listed.values() if e.id not in ids), key=lambda e: e.line)
