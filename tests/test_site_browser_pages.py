"""Every page of every built site in Chromium: loads cleanly from file:// and served, fits a
390 px phone screen, scrolls wide boxes inside themselves, and passes axe-core.

The fixtures (one build, a server on an ephemeral 127.0.0.1 port, Debian's Chromium, a request
recorder that aborts anything off the machine) come from test_site_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_site_browser import (
    CODE_Q,
    CONCEPT_Q,
    REPO,
    Recorder,
    base_url,
    browser,
    mode,
    page,
    rec,
    server,
    sites,
)

from judge.sitegen import search

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site-browser")]
__all__ = ["browser", "mode", "page", "rec", "server", "sites"]  # fixtures, used by name

AXE = REPO / "site" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "tests" / "artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Boxes wider than their column must scroll inside themselves, with the shadow cue, and take
# keyboard focus; the page itself must never be wider than the screen.
LAYOUT = """() => {
    const boxes = [...document.querySelectorAll('pre, .math.display')]
        .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1);
    const bad = boxes.filter(b => {
        const s = getComputedStyle(b);
        return !['auto', 'scroll'].includes(s.overflowX) || !s.backgroundImage.includes('gradient')
            || b.tabIndex < 0;
    }).map(b => b.className + ': ' + b.textContent.slice(0, 40));
    return {page: document.documentElement.scrollWidth, screen: window.innerWidth, bad: bad};
}"""


def all_pages(sites: Path, site: str) -> list[str]:
    """Every page of a site; of the repository site's Chinese pages, a sample (chinese_sample)."""
    pages = sorted(p.relative_to(sites / site).as_posix() for p in (sites / site).rglob("*.html"))
    assert len(pages) >= 5
    if site == "real":
        keep = set(chinese_sample(sites / site))
        pages = [p for p in pages if not p.endswith(".zh.html") or p in keep]
    return pages


def chinese_sample(site: Path) -> list[str]:
    """The Chinese pages of a big site worth loading besides its English ones: the index, about
    and a topic page, and one question page per kind and per kind of text (Chinese, or English
    where the translation is missing or stale). The rest share their templates and formulas
    with these and with their English pages, which are all loaded."""
    data = search.read_index((site / search.index_file("zh")).read_text(encoding="utf-8"))
    kinds = dict(re.findall(r'data-id="([^"]+)" data-topic="[^"]+" data-kind="([a-z]+)"',
                            (site / "index.zh.html").read_text(encoding="utf-8")))
    first: dict[tuple[str, str], str] = {}
    for doc, lang in zip(search.documents(data), data["langs"], strict=True):  # type: ignore[call-overload]
        first.setdefault((kinds[doc["id"]], lang), f"questions/{doc['id']}.zh.html")
    pages = ["index.zh.html", "about.zh.html", *sorted(first.values())]
    pages += sorted(p.relative_to(site).as_posix() for p in (site / "topics").glob("*.zh.html"))[:1]
    # at least a coding and a concept page (and, while some translations are missing or stale,
    # pages that show the English text in their place)
    assert {kind for kind, _ in first} >= {"coding", "concept"}, first
    return pages


def check_layout(page: Any, rel: str) -> list[str]:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    got = page.evaluate(LAYOUT)
    problems = [f"{rel}: {b} does not scroll in its box" for b in got["bad"]]
    if got["page"] > got["screen"]:
        problems.append(f"{rel} is {got['page']} px wide on a {got['screen']} px screen")
    return problems


@pytest.mark.parametrize("site", ["fixture", "real", "zh", "lang"])
def test_every_page_loads_cleanly_and_fits_the_screen(
        browser: Any, rec: Recorder, sites: Path, server: str, mode: str, site: str) -> None:
    """No console error, failed request or request off the machine, from disk and served; from
    disk on a 390 px phone, served on a 1366 px desktop, and nothing wider than the screen."""
    viewport = PHONE if mode == "file" else DESKTOP
    context = browser.new_context(viewport=viewport, is_mobile=mode == "file")
    rec.attach(context)
    page = context.new_page()
    base = base_url(sites, server, mode, site)
    problems: list[str] = []
    for rel in all_pages(sites, site):
        page.goto(f"{base}/{rel}")
        problems += check_layout(page, rel)
        page.evaluate("document.fonts.ready")  # fonts used only inside <details> load now
    context.close()
    assert not problems, "\n".join(problems)
    rec.assert_clean()


def run_axe(page: Any) -> list[str]:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.add_script_tag(path=str(AXE))
    # preload: false stops axe fetching stylesheets itself (XHR that file:// forbids).
    result = page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("site", ["fixture", "real", "lang"])
def test_every_page_is_accessible(page: Any, rec: Recorder, sites: Path, site: str) -> None:
    """axe-core, injected from a local file: no serious or critical finding on any page."""
    assert AXE.is_file(), "axe-core is needed: run `npm ci` in site/"
    findings = {}
    for rel in all_pages(sites, site):
        if site == "fixture" and rel.endswith(".zh.html"):
            continue  # the same bank's Chinese pages, translated this time, are the "lang" site's
        page.goto((sites / site / rel).as_uri())
        problems = run_axe(page)
        if problems:
            findings[rel] = problems
    assert not findings, f"serious or critical accessibility findings: {findings}"
    rec.assert_clean()


def test_search_results_and_dark_pages_are_accessible(browser: Any, rec: Recorder,
                                                     sites: Path) -> None:
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        rec.attach(context)
        page = context.new_page()
        for rel in ("index.html?q=temperature", "index.html?q=protoypcal"):
            page.goto((sites / "real" / "index.html").as_uri() + rel[len("index.html"):])
            assert run_axe(page) == [], (scheme, rel)
        if scheme == "dark":
            for rel in ("index.html", f"questions/{CODE_Q}.html", f"questions/{CONCEPT_Q}.html"):
                page.goto((sites / "fixture" / rel).as_uri())
                assert run_axe(page) == [], rel
        context.close()
    rec.assert_clean()


def test_screenshots_are_saved(browser: Any, rec: Recorder, sites: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "site-index.png": ("real", "index.html", "light", 1100),
        "site-search.png": ("real", "index.html?q=temperature", "light", 1100),
        "site-question.png": ("real", "questions/maml-meta-gradient.html", "light", 1366),
        "site-question-dark.png": ("fixture", f"questions/{CONCEPT_Q}.html", "dark", 1100),
        "site-question-phone.png": ("real", f"questions/{CODE_Q}.html", "light", 390),
        "site-search-zh.png": ("zh", "index.html?q=蒸馏", "light", 390),
        "site-index-zh.png": ("real", "index.zh.html", "light", 1100),
        "site-question-zh-phone.png": ("real", "questions/what-is-meta-learning.zh.html", "light", 390),
    }
    for name, (site, rel, scheme, width) in shots.items():
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      color_scheme=scheme)
        rec.attach(context)
        page = context.new_page()
        path, _, query = rel.partition("?")
        page.goto((sites / site / path).as_uri() + (f"?{query}" if query else ""))
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        context.close()
        assert (ARTIFACTS / name).stat().st_size > 10_000, name
    rec.assert_clean()
