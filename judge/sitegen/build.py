"""Build the static site: parse every question in each language, render all math in one batch,
write the pages.

Every page exists in English and in Chinese (``index.html`` and ``index.zh.html``, ...): the
Chinese pages show each question's ``question.zh.md`` where it is current, else the English
text marked ``lang="en"`` (see i18n.py). The templates, stylesheet, scripts and vendored KaTeX
and MiniSearch live in ``theme/`` inside the package, so a plain (non-editable) install can build
a site.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from judge.bank.tracks import Track, load_tracks
from judge.model import DIFFICULTIES, KINDS, Bank
from judge.sitegen import context, i18n, markdown, pages, search
from judge.sitegen.errors import SiteBuildError
from judge.sitegen.highlight import _highlight as highlight
from judge.sitegen.highlight import stylesheet
from judge.sitegen.katex import call_script, render_formulas
from judge.sitegen.topics import ordered, topic_info

THEME_DIR = Path(__file__).resolve().parent / "theme"
MARKER = ".metajudge-site"  # marks a folder this builder made, so a rebuild may clear it
SITE_TITLE = "Metajudge"
TAGLINE = i18n.TEXT["en"]["tagline"]
INDEX_DESCRIPTION = i18n.TEXT["en"]["index_description"]
LANGS = i18n.LANGS


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote and how long it took (seconds), in total and per question page."""

    out: Path
    pages: int
    seconds: float
    per_question: dict[str, float] = field(default_factory=dict)
    math_seconds: float = 0.0
    formulas: int = 0


def fill(sentence: str, **parts: Any) -> Markup:
    """A translated sentence with markup in its ``{placeholders}``: the sentence is escaped, and
    so is each part unless it is already markup (a ``{% set %}`` block, say)."""
    return Markup(escape(sentence)).format(**parts)


def make_env(theme_dir: Path = THEME_DIR) -> jinja2.Environment:
    """Templates autoescape every value; an undefined name is an error, never an empty string."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(theme_dir / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["fill"] = fill
    return env


def site_order(bank: Bank) -> list[str]:
    """Question ids in reading order: topics in learning order, the bank's order within each."""
    rank = {t: i for i, t in enumerate(ordered({q.topic for q in bank}))}
    return [q.id for q in sorted(bank, key=lambda q: rank[q.topic])]  # sorted() is stable


def segmenter(theme_dir: Path = THEME_DIR) -> search.Segmenter:
    """search.js's own tokeniser, run in the embedded V8, for the search index's words.

    Only texts with Chinese or Japanese characters go to V8; Latin words are the same in
    Python (``search.terms``; a test compares the two), and faster.
    """
    script = theme_dir / "assets" / "search.js"

    def segment(texts: list[str]) -> list[list[str]]:
        cjk = [i for i, text in enumerate(texts) if search.CJK.search(text)]
        words = [search.terms(text) if not search.CJK.search(text) else [] for text in texts]
        if cjk:
            split = json.loads(call_script(script, "MetajudgeSearch.termsJson",
                                           json.dumps([texts[i] for i in cjk])))
            for i, terms in zip(cjk, split, strict=True):
                words[i] = terms
        return words
    return segment


def build_site(bank: Bank, out: Path, theme_dir: Path = THEME_DIR,
               tracks: tuple[Track, ...] | None = None) -> BuildReport:
    """Render ``bank`` into ``out`` (created, or cleared if a previous build made it).

    ``tracks`` defaults to the bank's tracks.yaml; a site of part of a bank (a student pack)
    passes ``()``, since its tracks name questions the part leaves out.
    """
    start = time.perf_counter()
    _clear_caches()
    order = site_order(bank)
    tracks = load_tracks(bank) if tracks is None else tracks
    per_question: dict[str, float] = dict.fromkeys(order, 0.0)
    parsed: dict[str, list[pages.ParsedQuestion]] = {}
    for lang in LANGS:
        parsed[lang] = []
        for qid in order:
            t = time.perf_counter()
            parsed[lang].append(pages.parse_question(bank.questions[qid], bank.root, lang))
            per_question[qid] += time.perf_counter() - t

    t = time.perf_counter()
    formulas = [f for lang in LANGS for pq in parsed[lang] for f in pq.formulas()]
    math = render_formulas(formulas)
    math_seconds = time.perf_counter() - t

    out = Path(out)
    _prepare(out)
    _copy_assets(theme_dir, out / "assets")
    env = make_env(theme_dir)
    links = Counter(r for q in bank for r in set(q.related) if r != q.id)
    segment = segmenter(theme_dir)
    written = 0

    for lang in LANGS:
        pager = _Pager(env, out, lang)
        summaries = [context.summary(pq.question, lang, pq.shown) for pq in parsed[lang]]
        by_id = {s["id"]: s for s in summaries}
        topics = _topics(summaries, lang)
        for pq in parsed[lang]:
            t = time.perf_counter()
            ctx = context.question_context(pq, math, bank, order, tracks, by_id)
            pager.write(context.question_url(pq.question.id, lang), "question.html", q=ctx,
                        page_title=pq.shown.title, description=ctx["description"],
                        needs_math=ctx["needs_math"], needs_code=ctx["needs_code"])
            per_question[pq.question.id] += time.perf_counter() - t
        _write_lists(pager, bank, order, tracks, summaries, topics)
        written += pager.written

        docs = [_search_doc(pq, links[pq.question.id]) for pq in parsed[lang]]
        names = {tp["slug"]: tp["name"] for tp in topics}
        script = search.index_script(lang, context.question_url("{id}", lang), docs, names,
                                     segment)
        (out / search.index_file(lang)).write_text(script, encoding="utf-8")
    (out / "assets" / "pygments.css").write_text(stylesheet(), encoding="utf-8")
    return BuildReport(out=out, pages=written, seconds=time.perf_counter() - start,
                       per_question=per_question, math_seconds=math_seconds,
                       formulas=len(formulas))


def _clear_caches() -> None:
    """Markdown fragments and highlighted code are cached within one build (the two languages
    share them), not across builds: a build's time is its own, and memory stays bounded."""
    markdown.parse.cache_clear()
    highlight.cache_clear()


class _Pager:
    """Writes the pages of one language: the interface words, the switch to the other one."""

    def __init__(self, env: jinja2.Environment, out: Path, lang: str) -> None:
        self.env, self.out, self.lang = env, out, lang
        self.text = i18n.text(lang)
        self.other = other = i18n.other(lang)
        self.common = {
            "site_title": SITE_TITLE, "lang": lang, "html_lang": i18n.HTML_LANG[lang],
            "t": self.text, "other_lang": other, "other_html_lang": i18n.HTML_LANG[other],
            "other_name": i18n.LANGUAGE_NAMES[other],
            "other_title": i18n.text(other)["switch_title"],
            "index_url": context.index_url(lang), "about_url": context.about_url(lang),
        }
        self.written = 0

    def write(self, rel: str, template: str, **ctx: Any) -> None:
        """Render ``template`` into ``rel`` (a path of this language, e.g. ``index.zh.html``)."""
        ctx.setdefault("needs_math", False)
        ctx.setdefault("needs_code", False)
        english = rel.removesuffix(f".{self.lang}.html") + ".html" if self.lang != "en" else rel
        html = self.env.get_template(template).render(
            root="../" * rel.count("/"), **self.common, **ctx,
            alternate=context.localized_page(english, self.other))
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self.written += 1


def _write_lists(pager: _Pager, bank: Bank, order: list[str], tracks: Sequence[Track],
                 summaries: list[dict[str, Any]], topics: list[dict[str, Any]]) -> None:
    """The index, topic and about pages of one language."""
    lang, text = pager.lang, pager.text
    by_id = {s["id"]: s for s in summaries}
    example = _examples(bank, order, lang)
    pager.write(context.index_url(lang), "index.html", questions=summaries, topics=topics,
                tracks=tracks_context(tracks, by_id, lang), counts=_counts(summaries),
                kinds=KINDS, difficulties=DIFFICULTIES, kind_labels=i18n.KIND_LABEL[lang],
                difficulty_labels=i18n.DIFFICULTY_LABEL[lang], page_title=text["index_title"],
                description=text["index_description"], search_index=search.index_file(lang),
                other_index=search.index_file(i18n.other(lang)), example=example)
    for topic in topics:
        n = i18n.count(lang, len(topic["questions"]))
        blurb = text["topic_blurb"].format(name=topic["name"], blurb=topic["blurb"])
        pager.write(topic["url"], "topic.html", topic=topic, page_title=topic["name"], count=n,
                    description=blurb if topic["blurb"] else
                    text["topic_description"].format(name=topic["name"], count=n))
    pager.write(context.about_url(lang), "about.html", page_title=text["about_title"],
                example=example, description=text["about_description"])


def tracks_context(tracks: Sequence[Track], by_id: dict[str, dict[str, Any]],
                   lang: str = "en") -> list[dict[str, Any]]:
    """The bank's learning tracks for the index page (``tracks.yaml``, via ``load_tracks``).

    Each links to its first question with ``?track=ID``, which the question pages follow.
    Track titles and descriptions are written in English only (``lang`` attribute on others).
    """
    out = []
    for track in tracks:
        items = [by_id[qid] for qid in track.questions if qid in by_id]
        if items:
            out.append({"id": pages.slug(track.id), "track": track.id, "title": track.title,
                        "description": track.description, "questions": items,
                        "lang": i18n.attr("en", lang),
                        "count": i18n.count(lang, len(items)),
                        "url": f"{items[0]['url']}?track={track.id}"})
    return out


def _search_doc(pq: pages.ParsedQuestion, links: int) -> search.SearchDoc:
    q, shown = pq.question, pq.shown
    return search.SearchDoc(id=q.id, title=shown.title, topic=q.topic, tags=q.tags,
                            statement=pq.statement_text(), answer=pq.answer_text(), links=links,
                            alt=q.title if pq.lang != "en" else "",
                            lang=shown.lang_of("section:Problem"))


def _examples(bank: Bank, order: list[str], lang: str = "en") -> dict[str, Any]:
    """The questions the practice instructions use: an easy coding task and a quiz if any."""
    code = [bank.questions[i] for i in order if bank.questions[i].is_code]
    code.sort(key=lambda q: q.difficulty != "easy")  # stable: the first easy one, else the first
    quiz = next((bank.questions[i] for i in order if bank.questions[i].choices), None)
    task = code[0] if code else None
    return {
        "code": task.id if task else "",
        "code_url": context.question_url(task.id, lang) if task else "",
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
    """The theme's assets, its own scripts minified (rjsmin: comments and spaces only, no
    renaming, so a built script still reads as its source), and KaTeX's styles and fonts."""
    import rjsmin

    shutil.copytree(theme_dir / "assets", dest)
    for script in dest.glob("*.js"):
        script.write_text(rjsmin.jsmin(script.read_text(encoding="utf-8")), encoding="utf-8")
    vendor = theme_dir / "vendor"
    # Only the stylesheet and fonts: math is already HTML, the page runs no KaTeX script.
    shutil.copytree(vendor / "katex", dest / "katex",
                    ignore=shutil.ignore_patterns("*.js", "VERSION"))
    shutil.copy2(vendor / "minisearch" / "minisearch.min.js", dest / "minisearch.min.js")


def _topics(summaries: list[dict[str, Any]], lang: str = "en") -> list[dict[str, Any]]:
    names = ordered({s["topic"] for s in summaries})
    out = []
    for n in names:
        info = topic_info(n, lang)
        items = [s for s in summaries if s["topic"] == n]
        out.append({"slug": n, "name": info.name, "blurb": info.blurb,
                    "name_lang": i18n.attr(info.lang, lang), "url": context.topic_url(n, lang),
                    "questions": items, "count": i18n.count(lang, len(items))})
    return out


def _counts(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "total": len(summaries),
        "kind": Counter(s["kind"] for s in summaries),
        "difficulty": Counter(s["difficulty"] for s in summaries),
    }
