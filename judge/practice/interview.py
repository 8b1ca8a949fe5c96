"""A mock interview: a few concept questions and one coding task against a clock.

The plan prefers what the learner has not done yet; the summary is one JSON-able dict that the
history keeps (``interviews`` table) and ``judge history`` lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from judge.engine.runner import Report
from judge.errors import UsageError
from judge.model import Bank, Question
from judge.practice.progress import RATING_NAMES, Standing


@dataclass
class Plan:
    coding: Question
    concepts: list[Question]
    minutes: int
    topic: str | None


@dataclass
class ConceptResult:
    qid: str
    rating: int | None  # None: skipped (the learner stopped, or the time ran out)
    answer: str = ""  # what the learner typed: a letter, or their answer in their words


@dataclass
class Result:
    plan: Plan
    concepts: list[ConceptResult] = field(default_factory=list)
    coding: Report | None = None
    file: str = ""
    used_s: float = 0.0


def make_plan(bank: Bank, standings: dict[str, Standing], minutes: int, topic: str | None,
              concepts: int, seed: int | None = None) -> Plan:
    rng = random.Random(seed)
    topics = sorted({q.topic for q in bank})
    if topic is not None:
        match = [t for t in topics if t.casefold() == topic.casefold()]
        if not match:
            raise UsageError(f"no topic {topic!r} in this bank", f"Topics: {', '.join(topics)}.")
        topic = match[0]

    def pick(pool: list[Question], n: int) -> list[Question]:
        fresh = [q for q in pool if not standings[q.id].done]
        rest = [q for q in pool if standings[q.id].done]
        rng.shuffle(fresh)
        rng.shuffle(rest)
        return (fresh + rest)[:n]

    code_pool = [q for q in bank if q.is_code and (topic is None or q.topic == topic)]
    if not code_pool:
        raise UsageError(f"topic {topic!r} has no coding task",
                         "Pick a topic with coding tasks (`judge list --kind coding`).")
    coding = pick(code_pool, 1)[0]
    near = [q for q in bank if not q.is_code and q.topic == coding.topic]
    chosen = pick(near, concepts)
    if len(chosen) < concepts and topic is None:
        far = [q for q in bank if not q.is_code and q.topic != coding.topic]
        chosen += pick(far, concepts - len(chosen))
    return Plan(coding, chosen, minutes, topic)


def summary(result: Result) -> dict[str, Any]:
    """The record of the interview, with a one-line headline."""
    report = result.coding
    coding = {"qid": result.plan.coding.id, "file": result.file,
              "verdict": report.verdict if report else "not submitted",
              "passed": report.passed if report else 0, "total": len(report.tests) if report else 0}
    concepts = [{"qid": c.qid, "rating": c.rating,
                 "rating_name": RATING_NAMES.get(c.rating, "skipped") if c.rating else "skipped",
                 "answer": c.answer} for c in result.concepts]
    recalled = sum(1 for c in result.concepts if c.rating and c.rating >= 3)
    minutes, seconds = divmod(int(result.used_s), 60)
    headline = (f"{coding['qid']}: {coding['verdict']} {coding['passed']}/{coding['total']}; "
                f"concepts recalled {recalled}/{len(result.plan.concepts)}; "
                f"{minutes}:{seconds:02d} of {result.plan.minutes}:00")
    return {"headline": headline, "minutes": result.plan.minutes, "topic": result.plan.topic,
            "used_s": round(result.used_s, 1), "coding": coding, "concepts": concepts}


def clock(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
