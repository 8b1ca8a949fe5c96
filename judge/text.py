"""Text from untrusted sources made safe to print on a terminal.

A submission controls its output, its error messages and (in ``grade``) its file name. Printed
raw, an escape sequence or a carriage return can rewrite what the terminal shows, for example
forge an "Accepted" row in a grade table. JSON documents keep the text intact; only what goes to
a terminal passes through here.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode format characters that
# reorder or hide text (bidirectional overrides and isolates, zero-width marks, line/paragraph
# separators).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """Escape control and reordering characters; keep newlines and tabs."""
    return _UNSAFE.sub(_escape, text)


def safe_line(text: str) -> str:
    """Like ``safe`` but also escapes newlines and tabs: for one cell of a table row."""
    return _UNSAFE_LINE.sub(_escape, text)


def clip(text: str, limit: int, note: str = " [... cut]") -> str:
    """At most ``limit`` characters (plus a note saying it was cut)."""
    return text if len(text) <= limit else text[:limit] + note
