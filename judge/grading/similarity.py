"""Pairs of students whose submissions for a question are suspiciously alike.

The detector is copydetect (winnowing over tokenised code, as in MOSS: Schleimer, Wilkerson and
Aiken, 2003, doi:10.1145/872757.872770): identifiers and literals are normalised, so renaming
variables does not hide a copy, and the question's starter code is given as boilerplate, so
what everyone received does not count. A high score is a reason to read both files, not a
verdict.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from judge.errors import UsageError
from judge.grading.store import RunStore

NOISE = 25  # k: matches shorter than this many normalised characters are ignored
GUARANTEE = 30  # matches at least this long are always found (winnowing window = 30 - 25 + 1)
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True)
class Pair:
    question: str
    a: str  # student names, a < b
    b: str
    similarity: float  # the larger share of either file found in the other, 0..1
    share_a: float
    share_b: float
    spans_a: list[tuple[int, int]] = field(default_factory=list)  # character spans, raw source
    spans_b: list[tuple[int, int]] = field(default_factory=list)


def _copydetect() -> Any:
    try:
        import copydetect
    except ImportError:
        raise UsageError("similarity needs copydetect, which is not installed",
                         "Install the grading extra: pip install 'metajudge[grading]'.") from None
    return copydetect


def find_pairs(store: RunStore, threshold: float = DEFAULT_THRESHOLD,
               question: str | None = None) -> list[Pair]:
    """Every pair of stored submissions of one question at or above ``threshold``."""
    cd = _copydetect()
    sources: dict[str, dict[str, str]] = {}
    for row in store.results(with_source=True):
        if row.source and row.state in ("judged", "failed"):
            sources.setdefault(row.question, {})[row.student] = row.source
    pairs: list[Pair] = []
    for info in store.questions():
        if question is not None and info.id != question:
            continue
        files = sources.get(info.id, {})
        if len(files) < 2:
            continue
        boiler = cd.CodeFingerprint("starter.py", NOISE, GUARANTEE - NOISE + 1,
                                    fp=io.StringIO(info.starter)).hashes if info.starter else []
        prints = {s: cd.CodeFingerprint(f"{info.id}.py", NOISE, GUARANTEE - NOISE + 1,
                                        boilerplate=list(boiler), fp=io.StringIO(code))
                  for s, code in sorted(files.items())}
        names = list(prints)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if not prints[a].hashes or not prints[b].hashes:
                    continue
                _, (share_a, share_b), (slices_a, slices_b) = cd.compare_files(prints[a], prints[b])
                score = float(max(share_a, share_b))
                if score >= threshold:
                    pairs.append(Pair(info.id, a, b, score, float(share_a), float(share_b),
                                      _spans(slices_a), _spans(slices_b)))
    return sorted(pairs, key=lambda p: (-p.similarity, p.question, p.a, p.b))


def _spans(slices: Any) -> list[tuple[int, int]]:
    if getattr(slices, "size", 0) == 0:
        return []
    return [(int(s), int(e)) for s, e in zip(slices[0], slices[1], strict=True)]


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) runs, for a side-by-side view."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start > pos:
            out.append((text[pos:start], False))
        if end > start:
            out.append((text[start:end], True))
        pos = max(pos, end)
    if pos < len(text):
        out.append((text[pos:], False))
    return out
