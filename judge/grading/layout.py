"""Find a class's submissions in a folder and say exactly what was found.

Two layouts: one folder per student holding ``<question-id>.py`` files (hyphens or underscores,
as `judge start` writes them), or, for a one-question assignment, a flat folder of ``.py`` files,
one per student. Nothing is followed through a symbolic link: student folders are checked with
``os.lstat`` and files are read with ``read_source`` (regular UTF-8 files only). A file that
cannot be judged is still a row, with the reason; every other entry is listed as ignored, with
the reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from judge.engine.files import read_source
from judge.errors import SubmissionFileError, UsageError

LAYOUTS = ("auto", "per-student", "flat")
_SYSTEM = {"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Found:
    """One student's file for one question: its bytes, or why it cannot be judged."""

    student: str
    question: str
    path: str  # relative to the submissions folder
    source: bytes | None = None
    error: str = ""

    @property
    def sha256(self) -> str:
        data = self.source if self.source is not None else ("refused:" + self.error).encode()
        return hashlib.sha256(data).hexdigest()


@dataclass
class Scan:
    """What a submissions folder holds for an assignment."""

    root: Path
    layout: str
    students: list[str] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (relative path, reason)
    missing: dict[str, list[str]] = field(default_factory=dict)  # student -> question ids

    @property
    def judgeable(self) -> list[Found]:
        return [f for f in self.found if f.source is not None]

    @property
    def refused(self) -> list[Found]:
        return [f for f in self.found if f.source is None]


def file_names(qid: str) -> tuple[str, ...]:
    """The file names accepted for question ``qid``: ``a-b.py`` and ``a_b.py``."""
    names = (f"{qid}.py", f"{qid.replace('-', '_')}.py")
    return names if names[0] != names[1] else names[:1]


def scan(root: Path, questions: list[str], layout: str = "auto") -> Scan:
    """Scan ``root`` for the submissions of ``questions`` (question ids)."""
    try:
        info = os.lstat(root)
    except OSError as exc:
        raise UsageError(f"cannot read the submissions folder {root} ({exc.strerror})",
                         "Pass the folder holding the class's submissions.") from None
    if not stat.S_ISDIR(info.st_mode):
        raise UsageError(f"the submissions path {root} is not a folder",
                         "Pass the folder itself (a symbolic link to it is not followed).")
    entries = sorted(os.scandir(root), key=lambda e: e.name)
    if layout == "auto":
        has_folders = any(e.is_dir(follow_symlinks=False) and not _hidden(e.name) for e in entries)
        layout = "per-student" if has_folders or len(questions) > 1 else "flat"
    if layout == "flat" and len(questions) != 1:
        raise UsageError(f"a flat folder of .py files holds one question, but the assignment has "
                         f"{len(questions)}", "Put each student's files in a folder of their own "
                         "(one folder per student holding <question-id>.py files).")
    result = Scan(root=root, layout=layout)
    if layout == "flat":
        _scan_flat(root, entries, questions[0], result)
    else:
        for entry in entries:
            _scan_top(root, entry, questions, result)
    return result


def scan_student(folder: Path, student: str, questions: list[str]) -> Scan:
    """One student's folder (the Gradescope autograder's submission folder)."""
    result = Scan(root=folder, layout="per-student")
    _scan_student(folder, student, "", questions, result)
    return result


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in _SYSTEM


def _scan_flat(root: Path, entries: list[os.DirEntry[str]], qid: str, out: Scan) -> None:
    for entry in entries:
        if _hidden(entry.name):
            out.ignored.append((entry.name, "a hidden or system file"))
        elif entry.name.endswith(".py"):
            student = entry.name[:-3]
            out.students.append(student)
            out.found.append(_read(root / entry.name, student, qid, entry.name))
        elif entry.is_dir(follow_symlinks=False):
            out.ignored.append((entry.name, "a folder (a flat layout holds .py files only)"))
        else:
            out.ignored.append((entry.name, "not a .py file"))


def _scan_top(root: Path, entry: os.DirEntry[str], questions: list[str], out: Scan) -> None:
    name = entry.name
    if _hidden(name):
        out.ignored.append((name, "a hidden or system folder"))
        return
    mode = os.lstat(root / name).st_mode
    if stat.S_ISLNK(mode):
        # a student "folder" that is a link: refused, never followed (it could point anywhere)
        out.students.append(name)
        for qid in questions:
            out.found.append(Found(name, qid, name, None,
                                   "the student folder is a symbolic link; it is not followed"))
        return
    if not stat.S_ISDIR(mode):
        out.ignored.append((name, "a file outside any student folder"))
        return
    _scan_student(root / name, name, name + "/", questions, out)


def _scan_student(folder: Path, student: str, prefix: str, questions: list[str], out: Scan) -> None:
    out.students.append(student)
    wanted = {fname: qid for qid in questions for fname in file_names(qid)}
    matched: dict[str, list[str]] = {}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        for qid in questions:
            out.found.append(Found(student, qid, prefix, None,
                                   f"the student folder cannot be read ({exc.strerror})"))
        return
    for entry in entries:
        rel = prefix + entry.name
        if entry.name in wanted:
            matched.setdefault(wanted[entry.name], []).append(entry.name)
        elif _hidden(entry.name):
            out.ignored.append((rel, "a hidden or system file"))
        elif entry.is_dir(follow_symlinks=False):
            out.ignored.append((rel, "a folder inside a student folder (not searched)"))
        elif entry.name.endswith(".py"):
            out.ignored.append((rel, "not named after a question of this assignment "
                                     f"(expected {', '.join(sorted(wanted))})"))
        else:
            out.ignored.append((rel, "not a .py file"))
    for qid in questions:
        names = matched.get(qid, [])
        if not names:
            out.missing.setdefault(student, []).append(qid)
        elif len(names) > 1:
            out.found.append(Found(student, qid, prefix + names[0], None,
                                   f"two files for this question ({' and '.join(names)}); "
                                   "keep one"))
        else:
            out.found.append(_read(folder / names[0], student, qid, prefix + names[0]))


def _read(path: Path, student: str, qid: str, rel: str) -> Found:
    try:
        return Found(student, qid, rel, read_source(path))
    except SubmissionFileError as exc:
        return Found(student, qid, rel, None, f"the file {exc.reason}")
