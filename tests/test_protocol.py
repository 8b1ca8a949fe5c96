"""The job-to-judge message schema, the submission-file reader and terminal-safe text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from judge.engine import protocol
from judge.engine.files import read_source
from judge.errors import SubmissionFileError
from judge.text import safe, safe_line


def _error(**over: object) -> dict:
    err = {"kind": "exception", "type": "ValueError", "message": "bad", "frames": []}
    err.update(over)
    return err


def test_well_formed_messages_parse() -> None:
    assert protocol.parse_ready({"ready": True}) is None
    info = protocol.parse_ready({"ready": False, "error": _error(
        kind="syntax", frames=[{"line": 3, "function": "<module>", "code": "x ="}])})
    assert info is not None and info.describe() == "ValueError: bad (your line 3: x =)"
    reply = protocol.parse_reply({"ok": True, "value": {"t": "atom", "v": None}})
    assert reply.ok and reply.value == {"t": "atom", "v": None}


@pytest.mark.parametrize("message", [
    {"ok": False, "error": "a string"},
    {"ok": False, "error": _error(kind="judge")},
    {"ok": False, "error": _error(frames="x")},
    {"ok": False, "error": _error(frames=[{"line": "3", "function": "f", "code": ""}])},
    {"ok": False, "error": _error(type=7)},
    {"ok": False, "error": _error(extra=1)},
    {"ok": True},
    {"ok": True, "value": 1, "error": _error()},
    {"ok": 1, "value": 1},
    [],
    {"ok": True, "value": None, "more": 1},
])
def test_malformed_replies_are_protocol_errors(message: object) -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_reply(message)


def test_text_fields_are_cut() -> None:
    info = protocol.parse_error(_error(message="A" * 10**6, type="T" * 500, frames=[
        {"line": 1, "function": "f" * 500, "code": "c" * 500}] * protocol.MAX_FRAMES))
    assert len(info.message) <= protocol.MAX_MESSAGE + 3 and len(info.type) <= protocol.MAX_TYPE + 3
    assert all(len(f.code) <= protocol.MAX_CODE + 3 for f in info.frames)
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_error(_error(frames=[{"line": 1, "function": "f", "code": ""}] * 21))


def test_read_source_refuses_what_is_not_a_regular_utf8_file(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text("def f():\n    return 1\n")
    assert read_source(good) == good.read_bytes()
    link = tmp_path / "link.py"
    link.symlink_to(good)
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    big = tmp_path / "big.py"
    big.write_bytes(b"#" * (1024 * 1024 + 1))
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# caf\xe9\n")
    cases = {link: "symbolic link", fifo: "not a regular file", big: "larger than",
             latin: "not UTF-8", tmp_path: "is a folder", tmp_path / "missing.py": "does not exist"}
    for path, reason in cases.items():
        with pytest.raises(SubmissionFileError) as info:
            read_source(path)
        assert reason in info.value.reason and str(path) in str(info.value)


def test_terminal_text_is_escaped() -> None:
    assert safe("ok\n\tline") == "ok\n\tline"
    assert safe("\x1b[2J\rA\x07\u202e") == "\\x1b[2J\\x0dA\\x07\\u202e"
    assert safe_line("a\nb\r") == "a\\x0ab\\x0d"
