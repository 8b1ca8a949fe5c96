"""The search index: one JavaScript file per language that the index page loads by <script>.

The browser builds a MiniSearch index from these documents when the page opens (about 100
documents take a few milliseconds), so the file holds text, not an inverted index, and works
from file://. Each document has the fields search.js weights: title and tags over topic, over the
statement (Problem, Examples and quiz choices), over the answer. To keep the index page small,
the statement's first SNIPPET_CHARS characters are kept as written (result snippets are cut from
them) and the rest as its MORE_TERMS most distinctive other words ("more"); the answer
(explanation, model answer, key points, mistakes, follow-ups, hints) as its ANSWER_TERMS most
distinctive words. "Distinctive" is tf-idf over the bank: a word every question uses tells the
questions apart no better than none, and the index page stays under 250 KB.

Tokenising is shared with search.js: words are runs of letters, digits and "_" (Python's ``\\w``,
JavaScript's ``[\\p{L}\\p{N}_]``), lower-cased, minus STOP_WORDS. A run of Chinese or Japanese
characters is never split here: the browser segments it with ``Intl.Segmenter``, on documents and
queries alike, so both sides agree.

A language is a separate file (``search-index.<lang>.js``) that adds itself to
``window.METAJUDGE_SEARCH[lang]``; a page loads the file of its own language.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

GLOBAL = "METAJUDGE_SEARCH"
FIELDS = ("id", "title", "topic", "tags", "statement", "more", "answer")
SNIPPET_CHARS = 160  # the statement's start, kept as written for result snippets
MORE_TERMS = 20  # most distinctive words of the statement's rest kept per question
ANSWER_TERMS = 20  # most distinctive answer words kept per question (CJK runs are all kept)
WORD = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Kept in step with STOP_WORDS in theme/assets/search.js (a test compares the two).
STOP_WORDS = frozenset("""
a an and are as at be but by can do does for from has have how if in into is it its
not of on or so than that the their then there these this those to was we what when where
which while who why will with would you your
""".split())


@dataclass(frozen=True)
class SearchDoc:
    """One question in one language, as the search sees it."""

    id: str
    title: str
    topic: str
    tags: tuple[str, ...]
    statement: str
    answer: str  # the full answer text; index_script keeps its distinctive terms
    links: int = 0  # how many other questions list this one as related


def index_file(lang: str) -> str:
    """The site-relative path of a language's index file."""
    return f"assets/search-index.{lang}.js"


def terms(text: str) -> list[str]:
    """Lower-cased words of ``text`` minus stop words and one-letter Latin words, in order."""
    out = []
    for word in WORD.findall(text.lower()):
        if word in STOP_WORDS or (len(word) < 2 and not CJK.search(word)):
            continue
        out.append(word)
    return out


def distinctive_terms(docs: Sequence[SearchDoc], limit: int = ANSWER_TERMS) -> list[str]:
    """For each document, its answer words that best tell it apart (tf-idf), space-separated.

    Words already in the title, tags or statement are left out (those fields match them with a
    higher weight). Runs of CJK characters are all kept: they are split only in the browser.
    """
    shown = [set(terms(" ".join([d.title, *d.tags, d.statement]))) for d in docs]
    return rank_terms([terms(d.answer) for d in docs], shown, limit)


def rank_terms(texts: Sequence[list[str]], shown: Sequence[set[str]], limit: int) -> list[str]:
    """Per text, its ``limit`` words of highest tf-idf not in its ``shown`` set, plus CJK runs."""
    df = Counter(t for ts in texts for t in set(ts))
    n = len(texts)
    out = []
    for ts, seen in zip(texts, shown, strict=True):
        tf = Counter(t for t in ts if t not in seen)
        cjk = [t for t in tf if CJK.search(t)]
        latin = [t for t in tf if not CJK.search(t) and not t.isdigit()]
        latin.sort(key=lambda t: (-tf[t] * math.log((1 + n) / df[t]), t))
        out.append(" ".join(latin[:limit] + cjk))
    return out


def split_statement(text: str, limit: int = SNIPPET_CHARS) -> tuple[str, str]:
    """The statement's start (cut at a space) and its remaining words not already in it."""
    if len(text) <= limit:
        return text, ""
    head = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    seen = set(terms(head))
    rest = [t for t in dict.fromkeys(terms(text[len(head):])) if t not in seen]
    return head, " ".join(rest)


def index_script(lang: str, url: str, docs: Sequence[SearchDoc], topics: dict[str, str]) -> str:
    """The JavaScript file of one language: fields, documents as arrays, topic names.

    ``url`` is the question page pattern with ``{id}`` (e.g. ``questions/{id}.html``); ``links``
    holds each document's count of incoming related-question links, in document order.
    """
    answers = distinctive_terms(docs)
    parts = [split_statement(d.statement) for d in docs]
    heads = [head for head, _ in parts]
    shown = [set(terms(" ".join([d.title, *d.tags, head])))
             for d, (head, _) in zip(docs, parts, strict=True)]
    rest_terms = [terms(d.statement[len(head):]) for d, (head, _) in zip(docs, parts, strict=True)]
    more = rank_terms(rest_terms, shown, MORE_TERMS)
    rows = [[d.id, d.title, d.topic, " ".join(d.tags), head, rest, answer]
            for d, head, rest, answer in zip(docs, heads, more, answers, strict=True)]
    payload = _json({"lang": lang, "url": url, "fields": list(FIELDS), "docs": rows,
                     "links": [d.links for d in docs], "topics": topics})
    return f"(window.{GLOBAL} = window.{GLOBAL} || {{}})[{_json(lang)}] = {payload};\n"


def read_index(script: str) -> dict[str, object]:
    """The data of an index file (for tests and tools): ``{"lang", "fields", "docs", ...}``."""
    data: dict[str, object] = json.loads(script.split("] = ", 1)[1].rstrip().rstrip(";"))
    return data


def documents(data: dict[str, object]) -> list[dict[str, str]]:
    """The documents of ``read_index`` output as dicts keyed by field."""
    fields = list(data["fields"])  # type: ignore[call-overload]
    return [dict(zip(fields, row, strict=True)) for row in data["docs"]]  # type: ignore[attr-defined]


def _json(value: object) -> str:
    """Compact JSON that cannot end a <script>: every '<' and line separator is escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text
