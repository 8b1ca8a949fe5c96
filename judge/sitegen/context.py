"""What each page shows: URLs, list summaries, and the template context of a question page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from judge.model import Bank, Question
from judge.sitegen import markdown as mdr
from judge.sitegen.highlight import code_block
from judge.sitegen.pages import ParsedQuestion, slug
from judge.sitegen.topics import topic_info

# Concept sections behind a <details> (section name, summary label).
CONCEPT_HIDDEN = (("Answer", "Model answer"), ("Key points", "Key points"),
                  ("Common mistakes", "Common mistakes"), ("Follow-ups", "Follow-ups"))
DIFFICULTY_LABEL = {"easy": "Easy", "medium": "Medium", "hard": "Hard"}
KIND_LABEL = {"coding": "Coding", "debug": "Debug", "concept": "Concept"}
DESCRIPTION_CHARS = 155
WORKSPACE = "ws"  # the --dir the practice commands use
TOC_MIN_SECTIONS = 4  # a page with this many sections gets a table of contents


def question_url(qid: str, lang: str = "en") -> str:
    """A question page; a second language will get ``questions/<id>.<lang>.html``."""
    return f"questions/{qid}.html" if lang == "en" else f"questions/{qid}.{lang}.html"


def topic_url(topic: str) -> str:
    return f"topics/{slug(topic)}.html"


def tag_url(tag: str) -> str:
    """The index page's question list filtered by one tag (search.js reads ``?tag=``)."""
    return f"index.html?tag={quote(tag)}#questions"


def summary(q: Question) -> dict[str, Any]:
    """What a question list item shows (index and topic pages)."""
    return {
        "id": q.id, "title": q.title, "url": question_url(q.id), "topic": q.topic,
        "topic_name": topic_info(q.topic).name, "topic_url": topic_url(q.topic),
        "kind": q.kind, "kind_label": KIND_LABEL[q.kind],
        "difficulty": q.difficulty, "difficulty_label": DIFFICULTY_LABEL[q.difficulty],
        "tags": [{"name": t, "url": tag_url(t)} for t in q.tags],
    }


def neighbours(order: Sequence[str], qid: str) -> tuple[str | None, str | None]:
    """The previous and next question ids around ``qid`` in the site's reading order.

    The one place that decides prev/next, so that following a learning track later changes
    only this function.
    """
    pos = order.index(qid)
    prev_id = order[pos - 1] if pos > 0 else None
    next_id = order[pos + 1] if pos + 1 < len(order) else None
    return prev_id, next_id


def workspace_file(q: Question) -> str:
    """The file `judge start ID --dir ws` writes (judge/practice/workspace.py's rule)."""
    return f"{WORKSPACE}/{q.id.replace('-', '_')}.py"


def practice_commands(q: Question) -> list[str]:
    """The commands that practise this question locally, in the order a learner runs them."""
    if q.is_code:
        path = workspace_file(q)
        return [f"judge start {q.id} --dir {WORKSPACE}", f"judge test {q.id} {path}",
                f"judge submit {q.id} {path}"]
    commands = [f"judge show {q.id}"]
    if q.choices:
        letters = [chr(65 + i) for i in range(len(q.choices))]
        commands.append(f"judge answer {q.id} {letters[0]}   # or {', '.join(letters[1:])}")
    commands.append(f"judge show {q.id} --solution")
    return commands


def description(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """A meta description: the text's first sentences that fit, else its start and an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in re.finditer(r"[.?!](?=\s)", head)]
    if ends and ends[-1] >= limit // 2:
        return head[:ends[-1]]
    return head[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"


def _code(source: str, block_id: str) -> Markup | None:
    return Markup(code_block(source, "python", block_id)) if source else None


def question_context(pq: ParsedQuestion, math: mdr.MathMap, bank: Bank,
                     order: Sequence[str]) -> dict[str, Any]:
    """The template context of one question page."""
    q = pq.question

    def html(name: str) -> Markup | None:
        frag = pq.sections.get(name)
        return mdr.render(frag, math) if frag else None

    prev_id, next_id = neighbours(order, q.id)
    correct = [i for i, (_, _, ok) in enumerate(pq.choices) if ok]
    ctx: dict[str, Any] = {
        **summary(q),
        "problem": html("Problem"),
        "examples": html("Examples"),
        "explanation": html("Explanation"),
        "concept_sections": [
            {"id": slug(name), "summary": label, "html": html(name)}
            for name, label in CONCEPT_HIDDEN if name in pq.sections
        ],
        "hints": [mdr.render(h, math) for h in pq.hints],
        "choices": [{"letter": chr(65 + i), "text": mdr.render(t, math),
                     "why": mdr.render(w, math), "correct": ok}
                    for i, (t, w, ok) in enumerate(pq.choices)],
        "correct_letter": chr(65 + correct[0]) if correct else "",
        "starter_html": _code(pq.starter, "starter-code"),
        "reference_html": _code(pq.reference, "reference-code"),
        "references": [{"cite": r.cite(), "url": r.url, "title": r.title, "authors": r.authors,
                        "year": r.year} for r in q.references],
        "related": [summary(bank.questions[r]) for r in q.related if r in bank.questions],
        "prev": summary(bank.questions[prev_id]) if prev_id else None,
        "next": summary(bank.questions[next_id]) if next_id else None,
        "entry_points": list(q.entry_points),
        "practice": practice_commands(q),
        "workspace_file": workspace_file(q) if q.is_code else "",
        "description": description(pq.statement_text()) or q.title,
    }
    toc = _toc(ctx)
    ctx["toc"] = toc if len(toc) >= TOC_MIN_SECTIONS else []
    rendered = " ".join(str(v) for v in (ctx["problem"], ctx["examples"], ctx["explanation"],
                                         *ctx["hints"], *(s["html"] for s in ctx["concept_sections"]),
                                         *(c["text"] for c in ctx["choices"]),
                                         *(c["why"] for c in ctx["choices"])) if v)
    ctx["needs_math"] = 'class="katex"' in rendered
    ctx["needs_code"] = bool(pq.starter or pq.reference) or 'class="language-' in rendered
    return ctx


def _toc(ctx: dict[str, Any]) -> list[dict[str, str]]:
    """The page's sections in page order (question.html renders them in this order)."""
    entries = [("problem", "Problem", True),
               ("examples", "Examples", bool(ctx["examples"])),
               ("quiz", "Quiz", bool(ctx["choices"])),
               ("practise", "Practise locally", True),
               ("starter", "Code to fix" if ctx["kind"] == "debug" else "Starter code",
                bool(ctx["starter_html"])),
               ("hints", "Hints", bool(ctx["hints"])),
               ("answer", "Answer", bool(ctx["concept_sections"])),
               ("solution", "Solution", not ctx["concept_sections"]
                and bool(ctx["explanation"] or ctx["reference_html"])),
               ("references", "References", bool(ctx["references"])),
               ("related", "Related questions", bool(ctx["related"]))]
    return [{"id": i, "title": t} for i, t, shown in entries if shown]
