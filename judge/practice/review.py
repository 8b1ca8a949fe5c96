"""Spaced repetition with FSRS (the ``fsrs`` package): when each question comes back.

Concept questions are reviewed in ``judge review``: the learner recalls the answer, sees the model
answer and rates the recall (a multiple-choice answer rates itself: right is Good, wrong Again).
Coding tasks get a card when first Accepted; when one falls due, the next hidden-test submission
of it is the review (Accepted is Good, anything else Again). Concept cards use FSRS's default
learning steps (1 and 10 minutes); coding cards skip them, so a solved task returns in days.
Cards live in the history store as FSRS's own JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs

from judge.model import Bank
from judge.practice.store import Store, now

RATINGS = {1: fsrs.Rating.Again, 2: fsrs.Rating.Hard, 3: fsrs.Rating.Good, 4: fsrs.Rating.Easy}
_CONCEPT = fsrs.Scheduler()
_CODING = fsrs.Scheduler(learning_steps=(), relearning_steps=())


@dataclass(frozen=True)
class DueItem:
    qid: str
    is_code: bool
    due: datetime


class Reviewer:
    """The review schedule of one bank, read from and written to its history store."""

    def __init__(self, bank: Bank, store: Store) -> None:
        self.bank, self.store = bank, store
        self._cards = {qid: fsrs.Card.from_json(text) for qid, text in store.cards().items()
                       if qid in bank.questions}

    def card(self, qid: str) -> fsrs.Card | None:
        return self._cards.get(qid)

    def due(self, when: datetime | None = None) -> list[DueItem]:
        """Questions whose card is due at ``when`` (now by default), the longest overdue first."""
        when = when or now()
        items = [DueItem(qid, self.bank.questions[qid].is_code, card.due)
                 for qid, card in self._cards.items() if card.due <= when]
        return sorted(items, key=lambda d: (d.due, d.qid))

    def next_due(self) -> datetime | None:
        return min((c.due for c in self._cards.values()), default=None)

    def new_concepts(self, limit: int, order: list[str] | None = None) -> list[str]:
        """Up to ``limit`` concept questions never reviewed, in ``order`` first, then bank order."""
        ids = [q for q in (order or []) if q in self.bank.questions]
        ids += [q.id for q in self.bank if q.id not in ids]
        fresh = [q for q in ids if not self.bank.questions[q].is_code and q not in self._cards]
        return fresh[:max(limit, 0)]

    def rate(self, qid: str, rating: int, origin: str, when: datetime | None = None) -> datetime:
        """Record a review of ``qid`` (1 Again .. 4 Easy); return when it is due next."""
        when = when or now()
        question = self.bank.questions[qid]
        scheduler = _CODING if question.is_code else _CONCEPT
        card = self._cards.get(qid) or fsrs.Card()
        card, _ = scheduler.review_card(card, RATINGS[rating], when)
        self._cards[qid] = card
        self.store.save_card(qid, card.to_json(), card.due.isoformat())
        self.store.record_review(qid, rating, origin, when.isoformat(timespec="seconds"))
        return card.due

    def after_submission(self, qid: str, accepted: bool, when: datetime | None = None) -> datetime | None:
        """A hidden-test verdict on a coding task: schedule it, or take it as a due review."""
        when = when or now()
        card = self._cards.get(qid)
        if card is None:
            return self.rate(qid, 3, "submission", when) if accepted else None
        if card.due <= when:
            return self.rate(qid, 3 if accepted else 1, "submission", when)
        return None


def describe_interval(due: datetime, when: datetime | None = None) -> str:
    """'in 10 minutes', 'in 3 days', 'now'."""
    delta = due - (when or now())
    if delta <= timedelta(0):
        return "now"
    minutes = delta.total_seconds() / 60
    if minutes < 90:
        return f"in {max(round(minutes), 1)} minute{'s' if round(minutes) != 1 else ''}"
    hours = minutes / 60
    if hours < 36:
        return f"in {round(hours)} hours"
    days = round(hours / 24)
    return f"in {days} days"
