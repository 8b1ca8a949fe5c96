"""What the built pages offer a reader: a first screen that explains itself, a page budget,
styles only where used, practice commands, tags as links, tables of contents, tracks."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_site_lang import repository_site

from judge.bank.loader import load_bank
from judge.bank.tracks import load_tracks
from judge.model import Bank
from judge.sitegen import build_site, search
from judge.sitegen.build import site_order, tracks_context
from judge.sitegen.context import neighbours, practice_commands, summary, workspace_file

pytestmark = pytest.mark.xdist_group("site-build")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
INDEX_BUDGET = 250 * 1024  # bytes the index page may load, search included


class Tags(HTMLParser):
    """Start tags with their attributes, and the text inside <details> and <pre>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.details_depth = 0
        self.in_details = ""
        self.pre_depth = 0
        self.pres: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "details":
            self.details_depth += 1
        if tag == "pre":
            self.pre_depth += 1
            self.pres.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.details_depth -= 1
        if tag == "pre":
            self.pre_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.details_depth:
            self.in_details += data
        if self.pre_depth:
            self.pres[-1] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags
                if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]


def parse(path: Path) -> Tags:
    page = Tags()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def loaded_bytes(page: Path) -> tuple[int, list[str]]:
    """Bytes of the page plus every stylesheet, icon and script it loads from the site."""
    tags = parse(page)
    urls = [a["href"] for a in tags.find("link") if a.get("rel") in ("stylesheet", "icon")]
    urls += [a["src"] for a in tags.find("script") if a.get("src")]
    files = [(page.parent / urlsplit(u).path).resolve() for u in urls]
    return page.stat().st_size + sum(f.stat().st_size for f in files), urls


@pytest.fixture(scope="module")
def real_bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return repository_site(tmp_path_factory)  # one build per process, shared by the site tests


@pytest.mark.parametrize("lang, page", [("en", "index.html"), ("zh", "index.zh.html")])
def test_index_page_loads_at_most_250_kb(real_site: Path, lang: str, page: str) -> None:
    total, urls = loaded_bytes(real_site / page)
    assert any(f"search-index.{lang}.js" in u for u in urls) and any("minisearch" in u for u in urls)
    assert not any("search-index" in u and f".{lang}." not in u for u in urls)  # one index only
    assert total <= INDEX_BUDGET, f"the index page loads {total} bytes ({urls})"


def test_first_screen_explains_itself(real_site: Path, real_bank: Bank) -> None:
    html = (real_site / "index.html").read_text(encoding="utf-8")
    h1 = html.index("<h1")
    lede = html.index('class="lede')
    tracks = html.index('<ul class="cards tracks">')
    cards = html.index('<ul class="cards">')
    listing = html.index('id="question-list"')
    assert h1 < lede < tracks < cards < listing, "intro, tracks, topic cards, then the list"
    assert "judge start" in html[lede:tracks] and "about.html" in html[lede:tracks]
    shown = re.findall(r'data-track="([a-z0-9-]+)"', html[tracks:cards])
    assert shown == [t.id for t in load_tracks(real_bank)]
    cards_html = html[cards:html.index("</ul>", cards)]
    topics = {q.topic for q in real_bank}
    assert cards_html.count('class="card"') == len(topics)
    assert "Knowledge distillation" in cards_html and ">distillation<" not in cards_html
    count = sum(q.topic == "distillation" for q in real_bank)
    assert f"{count} questions" in cards_html


def test_styles_load_only_where_used(real_site: Path) -> None:
    for page in sorted(real_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        links = [a["href"] for a in parse(page).find("link", rel="stylesheet")]
        has_math = 'class="katex"' in html
        has_code = 'class="language-' in html
        assert any(h.endswith("katex.min.css") for h in links) == has_math, page.name
        assert any(h.endswith("pygments.css") for h in links) == has_code, page.name
    index = [a["href"] for a in parse(real_site / "index.html").find("link", rel="stylesheet")]
    assert index == ["assets/site.css"]


def test_every_page_has_a_favicon_and_its_own_description(real_site: Path) -> None:
    """Unique per language: a Chinese page whose question is not translated (or stale) shows
    the English text, and so the English description."""
    seen: dict[tuple[bool, str], str] = {}
    for page in sorted(real_site.rglob("*.html")):
        tags = parse(page)
        icons = tags.find("link", rel="icon")
        assert icons and (page.parent / icons[0]["href"]).is_file(), page.name
        meta = tags.find("meta", name="description")
        assert len(meta) == 1 and 20 <= len(meta[0]["content"]) <= 160, page.name
        assert "$" not in meta[0]["content"] and "\\" not in meta[0]["content"], page.name
        other = seen.setdefault((page.name.endswith(".zh.html"), meta[0]["content"]), page.name)
        assert other == page.name, f"{page.name} and {other} share a description"


def test_practice_commands_are_shown_outside_the_solution(real_site: Path, real_bank: Bank) -> None:
    for q in real_bank:
        page = parse(real_site / "questions" / f"{q.id}.html")
        commands = practice_commands(q)
        shown = [p for p in page.pres if p.strip().startswith("judge ")]
        assert shown and shown[0].strip().splitlines() == commands, q.id
        assert "judge start" not in page.in_details and "judge show" not in page.in_details
        if q.is_code:
            path = workspace_file(q)
            assert commands == [f"judge start {q.id} --dir ws", f"judge test {q.id} {path}",
                                f"judge submit {q.id} {path}"]
        else:
            assert commands[0] == f"judge show {q.id}"
            assert any(c.startswith(f"judge answer {q.id} A") for c in commands) == bool(q.choices)


def test_about_page_uses_a_coding_question(real_site: Path, real_bank: Bank) -> None:
    about = (real_site / "about.html").read_text(encoding="utf-8")
    ids = set(re.findall(r"judge (?:start|test|submit) ([a-z0-9-]+)", about))
    assert len(ids) == 1
    assert real_bank.questions[ids.pop()].is_code


def test_tags_link_to_the_filtered_list(real_site: Path, real_bank: Bank) -> None:
    q = real_bank.questions["distillation-loss"]
    page = parse(real_site / "questions" / "distillation-loss.html")
    hrefs = [a["href"] for a in page.find("a")]
    for tag in q.tags:
        assert f"../index.html?tag={tag}#questions" in hrefs, tag


def test_long_pages_have_a_table_of_contents_and_heading_links(real_site: Path) -> None:
    page = real_site / "questions" / "distillation-loss.html"
    html = page.read_text(encoding="utf-8")
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    targets = re.findall(r'href="#([a-z-]+)"', toc)
    assert targets[:2] == ["problem", "examples"] and "solution" in targets
    for target in targets:  # each entry has its section and a link back to it
        assert f'<section id="{target}"' in html and f'class="anchor" href="#{target}"' in html


def test_prev_next_is_one_function_over_the_reading_order(real_bank: Bank) -> None:
    order = site_order(real_bank)
    assert sorted(order) == sorted(real_bank.questions)
    assert order[0] in {q.id for q in real_bank if q.topic == "foundations"}
    assert neighbours(order, order[0]) == (None, order[1])
    assert neighbours(order, order[5]) == (order[4], order[6])
    assert neighbours(order, order[-1]) == (order[-2], None)


def test_learning_tracks_show_when_the_bank_has_them(tmp_path: Path) -> None:
    plain = load_bank(FIXTURES / "site_bank")
    root = tmp_path / "bank"
    shutil.copytree(plain.root, root)
    (root / "tracks.yaml").write_text(
        "tracks:\n  - id: distillation-first\n    title: Distillation, from the loss up\n"
        "    description: Two questions.\n"
        "    questions: [distillation-loss, distillation-is-meta-learning]\n", encoding="utf-8")
    bank = load_bank(root)
    by_id = {q.id: summary(q) for q in bank}
    shown = tracks_context(load_tracks(bank), by_id)
    assert [s["id"] for s in shown[0]["questions"]] == ["distillation-loss",
                                                        "distillation-is-meta-learning"]
    assert shown[0]["url"] == "questions/distillation-loss.html?track=distillation-first"
    assert tracks_context(load_tracks(plain), by_id) == []
    build_site(bank, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'id="tracks"' in index and "Distillation, from the loss up" in index
    assert 'id="track-distillation-first"' in index
    assert ('href="questions/distillation-loss.html?track=distillation-first" '
            'data-track="distillation-first">Distillation, from the loss up') in index
    build_site(plain, tmp_path / "plain")
    assert 'id="tracks"' not in (tmp_path / "plain" / "index.html").read_text(encoding="utf-8")


def test_chinese_bank_builds_with_its_text(tmp_path: Path) -> None:
    build_site(load_bank(FIXTURES / "site_bank_zh"), tmp_path / "site")
    page = (tmp_path / "site" / "questions" / "zh-distillation-temperature.html")
    html = page.read_text(encoding="utf-8")
    assert "知识蒸馏中的温度有什么作用？" in html and 'class="katex"' in html
    index = (tmp_path / "site" / "assets" / "search-index.en.js").read_text(encoding="utf-8")
    docs = {d["id"]: d for d in search.documents(search.read_index(index))}
    words = docs["zh-distillation-temperature"]["answer"].split()
    # the answer's Chinese is split into words at build time, as the browser splits it
    chinese = [w for w in words if search.CJK.search(w)]
    assert len(chinese) >= 5 and not any(len(w) > 6 for w in chinese), words
