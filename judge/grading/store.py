"""The run store: one SQLite file (``run.sqlite``) in the run's folder.

Per student and question it keeps the submission's content hash and source, the hash of the
question's hidden tests (with its reference, limits and feedback level), the verdict, score,
message and timing, and the whole results document; per test, its status, verdict, message,
output and duration. Every result is committed as soon as it arrives (WAL journal), so Ctrl-C or
a crash loses nothing already judged, and a re-run judges only what is new or changed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from judge.errors import UsageError

STORE_NAME = "run.sqlite"
SCHEMA_VERSION = 1
STATES = ("judged", "refused", "missing", "failed")  # failed: the judge itself could not judge

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id TEXT PRIMARY KEY, position INTEGER NOT NULL, title TEXT NOT NULL, points REAL NOT NULL,
    scoring TEXT NOT NULL, hash TEXT NOT NULL, starter TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS students (name TEXT PRIMARY KEY, first_seen TEXT NOT NULL,
    last_scan INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    student TEXT NOT NULL, question TEXT NOT NULL, state TEXT NOT NULL, path TEXT NOT NULL,
    sha256 TEXT NOT NULL, question_hash TEXT NOT NULL, source TEXT, verdict TEXT,
    passed INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0, message TEXT NOT NULL DEFAULT '', document TEXT,
    updated TEXT NOT NULL, PRIMARY KEY (student, question));
CREATE TABLE IF NOT EXISTS tests (
    student TEXT NOT NULL, question TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL,
    status TEXT NOT NULL, verdict TEXT NOT NULL, message TEXT NOT NULL, output TEXT NOT NULL,
    duration REAL NOT NULL, PRIMARY KEY (student, question, position));
CREATE TABLE IF NOT EXISTS scans (id INTEGER PRIMARY KEY, at TEXT NOT NULL, root TEXT NOT NULL,
    layout TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ignored (scan INTEGER NOT NULL, path TEXT NOT NULL, reason TEXT NOT NULL);
"""


@dataclass(frozen=True)
class QuestionInfo:
    id: str
    title: str
    points: float
    scoring: str
    hash: str
    starter: str = ""


@dataclass(frozen=True)
class ResultRow:
    """One student's result for one question, as stored."""

    student: str
    question: str
    state: str
    path: str
    sha256: str
    question_hash: str
    verdict: str
    passed: int
    total: int
    seconds: float
    message: str
    source: str | None = None


@dataclass(frozen=True)
class CaseRow:
    name: str
    status: str
    verdict: str
    message: str
    output: str
    duration: float


def _text(value: Any) -> str:
    """Text SQLite can store: lone surrogates from untrusted JSON are escaped, not fatal."""
    if value is None:
        return ""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class RunStore:
    """A run's SQLite file. Open it for writing (``judge grade``) or reading (exports)."""

    def __init__(self, run_dir: Path, *, create: bool = False) -> None:
        self.dir = Path(run_dir)
        self.path = self.dir / STORE_NAME
        self._lock: IO[str] | None = None
        if not self.path.is_file():
            if not create:
                raise UsageError(f"no run store {self.path}",
                                 "Pass the folder a `judge grade ... --run DIR` wrote.")
            if self.dir.exists() and not self.dir.is_dir():
                raise UsageError(f"the run path {self.dir} is a file", "Pass --run a folder.")
            self.dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        with self.db:
            self.db.executescript(_SCHEMA)
            version = self.meta("schema_version")
            if version is None:
                self._set_meta("schema_version", str(SCHEMA_VERSION))
            elif version != str(SCHEMA_VERSION):
                raise UsageError(f"the run store {self.path} has schema version {version}; this "
                                 f"judge reads version {SCHEMA_VERSION}",
                                 "Grade into a new --run folder.")

    # -- writing

    def lock(self) -> None:
        """Hold the run for this process: two grade runs never write one store at once."""
        handle = open(self.dir / "run.lock", "w")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise UsageError(f"another `judge grade` is using the run {self.dir}",
                             "Wait for it to finish, or grade into another --run folder.") from None
        self._lock = handle

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def begin(self, assignment_text: str, title: str, bank_root: str,
              questions: list[QuestionInfo], engine: str = "") -> None:
        """Record the assignment this run grades (it may have changed since the last run)."""
        with self.db:
            self._set_meta("engine", engine)
            self._set_meta("assignment", assignment_text)
            self._set_meta("title", title)
            self._set_meta("bank", bank_root)
            if self.meta("created") is None:
                self._set_meta("created", _now())
            self.db.execute("DELETE FROM questions")
            self.db.executemany(
                "INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(q.id, i, q.title, q.points, q.scoring, q.hash, q.starter)
                 for i, q in enumerate(questions)])

    def record_scan(self, root: str, layout: str, students: list[str],
                    ignored: list[tuple[str, str]]) -> int:
        with self.db:
            cur = self.db.execute("INSERT INTO scans (at, root, layout) VALUES (?, ?, ?)",
                                  (_now(), root, layout))
            scan_id = int(cur.lastrowid or 0)
            for name in students:
                self.db.execute(
                    "INSERT INTO students VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                    "last_scan = excluded.last_scan", (_text(name), _now(), scan_id))
            self.db.executemany("INSERT INTO ignored VALUES (?, ?, ?)",
                                [(scan_id, _text(p), r) for p, r in ignored])
        return scan_id

    def stored(self, student: str, question: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT state, sha256, question_hash, verdict FROM results WHERE student = ? AND "
            "question = ?", (_text(student), question)).fetchone()

    def put(self, student: str, question: str, state: str, *, path: str = "", sha256: str = "",
            question_hash: str = "", source: bytes | None = None, message: str = "",
            document: dict[str, Any] | None = None) -> None:
        """Store one result (replacing the previous one) and its tests, in one transaction."""
        if state not in STATES:
            raise ValueError(state)
        doc: dict[str, Any] = document or {}
        tests: list[Any] = doc["tests"] if isinstance(doc.get("tests"), list) else []
        score: dict[str, Any] = doc["score"] if isinstance(doc.get("score"), dict) else {}
        passed = int(score.get("passed", sum(isinstance(t, dict) and t.get("status") == "pass"
                                             for t in tests)))
        total = int(score.get("total", len(tests)))
        timings: dict[str, Any] = doc["timings"] if isinstance(doc.get("timings"), dict) else {}
        key = (_text(student), question)
        with self.db:
            self.db.execute("DELETE FROM tests WHERE student = ? AND question = ?", key)
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*key, state, _text(path), sha256, question_hash,
                 _text(source.decode("utf-8", "replace")) if source is not None else None,
                 _text(doc.get("verdict")) if document is not None else None, passed, total,
                 float(timings.get("total_s", 0.0) or 0.0),
                 _text(message or doc.get("message") or ""),
                 json.dumps(document) if document is not None else None, _now()))
            self.db.executemany(
                "INSERT INTO tests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*key, i, _text(t.get("name")), _text(t.get("status")), _text(t.get("verdict")),
                  _text(t.get("message")), _text(t.get("output")),
                  float(t.get("duration_s", 0.0) or 0.0))
                 for i, t in enumerate(tests) if isinstance(t, dict)])

    # -- reading

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def questions(self) -> list[QuestionInfo]:
        rows = self.db.execute("SELECT id, title, points, scoring, hash, starter FROM questions "
                               "ORDER BY position").fetchall()
        return [QuestionInfo(*row) for row in rows]

    def students(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM students ORDER BY name")]

    def results(self, with_source: bool = False) -> Iterator[ResultRow]:
        source = "source" if with_source else "NULL"
        for r in self.db.execute(
                f"SELECT student, question, state, path, sha256, question_hash, "  # noqa: S608
                f"coalesce(verdict, ''), passed, total, seconds, message, {source} FROM results "
                "ORDER BY student, question"):
            yield ResultRow(*r)

    def tests(self, student: str, question: str) -> list[CaseRow]:
        rows = self.db.execute("SELECT name, status, verdict, message, output, duration FROM tests "
                               "WHERE student = ? AND question = ? ORDER BY position",
                               (student, question)).fetchall()
        return [CaseRow(*r) for r in rows]

    def all_tests(self) -> Iterator[tuple[str, str, CaseRow]]:
        for r in self.db.execute("SELECT student, question, name, status, verdict, message, "
                                 "output, duration FROM tests ORDER BY student, question, position"):
            yield r[0], r[1], CaseRow(*r[2:])

    def document(self, student: str, question: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT document FROM results WHERE student = ? AND question = ?",
                              (student, question)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def last_ignored(self) -> list[tuple[str, str]]:
        row = self.db.execute("SELECT max(id) FROM scans").fetchone()
        if not row or row[0] is None:
            return []
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT path, reason FROM ignored WHERE scan = ? ORDER BY path", (row[0],))]
