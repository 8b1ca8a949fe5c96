"""What each page shows: URLs, list summaries, and the template context of a question page."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from judge.bank.tracks import Track
from judge.model import Bank, Question
from judge.sitegen import i18n
from judge.sitegen import markdown as mdr
from judge.sitegen.highlight import code_block
from judge.sitegen.pages import ParsedQuestion, slug
from judge.sitegen.topics import topic_info

# Concept sections behind a <details>, in page order (their summaries are labels in i18n).
CONCEPT_HIDDEN = ("Answer", "Key points", "Common mistakes", "Follow-ups")
DIFFICULTY_LABEL = i18n.DIFFICULTY_LABEL["en"]
KIND_LABEL = i18n.KIND_LABEL["en"]
DESCRIPTION_CHARS = 155
DESCRIPTION_CHARS_CJK = 80  # a Chinese description says as much in about half the characters
WORKSPACE = "ws"  # the --dir the practice commands use
TOC_MIN_SECTIONS = 4  # a page with this many sections gets a table of contents


def localized_page(page: str, lang: str = "en") -> str:
    """``index.html`` in ``lang``: the same name for English, ``index.<lang>.html`` otherwise."""
    return page if lang == "en" else f"{page.removesuffix('.html')}.{lang}.html"


def question_url(qid: str, lang: str = "en") -> str:
    """A question page: ``questions/<id>.html``, or ``questions/<id>.<lang>.html``."""
    return localized_page(f"questions/{qid}.html", lang)


def topic_url(topic: str, lang: str = "en") -> str:
    return localized_page(f"topics/{slug(topic)}.html", lang)


def index_url(lang: str = "en") -> str:
    return localized_page("index.html", lang)


def about_url(lang: str = "en") -> str:
    return localized_page("about.html", lang)


def tag_url(tag: str, lang: str = "en") -> str:
    """The index page's question list filtered by one tag (search.js reads ``?tag=``)."""
    return f"{index_url(lang)}?tag={quote(tag)}#questions"


def summary(q: Question, lang: str = "en", shown: i18n.View | None = None) -> dict[str, Any]:
    """What a question list item shows (index and topic pages), in ``lang``."""
    shown = shown or i18n.view(q, lang)[0]
    topic = topic_info(q.topic, lang)
    return {
        "id": q.id, "title": shown.title, "url": question_url(q.id, lang), "topic": q.topic,
        "title_lang": i18n.attr(shown.lang_of("title"), lang),
        "topic_name": topic.name, "topic_url": topic_url(q.topic, lang),
        "topic_lang": i18n.attr(topic.lang, lang),
        "kind": q.kind, "kind_label": i18n.KIND_LABEL[lang][q.kind],
        "difficulty": q.difficulty, "difficulty_label": i18n.DIFFICULTY_LABEL[lang][q.difficulty],
        "tags": [{"name": t, "url": tag_url(t, lang)} for t in q.tags],
    }


def containing(tracks: Sequence[Track], qid: str) -> list[Track]:
    """The tracks that hold ``qid``, in the bank's order."""
    return [t for t in tracks if qid in t.questions]


def neighbours(order: Sequence[str], qid: str, tracks: Sequence[Track] = (),
               track: str | None = None) -> tuple[str | None, str | None]:
    """The previous and next question ids around ``qid``.

    The one place that decides prev/next: along the track ``track`` when it holds the question
    (the track the reader came from), else along the first track that holds it, else in the
    site's reading order. The page is built with the default; site.js applies the same rule
    for ``?track=`` or a remembered track, from the steps :func:`track_steps` lists.
    """
    held = containing(tracks, qid)
    chosen = next((t for t in held if t.id == track), held[0] if held else None)
    if chosen is not None:
        pos = chosen.questions.index(qid)
        path: Sequence[str] = chosen.questions
    else:
        pos, path = order.index(qid), order
    prev_id = path[pos - 1] if pos > 0 else None
    next_id = path[pos + 1] if pos + 1 < len(path) else None
    return prev_id, next_id


def track_steps(tracks: Sequence[Track], qid: str, order: Sequence[str],
                summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """For each track holding ``qid``: where it is and its neighbours, as site.js needs them.

    ``summaries`` are the list items of the page's language (their URL, title and its lang).
    """
    def step(other: str | None) -> dict[str, str] | None:
        if other is None:
            return None
        s = summaries[other]
        return {"url": s["url"], "title": s["title"], "lang": s["title_lang"]}

    out = []
    for t in containing(tracks, qid):
        prev_id, next_id = neighbours(order, qid, tracks, t.id)
        out.append({"id": t.id, "title": t.title, "step": t.questions.index(qid) + 1,
                    "total": len(t.questions), "prev": step(prev_id), "next": step(next_id)})
    return out


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
    if re.search(r"[\u4e00-\u9fff]", text[:limit]):
        limit = min(limit, DESCRIPTION_CHARS_CJK)
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in re.finditer(r"[.?!](?=\s)|[\u3002\uff1f\uff01]", head)]
    if ends and ends[-1] >= limit // 2:
        return head[:ends[-1]]
    cut = head[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:\uff0c\u3001\uff1b\uff1a") + "\u2026"


def _json(value: object) -> str:
    """JSON for a <script type="application/json">: no '<' can end the element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _code(source: str, block_id: str) -> Markup | None:
    return Markup(code_block(source, "python", block_id)) if source else None


def question_context(pq: ParsedQuestion, math: mdr.MathMap, bank: Bank, order: Sequence[str],
                     tracks: Sequence[Track] = (),
                     summaries: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The template context of one question page, in ``pq.lang``.

    ``summaries`` are the list items of every question in this language (related, prev/next and
    track links); they are made here when not given. Every field shown in another language
    than the page's carries its ``lang`` attribute value (``langs``, ``*_lang``).
    """
    q, lang, shown = pq.question, pq.lang, pq.shown
    text = i18n.text(lang)
    if summaries is None:
        summaries = {b.id: summary(b, lang) for b in bank}

    def html(name: str) -> Markup | None:
        frag = pq.sections.get(name)
        return mdr.render(frag, math) if frag else None

    def link(qid: str | None) -> dict[str, Any] | None:
        return summaries[qid] if qid else None

    def lang_of(name: str) -> str:
        return i18n.attr(shown.lang_of(name), lang)

    prev_id, next_id = neighbours(order, q.id, tracks)
    steps = track_steps(tracks, q.id, order, summaries)
    correct = [i for i, (_, _, ok) in enumerate(pq.choices) if ok]
    ctx: dict[str, Any] = {
        **summary(q, lang, shown),
        "lang": lang,
        "state": pq.state,
        "note": text[f"note_{pq.state}"] if pq.state in ("missing", "stale") else "",
        "langs": {"title": lang_of("title"), "choices": lang_of("choices"),
                  "hints": lang_of("section:Hints"),
                  **{name: lang_of(f"section:{name}") for name in q.sections}},
        "problem": html("Problem"),
        "examples": html("Examples"),
        "explanation": html("Explanation"),
        "concept_sections": [
            {"id": slug(name), "summary": text[name], "html": html(name),
             "lang": lang_of(f"section:{name}")}
            for name in CONCEPT_HIDDEN if name in pq.sections
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
        "related": [link(r) for r in q.related if r in bank.questions],
        "prev": link(prev_id),
        "next": link(next_id),
        "track": steps[0] if steps else None,
        "track_lang": i18n.attr("en", lang),  # tracks.yaml is written in English
        "tracks": steps,
        "tracks_json": Markup(_json(steps)),
        "entry_points": list(q.entry_points),
        "practice": practice_commands(q),
        "workspace_file": workspace_file(q) if q.is_code else "",
        "description": description(pq.statement_text()) or shown.title,
    }
    toc = _toc(ctx, text)
    ctx["toc"] = toc if len(toc) >= TOC_MIN_SECTIONS else []
    rendered = " ".join(str(v) for v in (ctx["problem"], ctx["examples"], ctx["explanation"],
                                         *ctx["hints"], *(s["html"] for s in ctx["concept_sections"]),
                                         *(c["text"] for c in ctx["choices"]),
                                         *(c["why"] for c in ctx["choices"])) if v)
    ctx["needs_math"] = 'class="katex"' in rendered
    ctx["needs_code"] = bool(pq.starter or pq.reference) or 'class="language-' in rendered
    return ctx


def _toc(ctx: dict[str, Any], text: dict[str, str]) -> list[dict[str, str]]:
    """The page's sections in page order (question.html renders them in this order)."""
    entries = [("problem", text["Problem"], True),
               ("examples", text["Examples"], bool(ctx["examples"])),
               ("quiz", text["quiz"], bool(ctx["choices"])),
               ("practise", text["practise"], True),
               ("starter", text["code_to_fix"] if ctx["kind"] == "debug" else text["starter"],
                bool(ctx["starter_html"])),
               ("hints", text["Hints"], bool(ctx["hints"])),
               ("answer", text["answer"], bool(ctx["concept_sections"])),
               ("solution", text["solution"], not ctx["concept_sections"]
                and bool(ctx["explanation"] or ctx["reference_html"])),
               ("references", text["references"], bool(ctx["references"])),
               ("related", text["related"], bool(ctx["related"]))]
    return [{"id": i, "title": t} for i, t, shown in entries if shown]
