"""The built site in a real browser (Debian's Chromium via Playwright), from file:// and served.

Needs /usr/bin/chromium (apt-get install chromium) and axe-core (npm ci in site/). Screenshots
go to tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from judge.bank.loader import load_bank
from judge.sitegen import build_site, make_server

sync_api = pytest.importorskip("playwright.sync_api")

# One xdist worker runs them all: they share one build, one server and one Chromium.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site-browser")]

REPO = Path(__file__).resolve().parent.parent
FIXTURE_BANK = REPO / "tests" / "fixtures" / "site_bank"
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "site" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "tests" / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CODE_Q = "distillation-loss"
CONCEPT_Q = "distillation-is-meta-learning"
LOCAL_SCHEMES = {"file", "data", "about", "blob"}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both sites under one folder: fixture/ (stable expectations) and real/ (the bank)."""
    root = tmp_path_factory.mktemp("browser-sites")
    build_site(load_bank(FIXTURE_BANK), root / "fixture")
    build_site(load_bank(), root / "real")  # the repository bank ($METAJUDGE_BANK overrides)
    return root


@pytest.fixture(scope="module")
def server(sites: Path) -> Iterator[str]:
    """An HTTP server on an ephemeral 127.0.0.1 port, started and stopped by this module."""
    (sites / "index.html").write_text("<!doctype html><title>sites</title>")
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
        context.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
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


def search_index(site: Path) -> list[dict[str, Any]]:
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    data: list[dict[str, Any]] = json.loads(text.split(" = ", 1)[1].rstrip().rstrip(";"))
    return data


def body_only_word(site: Path) -> tuple[str, str]:
    """(question id, word) where the word is in that question's body text only."""
    entries = search_index(site)
    for e in entries:
        shown = " ".join([e["title"], *e["tags"], e["topic"]]).lower()
        others = [o["text"] for o in entries if o["id"] != e["id"]]
        for word in re.findall(r"[a-z]{7,}", e["text"]):
            if word not in shown and not any(word in o for o in others):
                return e["id"], word
    raise AssertionError("no word appears in exactly one question's body")


# ---------------------------------------------------------------- search and filters


def test_search_finds_a_question_by_a_word_only_in_its_body(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    qid, word = body_only_word(sites / "fixture")
    page.goto(f"{base_url(sites, server, mode)}/index.html")
    assert sorted(visible_ids(page)) == sorted([CODE_Q, CONCEPT_Q])
    page.fill("#q", word)
    assert visible_ids(page) == [qid]
    assert page.inner_text("#result-count") == "Showing 1 of 2 questions."
    page.fill("#q", "zzzz-no-such-word")
    assert visible_ids(page) == [] and page.is_visible("#no-results")
    rec.assert_clean()


def test_search_of_the_real_bank_by_a_body_word(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    qid, word = body_only_word(sites / "real")
    page.goto(f"{base_url(sites, server, mode, 'real')}/index.html")
    page.fill("#q", word)
    assert visible_ids(page) == [qid]
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
    page.select_option("#filter-topic", "distillation")
    assert visible_ids(page) == [CODE_Q]
    page.select_option("#filter-kind", "concept")  # distillation AND concept: nothing
    assert visible_ids(page) == [] and page.is_visible("#no-results")
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
    rec.assert_clean()


def test_concept_quiz_answer_and_key_points_open_on_click(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str) -> None:
    page.goto(f"{base_url(sites, server, mode)}/questions/{CONCEPT_Q}.html")
    assert not page.locator(".quiz-answer dl").is_visible()
    page.click(".quiz-answer > summary")
    assert "Correct: B." in page.inner_text(".quiz-answer")
    page.click("#key-points > summary")
    assert page.locator("#key-points .reveal-body").is_visible()
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


def test_copy_button_copies_the_starter_code(
        browser: Any, rec: Recorder, sites: Path, server: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    rec.attach(context)
    page = context.new_page()
    page.goto(f"{server}/fixture/questions/{CODE_Q}.html")
    page.click("button[data-copy='starter-code']")
    page.wait_for_function("document.querySelector('button[data-copy]').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    starter = (FIXTURE_BANK / "questions" / "distillation" / CODE_Q / "starter.py").read_text()
    assert copied.strip() == starter.strip()
    rec.assert_clean()
    context.close()


def test_dark_mode_follows_the_system_and_toggles(
        browser: Any, rec: Recorder, sites: Path, server: str) -> None:
    context = browser.new_context(color_scheme="dark")
    rec.attach(context)
    page = context.new_page()
    page.goto(f"{server}/fixture/index.html")
    bg = "getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(bg) == "rgb(13, 17, 23)"
    assert page.get_attribute("#theme-toggle", "aria-pressed") == "true"
    page.click("#theme-toggle")
    assert page.evaluate(bg) == "rgb(255, 255, 255)"
    assert page.get_attribute("#theme-toggle", "aria-pressed") == "false"
    page.goto(f"{server}/fixture/questions/{CODE_Q}.html")  # the choice is remembered
    assert page.evaluate(bg) == "rgb(255, 255, 255)"
    rec.assert_clean()
    context.close()


def test_phone_layout_does_not_scroll_sideways(
        browser: Any, rec: Recorder, sites: Path, mode: str, server: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    rec.attach(context)
    page = context.new_page()
    for path in ("index.html", f"questions/{CODE_Q}.html", f"questions/{CONCEPT_Q}.html"):
        page.goto(f"{base_url(sites, server, mode)}/{path}")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} is {width[0]} px wide in a {width[1]} px screen"
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


# ---------------------------------------------------------------- every page


def run_axe(page: Any) -> list[str]:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_script_tag(path=str(AXE))
    # preload: false stops axe fetching stylesheets itself (XHR that file:// forbids).
    result = page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def all_pages(sites: Path, site: str) -> list[str]:
    pages = sorted(p.relative_to(sites / site).as_posix() for p in (sites / site).rglob("*.html"))
    assert len(pages) >= 5
    return pages


@pytest.mark.parametrize("site", ["fixture", "real"])
def test_every_page_loads_cleanly(
        page: Any, rec: Recorder, sites: Path, server: str, mode: str, site: str) -> None:
    """No console error, failed request or request off the machine, from disk and served."""
    base = base_url(sites, server, mode, site)
    for rel in all_pages(sites, site):
        page.goto(f"{base}/{rel}")
        page.evaluate("document.fonts.ready")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.evaluate("document.fonts.ready")  # fonts used only inside <details> load now
    rec.assert_clean()


@pytest.mark.parametrize("site", ["fixture", "real"])
def test_every_page_is_accessible(page: Any, rec: Recorder, sites: Path, site: str) -> None:
    """axe-core, injected from a local file: no serious or critical finding on any page."""
    assert AXE.is_file(), "axe-core is needed: run `npm ci` in site/"
    findings = {}
    for rel in all_pages(sites, site):
        page.goto((sites / site / rel).as_uri())
        problems = run_axe(page)
        if problems:
            findings[rel] = problems
    assert not findings, f"serious or critical accessibility findings: {findings}"
    rec.assert_clean()


def test_dark_pages_are_accessible(browser: Any, rec: Recorder, sites: Path) -> None:
    context = browser.new_context(color_scheme="dark")
    rec.attach(context)
    page = context.new_page()
    for rel in ("index.html", f"questions/{CODE_Q}.html", f"questions/{CONCEPT_Q}.html"):
        page.goto((sites / "fixture" / rel).as_uri())
        assert run_axe(page) == [], rel
    rec.assert_clean()
    context.close()


def test_screenshots_are_saved(browser: Any, rec: Recorder, sites: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "site-index.png": ("real", "index.html", "light", 1100),
        "site-question.png": ("real", f"questions/{CODE_Q}.html", "light", 1100),
        "site-question-dark.png": ("fixture", f"questions/{CONCEPT_Q}.html", "dark", 1100),
        "site-question-phone.png": ("fixture", f"questions/{CODE_Q}.html", "light", 390),
    }
    for name, (site, rel, scheme, width) in shots.items():
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      color_scheme=scheme)
        rec.attach(context)
        page = context.new_page()
        page.goto((sites / site / rel).as_uri())
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        context.close()
        assert (ARTIFACTS / name).stat().st_size > 10_000, name
    rec.assert_clean()


def test_the_request_guard_catches_an_external_request(page: Any, rec: Recorder) -> None:
    page.set_content('<img src="https://cdn.example.invalid/x.png" alt="">')
    page.wait_for_timeout(200)
    assert rec.external == ["https://cdn.example.invalid/x.png"]
    assert any("cdn.example.invalid" in f for f in rec.failed)  # aborted, never sent
    with pytest.raises(AssertionError, match="left the machine"):
        rec.assert_clean()
