"""Plain-text rendering of a question for the terminal (``judge show``)."""

from __future__ import annotations

from judge.model import Question


def _heading(text: str) -> str:
    return f"\n{text}\n{'-' * len(text)}"


def render_question(q: Question, hints: int = 0, solution: bool = False) -> str:
    lines = [q.title, "=" * len(q.title),
             f"id: {q.id}   kind: {q.kind}   topic: {q.topic}   difficulty: {q.difficulty}",
             f"tags: {', '.join(q.tags)}"]
    if q.is_code:
        lines.append(f"define: {', '.join(q.entry_points)}")
    lines += [_heading("Problem"), q.section("Problem")]
    if q.section("Examples"):
        lines += [_heading("Examples"), q.section("Examples")]
    if q.choices:
        lines.append(_heading("Choices"))
        lines += [f"  {chr(65 + i)}. {c.text}" for i, c in enumerate(q.choices)]
    shown = min(max(hints, 0), len(q.hints))
    if shown:
        lines.append(_heading(f"Hints ({shown} of {len(q.hints)})"))
        lines += [f"{i}. {h}" for i, h in enumerate(q.hints[:shown], 1)]
    elif q.hints:
        lines.append(f"\n({len(q.hints)} hints: `judge show {q.id} --hints 1` reveals the first)")
    if solution:
        if q.choices:
            right = next(i for i, c in enumerate(q.choices) if c.correct)
            lines.append(_heading("Answer to the choices"))
            for i, c in enumerate(q.choices):
                mark = "correct" if i == right else "wrong"
                lines.append(f"  {chr(65 + i)}. {mark}: {c.why}")
        for name in ("Answer", "Key points", "Common mistakes", "Follow-ups", "Explanation"):
            if q.section(name):
                lines += [_heading(name), q.section(name)]
        if q.is_code and q.reference_solution.is_file():
            lines += [_heading("Reference solution"), q.reference_solution.read_text("utf-8")]
    elif q.kind == "concept":
        lines.append(f"\n(`judge show {q.id} --solution` shows the model answer)")
    if q.references:
        lines.append(_heading("References"))
        lines += [f"- {r.cite()}" for r in q.references]
    if q.related:
        lines.append(f"\nRelated: {', '.join(q.related)}")
    return "\n".join(lines).rstrip() + "\n"
