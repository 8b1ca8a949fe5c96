"""Build the static site: parse every question, render all math in one batch, write the pages.

The templates, stylesheet, scripts and vendored KaTeX and MiniSearch live in ``theme/`` inside
the package, so a plain (non-editable) install can build a site.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from judge.model import DIFFICULTIES, KINDS, Bank
from judge.sitegen import context, pages, search
from judge.sitegen.errors import SiteBuildError
from judge.sitegen.highlight import stylesheet
from judge.sitegen.katex import render_formulas
from judge.sitegen.topics import ordered, topic_info

THEME_DIR = Path(__file__).resolve().parent / "theme"
MARKER = ".metajudge-site"  # marks a folder this builder made, so a rebuild may clear it
SITE_TITLE = "Metajudge"
TAGLINE = ("Interview questions on meta-learning and its neighbours (knowledge distillation, "
           "transfer and self-supervised learning, meta-gradients), with model answers, and "
           "PyTorch tasks you solve and judge on your own machine.")
INDEX_DESCRIPTION = ("Meta-learning interview questions with model answers, and PyTorch tasks judged "
                     "on your own machine: MAML, distillation, transfer, self-supervised learning.")
LANG = "en"


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and how long it took (seconds), in total and per question page."""

    out: Path
    pages: int
    seconds: float
    per_question: dict[str, float] = field(default_factory=dict)
    math_seconds: float = 0.0
    formulas: int = 0


def make_env(theme_dir: Path = THEME_DIR) -> jinja2.Environment:
    """Templates autoescape every value; an undefined name is an error, never an empty string."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme_dir / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def site_order(bank: Bank) -> list[str]:
    """Question ids in reading order: topics in learning order, the bank's order within each."""
    rank = {t: i for i, t in enumerate(ordered({q.topic for q in bank}))}
    return [q.id for q in sorted(bank, key=lambda q: rank[q.topic])]  # sorted() is stable


def build_site(bank: Bank, out: Path, theme_dir: Path = THEME_DIR) -> BuildReport:
    """Render ``bank`` into ``out`` (created, or cleared if a previous build made it)."""
    start = time.perf_counter()
    order = site_order(bank)
    per_question: dict[str, float] = {}
    parsed: list[pages.ParsedQuestion] = []
    for qid in order:
        t = time.perf_counter()
        parsed.append(pages.parse_question(bank.questions[qid], bank.root))
        per_question[qid] = time.perf_counter() - t

    t = time.perf_counter()
    formulas = [f for pq in parsed for f in pq.formulas()]
    math = render_formulas(formulas)
    math_seconds = time.perf_counter() - t

    out = Path(out)
    _prepare(out)
    _copy_assets(theme_dir, out / "assets")
    env = make_env(theme_dir)
    summaries = [context.summary(pq.question) for pq in parsed]
    topics = _topics(summaries)
    written = 0

    def write(rel: str, template: str, **ctx: Any) -> None:
        nonlocal written
        ctx.setdefault("needs_math", False)
        ctx.setdefault("needs_code", False)
        root = "../" * rel.count("/")
        html = env.get_template(template).render(root=root, site_title=SITE_TITLE, lang=LANG,
                                                 **ctx)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        written += 1

    for pq in parsed:
        t = time.perf_counter()
        ctx = context.question_context(pq, math, bank, order)
        write(context.question_url(pq.question.id), "question.html", q=ctx,
              page_title=pq.question.title, description=ctx["description"],
              needs_math=ctx["needs_math"], needs_code=ctx["needs_code"])
        per_question[pq.question.id] += time.perf_counter() - t

    by_id = {s["id"]: s for s in summaries}
    write("index.html", "index.html", questions=summaries, topics=topics,
          tracks=tracks_context(bank, by_id), counts=_counts(summaries), kinds=KINDS,
          difficulties=DIFFICULTIES, kind_labels=context.KIND_LABEL,
          difficulty_labels=context.DIFFICULTY_LABEL, tagline=TAGLINE,
          page_title="Meta-learning interview questions", description=INDEX_DESCRIPTION,
          search_index=search.index_file(LANG), example=_examples(bank, order))
    for topic in topics:
        write(topic["url"], "topic.html", topic=topic, page_title=topic["name"],
              description=topic["blurb"] or f"{topic['name']}: {len(topic['questions'])} questions.")
    write("about.html", "about.html", page_title="Practise locally", example=_examples(bank, order),
          description="Practise every question from the command line: show, start, test, "
                      "submit and answer, judged in a sandbox on your own machine.")

    links = Counter(r for q in bank for r in set(q.related) if r != q.id)
    docs = [_search_doc(pq, links[pq.question.id]) for pq in parsed]
    names = {t["slug"]: t["name"] for t in topics}
    script = search.index_script(LANG, context.question_url("{id}", LANG), docs, names)
    (out / search.index_file(LANG)).write_text(script, encoding="utf-8")
    (out / "assets" / "pygments.css").write_text(stylesheet(), encoding="utf-8")
    return BuildReport(out=out, pages=written, seconds=time.perf_counter() - start,
                       per_question=per_question, math_seconds=math_seconds,
                       formulas=len(formulas))


def tracks_context(bank: Bank, by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Learning tracks for the index page, when the bank has them.

    A bank model with a ``tracks`` attribute (each track with ``id``, ``title``, an optional
    ``description`` and ``questions``, a list of ids) gets them shown; today's model has none.
    """
    out = []
    for track in getattr(bank, "tracks", None) or ():
        items = [by_id[qid] for qid in getattr(track, "questions", ()) if qid in by_id]
        if items:
            out.append({"id": pages.slug(str(track.id)), "title": str(track.title),
                        "description": str(getattr(track, "description", "") or ""),
                        "questions": items})
    return out


def _search_doc(pq: pages.ParsedQuestion, links: int) -> search.SearchDoc:
    q = pq.question
    return search.SearchDoc(id=q.id, title=q.title, topic=q.topic, tags=q.tags,
                            statement=pq.statement_text(), answer=pq.answer_text(), links=links)


def _examples(bank: Bank, order: list[str]) -> dict[str, Any]:
    """The questions the practice instructions use: an easy coding task and a quiz if any."""
    code = [bank.questions[i] for i in order if bank.questions[i].is_code]
    code.sort(key=lambda q: q.difficulty != "easy")  # stable: the first easy one, else the first
    quiz = next((bank.questions[i] for i in order if bank.questions[i].choices), None)
    task = code[0] if code else None
    return {
        "code": task.id if task else "",
        "code_topic": task.topic if task else "",
        "file": context.workspace_file(task) if task else "",
        "quiz": quiz.id if quiz else "",
        "quiz_letter": "A",
        "concept": next((i for i in order if not bank.questions[i].is_code), ""),
    }


def _prepare(out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            raise SiteBuildError(f"the output path {out} is a file",
                                 "Pass --out a folder (it is created if missing).")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise SiteBuildError(
                f"the output folder {out} is not empty and was not made by `judge site build`",
                "Pass --out an empty or new folder; the builder only clears folders it made.")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("Made by `judge site build`; cleared on the next build.\n",
                              encoding="utf-8")


def _copy_assets(theme_dir: Path, dest: Path) -> None:
    shutil.copytree(theme_dir / "assets", dest)
    vendor = theme_dir / "vendor"
    # Only the stylesheet and fonts: math is already HTML, the page runs no KaTeX script.
    shutil.copytree(vendor / "katex", dest / "katex",
                    ignore=shutil.ignore_patterns("*.js", "VERSION"))
    shutil.copy2(vendor / "minisearch" / "minisearch.min.js", dest / "minisearch.min.js")


def _topics(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = ordered({s["topic"] for s in summaries})
    out = []
    for n in names:
        info = topic_info(n)
        out.append({"slug": n, "name": info.name, "blurb": info.blurb,
                    "url": context.topic_url(n),
                    "questions": [s for s in summaries if s["topic"] == n]})
    return out


def _counts(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "total": len(summaries),
        "kind": Counter(s["kind"] for s in summaries),
        "difficulty": Counter(s["difficulty"] for s in summaries),
    }
