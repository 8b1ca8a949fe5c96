"""What the history says about the learner: done or not per question, per topic, per track.

A coding or debug task is done once a hidden-test submission was Accepted. A concept question is
done once its multiple-choice form was answered right or a review was rated Good or Easy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from judge.bank.tracks import Track, topic_order
from judge.model import Bank
from judge.practice.review import DueItem, Reviewer
from judge.practice.store import Store


@dataclass(frozen=True)
class Standing:
    qid: str
    is_code: bool
    done: bool
    tried: bool
    attempts: int  # judged runs for tasks; answers and reviews for concepts
    last: str  # the last verdict, answer or rating, for display


@dataclass(frozen=True)
class TopicRow:
    topic: str
    code_done: int
    code_tried: int
    code_total: int
    concept_done: int
    concept_tried: int
    concept_total: int


@dataclass(frozen=True)
class TrackRow:
    track: Track
    done: int
    next_qid: str | None  # the first step not done yet


def standings(bank: Bank, store: Store) -> dict[str, Standing]:
    subs: dict[str, list[tuple[str, str]]] = {}
    for s in store.submissions():
        subs.setdefault(s.qid, []).append((s.suite, s.verdict))
    answers: dict[str, list[bool]] = {}
    for a in store.answers():
        answers.setdefault(a.qid, []).append(a.correct)
    reviews: dict[str, list[int]] = {}
    for r in store.reviews():
        reviews.setdefault(r.qid, []).append(r.rating)
    out: dict[str, Standing] = {}
    for q in bank:
        if q.is_code:
            runs = subs.get(q.id, [])
            done = any(suite == "hidden" and v == "Accepted" for suite, v in runs)
            out[q.id] = Standing(q.id, True, done, bool(runs), len(runs), runs[-1][1] if runs else "")
        else:
            got, rated = answers.get(q.id, []), reviews.get(q.id, [])
            done = any(got) or any(r >= 3 for r in rated)
            last = ("right answer" if got[-1] else "wrong answer") if got else ""
            if rated:
                last = f"review {RATING_NAMES[rated[-1]]}"
            out[q.id] = Standing(q.id, False, done, bool(got or rated), len(got) + len(rated), last)
    return out


RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def by_topic(bank: Bank, st: dict[str, Standing]) -> list[TopicRow]:
    rows: dict[str, list[int]] = {}
    for q in bank:
        row = rows.setdefault(q.topic, [0] * 6)
        base = 0 if q.is_code else 3
        row[base + 2] += 1
        row[base + 1] += st[q.id].tried
        row[base] += st[q.id].done
    return [TopicRow(t, *r) for t, r in sorted(rows.items())]


def by_track(tracks: tuple[Track, ...], st: dict[str, Standing]) -> list[TrackRow]:
    return [TrackRow(t, sum(st[q].done for q in t.questions),
                     next((q for q in t.questions if not st[q].done), None)) for t in tracks]


@dataclass(frozen=True)
class Suggestion:
    """What ``judge next`` proposes, most important first."""

    track: Track | None
    step: int | None  # 0-based position of ``qid`` in the track
    qid: str | None  # the next step of the track not done yet
    due: list[DueItem]
    weakest_topic: str | None
    weakest_done: int
    weakest_total: int
    weakest_qid: str | None


def suggest(bank: Bank, tracks: tuple[Track, ...], store: Store, track: Track | None,
            when: datetime | None = None) -> Suggestion:
    st = standings(bank, store)
    track = track or (tracks[0] if tracks else None)
    qid = step = None
    if track is not None:
        step = next((i for i, q in enumerate(track.questions) if not st[q].done), None)
        qid = track.questions[step] if step is not None else None
    due = Reviewer(bank, store).due(when)
    weakest: tuple[float, int, str] | None = None
    for row in by_topic(bank, st):
        total = row.code_total + row.concept_total
        done = row.code_done + row.concept_done
        if done < total:
            key = (done / total, -total, row.topic)
            weakest = key if weakest is None or key < weakest else weakest
    if weakest is None:
        return Suggestion(track, step, qid, due, None, 0, 0, None)
    topic = weakest[2]
    pending = [q for q in topic_order([q for q in bank if q.topic == topic]) if not st[q.id].done]
    done = sum(st[q.id].done for q in bank if q.topic == topic)
    total = sum(1 for q in bank if q.topic == topic)
    return Suggestion(track, step, qid, due, topic, done, total,
                      pending[0].id if pending else None)
