"""A learner's progress: the best result of each ``judge submit``, kept in a small JSON file."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from judge.errors import UsageError
from judge.model import Bank

HOME_ENV = "METAJUDGE_HOME"


def progress_file() -> Path:
    base = os.environ.get(HOME_ENV)
    return Path(base) / "progress.json" if base else Path.home() / ".metajudge" / "progress.json"


def load(path: Path | None = None) -> dict[str, Any]:
    path = path or progress_file()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"progress file {path} is unreadable ({exc})",
                         f"Move it aside or point {HOME_ENV} at another folder.") from None
    return data if isinstance(data, dict) else {}


def record(qid: str, verdict: str, passed: int, total: int, path: Path | None = None) -> None:
    path = path or progress_file()
    data = load(path)
    entry = data.get(qid, {})
    solved = bool(entry.get("solved")) or verdict == "Accepted"
    best = max(int(entry.get("best_passed", 0)), passed)
    data[qid] = {"solved": solved, "best_passed": best, "total": total, "last_verdict": verdict,
                 "attempts": int(entry.get("attempts", 0)) + 1,
                 "last_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def summary(bank: Bank, data: dict[str, Any]) -> list[tuple[str, int, int, int]]:
    """(topic, solved, attempted, coding tasks) per topic."""
    rows: dict[str, list[int]] = {}
    for q in bank:
        if not q.is_code:
            continue
        row = rows.setdefault(q.topic, [0, 0, 0])
        row[2] += 1
        entry = data.get(q.id)
        if entry:
            row[1] += 1
            row[0] += 1 if entry.get("solved") else 0
    return [(t, r[0], r[1], r[2]) for t, r in sorted(rows.items())]
