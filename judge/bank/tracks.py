"""Learning tracks: ordered paths through a bank, read from ``tracks.yaml`` at the bank root.

The file is optional. Like the questions, it is validated in full before use: unknown or
misspelled keys, missing fields, unknown or repeated question ids and bad topics are each
reported with file, line, field and fix, and then the load stops once.

    tracks:
      - id: fundamentals
        title: Meta-learning fundamentals
        description: What it is, then the classic algorithms, in order.
        questions: [what-is-meta-learning, prototypical-loss, maml-inner-learning-rate]
      - id: distillation
        title: Knowledge distillation
        topic: distillation   # every question of the topic: easy to hard, concepts first

The site and ``judge next`` use ``load_tracks`` and ``neighbours``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from judge.errors import Problem, UsageError, ValidationError
from judge.model import DIFFICULTIES, Bank, Question

TRACKS_FILE = "tracks.yaml"
TOP_KEYS = {"tracks": "the list of tracks, in the order they are offered"}
TRACK_KEYS = {
    "id": "a lowercase-hyphen slug naming the track (judge next --track ID)",
    "title": "a short title",
    "description": "one or two sentences: who the track is for and what it covers",
    "questions": "the question ids in learning order (or use topic:)",
    "topic": "instead of questions: every question of this topic, easy to hard, concepts first",
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    description: str
    questions: tuple[str, ...]
    topic: str = ""  # set when the track was generated from a topic

    def position(self, qid: str) -> int | None:
        """0-based step of ``qid`` in the track, or None."""
        return self.questions.index(qid) if qid in self.questions else None


def topic_order(questions: list[Question]) -> list[Question]:
    """Easy to hard; at each level concept questions before coding and debug tasks."""
    return sorted(questions, key=lambda q: (DIFFICULTIES.index(q.difficulty),
                                            q.kind != "concept", q.kind, q.id))


def _line_map(node: yaml.Node | None, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    if node is None:
        return
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            out[(*path, name)] = key.start_mark.line + 1
            _line_map(value, (*path, name, "="), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), out)


def tracks_problems(bank: Bank) -> tuple[list[Problem], tuple[Track, ...]]:
    """Every problem of the bank's tracks file, and the tracks when there is none."""
    path = Path(bank.root) / TRACKS_FILE
    if not path.is_file():
        return [], ()
    rel = TRACKS_FILE
    problems: list[Problem] = []
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
        lines: dict[tuple[Any, ...], int] = {}
        _line_map(yaml.compose(text, Loader=_LOADER), (), lines)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [Problem(rel, "yaml", f"invalid YAML: {getattr(exc, 'problem', exc)}",
                        "Fix the YAML syntax (quote strings holding ':' or '#').",
                        mark.line + 1 if mark is not None else None)], ()

    def bad(where: tuple[Any, ...], fld: str, msg: str, fix: str) -> None:
        line = next((lines[where[:n]] for n in range(len(where), -1, -1) if where[:n] in lines), None)
        problems.append(Problem(rel, fld, msg, fix, line))

    if not isinstance(data, dict):
        bad((), "tracks", "the file is not a mapping with a 'tracks:' list",
            "Start it with 'tracks:' followed by a list of tracks (see docs/practice.md).")
        return problems, ()
    for key in data:
        if key not in TOP_KEYS:
            bad((str(key),), str(key), f"unknown key {key!r}", _did_you_mean(str(key), TOP_KEYS))
    items = data.get("tracks")
    if not isinstance(items, list) or not items:
        bad(("tracks",), "tracks", "expected a non-empty list of tracks",
            "Write 'tracks:' and under it '- id: ...' entries with title and questions or topic.")
        return problems, ()
    tracks: list[Track] = []
    seen: set[str] = set()
    topics = sorted({q.topic for q in bank})
    for i, item in enumerate(items):
        at = ("tracks", "=", i)
        if not isinstance(item, dict):
            bad(at, f"tracks[{i}]", "expected a mapping", "Give id:, title:, and questions: or topic:.")
            continue
        name = f"tracks[{i}]" if not isinstance(item.get("id"), str) else f"track {item['id']!r}"
        for key in item:
            if key not in TRACK_KEYS:
                bad((*at, str(key)), f"{name}.{key}", f"unknown key {key!r}",
                    _did_you_mean(str(key), TRACK_KEYS))
        for key in ("id", "title"):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                bad((*at, key), f"{name}.{key}", "missing or not a non-empty string",
                    f"Add '{key}:' ({TRACK_KEYS[key]}).")
        tid: str = item["id"] if isinstance(item.get("id"), str) else ""
        if tid and not _SLUG.match(tid):
            bad((*at, "id"), f"{name}.id", f"{tid!r} is not a lowercase-hyphen slug",
                "Use lowercase letters, digits and hyphens.")
        if tid and tid in seen:
            bad((*at, "id"), f"{name}.id", f"duplicate track id {tid!r}", "Give each track its own id.")
        seen.add(tid)
        description = item.get("description", "")
        if not isinstance(description, str):
            bad((*at, "description"), f"{name}.description", "expected a string", "Write one sentence.")
            description = ""
        ids = _track_questions(bank, item, at, name, topics, bad)
        if ids is not None and isinstance(item.get("title"), str) and tid:
            tracks.append(Track(tid, item["title"].strip(), description.strip(), ids,
                                str(item.get("topic") or "")))
    return problems, (tuple(tracks) if not problems else ())


def _track_questions(bank: Bank, item: dict[str, Any], at: tuple[Any, ...], name: str,
                     topics: list[str], bad: Any) -> tuple[str, ...] | None:
    has_list, has_topic = "questions" in item, "topic" in item
    if has_list == has_topic:
        bad(at, name, "needs exactly one of 'questions:' and 'topic:'",
            "List the question ids in order, or name a topic to take all of its questions.")
        return None
    if has_topic:
        topic = item["topic"]
        if topic not in topics:
            bad((*at, "topic"), f"{name}.topic", f"unknown topic {topic!r}",
                f"{_did_you_mean(str(topic), topics)} Topics: {', '.join(topics)}.")
            return None
        return tuple(q.id for q in topic_order([q for q in bank if q.topic == topic]))
    ids = item["questions"]
    if not isinstance(ids, list) or not ids or not all(isinstance(q, str) for q in ids):
        bad((*at, "questions"), f"{name}.questions", "expected a non-empty list of question ids",
            "Write 'questions: [id-one, id-two]'.")
        return None
    ok = True
    for j, qid in enumerate(ids):
        where = (*at, "questions", "=", j)
        if qid not in bank.questions:
            bad(where, f"{name}.questions[{j}]", f"unknown question id {qid!r}",
                f"{_did_you_mean(qid, list(bank.questions))} `judge list` shows the ids.")
            ok = False
        elif qid in ids[:j]:
            bad(where, f"{name}.questions[{j}]", f"{qid!r} appears twice in the track",
                "Keep it once, at the step where it belongs.")
            ok = False
    return tuple(ids) if ok else None


def _did_you_mean(word: str, known: Any) -> str:
    names = list(known)
    close = difflib.get_close_matches(word, names, n=1)
    return f"Did you mean {close[0]!r}?" if close else f"Known: {', '.join(names)}."


def load_tracks(bank: Bank) -> tuple[Track, ...]:
    """The bank's tracks in file order (none without a tracks.yaml); ValidationError if invalid."""
    problems, tracks = tracks_problems(bank)
    if problems:
        raise ValidationError(problems)
    return tracks


def check_tracks(bank: Bank) -> None:
    """Validate the bank's tracks file (``judge check`` calls this)."""
    load_tracks(bank)


def find_track(tracks: tuple[Track, ...], tid: str) -> Track:
    for track in tracks:
        if track.id == tid:
            return track
    if not tracks:
        raise UsageError(f"this bank has no tracks (no {TRACKS_FILE} at its root)",
                         "Drop --track, or add a tracks.yaml (see docs/practice.md).")
    raise UsageError(f"no track {tid!r}", _did_you_mean(tid, [t.id for t in tracks]).replace(
        "Known:", "Tracks:"))


def neighbours(track: Track, qid: str) -> tuple[str | None, str | None]:
    """The previous and next question of ``qid`` in the track (None at either end or if absent)."""
    pos = track.position(qid)
    if pos is None:
        return None, None
    prev = track.questions[pos - 1] if pos > 0 else None
    nxt = track.questions[pos + 1] if pos + 1 < len(track.questions) else None
    return prev, nxt
