"""The site in two languages, at the core level: pages, lang attributes, labels, the language
switch's targets, both search indexes, and previous/next along learning tracks.

``make_lang_bank(dest)`` builds the bilingual fixture by code from tests/fixtures/site_bank: the
concept question gets a current Chinese translation, the coding task none (it falls back to
English), and a tracks.yaml holds two tracks that order the two questions differently. The
browser tests (test_site_browser_lang.py) use the same builder.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from judge.bank.loader import load_bank
from judge.bank.translation import english_sha, stamp
from judge.model import Bank
from judge.sitegen import build_site, search
from judge.sitegen.context import neighbours, question_url

pytestmark = pytest.mark.xdist_group("site-build")

REPO = Path(__file__).resolve().parent.parent
SITE_BANK = REPO / "tests" / "fixtures" / "site_bank"
CODE_Q = "distillation-loss"
CONCEPT_Q = "distillation-is-meta-learning"
ZH_TITLE = "知识蒸馏算不算元学习？"

CONCEPT_ZH = r"""---
title: 知识蒸馏算不算元学习？
choices:
  - text: "算，始终算：任何向教师学习的学生都是在做元学习。"
    why: "普通的蒸馏只有一个固定的教师和一层优化：没有任何东西在学习如何学习。"
  - text: >-
      只有当某个量是穿过学生的学习过程来优化时才算，例如按学生更新后的损失
      $\mathcal{L}(\theta'(\phi))$ 来训练教师。
    why: "这样目标就成了双层优化，而这正是基于优化的元学习的定义性结构。"
  - text: "从来不算：元学习需要一个任务分布。"
    why: "元蒸馏方法在学生的多次更新之间优化教师；这里的任务可以是训练的一步步。"
---

## Problem

面试官问：“Hinton 式的知识蒸馏训练一个学生 $f_{\boldsymbol{\theta}}$ 去拟合教师软化后的输出。
这算元学习吗？什么时候它会变成元学习？”

## Answer

普通的蒸馏不是元学习。教师的参数 $\phi$ 是固定的，学生解的是一个普通的优化问题：

$$
\boldsymbol{\theta}^* = \arg\min_{\boldsymbol{\theta}} \; \mathbb{E}_{x}\,
\mathrm{KL}\!\left(p_\phi(\cdot \mid x) \,\|\, q_{\boldsymbol{\theta}}(\cdot \mid x)\right).
$$

当教师（或温度、或损失的权重）本身是通过对学生的学习过程求导来学习时，它就成了元学习，
问题也随之变成双层优化：

$$
\begin{aligned}
\theta'(\phi) &= \theta - \alpha \nabla_\theta \mathcal{L}_{\text{distill}}(\theta, \phi) \\
\phi &\leftarrow \phi - \beta \nabla_\phi \mathcal{L}_{\text{val}}\big(\theta'(\phi)\big)
\end{aligned}
$$

这与 MAML 的内循环和外循环结构相同：外层变量的好坏，取决于内层学习者适应之后表现如何。

## Key points

- 元学习需要一个在内层学习过程之后才评估的外层目标。
- 固定教师的蒸馏只有一层；穿过学生的更新去学习教师，就变成了两层。
- 梯度 $\nabla_\phi \mathcal{L}_{\text{val}}(\theta'(\phi))$ 要穿过 $\theta'$，需要二阶项（或一阶近似）。

## Common mistakes

- 把任何师生结构都叫作元学习：固定的教师只是一个软目标。
- 说元学习需要许多数据集：内层的“任务”可以是同一次训练中的一步步。

## Follow-ups

- 怎样让外层梯度变得便宜（一阶近似、隐式微分）？
- 温度 $T$ 对软损失的梯度有什么影响？为什么要乘以 $T^2$？

## Explanation

元蒸馏的论文按学生更新后的验证损失来训练教师，于是教师学会了怎样教。普通的蒸馏传递的是
“暗知识”，但没有外循环。
"""

TRACKS = """\
tracks:
  - id: code-first
    title: Code first
    description: The coding task, then the concept behind it.
    questions: [distillation-loss, distillation-is-meta-learning]
  - id: concept-first
    title: Concept first
    description: The concept, then the coding task.
    questions: [distillation-is-meta-learning, distillation-loss]
"""


_REAL: dict[str, Path] = {}


def repository_site(factory: pytest.TempPathFactory) -> Path:
    """The repository bank's site ($METAJUDGE_BANK overrides the bank), built once per test
    process: test_site_build, test_site_pages and test_site_search read it, none changes it."""
    if "site" not in _REAL:
        out = factory.mktemp("repository-site") / "site"
        build_site(load_bank(), out)
        _REAL["site"] = out
    return _REAL["site"]


def make_lang_bank(dest: Path, stale: bool = False) -> Path:
    """The site fixture with a Chinese concept question and two tracks, under ``dest``.

    With ``stale``, the translation is stamped against an older English file (so the Chinese
    pages must show the English text instead).
    """
    shutil.copytree(SITE_BANK, dest, ignore=shutil.ignore_patterns("__pycache__"))
    folder = dest / "questions" / "foundations" / CONCEPT_Q
    (folder / "question.zh.md").write_text(CONCEPT_ZH, encoding="utf-8")
    (dest / "tracks.yaml").write_text(TRACKS, encoding="utf-8")
    stamp(load_bank(dest).questions[CONCEPT_Q])
    if stale:
        path = folder / "question.zh.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(english_sha(load_bank(dest).questions[CONCEPT_Q]),
                                     "0123456789ab"), encoding="utf-8")
    return dest


class Page(HTMLParser):
    """Elements with their attributes and the language each text is in (the nearest lang)."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "col", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[tuple[str, str, dict[str, str]]] = []  # (tag, lang, attrs)
        self.texts: list[tuple[str, str, tuple[str, ...]]] = []  # (text, lang, ids up the tree)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag in self.VOID:
            return
        lang = a.get("lang", self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, lang, a))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        skip = {"script", "style", "title"}
        if data.strip() and self.stack and self.stack[-1][0] not in skip:
            ids = tuple(a.get("id", "") for _, _, a in self.stack if a.get("id"))
            self.texts.append((data.strip(), self.stack[-1][1], ids))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags
                if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def lang_of(self, needle: str) -> str:
        """The language of the first text that contains ``needle``."""
        for text, lang, _ in self.texts:
            if needle in text:
                return lang
        raise AssertionError(f"{needle!r} is not on the page")

    def langs_in(self, section_id: str) -> set[str]:
        return {lang for _, lang, ids in self.texts if section_id in ids}


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def lang_bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return load_bank(make_lang_bank(tmp_path_factory.mktemp("lang-bank") / "bank"))


@pytest.fixture(scope="module")
def lang_site(lang_bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lang-site") / "site"
    build_site(lang_bank, out)
    return out


# ---------------------------------------------------------------- pages and lang attributes


def test_every_page_exists_in_both_languages_and_links_its_counterpart(lang_site: Path) -> None:
    pages = sorted(p.relative_to(lang_site).as_posix() for p in lang_site.rglob("*.html"))
    english = [p for p in pages if not p.endswith(".zh.html")]
    assert sorted(p.removesuffix(".html") + ".zh.html" for p in english) == \
        sorted(p for p in pages if p.endswith(".zh.html"))
    for rel in pages:
        page = parse(lang_site / rel)
        zh = rel.endswith(".zh.html")
        html = page.find("html")[0]
        assert (html["lang"], html["data-lang"]) == (("zh-Hans", "zh") if zh else ("en", "en")), rel
        counterpart = rel.replace(".zh.html", ".html") if zh else rel.removesuffix(".html") + ".zh.html"
        alternate = page.find("link", rel="alternate")
        switch = page.find("a", id="lang-switch")
        for link in (alternate[0], switch[0]):
            assert (lang_site / rel).parent.joinpath(link["href"]).resolve() == \
                (lang_site / counterpart).resolve(), rel
            assert link["hreflang"] == ("en" if zh else "zh-Hans"), rel
        assert switch[0]["lang"] == switch[0]["hreflang"]
        assert page.lang_of("English" if zh else "中文") == switch[0]["lang"]


def test_a_translated_question_is_chinese_with_no_english_left(lang_site: Path) -> None:
    page = parse(lang_site / question_url(CONCEPT_Q, "zh"))
    assert page.lang_of(ZH_TITLE) == "zh-Hans"
    assert page.find("h1", id="title")[0].get("lang") is None  # the page's own language
    assert page.lang_of("普通的蒸馏不是元学习") == "zh-Hans"
    assert page.lang_of("这样目标就成了双层优化") == "zh-Hans"  # a quiz explanation
    for section in ("problem", "quiz", "answer"):
        assert page.langs_in(section) == {"zh-Hans"}, section
    labels = [text for text, _, _ in page.texts]
    for label in ("题目", "选择题", "参考答案", "要点", "常见错误", "追问", "解析", "本地练习", "相关题目"):
        assert label in labels, label
    for english in ("Problem", "Quiz answer", "Model answer", "Key points", "Related questions",
                    "Practise locally", "Skip to content"):
        assert english not in labels, english
    assert not page.find("p", id="translation-note")
    # references (paper titles) stay in English, and say so
    assert page.lang_of("Distilling the Knowledge in a Neural Network") == "en"


def test_an_untranslated_question_shows_english_marked_lang_en(lang_site: Path,
                                                                lang_bank: Bank) -> None:
    page = parse(lang_site / question_url(CODE_Q, "zh"))
    q = lang_bank.questions[CODE_Q]
    assert page.lang_of(q.title) == "en"
    assert page.lang_of("Implement the knowledge-distillation loss") == "en"
    assert page.lang_of("A trained teacher puts small") == "en"  # the explanation
    assert page.lang_of("as probabilities, and computes") == "en"  # a hint
    assert page.find("p", id="translation-note")[0]["data-state"] == "missing"
    assert page.lang_of("还没有中文译文") == "zh-Hans"
    labels = {text for text, lang, _ in page.texts if lang == "zh-Hans"}
    assert {"题目", "示例", "提示", "起始代码", "显示解答与解析"} <= labels


def test_a_stale_translation_falls_back_to_english(tmp_path: Path) -> None:
    bank = load_bank(make_lang_bank(tmp_path / "bank", stale=True))
    assert bank.questions[CONCEPT_Q].translations["zh"].stale
    build_site(bank, tmp_path / "site")
    page = parse(tmp_path / "site" / question_url(CONCEPT_Q, "zh"))
    assert page.lang_of(bank.questions[CONCEPT_Q].title) == "en"
    assert page.lang_of("Plain distillation is not meta-learning") == "en"
    assert "普通的蒸馏不是元学习" not in (tmp_path / "site" / question_url(CONCEPT_Q, "zh")).read_text()
    assert page.find("p", id="translation-note")[0]["data-state"] == "stale"
    assert page.lang_of("尚待更新") == "zh-Hans"
    index = (tmp_path / "site" / search.index_file("zh")).read_text(encoding="utf-8")
    doc = next(d for d in search.documents(search.read_index(index)) if d["id"] == CONCEPT_Q)
    assert doc["title"] == bank.questions[CONCEPT_Q].title


def test_list_items_mark_titles_in_the_other_language(lang_site: Path, lang_bank: Bank) -> None:
    page = parse(lang_site / "index.zh.html")
    assert page.lang_of(ZH_TITLE) == "zh-Hans"
    assert page.lang_of(lang_bank.questions[CODE_Q].title) == "en"
    assert page.lang_of("知识蒸馏") == "zh-Hans"  # a topic name, translated
    assert page.lang_of("Code first") == "en"  # tracks.yaml is written in English
    english = parse(lang_site / "index.html")
    assert {lang for text, lang, _ in english.texts if text != "中文"} == {"en"}
    assert ZH_TITLE not in (lang_site / "index.html").read_text(encoding="utf-8")


def test_chinese_pages_link_only_to_chinese_pages(lang_site: Path) -> None:
    for path in lang_site.rglob("*.zh.html"):
        page = parse(path)
        for a in page.find("a"):
            href = a["href"].split("#")[0].split("?")[0]
            if not href or href.startswith(("http://", "https://")) or a.get("id") == "lang-switch":
                continue
            assert href.endswith(".zh.html"), f"{path.name} links {a['href']}"
        for form in page.find("form"):
            assert form["action"].endswith("index.zh.html")


def test_descriptions_are_chinese_where_the_text_is(lang_site: Path) -> None:
    meta = parse(lang_site / question_url(CONCEPT_Q, "zh")).find("meta", name="description")
    assert meta[0]["content"].startswith("面试官问") and len(meta[0]["content"]) <= 80
    index = parse(lang_site / "index.zh.html").find("meta", name="description")
    assert "元学习" in index[0]["content"]


# ---------------------------------------------------------------- search in both languages


def test_the_chinese_index_holds_chinese_words_and_english_titles(lang_site: Path,
                                                                  lang_bank: Bank) -> None:
    data = search.read_index((lang_site / search.index_file("zh")).read_text(encoding="utf-8"))
    docs = {d["id"]: d for d in search.documents(data)}
    assert data["lang"] == "zh" and data["url"] == "questions/{id}.zh.html"
    assert docs[CONCEPT_Q]["title"] == ZH_TITLE
    assert docs[CONCEPT_Q]["alt"] == lang_bank.questions[CONCEPT_Q].title
    assert docs[CODE_Q]["alt"] == ""  # untranslated: the title is already English
    assert dict(zip(docs, data["langs"], strict=True)) == {CONCEPT_Q: "zh", CODE_Q: "en"}
    # Chinese words come split as the browser splits them (Intl.Segmenter in V8), not as runs
    words = (docs[CONCEPT_Q]["more"] + " " + docs[CONCEPT_Q]["answer"]).split()
    assert words and all(len(w) <= 6 for w in words if search.CJK.search(w)), words
    english = search.read_index((lang_site / search.index_file("en")).read_text(encoding="utf-8"))
    assert not search.CJK.search(str(english["docs"])) and english["cjk"] is False
    assert data["cjk"] is True


# ---------------------------------------------------------------- previous/next along tracks


def test_prev_next_follow_the_first_track_that_holds_the_question(lang_bank: Bank) -> None:
    from judge.bank.tracks import load_tracks
    from judge.sitegen.build import site_order

    order = site_order(lang_bank)
    tracks = load_tracks(lang_bank)
    assert order == [CONCEPT_Q, CODE_Q]  # the reading order: foundations first
    assert neighbours(order, CODE_Q, tracks) == (None, CONCEPT_Q)  # track "code-first"
    assert neighbours(order, CODE_Q, tracks, "concept-first") == (CONCEPT_Q, None)
    assert neighbours(order, CODE_Q, tracks, "no-such-track") == (None, CONCEPT_Q)
    assert neighbours(order, CODE_Q) == (CONCEPT_Q, None)  # no tracks: the reading order


def test_question_pages_carry_every_track_for_the_script(lang_site: Path) -> None:
    html = (lang_site / question_url(CODE_Q)).read_text(encoding="utf-8")
    nav = html[html.index('<nav class="prev-next"'):]
    assert 'rel="next" href="../questions/distillation-is-meta-learning.html"' in nav
    assert 'rel="prev"' not in nav
    assert "Track: <span>Code first</span>, step 1 of 2" in nav
    data = re.search(r'<script type="application/json" id="track-data">(.*?)</script>', html)
    assert data is not None
    steps = {t["id"]: t for t in json.loads(data.group(1))}
    assert steps["concept-first"]["prev"]["url"] == question_url(CONCEPT_Q)
    assert steps["concept-first"]["next"] is None and steps["code-first"]["step"] == 1
    zh = (lang_site / question_url(CODE_Q, "zh")).read_text(encoding="utf-8")
    assert "学习路线：" in zh and 'lang="en">Code first' in zh
    assert f'href="../questions/{CONCEPT_Q}.zh.html' in zh[zh.index('<nav class="prev-next"'):]


def test_the_index_lists_tracks_before_topics_with_links_that_name_the_track(
        lang_site: Path) -> None:
    html = (lang_site / "index.html").read_text(encoding="utf-8")
    assert html.index('id="tracks"') < html.index('id="topics"') < html.index('id="questions"')
    assert f'href="questions/{CODE_Q}.html?track=code-first"' in html
    assert f'href="questions/{CONCEPT_Q}.html?track=concept-first"' in html
    zh = (lang_site / "index.zh.html").read_text(encoding="utf-8")
    assert f'href="questions/{CODE_Q}.zh.html?track=code-first"' in zh and "学习路线" in zh
