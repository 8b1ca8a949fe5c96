"""The search index: one JavaScript file per language that the index page loads by <script>.

The browser builds a MiniSearch index from these documents when the page opens (about 150
documents take a few milliseconds), so the file holds text, not an inverted index, and works
from file://. Each document has the fields search.js weights: title and tags over the title in
the other language ("alt") and the topic, over the statement (Problem, Examples and quiz
choices), over the answer. To keep the index page small, the statement's start is kept as
written (result snippets are cut from it: SNIPPET_CHARS characters, SNIPPET_CHARS_CJK for
Chinese, whose characters carry more and weigh three bytes each), the rest of the statement as
its MORE_TERMS most distinctive words ("more"), and the answer (explanation, model answer, key
points, mistakes, follow-ups, hints) as its ANSWER_TERMS most distinctive words.

Words are what search.js's tokeniser makes of the text: runs of letters, digits and "_"
(Python's ``\\w``, JavaScript's ``[\\p{L}\\p{N}_]``), lower-cased, minus STOP_WORDS, and runs of
Chinese or Japanese characters split into words by ``Intl.Segmenter``. The builder passes
``segment``, which runs search.js itself in the embedded V8 (katex.call_script), so the build and
the browser agree on Chinese words. Without it (tests, tools) CJK runs are kept whole.

A language is a separate file (``search-index.<lang>.js``) that adds itself to
``window.METAJUDGE_SEARCH[lang]``; a page loads the file of its own language, and search.js loads
the Chinese one on demand when an English page is asked a Chinese query.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

GLOBAL = "METAJUDGE_SEARCH"
FIELDS = ("id", "title", "alt", "topic", "tags", "statement", "more", "answer")
SNIPPET_CHARS = 160  # the statement's start, kept as written for result snippets
SNIPPET_CHARS_CJK = 70  # the same for a Chinese statement (about as much to read)
MORE_TERMS = 16  # most distinctive words kept from the rest of the statement
ANSWER_TERMS = 16  # most distinctive answer words kept per question
WORD = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
CJK_BREAK = re.compile(r"[\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\u300d\uff09]")  # 、。，；：！？」）
# Kept in step with STOP_WORDS in theme/assets/search.js (a test compares the two).
STOP_WORDS = frozenset("""
a an and are as at be but by can do does for from has have how if in into is it its
not of on or so than that the their then there these this those to was we what when where
which while who why will with would you your
""".split())

Segmenter = Callable[[list[str]], list[list[str]]]


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
    alt: str = ""  # the title in the other language, when it differs
    lang: str = "en"  # the language the statement is shown in (English when untranslated)


def index_file(lang: str) -> str:
    """The site-relative path of a language's index file."""
    return f"assets/search-index.{lang}.js"


def terms(text: str) -> list[str]:
    """Lower-cased words of ``text`` minus stop words and one-letter Latin words, in order.

    CJK runs stay whole here; ``segment`` (search.js in V8) splits them as the browser does.
    """
    out = []
    for word in WORD.findall(text.lower()):
        if word in STOP_WORDS or (len(word) < 2 and not CJK.search(word)):
            continue
        out.append(word)
    return out


def python_terms(texts: list[str]) -> list[list[str]]:
    """The Segmenter used without V8: :func:`terms` of each text."""
    return [terms(t) for t in texts]


def _distinctive(candidates: list[list[str]], shown: list[set[str]], limit: int) -> list[str]:
    """Per document, its words not in ``shown`` that best tell it apart (tf-idf), space-separated."""
    df = Counter(t for ts in candidates for t in set(ts))
    n = len(candidates)
    out = []
    for ts, seen in zip(candidates, shown, strict=True):
        tf = Counter(t for t in ts if t not in seen and not t.isdigit())
        ranked = sorted(tf, key=lambda t: (-tf[t] * math.log((1 + n) / df[t]), t))
        out.append(" ".join(ranked[:limit]))
    return out


def distinctive_terms(docs: Sequence[SearchDoc], limit: int = ANSWER_TERMS,
                      segment: Segmenter = python_terms) -> list[str]:
    """For each document, its answer words that best tell it apart (tf-idf), space-separated.

    Words already in the title, tags or statement are left out (those fields match them with a
    higher weight).
    """
    words = segment([d.answer for d in docs])
    shown = [set(ws) for ws in segment([" ".join([d.title, *d.tags, d.statement]) for d in docs])]
    return _distinctive(words, shown, limit)


def split_statement(text: str, limit: int = SNIPPET_CHARS) -> tuple[str, str]:
    """The statement's start as written (cut at a space, or after Chinese punctuation) and the rest.

    A statement with Chinese characters is cut at ``SNIPPET_CHARS_CJK * limit / SNIPPET_CHARS``.
    """
    if CJK.search(text[:limit]):
        limit = limit * SNIPPET_CHARS_CJK // SNIPPET_CHARS
    if len(text) <= limit:
        return text, ""
    window = text[:limit]
    cut = max(window.rfind(" "), max((m.end() for m in CJK_BREAK.finditer(window)), default=-1))
    head = window[:cut].rstrip() if cut > limit // 2 else window
    return head, text[len(head):].strip()


def index_script(lang: str, url: str, docs: Sequence[SearchDoc], topics: dict[str, str],
                 segment: Segmenter = python_terms) -> str:
    """The JavaScript file of one language: fields, documents as arrays, topic names.

    ``url`` is the question page pattern with ``{id}`` (e.g. ``questions/{id}.html``); ``links``
    holds each document's count of incoming related-question links, in document order,
    ``langs`` the language each document's text is in (English where it is not translated), and
    ``cjk`` whether any holds Chinese or Japanese (an English page whose own index has none
    loads the Chinese index for a Chinese query).
    """
    heads, rests = zip(*(split_statement(d.statement) for d in docs), strict=True) if docs else ((), ())
    texts = [*rests, *heads, *(d.answer for d in docs),
             *(" ".join([d.title, d.alt, *d.tags, d.statement]) for d in docs)]
    words = segment(list(texts))
    n = len(docs)
    rest_words, head_words = words[:n], words[n:2 * n]
    answer_words, shown_words = words[2 * n:3 * n], words[3 * n:]
    more = _distinctive(rest_words, [set(h) for h in head_words], MORE_TERMS)
    answers = _distinctive(answer_words, [set(s) for s in shown_words], ANSWER_TERMS)
    rows = [[d.id, d.title, d.alt if d.alt != d.title else "", d.topic, " ".join(d.tags), head,
             m, a] for d, head, m, a in zip(docs, heads, more, answers, strict=True)]
    cjk = any(CJK.search(" ".join(row)) for row in rows)
    payload = _json({"lang": lang, "url": url, "fields": list(FIELDS), "docs": rows,
                     "links": [d.links for d in docs], "langs": [d.lang for d in docs],
                     "cjk": cjk, "topics": topics})
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
