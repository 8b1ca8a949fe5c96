"""The schema of every message a job sends the judge, checked before anything is used.

A job's socket is the submission's to write: it can send any bytes at any time. So each message
is checked here against an explicit schema (keys, types, sizes); anything else is a
``ProtocolError``, which the judge files as the submission's failure. Text fields are cut to a
fixed length here, so no message can make the judge keep or print more than that.

Messages:
- after the import: ``{"ready": true}`` or ``{"ready": false, "error": ERROR}``
- after each call: ``{"ok": true, "value": TREE}`` (see judge/engine/wire.py) or
  ``{"ok": false, "error": ERROR}``
- ERROR: ``{"kind": KIND, "type": str, "message": str, "frames": [FRAME, ...]}``, FRAME:
  ``{"line": int, "function": str, "code": str}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("syntax", "import", "import-runtime", "memory", "missing", "exception", "result")
MAX_TYPE = 100
MAX_MESSAGE = 2000
MAX_FRAMES = 20
MAX_FUNCTION = 100
MAX_CODE = 200
# what a job may send the judge in one reply: a header of plain data and tensor bytes
MAX_REPLY_HEADER = 2 * 1024 * 1024


class ProtocolError(Exception):
    """A message from a job that does not follow the schema."""


@dataclass(frozen=True)
class Frame:
    line: int
    function: str
    code: str


@dataclass(frozen=True)
class ErrorInfo:
    kind: str
    type: str
    message: str
    frames: tuple[Frame, ...] = ()

    def describe(self) -> str:
        """'ValueError: bad shape (your line 12: x = y.view(3))'."""
        text = self.message if self.kind == "missing" else (
            f"{self.type}: {self.message}" if self.message else self.type)
        if self.frames:
            last = self.frames[-1]
            text += f" (your line {last.line}: {last.code[:120]})"
        return text


@dataclass(frozen=True)
class Reply:
    ok: bool
    value: Any = None  # the undecoded tree when ok
    error: ErrorInfo | None = None


def _exact_keys(obj: Any, required: set[str], optional: set[str], what: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ProtocolError(f"{what} is not an object")
    keys = set(obj)
    if not required <= keys or not keys <= required | optional:
        raise ProtocolError(f"{what} has unexpected fields")
    return obj


def _text(obj: dict[str, Any], key: str, limit: int, what: str) -> str:
    value = obj.get(key)
    if type(value) is not str:
        raise ProtocolError(f"{what}.{key} is not text")
    return value[:limit] + ("..." if len(value) > limit else "")


def parse_error(obj: Any) -> ErrorInfo:
    err = _exact_keys(obj, {"kind", "type", "message", "frames"}, set(), "error")
    kind = err["kind"]
    if kind not in KINDS:
        raise ProtocolError("error.kind is not one of the known kinds")
    frames_in = err["frames"]
    if not isinstance(frames_in, list) or len(frames_in) > MAX_FRAMES:
        raise ProtocolError("error.frames is not a short list")
    frames = []
    for raw in frames_in:
        frame = _exact_keys(raw, {"line", "function", "code"}, set(), "frame")
        if type(frame["line"]) is not int or not 0 <= frame["line"] < 10**9:
            raise ProtocolError("frame.line is not a line number")
        frames.append(Frame(frame["line"], _text(frame, "function", MAX_FUNCTION, "frame"),
                            _text(frame, "code", MAX_CODE, "frame")))
    return ErrorInfo(kind, _text(err, "type", MAX_TYPE, "error"),
                     _text(err, "message", MAX_MESSAGE, "error"), tuple(frames))


def parse_ready(header: Any) -> ErrorInfo | None:
    """None when the submission imported; else why it did not."""
    msg = _exact_keys(header, {"ready"}, {"error"}, "message")
    if msg["ready"] is True and "error" not in msg:
        return None
    if msg["ready"] is False and "error" in msg:
        return parse_error(msg["error"])
    raise ProtocolError("malformed import reply")


def parse_reply(header: Any) -> Reply:
    msg = _exact_keys(header, {"ok"}, {"value", "error"}, "reply")
    if msg["ok"] is True and "value" in msg and "error" not in msg:
        return Reply(True, value=msg["value"])
    if msg["ok"] is False and "error" in msg and "value" not in msg:
        return Reply(False, error=parse_error(msg["error"]))
    raise ProtocolError("malformed call reply")
