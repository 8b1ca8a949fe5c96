"""The static site builder: pages, math, safety, links. Browser checks: test_site_browser.py."""

from __future__ import annotations

import ast
import re
import shutil
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_site_lang import repository_site

from judge.bank.loader import load_bank
from judge.errors import UsageError
from judge.model import Bank
from judge.sitegen import SiteBuildError, build_site, katex, make_server, search

pytestmark = pytest.mark.xdist_group("site-build")  # one worker, so the sites are built once

REPO = Path(__file__).resolve().parent.parent
FIXTURE_BANK = REPO / "tests" / "fixtures" / "site_bank"
CODE_Q = "distillation-loss"
CONCEPT_Q = "distillation-is-meta-learning"


# ---------------------------------------------------------------- helpers


class _Page(HTMLParser):
    """Ids, links and the text a reader sees (outside code, scripts and MathML source)."""

    SKIP = {"script", "style", "code", "pre", "annotation"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        for attr in ("href", "src"):
            if attr in a and tag in ("a", "link", "script", "img", "iframe", "source"):
                self.links.append((tag, attr, a[attr]))
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def check_links(site: Path) -> list[str]:
    """Every internal link and anchor of every page resolves; only <a> may point outside."""
    parsed = {p.resolve(): parse_page(p) for p in html_pages(site)}
    broken = []
    for path, page in parsed.items():
        for tag, attr, url in page.links:
            where = f"{path.relative_to(site.resolve())}: <{tag} {attr}={url!r}>"
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                if tag != "a":
                    broken.append(f"{where} loads a resource from another host")
                continue
            if parts.scheme or url.startswith("//"):
                broken.append(f"{where} uses an unexpected scheme")
                continue
            if url.startswith("/"):
                broken.append(f"{where} is root-absolute (breaks under file://)")
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{where} points to a missing file")
                continue
            if parts.fragment:
                ids = parsed[target].ids if target in parsed else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where} points to a missing anchor")
    return broken


def copy_bank(dest: Path) -> Path:
    shutil.copytree(FIXTURE_BANK, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def read_index(site: Path) -> dict[str, dict[str, str]]:
    text = (site / search.index_file("en")).read_text(encoding="utf-8")
    assert text.startswith("(window.METAJUDGE_SEARCH = window.METAJUDGE_SEARCH || {})[\"en\"] = ")
    return {d["id"]: d for d in search.documents(search.read_index(text))}


def secret_snippets(bank: Bank) -> list[tuple[str, str]]:
    """Text only hidden tests and wrong variants contain: (file, snippet) pairs."""
    out = []
    public = ""  # what any question may show (a line of one question's variant can be another's)
    for q in bank:
        public += "\n".join(q.sections.values())
        if q.is_code:
            public += q.reference_solution.read_text() + q.starter.read_text()
            public += q.public_tests.read_text() if q.public_tests.exists() else ""
    for q in bank:
        if not q.is_code:
            continue
        tree = ast.parse(q.hidden_tests.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                if node.name not in public:
                    out.append((str(q.hidden_tests), node.name))
        for wrong in q.wrong_variants:
            source = wrong.read_text()
            doc = ast.get_docstring(ast.parse(source)) or ""
            if doc and doc.splitlines()[0] not in public:
                out.append((str(wrong), doc.splitlines()[0]))
            for line in source.splitlines():
                line = line.strip()
                if len(line) > 25 and not line.startswith("#") and line not in public:
                    out.append((str(wrong), line))
    return out


def all_output_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*"))
                     if p.is_file() and p.suffix in (".html", ".js", ".css"))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fixture_bank() -> Bank:
    return load_bank(FIXTURE_BANK)


@pytest.fixture(scope="module")
def fixture_site(fixture_bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fixture-site") / "site"
    build_site(fixture_bank, out)
    return out


@pytest.fixture(scope="module")
def real_bank() -> Bank:
    return load_bank()  # the repository bank ($METAJUDGE_BANK overrides it)


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return repository_site(tmp_path_factory)  # one build per process, shared by the site tests


@pytest.fixture(params=["fixture", "real"])
def built(request: pytest.FixtureRequest) -> tuple[Bank, Path]:
    """Both the fixture bank's site and the repository bank's site."""
    name = request.param
    return request.getfixturevalue(f"{name}_bank"), request.getfixturevalue(f"{name}_site")


# ---------------------------------------------------------------- what is built


def test_report_counts_pages_and_times_each_question(fixture_bank: Bank, tmp_path: Path) -> None:
    report = build_site(fixture_bank, tmp_path / "site")
    topics = {q.topic for q in fixture_bank}
    per_lang = len(fixture_bank) + len(topics) + 2  # + index + about
    assert report.pages == 2 * per_lang  # English and Chinese
    assert report.pages == len(html_pages(tmp_path / "site"))
    assert set(report.per_question) == set(fixture_bank.questions)
    assert all(s > 0 for s in report.per_question.values())
    assert report.seconds >= sum(report.per_question.values())
    assert report.formulas > 10


def test_every_question_topic_and_static_page_exists(built: tuple[Bank, Path]) -> None:
    bank, site = built
    for q in bank:
        page = (site / "questions" / f"{q.id}.html").read_text(encoding="utf-8")
        assert '<h1 id="title">' in page and "Difficulty: </span>" in page, q.id
        assert page.count("<title>") == 1 and '<meta name="description" content="' in page
        for ref in q.references:
            assert ref.url in page, (q.id, ref.url)
    for topic in {q.topic for q in bank}:
        assert (site / "topics" / f"{topic}.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"{len(bank)} question" in index
    assert all(f'data-id="{q.id}"' in index for q in bank)
    about = (site / "about.html").read_text(encoding="utf-8")
    for command in ("judge list", "--hints", "judge start", "judge test", "judge submit",
                    "judge check"):
        assert command in about


def test_coding_page_has_starter_hints_and_solution_behind_details(fixture_site: Path,
                                                                  fixture_bank: Bank) -> None:
    q = fixture_bank.questions[CODE_Q]
    page = (fixture_site / "questions" / f"{CODE_Q}.html").read_text(encoding="utf-8")
    assert page.count('<details class="reveal hint"') == len(q.hints) == 4
    assert 'id="starter-code"' in page
    assert "NotImplementedError" in page  # the starter's body, highlighted
    solution = page.split('id="solution-details"', 1)[1]
    assert "reference-code" in solution and "Explanation" in solution
    assert "batchmean" in solution  # from the reference solution
    assert "Easy</span>" in page and 'class="badge difficulty-easy"' in page
    assert f'href="{CONCEPT_Q}.html"' in page.replace("../questions/", "")  # related
    # foundations comes before distillation in the reading order: this page is the last one
    assert 'rel="prev"' in page and 'rel="next"' not in page


def test_concept_page_has_quiz_and_answers_behind_details(fixture_site: Path) -> None:
    page = (fixture_site / "questions" / f"{CONCEPT_Q}.html").read_text(encoding="utf-8")
    assert '<ol class="choices" type="A">' in page
    assert page.count("<li>", page.index("choices")) >= 3
    quiz = page.split('<details class="reveal quiz-answer">', 1)[1].split("</details>", 1)[0]
    assert "Correct: B." in quiz and "bilevel" in quiz
    for summary in ("Model answer", "Key points", "Common mistakes", "Follow-ups", "Explanation"):
        assert f"<summary>{summary}</summary>" in page, summary
    assert "starter-code" not in page and 'rel="next"' in page and 'rel="prev"' not in page


def test_math_is_rendered_and_no_raw_latex_is_left(built: tuple[Bank, Path]) -> None:
    bank, site = built
    # a question may write a literal dollar as \$; only there may a $ reach the page
    dollars = {f"{q.id}.html" for q in bank if "\\$" in q.markdown_path.read_text()}
    for path in html_pages(site):
        page = parse_page(path)
        text = " ".join(page.text)
        if path.name not in dollars:
            assert "$" not in text, f"{path}: raw $ left in {text[text.find('$') - 60:][:120]!r}"
        latex = re.search(r"\\[a-zA-Z]+", text)
        assert latex is None, f"{path}: raw LaTeX {latex.group(0) if latex else ''!r} left"
    questions = (site / "questions").glob("*.html")
    assert any('class="katex"' in p.read_text(encoding="utf-8") for p in questions)


def test_hidden_tests_and_wrong_variants_never_appear(built: tuple[Bank, Path]) -> None:
    bank, site = built
    secrets = secret_snippets(bank)
    assert secrets, "the bank has no hidden tests or wrong variants to look for"
    text = all_output_text(site)
    leaked = [(f, s) for f, s in secrets if s in text]
    assert not leaked, f"secret text on the site: {leaked[:5]}"
    names = {p.name for p in site.rglob("*")}
    assert "test_hidden.py" not in names and "wrong" not in names


def test_no_broken_internal_link_or_anchor(built: tuple[Bank, Path]) -> None:
    _, site = built
    assert html_pages(site)
    assert check_links(site) == []


def test_link_checker_catches_a_broken_anchor(fixture_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(fixture_site, site)
    about = site / "about.html"
    html = about.read_text().replace('href="index.html#topics"', 'href="index.html#nope"')
    about.write_text(html)
    assert any("missing anchor" in b for b in check_links(site))


def test_assets_are_local_and_css_urls_exist(fixture_site: Path) -> None:
    for css in fixture_site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")):
            url = url.strip("'\"")
            if url.startswith("data:"):
                continue
            assert "//" not in url, f"{css}: remote url {url}"
            assert (css.parent / url).is_file(), f"{css}: missing {url}"
    assert not list(fixture_site.rglob("katex.min.js")), "pages must not need KaTeX's script"
    for page in html_pages(fixture_site):
        assert "fetch(" not in page.read_text(encoding="utf-8")
    for js in fixture_site.rglob("*.js"):  # file:// forbids fetch and XHR: scripts load by tag
        text = js.read_text(encoding="utf-8")
        assert "XMLHttpRequest" not in text and "import(" not in text, js
        if js.name != "minisearch.min.js":  # its SearchableMap has a method named fetch
            assert "fetch(" not in text, js


def test_search_index_holds_statement_and_answer_words(fixture_site: Path) -> None:
    index = read_index(fixture_site)
    assert set(index) == {CODE_Q, CONCEPT_Q}
    code = index[CODE_Q]
    assert code["statement"].startswith("Implement the knowledge-distillation loss")
    assert "student_logits" in code["more"].split()  # from the statement, past the snippet
    assert "$" not in code["statement"] and "\\mathbb" not in code["statement"]
    assert code["title"] == "Hinton knowledge-distillation loss" and "temperature" in code["tags"]
    answer = index[CONCEPT_Q]["answer"].split()  # its most distinctive answer words
    assert {"outer", "inner"} <= set(answer) and len(answer) <= search.ANSWER_TERMS


# ---------------------------------------------------------------- errors and safety


def test_latex_error_fails_the_build_naming_file_and_line(tmp_path: Path) -> None:
    root = copy_bank(tmp_path / "bank")
    md = root / "questions" / "distillation" / CODE_Q / "question.md"
    lines = md.read_text(encoding="utf-8").splitlines()
    at = lines.index("## Problem") + 2  # 0-based index of the problem's first text line
    lines.insert(at, r"A broken formula $\frac{1}{2$ here.")
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SiteBuildError) as err:
        build_site(load_bank(root), tmp_path / "site")
    message = str(err.value)
    assert f"questions/distillation/{CODE_Q}/question.md:{at + 1}:" in message
    assert r"\frac{1}{2" in message and "Fix each formula" in message
    assert not (tmp_path / "site" / "index.html").exists()


def test_latex_error_in_display_math_names_its_line(tmp_path: Path) -> None:
    root = copy_bank(tmp_path / "bank")
    md = root / "questions" / "foundations" / CONCEPT_Q / "question.md"
    text = md.read_text(encoding="utf-8").replace(r"\mathbb{E}_{x}", r"\mathbb{E}_{x}\nosuchmacro")
    md.write_text(text, encoding="utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if r"\nosuchmacro" in s)
    with pytest.raises(SiteBuildError) as err:
        build_site(load_bank(root), tmp_path / "site")
    # a display formula is reported at its opening $$ line, just above the bad macro
    assert re.search(rf"question\.md:({line - 2}|{line - 1}|{line}): LaTeX error", str(err.value))
    assert r"\nosuchmacro" in str(err.value)


def test_title_and_raw_html_are_escaped(tmp_path: Path) -> None:
    root = copy_bank(tmp_path / "bank")
    md = root / "questions" / "distillation" / CODE_Q / "question.md"
    text = md.read_text(encoding="utf-8")
    text = text.replace("title: Hinton knowledge-distillation loss",
                        "title: \"<script>alert('t')</script> & KD\"")
    text = text.replace("## Problem\n", "## Problem\n\n<img src=x onerror=alert(1)> raw html\n")
    md.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    build_site(load_bank(root), site)
    for page in (site / "questions" / f"{CODE_Q}.html", site / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "&lt;script&gt;alert(" in html, page
        assert "&amp; KD" in html
    question = (site / "questions" / f"{CODE_Q}.html").read_text(encoding="utf-8")
    assert "<img src=x" not in question and "&lt;img src=x onerror=alert(1)&gt;" in question
    index = (site / search.index_file("en")).read_text(encoding="utf-8")
    assert "<script>" not in index and "\\u003cscript>" in index


def test_missing_javascript_engine_is_a_clear_error(fixture_bank: Bank, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(katex, "_context", None)
    monkeypatch.setitem(__import__("sys").modules, "py_mini_racer", None)  # import fails
    with pytest.raises(SiteBuildError, match="mini-racer") as err:
        build_site(fixture_bank, tmp_path / "site")
    assert "pip install" in str(err.value)
    assert not (tmp_path / "site").exists()


def test_math_needs_no_node(fixture_bank: Bank, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node (nor anything else) on PATH
    report = build_site(fixture_bank, tmp_path / "site")
    assert report.formulas > 10
    page = (tmp_path / "site" / "questions" / f"{CODE_Q}.html").read_text(encoding="utf-8")
    assert 'class="katex"' in page and "<math" in page


def test_refuses_to_clear_a_folder_it_did_not_make(fixture_bank: Bank, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(SiteBuildError, match="not made by"):
        build_site(fixture_bank, out)
    assert (out / "notes.txt").read_text() == "keep me"
    site = tmp_path / "site"
    build_site(fixture_bank, site)
    (site / "stale.html").write_text("old")
    build_site(fixture_bank, site)  # a rebuild clears what the last build left
    assert not (site / "stale.html").exists() and (site / "index.html").is_file()


def test_server_serves_the_site_on_loopback(fixture_site: Path) -> None:
    server = make_server(fixture_site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/questions/{CODE_Q}.html",
                                    timeout=10) as resp:
            assert resp.status == 200 and b"Hinton knowledge-distillation loss" in resp.read()
    finally:
        server.shutdown()
        server.server_close()


def test_serving_a_folder_without_a_site_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SiteBuildError, match="judge site build"):
        make_server(tmp_path, "127.0.0.1", 0)


def test_a_busy_port_is_a_usage_error(fixture_site: Path) -> None:
    first = make_server(fixture_site, "127.0.0.1", 0)
    try:
        with pytest.raises(UsageError, match="cannot listen on 127.0.0.1") as err:
            make_server(fixture_site, "127.0.0.1", first.server_address[1])
        assert err.value.exit_code == 2 and "--port" in str(err.value)
    finally:
        first.server_close()


def test_escaped_dollar_is_a_literal_dollar(tmp_path: Path) -> None:
    root = copy_bank(tmp_path / "bank")
    md = root / "questions" / "foundations" / CONCEPT_Q / "question.md"
    text = md.read_text(encoding="utf-8").replace(
        "## Problem\n", "## Problem\n\nA query costs \\$3 and a batch \\$20, not $x$.\n")
    md.write_text(text, encoding="utf-8")
    build_site(load_bank(root), tmp_path / "site")
    page = parse_page(tmp_path / "site" / "questions" / f"{CONCEPT_Q}.html")
    assert "A query costs $3 and a batch $20, not" in " ".join(page.text)
