"""The built site in a real browser (Debian's Chromium via Playwright), from file:// and served.

Needs /usr/bin/chromium (apt-get install chromium) and axe-core (npm ci in site/). This file
holds the browser fixtures and the tests of search, URL state and reading comfort;
test_site_browser_pages.py loads every page of every site.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_site_lang import make_lang_bank

from judge.bank.loader import load_bank
from judge.sitegen import build_site, make_server, search

sync_api = pytest.importorskip("playwright.sync_api")

# One xdist worker runs them all: they share one build, one server and one Chromium.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site-browser")]

REPO = Path(__file__).resolve().parent.parent
FIXTURE_BANK = REPO / "tests" / "fixtures" / "site_bank"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CODE_Q = "distillation-loss"
CONCEPT_Q = "distillation-is-meta-learning"
LOCAL_SCHEMES = {"file", "data", "about", "blob"}

# The issue's queries: each must rank this question in the top 3 of the repository bank.
RANKED = {
    "MAML second order": "maml-second-order-cost",
    "prototypical": "prototypical-loss",
    "contrastive": "nt-xent-loss",
    "temperature": "distillation-loss",
    "distilation": "distillation-loss",  # a typo
}


# ---------------------------------------------------------------- fixtures


_BUILT: dict[str, Path] = {}  # one build per process, shared by both browser test files


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four sites under one folder: fixture/ (stable expectations), real/ (the repository
    bank; $METAJUDGE_BANK overrides it), zh/ (questions written in Chinese) and lang/ (the
    fixture with a Chinese translation and two learning tracks, test_site_lang.py)."""
    if "root" not in _BUILT:
        root = tmp_path_factory.mktemp("browser-sites")
        build_site(load_bank(FIXTURE_BANK), root / "fixture")
        build_site(load_bank(), root / "real")
        build_site(load_bank(FIXTURE_BANK.parent / "site_bank_zh"), root / "zh")
        build_site(load_bank(make_lang_bank(root / "lang-bank")), root / "lang")
        (root / "index.html").write_text("<!doctype html><title>sites</title>")
        _BUILT["root"] = root
    return _BUILT["root"]


@pytest.fixture(scope="module")
def server(sites: Path) -> Iterator[str]:
    """An HTTP server on an ephemeral 127.0.0.1 port, started and stopped by this module."""
    httpd = make_server(sites, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert CHROMIUM.exists(), "Debian's Chromium is needed: apt-get install chromium"
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(params=["file", "http"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def base_url(sites: Path, server: str, mode: str, site: str = "fixture") -> str:
    return f"{server}/{site}" if mode == "http" else (sites / site).as_uri()


@dataclass
class Recorder:
    """Every request, failure and console error of a browser context."""

    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, context: Any) -> None:
        context.route("**/*", self._route)
        context.on("request", lambda r: self._seen(r.url))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("page", self._watch)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _failed(self, request: Any) -> None:
        # A request cut short by the next navigation (a favicon, say) is not a broken resource;
        # a missing file answers 404 and a blocked one fails with ERR_FAILED.
        if request.failure != "net::ERR_ABORTED" or not is_local(request.url):
            self.failed.append(f"{request.url}: {request.failure}")

    def _seen(self, url: str) -> None:
        self.requests.append(url)
        if not is_local(url):
            self.external.append(url)

    def _route(self, route: Any) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort()  # nothing may leave the machine, even by mistake

    def assert_clean(self) -> None:
        assert self.requests, "no request was recorded"
        assert not self.external, f"requests left the machine: {self.external}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.errors, f"console errors: {self.errors}"


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (
        parts.scheme == "http" and parts.hostname == "127.0.0.1")


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def page(browser: Any, rec: Recorder) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    rec.attach(context)
    pg = context.new_page()
    yield pg
    context.close()


def visible_ids(page: Any) -> list[str]:
    return list(page.eval_on_selector_all(
        "#question-list > li", "els => els.filter(e => !e.hidden).map(e => e.dataset.id)"))


def index_docs(site: Path) -> list[dict[str, str]]:
    text = (site / search.index_file("en")).read_text(encoding="utf-8")
    return search.documents(search.read_index(text))


def near(a: str, b: str) -> bool:
    """b starts with a, or they are one edit apart (what prefix and typo matching would find)."""
    if b.startswith(a) or a.startswith(b):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] or a[i:] == b[i + 1:] or a[i + 1:] == b[i:]


def body_only_word(site: Path) -> tuple[str, str]:
    """(question id, word) where the word is in that question's body and nowhere near elsewhere."""
    docs = index_docs(site)
    words = {d["id"]: set(re.findall(r"[a-z]+", " ".join(d.values()).lower())) for d in docs}
    for d in docs:
        shown = " ".join([d["title"], d["tags"], d["topic"]]).lower()
        body = " ".join([d["statement"], d["more"]]).lower()
        others = set().union(*(w for qid, w in words.items() if qid != d["id"]))
        for word in re.findall(r"[a-z]{8,}", body):
            if word not in shown and not any(near(word, o) for o in others):
                return d["id"], word
    raise AssertionError("no word appears in exactly one question's body")


def query_state(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def view(page: Any) -> dict[str, Any]:
    """What the index page shows: the inputs and the visible list, in order."""
    return {"q": page.input_value("#q"), "topic": page.input_value("#filter-topic"),
            "kind": page.input_value("#filter-kind"),
            "difficulty": page.input_value("#filter-difficulty"),
            "ids": visible_ids(page), "count": page.inner_text("#result-count")}


# ---------------------------------------------------------------- ranked search


def test_issue_queries_rank_the_right_question_in_the_top_three(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode, 'real')}/index.html")
    for query, qid in RANKED.items():
        page.fill("#q", query)
        top = visible_ids(page)[:3]
        assert qid in top, f"{query!r} ranks {top}"
        assert "match" in page.inner_text("#result-count")
    rec.assert_clean()


def test_results_say_why_they_match_and_highlight_the_words(
        page: Any, rec: Recorder, sites: Path, server: str) -> None:
    page.goto(f"{server}/real/index.html?q=hessian")
    first = page.locator("#question-list > li:not([hidden])").first
    snippet = first.locator(".snippet")
    assert snippet.inner_text().startswith("Matches the ")
    marks = [m.lower() for m in first.locator("mark").all_inner_texts()]
    assert marks and all(m.startswith("hessian") for m in marks)
    hidden_snippets = page.locator("#question-list > li[hidden] .snippet").count()
    assert hidden_snippets == 0
    page.fill("#q", "")  # back to the plain list: no snippet, no highlight, list order
    assert page.locator(".snippet").count() == 0 and page.locator("mark").count() == 0
    assert view(page)["count"].startswith("Showing all ")
    rec.assert_clean()


def test_nothing_matches_suggests_close_titles_and_topics(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode, 'real')}/index.html")
    page.fill("#q", "protoypcal")
    assert visible_ids(page) == []
    box = page.locator("#suggestions")
    assert box.is_visible() and "No question matches" in box.inner_text()
    assert "Did you mean" in box.inner_text()
    page.locator("#suggestions a", has_text="Prototypical-network episode loss").click()
    page.wait_for_url(re.compile(r"questions/prototypical-loss\.html$"))
    rec.assert_clean()


def test_search_finds_a_question_by_a_word_only_in_its_body(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    for site in ("fixture", "real"):
        qid, word = body_only_word(sites / site)
        page.goto(f"{base_url(sites, server, mode, site)}/index.html")
        page.fill("#q", word)
        assert visible_ids(page) == [qid], (site, word)
        assert page.inner_text("#result-count") == f"1 question matches \u201c{word}\u201d."
    rec.assert_clean()


@pytest.mark.parametrize("query, qid", [("蒸馏", "zh-distillation-temperature"),
                                        ("元学习", "zh-what-is-meta-learning"),
                                        ("负样本", "zh-contrastive-negatives")])
def test_chinese_queries_find_chinese_questions(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str, query: str,
        qid: str) -> None:
    page.goto(f"{base_url(sites, server, mode, 'zh')}/index.html")
    assert page.evaluate("typeof Intl.Segmenter") == "function"
    page.fill("#q", query)
    assert visible_ids(page)[0] == qid
    first = page.locator("#question-list > li:not([hidden])").first
    marked = "".join(first.locator("mark").all_inner_texts())
    assert set(query) <= set(marked), marked  # the words the segmenter found, highlighted
    rec.assert_clean()


# ---------------------------------------------------------------- state in the URL


def test_query_and_filters_live_in_the_url_and_a_shared_url_restores_them(
        browser: Any, page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    base = f"{base_url(sites, server, mode, 'real')}/index.html"
    page.goto(base)
    page.fill("#q", "loss")
    page.select_option("#filter-kind", "coding")
    page.select_option("#filter-difficulty", "medium")
    assert query_state(page) == {"q": ["loss"], "kind": ["coding"], "difficulty": ["medium"]}
    shown = view(page)
    assert shown["ids"] and "with these filters" in shown["count"]
    shared = browser.new_context(viewport={"width": 1100, "height": 900})
    rec.attach(shared)
    other = shared.new_page()
    other.goto(page.url)  # what someone else opens from a shared link
    assert view(other) == shown
    assert other.is_visible("#filter-reset")
    other.click("#filter-reset")
    assert query_state(other) == {} and view(other)["count"].startswith("Showing all ")
    shared.close()
    rec.assert_clean()


def test_back_restores_exactly_what_was_shown(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode, 'real')}/index.html")
    page.fill("#q", "distillation")
    page.select_option("#filter-topic", "distillation")
    page.select_option("#filter-kind", "concept")
    before = view(page)
    assert before["ids"]
    page.locator("#question-list > li:not([hidden]) > a:first-child").first.click()
    page.wait_for_url(re.compile(r"questions/"))
    page.go_back()
    page.wait_for_url(re.compile(r"index\.html\?"))
    assert view(page) == before
    assert page.locator("body.searching").count() == 1
    rec.assert_clean()


def test_tags_link_to_the_filtered_list(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode, 'real')}/questions/{CODE_Q}.html")
    page.locator(".tags a", has_text="temperature").click()
    page.wait_for_url(re.compile(r"index\.html\?tag=temperature"))
    assert page.is_visible("#filter-tag") and page.inner_text("#filter-tag-name") == "temperature"
    ids = visible_ids(page)
    tagged = [d["id"] for d in index_docs(sites / "real") if "temperature" in d["tags"].split()]
    assert sorted(ids) == sorted(tagged) and CODE_Q in ids
    page.click("#filter-tag-clear")
    assert "tag" not in query_state(page) and len(visible_ids(page)) > len(ids)
    rec.assert_clean()


def test_slash_key_and_header_search_from_a_question_page(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    qid, word = body_only_word(sites / "fixture")
    page.goto(f"{base_url(sites, server, mode)}/questions/{CONCEPT_Q}.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"index\.html\?q="))
    assert visible_ids(page) == [qid]
    assert page.input_value("#q") == word
    rec.assert_clean()


def test_filters_narrow_and_combine(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode)}/index.html")
    assert sorted(visible_ids(page)) == sorted([CODE_Q, CONCEPT_Q])
    page.select_option("#filter-topic", "distillation")
    assert visible_ids(page) == [CODE_Q]
    page.select_option("#filter-kind", "concept")  # distillation AND concept: nothing
    assert visible_ids(page) == [] and page.is_visible("#suggestions")
    page.select_option("#filter-topic", "")
    assert visible_ids(page) == [CONCEPT_Q]
    page.select_option("#filter-kind", "")
    page.select_option("#filter-difficulty", "easy")
    assert visible_ids(page) == [CODE_Q]
    page.fill("#q", "distillation")  # both match the text; the filter keeps one
    assert visible_ids(page) == [CODE_Q]
    page.select_option("#filter-difficulty", "medium")
    assert visible_ids(page) == [CONCEPT_Q]
    page.click("#filter-reset")
    assert sorted(visible_ids(page)) == sorted([CODE_Q, CONCEPT_Q])
    assert page.input_value("#q") == "" and not page.is_visible("#filter-reset")
    rec.assert_clean()


@pytest.mark.parametrize("index, query", [("index.html", "temperature"), ("index.zh.html", "温度")])
def test_index_page_loads_at_most_250_kb(page: Any, rec: Recorder, server: str, index: str,
                                         query: str) -> None:
    page.goto(f"{server}/real/{index}?q={query}")
    assert visible_ids(page)
    total = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return [nav, ...performance.getEntriesByType('resource')]
            .reduce((sum, e) => sum + e.encodedBodySize, 0); }""")
    assert 100_000 < total <= 250 * 1024, f"the index page loaded {total} bytes"
    rec.assert_clean()


# ---------------------------------------------------------------- question pages


def test_a_hint_and_the_solution_open_on_click(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode)}/questions/{CODE_Q}.html")
    for details in ("#hint-1", "#solution-details"):
        body = page.locator(f"{details} .reveal-body")
        assert page.get_attribute(details, "open") is None and not body.is_visible()
        page.click(f"{details} > summary")
        assert page.get_attribute(details, "open") is not None and body.is_visible()
    assert page.locator("#hint-2 .reveal-body").is_visible() is False
    assert "batchmean" in page.inner_text("#solution-details")
    practise = page.inner_text("#practise")
    assert f"judge submit {CODE_Q} ws/distillation_loss.py" in practise
    rec.assert_clean()


def test_concept_quiz_answer_and_key_points_open_on_click(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode)}/questions/{CONCEPT_Q}.html")
    assert not page.locator(".quiz-answer dl").is_visible()
    page.click(".quiz-answer > summary")
    assert "Correct: B." in page.inner_text(".quiz-answer")
    page.click("#key-points > summary")
    assert page.locator("#key-points .reveal-body").is_visible()
    assert f"judge answer {CONCEPT_Q} A" in page.inner_text("#practise")
    rec.assert_clean()


def test_print_view_opens_hints_and_solutions(page: Any, rec: Recorder, sites: Path) -> None:
    page.goto((sites / "fixture" / "questions" / f"{CODE_Q}.html").as_uri())
    bodies = page.locator("details .reveal-body")
    assert bodies.count() >= 5 and not any(bodies.nth(i).is_visible()
                                           for i in range(bodies.count()))
    page.emulate_media(media="print")  # the print stylesheet alone shows every <details>
    assert all(bodies.nth(i).is_visible() for i in range(bodies.count()))
    assert not page.is_visible(".site-header") and not page.is_visible(".prev-next")
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # and site.js opens them
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
    rec.assert_clean()


def test_math_is_rendered_with_local_fonts(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode)}/questions/{CODE_Q}.html")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.locator(".katex").count() > 10
    assert page.locator(".katex-display").count() >= 1
    text = page.inner_text("main")
    assert "$" not in text and not re.search(r"\\[a-zA-Z]+", text), "raw LaTeX is visible"
    loaded = page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].filter(f => f.family.includes('KaTeX') && f.status === 'loaded')
               .map(f => f.family); }""")
    assert "KaTeX_Main" in loaded and "KaTeX_Math" in loaded
    box = page.locator(".katex-display .katex-html").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 20
    assert any(u.endswith(".woff2") for u in rec.requests)
    rec.assert_clean()


def test_a_wide_formula_scrolls_in_its_box_with_a_cue(browser: Any, rec: Recorder,
                                                      sites: Path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    rec.attach(context)
    page = context.new_page()
    page.goto((sites / "real" / "questions" / "maml-meta-gradient.html").as_uri())
    wide = page.evaluate("""() => [...document.querySelectorAll('.math.display')]
        .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => {
            const s = getComputedStyle(b);
            return [s.overflowX, s.backgroundImage.includes('gradient'), b.tabIndex]; })""")
    assert wide, "the meta-gradient formula should be wider than the column at 1366 px"
    assert all(w == ["auto", True, 0] for w in wide), wide
    page.locator(".math.display").filter(has=page.locator(".katex")).first.focus()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
    rec.assert_clean()


def test_a_copy_button_on_every_code_block(browser: Any, rec: Recorder, server: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    rec.attach(context)
    page = context.new_page()
    page.goto(f"{server}/fixture/questions/{CODE_Q}.html")
    blocks = page.locator("main pre").count()
    assert blocks >= 3 and page.locator("main .copy-button").count() == blocks
    page.click("button[data-copy='starter-code']")
    page.wait_for_function(
        "document.querySelector(\"button[data-copy='starter-code']\").textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    starter = (FIXTURE_BANK / "questions" / "distillation" / CODE_Q / "starter.py").read_text()
    assert copied.strip() == starter.strip()
    page.locator("#practise .copy-button").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.startsWith('judge start'))")
    rec.assert_clean()
    context.close()


def test_theme_button_names_the_theme_it_switches_to(
        browser: Any, rec: Recorder, sites: Path, server: str) -> None:
    context = browser.new_context(color_scheme="dark")
    rec.attach(context)
    page = context.new_page()
    page.goto(f"{server}/fixture/index.html")
    bg = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(bg) == "rgb(13, 17, 23)"
    assert page.inner_text("#theme-toggle") == "Switch to light theme"
    page.click("#theme-toggle")
    assert page.evaluate(bg) == "rgb(255, 255, 255)"
    assert page.inner_text("#theme-toggle") == "Switch to dark theme"
    page.goto(f"{server}/fixture/questions/{CODE_Q}.html")  # the choice is remembered
    assert page.evaluate(bg) == "rgb(255, 255, 255)"
    assert page.inner_text("#theme-toggle") == "Switch to dark theme"
    rec.assert_clean()
    context.close()


def test_skip_link_is_first_and_focus_is_visible(page: Any, rec: Recorder, sites: Path) -> None:
    page.goto((sites / "fixture" / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.locator(".skip-link").is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    rec.assert_clean()


def test_the_request_guard_catches_an_external_request(page: Any, rec: Recorder) -> None:
    page.set_content('<img src="https://cdn.example.invalid/x.png" alt="">')
    page.wait_for_timeout(200)
    assert rec.external == ["https://cdn.example.invalid/x.png"]
    assert any("cdn.example.invalid" in f for f in rec.failed)  # aborted, never sent
    with pytest.raises(AssertionError, match="left the machine"):
        rec.assert_clean()
