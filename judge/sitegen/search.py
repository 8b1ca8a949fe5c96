"""The search index: a JavaScript file that sets a global, so it loads by <script> under file://."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

GLOBAL = "METAJUDGE_INDEX"


def index_script(entries: Iterable[dict[str, Any]]) -> str:
    """``window.METAJUDGE_INDEX = [...]`` with every '<' escaped so no text can end a script."""
    payload = json.dumps(list(entries), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        payload = payload.replace(raw, escaped)
    return f"window.{GLOBAL} = {payload};\n"


def entry(summary: dict[str, Any], text: str) -> dict[str, Any]:
    """One question's record: what the list shows plus the lower-cased text to match."""
    return {
        "id": summary["id"], "title": summary["title"], "url": summary["url"],
        "topic": summary["topic"], "kind": summary["kind"], "difficulty": summary["difficulty"],
        "tags": summary["tags"],
        "text": " ".join([summary["title"], *summary["tags"], summary["topic"], text]).lower(),
    }
