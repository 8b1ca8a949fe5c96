"""The learner's history: one SQLite file, every row keyed by the bank it belongs to.

It lives in ``$METAJUDGE_HOME/history.sqlite3`` or, without that variable, in the user's data
folder (``platformdirs.user_data_dir("metajudge")``: ``~/.local/share/metajudge`` on Linux).
Each write commits at once, so an interrupted session keeps everything it recorded.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from judge.errors import UsageError

HOME_ENV = "METAJUDGE_HOME"
DB_NAME = "history.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY, bank TEXT NOT NULL, qid TEXT NOT NULL, at TEXT NOT NULL,
    suite TEXT NOT NULL, verdict TEXT NOT NULL, passed INTEGER NOT NULL, total INTEGER NOT NULL,
    origin TEXT NOT NULL, code TEXT, tests TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_by_question ON submissions (bank, qid);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY, bank TEXT NOT NULL, qid TEXT NOT NULL, at TEXT NOT NULL,
    letter TEXT NOT NULL, correct INTEGER NOT NULL, origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hints (
    bank TEXT NOT NULL, qid TEXT NOT NULL, number INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (bank, qid, number));
CREATE TABLE IF NOT EXISTS cards (
    bank TEXT NOT NULL, qid TEXT NOT NULL, card TEXT NOT NULL, due TEXT NOT NULL,
    PRIMARY KEY (bank, qid));
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, bank TEXT NOT NULL, qid TEXT NOT NULL, at TEXT NOT NULL,
    rating INTEGER NOT NULL, origin TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS interviews (
    id INTEGER PRIMARY KEY, bank TEXT NOT NULL, at TEXT NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (
    bank TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (bank, key));
"""


def home() -> Path:
    """The folder holding the history: $METAJUDGE_HOME, else the user's data folder."""
    base = os.environ.get(HOME_ENV)
    if base:
        return Path(base)
    import platformdirs

    return Path(platformdirs.user_data_dir("metajudge", appauthor=False))


def history_file() -> Path:
    return home() / DB_NAME


def legacy_progress_file() -> Path:
    """Where versions before the SQLite history kept their progress.json."""
    base = os.environ.get(HOME_ENV)
    return Path(base) / "progress.json" if base else Path.home() / ".metajudge" / "progress.json"


def now() -> datetime:
    return datetime.now(UTC)


def stamp(when: datetime | None = None) -> str:
    return (when or now()).astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Submission:
    """One judged run: a ``test`` (visible tests) or a ``submit`` (hidden tests)."""

    id: int
    qid: str
    at: str
    suite: str
    verdict: str
    passed: int
    total: int
    origin: str  # cli, watch, notebook, interview, progress.json
    code: str | None
    tests: list[dict[str, Any]]

    @property
    def accepted(self) -> bool:
        return self.verdict == "Accepted"


@dataclass(frozen=True)
class Answer:
    qid: str
    at: str
    letter: str
    correct: bool
    origin: str


@dataclass(frozen=True)
class Review:
    qid: str
    at: str
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy (FSRS)
    origin: str


class Store:
    """The history of one bank in the shared SQLite file."""

    def __init__(self, bank_root: Path, path: Path | None = None) -> None:
        self.path = path or history_file()
        self.bank = str(Path(bank_root).resolve())
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # one connection, usable from any thread (a watch or notebook thread), one call at a time
            self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # with WAL, NORMAL still survives a crash of the program; only a power cut may lose
            # the last run, and each commit skips an fsync (tens of ms on a busy disk)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise UsageError(f"history file {self.path} was written by a newer Metajudge",
                                 "Upgrade Metajudge, or point METAJUDGE_HOME at another folder.")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise UsageError(f"history file {self.path} cannot be opened ({exc})",
                             f"Move it aside or point {HOME_ENV} at another folder.") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return list(self._db.execute(sql, (self.bank, *args)))
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"history file {self.path} is unreadable ({exc})",
                             f"Move it aside or point {HOME_ENV} at another folder.") from None

    def _write(self, sql: str, *args: Any) -> int:
        try:
            with self._tx() as db:
                cur = db.execute(sql, (self.bank, *args))
                return int(cur.lastrowid or 0)
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"could not write the history file {self.path} ({exc})",
                             f"Check the folder is writable, or point {HOME_ENV} elsewhere.") from None

    # -- submissions -------------------------------------------------------------------------

    def record_submission(self, qid: str, suite: str, verdict: str, tests: list[dict[str, Any]],
                          code: str | None, origin: str, at: str | None = None) -> int:
        passed = sum(1 for t in tests if t.get("status") == "pass")
        return self._write(
            "INSERT INTO submissions (bank, qid, at, suite, verdict, passed, total, origin, code,"
            " tests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            qid, at or stamp(), suite, verdict, passed, len(tests), origin, code, json.dumps(tests))

    def submissions(self, qid: str | None = None) -> list[Submission]:
        sql = ("SELECT id, qid, at, suite, verdict, passed, total, origin, code, tests FROM "
               "submissions WHERE bank = ?")
        rows = self._rows(sql + " AND qid = ? ORDER BY id", qid) if qid else self._rows(
            sql + " ORDER BY id")
        return [Submission(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], json.loads(r[9]))
                for r in rows]

    # -- quiz answers, hints, reviews ----------------------------------------------------------

    def record_answer(self, qid: str, letter: str, correct: bool, origin: str = "cli") -> None:
        self._write("INSERT INTO answers (bank, qid, at, letter, correct, origin) "
                    "VALUES (?, ?, ?, ?, ?, ?)", qid, stamp(), letter, int(correct), origin)

    def answers(self, qid: str | None = None) -> list[Answer]:
        sql = "SELECT qid, at, letter, correct, origin FROM answers WHERE bank = ?"
        rows = self._rows(sql + " AND qid = ? ORDER BY id", qid) if qid else self._rows(
            sql + " ORDER BY id")
        return [Answer(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def record_hints(self, qid: str, upto: int) -> None:
        """Hints 1..upto of ``qid`` were shown; each keeps the time it was first revealed."""
        at = stamp()
        for number in range(1, upto + 1):
            self._write("INSERT OR IGNORE INTO hints (bank, qid, number, at) VALUES (?, ?, ?, ?)",
                        qid, number, at)

    def hints(self, qid: str) -> list[tuple[int, str]]:
        return [(int(r[0]), r[1]) for r in self._rows(
            "SELECT number, at FROM hints WHERE bank = ? AND qid = ? ORDER BY number", qid)]

    def hinted(self) -> dict[str, int]:
        """Per question, how many hints were revealed."""
        return {r[0]: int(r[1]) for r in self._rows(
            "SELECT qid, MAX(number) FROM hints WHERE bank = ? GROUP BY qid")}

    def record_review(self, qid: str, rating: int, origin: str, at: str | None = None) -> None:
        self._write("INSERT INTO reviews (bank, qid, at, rating, origin) VALUES (?, ?, ?, ?, ?)",
                    qid, at or stamp(), rating, origin)

    def reviews(self, qid: str | None = None) -> list[Review]:
        sql = "SELECT qid, at, rating, origin FROM reviews WHERE bank = ?"
        rows = self._rows(sql + " AND qid = ? ORDER BY id", qid) if qid else self._rows(
            sql + " ORDER BY id")
        return [Review(r[0], r[1], int(r[2]), r[3]) for r in rows]

    # -- the review schedule -------------------------------------------------------------------

    def save_card(self, qid: str, card_json: str, due: str) -> None:
        self._write("INSERT INTO cards (bank, qid, card, due) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (bank, qid) DO UPDATE SET card = excluded.card, due = excluded.due",
                    qid, card_json, due)

    def cards(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._rows("SELECT qid, card FROM cards WHERE bank = ?")}

    # -- interviews and settings ---------------------------------------------------------------

    def record_interview(self, summary: dict[str, Any]) -> None:
        self._write("INSERT INTO interviews (bank, at, summary) VALUES (?, ?, ?)",
                    stamp(), json.dumps(summary))

    def interviews(self) -> list[tuple[str, dict[str, Any]]]:
        return [(r[0], json.loads(r[1])) for r in self._rows(
            "SELECT at, summary FROM interviews WHERE bank = ? ORDER BY id")]

    def setting(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM settings WHERE bank = ? AND key = ?", key)
        return rows[0][0] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        self._write("INSERT INTO settings (bank, key, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (bank, key) DO UPDATE SET value = excluded.value", key, value)

    # -- the one-time import of progress.json --------------------------------------------------

    def migrate_legacy(self, question_ids: set[str], legacy: Path | None = None) -> int:
        """Import the old progress.json once, into the first bank that holds any of its ids.

        The old file had no bank key, so its entries go to the first bank opened after the
        upgrade that knows them. The file itself is left in place. Returns the entries imported.
        """
        legacy = legacy or legacy_progress_file()
        done = self._db.execute("SELECT value FROM meta WHERE key = 'migrated_progress_json'")
        if done.fetchone() is not None or not legacy.is_file():
            return 0
        try:
            data = json.loads(legacy.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UsageError(f"old progress file {legacy} is unreadable ({exc})",
                             "Move it aside; the new history does not need it.") from None
        entries = {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}
        mine = {k: v for k, v in entries.items() if k in question_ids}
        if entries and not mine:
            return 0  # none of its questions are in this bank: leave it for the bank that has them
        try:
            with self._tx() as db:
                for qid, entry in sorted(mine.items()):
                    total = int(entry.get("total", 0))
                    passed = int(entry.get("best_passed", 0))
                    verdict = "Accepted" if entry.get("solved") else str(entry.get("last_verdict", ""))
                    at = str(entry.get("last_at", "")) or stamp()
                    db.execute("INSERT INTO submissions (bank, qid, at, suite, verdict, passed, "
                               "total, origin, code, tests) VALUES (?, ?, ?, 'hidden', ?, ?, ?, "
                               "'progress.json', NULL, '[]')",
                               (self.bank, qid, at, verdict or "Wrong Answer", passed, total))
                db.execute("INSERT INTO meta (key, value) VALUES ('migrated_progress_json', ?)",
                           (json.dumps({"file": str(legacy), "bank": self.bank, "at": stamp(),
                                        "entries": len(mine)}),))
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"could not write the history file {self.path} ({exc})",
                             f"Check the folder is writable, or point {HOME_ENV} elsewhere.") from None
        return len(mine)


def open_store(bank_root: Path, question_ids: set[str] | None = None) -> Store:
    """The history of the bank at ``bank_root``, with the old progress.json imported once."""
    store = Store(bank_root)
    if question_ids is not None:
        store.migrate_legacy(question_ids)
    return store
