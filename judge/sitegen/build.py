"""Build the static site: parse every question, render all math in one batch, write the pages."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

import judge
from judge.model import DIFFICULTIES, KINDS, Bank
from judge.sitegen import pages, search
from judge.sitegen.errors import SiteBuildError
from judge.sitegen.highlight import stylesheet
from judge.sitegen.katex import render_formulas

SITE_DIR = Path(judge.__file__).resolve().parent.parent / "site"
MARKER = ".metajudge-site"  # marks a folder this builder made, so a rebuild may clear it
SITE_TITLE = "Metajudge"


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and how long it took (seconds), in total and per question page."""

    out: Path
    pages: int
    seconds: float
    per_question: dict[str, float] = field(default_factory=dict)
    math_seconds: float = 0.0
    formulas: int = 0


def make_env(site_dir: Path = SITE_DIR) -> jinja2.Environment:
    """Templates autoescape every value; an undefined name is an error, never an empty string."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(site_dir / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def build_site(bank: Bank, out: Path, site_dir: Path = SITE_DIR) -> BuildReport:
    """Render ``bank`` into ``out`` (created, or cleared if a previous build made it)."""
    start = time.perf_counter()
    per_question: dict[str, float] = {}
    parsed: list[pages.ParsedQuestion] = []
    for q in bank:
        t = time.perf_counter()
        parsed.append(pages.parse_question(q, bank.root))
        per_question[q.id] = time.perf_counter() - t

    t = time.perf_counter()
    formulas = [f for pq in parsed for f in pq.formulas()]
    math = render_formulas(formulas, site_dir)
    math_seconds = time.perf_counter() - t

    out = Path(out)
    _prepare(out)
    _copy_assets(site_dir, out / "assets")
    env = make_env(site_dir)
    order = [pq.question.id for pq in parsed]
    summaries = [pages.summary(pq.question) for pq in parsed]
    topics = _topics(summaries)
    written = 0

    def write(rel: str, template: str, **ctx: Any) -> None:
        nonlocal written
        root = "../" * rel.count("/")
        html = env.get_template(template).render(root=root, site_title=SITE_TITLE, **ctx)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        written += 1

    for pq in parsed:
        t = time.perf_counter()
        ctx = pages.question_context(pq, math, bank, order)
        write(pages.question_url(pq.question.id), "question.html", q=ctx,
              page_title=pq.question.title)
        per_question[pq.question.id] += time.perf_counter() - t

    write("index.html", "index.html", questions=summaries, topics=topics,
          counts=_counts(summaries), kinds=KINDS, difficulties=DIFFICULTIES,
          kind_labels=pages.KIND_LABEL, difficulty_labels=pages.DIFFICULTY_LABEL,
          page_title="Questions")
    for topic in topics:
        write(topic["url"], "topic.html", topic=topic, page_title=f"Topic: {topic['name']}")
    write("about.html", "about.html", page_title="Practise locally",
          example_id=order[0] if order else "distillation-loss")

    index = [search.entry(s, pq.search_text()) for s, pq in zip(summaries, parsed, strict=True)]
    (out / "assets" / "search-index.js").write_text(search.index_script(index), encoding="utf-8")
    (out / "assets" / "pygments.css").write_text(stylesheet(), encoding="utf-8")
    return BuildReport(out=out, pages=written, seconds=time.perf_counter() - start,
                       per_question=per_question, math_seconds=math_seconds,
                       formulas=len(formulas))


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


def _copy_assets(site_dir: Path, dest: Path) -> None:
    shutil.copytree(site_dir / "assets", dest)
    katex = site_dir / "vendor" / "katex"
    # Only the stylesheet and fonts: math is already HTML, the page runs no KaTeX script.
    shutil.copytree(katex, dest / "katex", ignore=shutil.ignore_patterns("*.js", "VERSION"))


def _topics(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = sorted({s["topic"] for s in summaries})
    return [{"name": n, "url": pages.topic_url(n), "slug": pages.slug(n),
             "questions": [s for s in summaries if s["topic"] == n]} for n in names]


def _counts(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "total": len(summaries),
        "kind": Counter(s["kind"] for s in summaries),
        "difficulty": Counter(s["difficulty"] for s in summaries),
    }
