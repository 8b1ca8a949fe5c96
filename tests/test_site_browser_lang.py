"""The site's two languages and its learning tracks in Chromium: the language switch works and is
remembered from page to page (from file:// and served), lang attributes are right, Chinese
queries find the right questions on both index pages, and previous/next follow a track.

The fixtures (one build of the sites, a server on an ephemeral 127.0.0.1 port, Debian's Chromium,
a request recorder that aborts anything off the machine) come from test_site_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_site_browser import (
    Recorder,
    base_url,
    browser,
    mode,
    page,
    rec,
    server,
    sites,
    visible_ids,
)
from test_site_lang import CODE_Q, CONCEPT_Q, ZH_TITLE

from judge.bank.loader import load_bank
from judge.bank.tracks import load_tracks

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site-browser")]
__all__ = ["browser", "mode", "page", "rec", "server", "sites"]  # fixtures, used by name

# What a text node's language is: its nearest lang attribute, as a screen reader reads it.
TEXT_LANGS = """sel => {
    const root = document.querySelector(sel);
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const out = {};
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.textContent.trim() || n.parentElement.closest('script, .katex, pre')) continue;
        const lang = n.parentElement.closest('[lang]').getAttribute('lang');
        out[lang] = (out[lang] || 0) + 1;
    }
    return out;
}"""


def html_lang(page: Any) -> str:
    return str(page.evaluate("document.documentElement.lang"))


# ---------------------------------------------------------------- the switch


def test_the_language_switch_is_remembered_across_pages(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    base = base_url(sites, server, mode, "lang")
    page.goto(f"{base}/index.html")
    assert html_lang(page) == "en" and page.inner_text("#lang-switch") == "中文"
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"/index\.zh\.html$"))
    assert html_lang(page) == "zh-Hans" and page.inner_text("h1") == "元学习面试题"
    # an English address opens in Chinese now, and keeps its query
    page.goto(f"{base}/questions/{CONCEPT_Q}.html")
    page.wait_for_url(re.compile(rf"/questions/{CONCEPT_Q}\.zh\.html$"))
    assert page.inner_text("h1") == ZH_TITLE and page.inner_text("#lang-switch") == "English"
    page.goto(f"{base}/index.html?q=distillation")
    page.wait_for_url(re.compile(r"/index\.zh\.html\?q=distillation$"))
    assert page.input_value("#q") == "distillation" and visible_ids(page)
    # switching back keeps the query too, and is remembered the other way
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"/index\.html\?q=distillation$"))
    assert html_lang(page) == "en" and page.input_value("#q") == "distillation"
    page.goto(f"{base}/questions/{CONCEPT_Q}.zh.html")
    page.wait_for_url(re.compile(rf"/questions/{CONCEPT_Q}\.html$"))
    assert html_lang(page) == "en"
    rec.assert_clean()


def test_without_a_choice_each_page_keeps_its_language(
        page: Any, rec: Recorder, sites: Path) -> None:
    page.goto((sites / "lang" / "questions" / f"{CONCEPT_Q}.zh.html").as_uri())
    assert html_lang(page) == "zh-Hans" and page.url.endswith(".zh.html")
    page.goto((sites / "lang" / "index.html").as_uri())
    assert html_lang(page) == "en" and page.url.endswith("/index.html")
    rec.assert_clean()


# ---------------------------------------------------------------- lang attributes


def test_lang_attributes_follow_the_text_shown(page: Any, rec: Recorder, sites: Path,
                                               server: str) -> None:
    page.goto(f"{server}/lang/questions/{CONCEPT_Q}.zh.html")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    for section in ("#problem", "#quiz", "#answer", ".site-header nav", ".toc"):
        assert page.evaluate(TEXT_LANGS, section).keys() == {"zh-Hans"}, section
    assert page.evaluate(TEXT_LANGS, "#references ul").keys() == {"en"}  # paper titles
    # the coding task has no translation: its words are English and say so, the labels Chinese
    page.goto(f"{server}/lang/questions/{CODE_Q}.zh.html")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.querySelector('h1').closest('[lang]').lang") == "en"
    for section in ("#problem .prose", "#examples .prose", "#hints .reveal-body"):
        assert page.evaluate(TEXT_LANGS, section).keys() == {"en"}, section
    assert page.inner_text("#problem-title") == "题目" and page.inner_text("#hints-title") == "提示"
    assert page.evaluate("document.querySelector('#hints-title').closest('[lang]').lang") == "zh-Hans"
    assert "还没有中文译文" in page.inner_text("#translation-note")
    # on the Chinese index page, a result in English is marked as such
    page.goto(f"{server}/lang/index.zh.html?q=kl_div")
    assert visible_ids(page) == [CODE_Q]
    assert page.evaluate("document.querySelector('.snippet .excerpt').lang") == "en"
    assert page.inner_text(".snippet .why").startswith("匹配")
    rec.assert_clean()


# ---------------------------------------------------------------- search in both languages


@pytest.mark.parametrize("query, expected, topic", [
    ("蒸馏", "distillation-loss", "distillation"),
    ("元学习", "what-is-meta-learning", "foundations"),
])
def test_chinese_queries_rank_the_right_question_in_the_top_three(
        page: Any, rec: Recorder, server: str, query: str, expected: str, topic: str) -> None:
    page.goto(f"{server}/real/index.zh.html")  # file:// is covered by the tests around it
    page.fill("#q", query)
    top = visible_ids(page)[:3]
    assert expected in top, f"{query!r} ranks {top}"
    topics = page.eval_on_selector_all(
        "#question-list > li:not([hidden])", "els => els.slice(0, 3).map(e => e.dataset.topic)")
    assert topics.count(topic) >= 2, topics
    assert "道题匹配" in page.inner_text("#result-count")
    rec.assert_clean()


def test_a_chinese_query_on_the_english_page_loads_the_chinese_index(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode, 'real')}/index.html")
    assert not any("search-index.zh.js" in u for u in rec.requests)  # only when asked
    page.fill("#q", "蒸馏")
    page.wait_for_function("document.querySelector('#result-count').textContent.includes('match')")
    assert any("search-index.zh.js" in u for u in rec.requests)
    top = visible_ids(page)[:3]
    assert "distillation-loss" in top, top
    first = page.locator("#question-list > li:not([hidden])").first
    assert first.locator(".why").inner_text().startswith("Matches the Chinese text")
    assert first.locator(".excerpt").get_attribute("lang") == "zh-Hans"
    assert "蒸馏" in "".join(first.locator(".excerpt mark").all_inner_texts())
    assert not search_title_changed(page)
    page.fill("#q", "temperature")  # English again: the English index
    assert "distillation-loss" in visible_ids(page)[:3]
    rec.assert_clean()


def search_title_changed(page: Any) -> bool:
    """Whether a list item's title was replaced by another language's (it must not be)."""
    return bool(page.evaluate("""() => [...document.querySelectorAll('#question-list > li > a')]
        .some(a => /[\\u4e00-\\u9fff]/.test(a.textContent))"""))


# ---------------------------------------------------------------- previous/next along a track


def next_ids(page: Any, steps: int) -> list[str]:
    """Follow "Next" ``steps`` times; the question ids visited, starting with the current one."""
    seen = [page.url.rsplit("/", 1)[1].split(".")[0]]
    for _ in range(steps):
        page.click(".prev-next a[rel=next]")
        page.wait_for_url(re.compile(r"questions/(?!" + re.escape(seen[-1]) + r"\.)"))
        seen.append(page.url.rsplit("/", 1)[1].split(".")[0])
    return seen


def test_prev_next_follow_the_track_the_reader_came_from(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    tracks = {t.id: t for t in load_tracks(load_bank())}
    week = tracks["interview-week"]
    base = base_url(sites, server, mode, "real")
    page.goto(f"{base}/index.html")
    page.click("#track-interview-week > a")
    page.wait_for_url(re.compile(rf"questions/{week.questions[0]}\.html\?track=interview-week$"))
    assert "Interview in a week, step 1 of" in page.inner_text("#track-step")
    assert next_ids(page, 3) == list(week.questions[:4])
    assert page.url.endswith("?track=interview-week")
    # remembered: a question that another track holds first, opened without ?track=, still
    # follows this one
    order = list(tracks)
    pos, qid = next((i, q) for i, q in enumerate(week.questions[1:-1], 1)
                    if next(t for t in order if q in tracks[t].questions) != week.id)
    page.goto(f"{base}/questions/{qid}.html")
    prev = page.get_attribute(".prev-next a[rel=prev]", "href")
    nxt = page.get_attribute(".prev-next a[rel=next]", "href")
    assert prev == f"../questions/{week.questions[pos - 1]}.html?track=interview-week"
    assert nxt == f"../questions/{week.questions[pos + 1]}.html?track=interview-week"
    # the Chinese pages follow it the same way
    page.goto(f"{base}/questions/{qid}.zh.html")
    assert page.get_attribute(".prev-next a[rel=next]", "href") == \
        f"../questions/{week.questions[pos + 1]}.zh.html?track=interview-week"
    assert "Interview in a week" in page.inner_text("#track-step")
    rec.assert_clean()


def test_without_a_track_prev_next_follow_the_first_track_that_holds_the_question(
        page: Any, rec: Recorder, sites: Path) -> None:
    base = (sites / "lang").as_uri()
    page.goto(f"{base}/questions/{CODE_Q}.html")  # "code-first" holds it first: no previous
    assert page.locator(".prev-next a[rel=prev]").count() == 0
    assert page.get_attribute(".prev-next a[rel=next]", "href") == f"../questions/{CONCEPT_Q}.html"
    page.goto(f"{base}/questions/{CODE_Q}.html?track=concept-first")
    assert page.get_attribute(".prev-next a[rel=prev]", "href") == \
        f"../questions/{CONCEPT_Q}.html?track=concept-first"
    assert page.locator(".prev-next a[rel=next]").count() == 0
    assert "Concept first, step 2 of 2" in page.inner_text("#track-step")
    page.click(".prev-next a[rel=prev]")
    page.wait_for_url(re.compile(rf"{CONCEPT_Q}\.html\?track=concept-first$"))
    assert page.get_attribute(".prev-next a[rel=next]", "href") == \
        f"../questions/{CODE_Q}.html?track=concept-first"
    rec.assert_clean()
