"""An assignment: which questions a class answers, for how many points, scored how.

The file is TOML (``assignment.toml``), read with the standard library's ``tomllib``. It is
validated like a question's front matter: every problem is collected with its file and field,
unknown keys are rejected with a "did you mean", and the run aborts once.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from judge.errors import Problem, UsageError, ValidationError
from judge.model import LIMIT_FIELDS, Bank, Limits, Question

SCORING = ("fraction", "all-or-nothing")
_INT_LIMITS = {name: f.type == "int" for name, f in Limits.__dataclass_fields__.items()}
FEEDBACK = ("minimal", "full")
TOP_KEYS = {
    "title": "the assignment's title (shown in the gradebook, report and student pack)",
    "feedback": "what students are told: minimal (what failed) or full (values and errors)",
    "hints": "true to put each question's hints in the student pack (default false)",
    "questions": "the list of questions ([[questions]] tables)",
}
QUESTION_KEYS = {
    "id": "the question id in the bank (`judge list --kind coding`)",
    "points": "points for the question (a positive number)",
    "scoring": "fraction (points x hidden tests passed / run) or all-or-nothing",
    "limits": "optional overrides of the question's per-test limits",
}


class AssignmentError(ValidationError):
    """An assignment file with content errors; every one of them is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        count = len(problems)
        self.message = f"the assignment has {count} error{'s' if count != 1 else ''}"
        self.hint = "Fix each one listed above (docs/grading.md describes every field)."
        self.args = (self.message,)


@dataclass(frozen=True)
class AssignedQuestion:
    """One question of an assignment and how it is scored."""

    id: str
    points: float
    scoring: str = "fraction"
    limits: dict[str, Any] = field(default_factory=dict)

    def score(self, verdict: str, passed: int, total: int) -> float:
        """Points earned for a judged submission."""
        if self.scoring == "all-or-nothing":
            return self.points if verdict == "Accepted" else 0.0
        return self.points * passed / total if total else 0.0


@dataclass(frozen=True)
class Assignment:
    """A validated assignment. ``text`` is the TOML it came from (stored with each run)."""

    title: str
    questions: tuple[AssignedQuestion, ...]
    feedback: str = "minimal"
    hints: bool = False
    text: str = ""

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def get(self, qid: str) -> AssignedQuestion:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)


def load_assignment(path: Path, bank: Bank | None) -> Assignment:
    """Read and validate ``path``; with a bank, also check each question exists and is code."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no assignment file {path}",
                         "Create one with `judge assignment new assignment.toml`.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the assignment file {path} ({exc})",
                         "Pass a UTF-8 TOML file.") from None
    return parse_assignment(text, str(path), bank)


@dataclass
class _Problems:
    file: str
    text: str
    items: list[Problem] = field(default_factory=list)

    def __call__(self, fld: str, message: str, fix: str) -> None:
        self.items.append(Problem(self.file, fld, message, fix, _line_of(self.text, fld)))


def parse_assignment(text: str, file: str, bank: Bank | None) -> Assignment:
    """Validate the TOML ``text`` of ``file``; raise AssignmentError listing every problem."""
    bad = _Problems(file, text)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AssignmentError([Problem(file, "TOML", str(exc),
                                       "Fix the syntax: key = value, strings in quotes, "
                                       "[[questions]] tables.")]) from None
    _unknown(data, TOP_KEYS, "", bad)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        bad("title", "missing or empty", 'Add title = "Week 3: distillation".')
        title = ""
    feedback = data.get("feedback", "minimal")
    if feedback not in FEEDBACK:
        bad("feedback", f"{feedback!r} is not one of {', '.join(FEEDBACK)}",
            'Write feedback = "minimal" (graded work) or "full".')
    hints = data.get("hints", False)
    if not isinstance(hints, bool):
        bad("hints", f"expected true or false, got {hints!r}", "Write hints = false.")
    raw = data.get("questions")
    questions: list[AssignedQuestion] = []
    if not isinstance(raw, list) or not raw:
        bad("questions", "the assignment names no questions",
            'Add a table per question: [[questions]] id = "distillation-loss" points = 10.')
        raw = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"questions[{i}]"
        if not isinstance(item, dict):
            bad(where, "expected a table", "Write [[questions]] followed by id = ... lines.")
            continue
        aq = _question(item, where, bank, bad)
        if aq is None:
            continue
        if aq.id in seen:
            bad(f"{where}.id", f"question {aq.id!r} is listed twice", "Keep one of the two.")
            continue
        seen.add(aq.id)
        questions.append(aq)
    if bad.items:
        raise AssignmentError(bad.items)
    return Assignment(title=str(title).strip(), questions=tuple(questions), feedback=str(feedback),
                      hints=bool(hints), text=text)


def _question(item: dict[str, Any], where: str, bank: Bank | None,
              bad: _Problems) -> AssignedQuestion | None:
    n = len(bad.items)
    _unknown(item, QUESTION_KEYS, f"{where}.", bad)
    qid = item.get("id")
    if not isinstance(qid, str) or not qid:
        bad(f"{where}.id", "missing", 'Add id = "some-question-id" (see `judge list`).')
        qid = ""
    elif bank is not None:
        q = bank.questions.get(qid)
        if q is None:
            close = difflib.get_close_matches(qid, list(bank.questions), n=1)
            fix = f"Did you mean {close[0]!r}?" if close else "Run `judge list --kind coding`."
            bad(f"{where}.id", f"no question {qid!r} in the bank {bank.root}", fix)
        elif not q.is_code:
            bad(f"{where}.id", f"{qid!r} is a {q.kind} question: it has no tests to grade",
                "List coding and debug questions only (`judge list --kind coding`).")
    points = item.get("points")
    if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
        bad(f"{where}.points", f"expected a positive number, got {points!r}", "Write points = 10.")
        points = 0
    scoring = item.get("scoring", "fraction")
    if scoring not in SCORING:
        bad(f"{where}.scoring", f"{scoring!r} is not one of {', '.join(SCORING)}",
            'Write scoring = "fraction" or scoring = "all-or-nothing".')
    limits = item.get("limits", {})
    clean: dict[str, Any] = {}
    if not isinstance(limits, dict):
        bad(f"{where}.limits", "expected a table", f"Use keys among {', '.join(LIMIT_FIELDS)}.")
    else:
        for k, v in limits.items():
            if k not in LIMIT_FIELDS:
                close = difflib.get_close_matches(str(k), LIMIT_FIELDS, n=1)
                hint = f"Did you mean {close[0]!r}? " if close else ""
                bad(f"{where}.limits.{k}", f"unknown limit {k!r}",
                    f"{hint}Known limits: {', '.join(LIMIT_FIELDS)}.")
            elif isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
                bad(f"{where}.limits.{k}", f"expected a positive number, got {v!r}", "Write a number.")
            else:
                clean[k] = int(v) if _INT_LIMITS.get(k) else v
    if len(bad.items) != n:
        return None
    return AssignedQuestion(id=qid, points=float(points), scoring=str(scoring), limits=clean)


def _unknown(data: dict[str, Any], known: dict[str, str], prefix: str, bad: _Problems) -> None:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), list(known), n=1)
            fix = f"Did you mean {close[0]!r}?" if close else "Remove it."
            bad(f"{prefix}{key}", f"unknown field {key!r}",
                f"{fix} Known fields here: {', '.join(known)}.")


def _line_of(text: str, fld: str) -> int | None:
    """The line of the first ``key =`` for the last plain part of ``fld`` (a best guess)."""
    key = fld.rsplit(".", 1)[-1].split("[", 1)[0]
    index = None
    if fld.startswith("questions["):
        index = int(fld[len("questions["):].split("]", 1)[0])
    table = -1
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("[[questions]]"):
            table += 1
            if index is not None and table == index and key == "questions":
                return n
        if index is not None and table != index:
            continue
        if stripped.split("=", 1)[0].strip() == key:
            return n
    return None


def effective_question(q: Question, aq: AssignedQuestion) -> Question:
    """``q`` with the assignment's limit overrides applied."""
    if not aq.limits:
        return q
    return dataclasses.replace(q, limits=dataclasses.replace(q.limits, **aq.limits))


def question_hash(q: Question, feedback: str, engine: str = "") -> str:
    """What a stored result depends on besides the submission: the hidden tests, the reference
    they compare against, the entry points, the limits in force, the feedback level and the
    judge's engine (``engine``: a fingerprint of its code). A change to any of them invalidates
    exactly the results it could change."""
    digest = hashlib.sha256(engine.encode())
    for path in (q.hidden_tests, q.reference_solution):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
        digest.update(b"\0")
    digest.update(json.dumps({"limits": dataclasses.asdict(q.limits), "entry": q.entry_points,
                              "feedback": feedback}, sort_keys=True).encode())
    return digest.hexdigest()


def single_question(qid: str, feedback: str = "minimal") -> Assignment:
    """The one-question assignment behind ``judge grade QID DIR`` (1 point, fraction)."""
    text = f'title = "{qid}"\nfeedback = "{feedback}"\n\n[[questions]]\nid = "{qid}"\npoints = 1\n'
    return Assignment(title=qid, questions=(AssignedQuestion(qid, 1.0),), feedback=feedback, text=text)


def new_assignment_text(bank: Bank, qids: list[str], title: str) -> str:
    """An assignment file that validates, with every optional field shown as a comment."""
    if not qids:
        code = [q.id for q in bank if q.is_code]
        if not code:
            raise UsageError(f"the bank {bank.root} has no coding or debug question",
                             "Add one with `judge new ID --kind coding --topic TOPIC`.")
        qids = code[:1]
    lines = [
        "# A graded assignment (docs/grading.md describes every field).",
        f"title = {json.dumps(title)}",
        "# What students are told per test: minimal (what failed, no values) or full.",
        'feedback = "minimal"',
        "# true puts each question's hints in the student pack (`judge export-student`).",
        "hints = false",
    ]
    for qid in qids:
        q = bank.questions.get(qid)
        if q is None:
            close = difflib.get_close_matches(qid, list(bank.questions), n=1)
            hint = f"Did you mean {close[0]!r}?" if close else "Run `judge list --kind coding`."
            raise UsageError(f"no question {qid!r} in the bank {bank.root}", hint)
        if not q.is_code:
            raise UsageError(f"{qid!r} is a {q.kind} question: it has no tests to grade",
                             "Pick coding or debug questions (`judge list --kind coding`).")
        lines += [
            "",
            "[[questions]]",
            f'id = "{qid}"  # {q.title}',
            "points = 10",
            '# fraction: points x hidden tests passed / run; all-or-nothing: points only if Accepted',
            'scoring = "fraction"',
            "# Optional per-test limits for this assignment, overriding the question's own:",
            "# limits = { time_s = 5, memory_mb = 512 }",
        ]
    return "\n".join(lines) + "\n"
