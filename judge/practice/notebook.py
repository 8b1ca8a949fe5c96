"""Practise from Jupyter: judge a function defined in a notebook, in the same sandbox.

    from judge.practice import notebook
    notebook.submit("distillation-loss", distillation_loss)   # the hidden tests
    notebook.test("distillation-loss", distillation_loss)     # the visible tests

Each call returns a ``NotebookResult``: a Jupyter cell shows it as an HTML table, a console as
text. One warm engine serves the whole kernel (started on the first call, closed at exit), so
every call after the first skips the sandbox start and torch import. How the function's code and
the notebook names it uses reach the sandbox: judge/practice/nbsource.py and docs/practice.md.
Every run is written to the same history as ``judge submit``, marked as from the notebook.
"""

from __future__ import annotations

import atexit
import html
import inspect
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.engine.runner import Report
from judge.errors import JudgeError, UsageError
from judge.model import Bank
from judge.practice.nbsource import NotebookError, build_module

__all__ = ["NotebookError", "NotebookResult", "close", "question", "submit", "test", "use"]

_STATE: dict[str, Any] = {}


def use(bank: str | Path | None = None, sandbox: str | None = None) -> None:
    """Choose the bank (default: $METAJUDGE_BANK or this checkout) and the sandbox mode
    (default: $METAJUDGE_SANDBOX or auto). Closes the current engine if the sandbox changes."""
    if sandbox is not None and sandbox != _STATE.get("sandbox"):
        close()
        _STATE["sandbox"] = sandbox
    if bank is not None:
        _STATE.pop("bank", None)
        store = _STATE.pop("store", None)
        if store is not None:
            store.close()
        _STATE["root"] = Path(bank).expanduser()


def _bank() -> Bank:
    if "bank" not in _STATE:
        from judge.bank.loader import load_bank

        _STATE["bank"] = load_bank(_STATE.get("root"))
    bank: Bank = _STATE["bank"]
    return bank


def _engine() -> Any:
    if "engine" not in _STATE:
        from judge.engine.sandbox import Engine

        mode = _STATE.get("sandbox") or os.environ.get("METAJUDGE_SANDBOX") or "auto"
        _STATE["engine"] = Engine(mode)
        atexit.register(close)
    return _STATE["engine"]


def _store() -> Any:
    """The bank's history, kept open for the kernel's life (opening costs more than writing)."""
    if "store" not in _STATE:
        from judge.practice.store import open_store

        bank = _bank()
        _STATE["store"] = open_store(bank.root, set(bank.questions))
    return _STATE["store"]


def close() -> None:
    """Stop the kernel's warm engine and close its history (the next call opens both again)."""
    engine = _STATE.pop("engine", None)
    if engine is not None:
        engine.close()
    store = _STATE.pop("store", None)
    if store is not None:
        store.close()


def question(qid: str) -> Any:
    """The question's statement, shown as Markdown in a notebook (maths left to the notebook)."""
    from judge.bank.loader import find_question
    from judge.practice.render import markdown, question_blocks

    q = find_question(_bank(), qid)
    blocks = [b for b in question_blocks(q) if b.kind != "note"]
    text = "\n\n".join(f"## {b.text}" if b.kind in ("title", "heading") else b.text for b in blocks)
    return _Markdown(text, markdown(blocks))


@dataclass
class _Markdown:
    text: str
    plain: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.plain


@dataclass
class NotebookResult:
    """A judged run: ``verdict``, ``accepted``, the ``report`` and the ``source`` that was sent."""

    report: Report
    source: str

    @property
    def verdict(self) -> str:
        return self.report.verdict

    @property
    def accepted(self) -> bool:
        return self.report.accepted

    def __repr__(self) -> str:
        from judge.engine.results import render

        return render(self.report)

    def _repr_html_(self) -> str:
        return to_html(self.report, self.source)


def _judge(qid: str, objects: tuple[Any, ...], named: dict[str, Any], suite: str,
           caller: dict[str, Any]) -> NotebookResult:
    from judge.bank.loader import find_question
    from judge.engine.runner import run_suite
    from judge.practice.session import record, single_thread
    bank = _bank()
    q = find_question(bank, qid)
    if not q.is_code:
        raise UsageError(f"{q.id} is a concept question: there is no code to judge",
                         f"Read it with notebook.question({q.id!r}).")
    entries = _entries(q.entry_points, objects, named, caller)
    source = build_module(entries, caller)
    engine = _engine()
    with single_thread():
        report = run_suite(engine, q, source.encode("utf-8"), suite, filename="notebook_cells.py")
    try:
        record(_store(), bank, report, source, "notebook")
    except JudgeError as exc:  # the verdict matters more than the history: say so, go on
        report.warnings.append(f"not recorded in the history: {exc}")
    return NotebookResult(report, source)


def _entries(entry_points: tuple[str, ...], objects: tuple[Any, ...], named: dict[str, Any],
             caller: dict[str, Any]) -> dict[str, Any]:
    """Map each entry point to an object: positional in order, by keyword, else by name."""
    if len(objects) > len(entry_points):
        raise UsageError(f"got {len(objects)} objects for {len(entry_points)} entry point(s) "
                         f"({', '.join(entry_points)})", "Pass one function or class per entry point.")
    unknown = [k for k in named if k not in entry_points]
    if unknown:
        raise UsageError(f"{', '.join(unknown)} is not an entry point of this question",
                         f"Its entry points: {', '.join(entry_points)}.")
    entries: dict[str, Any] = dict(zip(entry_points, objects, strict=False))
    for name in entry_points:
        if name in named:
            entries[name] = named[name]
        elif name not in entries:
            if name not in caller:
                raise UsageError(f"this question needs {name!r}, and the notebook defines no such name",
                                 f"Define {name} in a cell, or pass it: submit(qid, {name}=...).")
            entries[name] = caller[name]
    return entries


def submit(qid: str, *objects: Any, **named: Any) -> NotebookResult:
    """Judge the notebook's function(s) on QID's hidden tests (recorded in the history)."""
    frame = inspect.currentframe()
    caller = frame.f_back.f_globals if frame is not None and frame.f_back is not None else {}
    return _judge(qid, objects, named, "hidden", caller)


def test(qid: str, *objects: Any, **named: Any) -> NotebookResult:
    """Run QID's visible tests against the notebook's function(s)."""
    frame = inspect.currentframe()
    caller = frame.f_back.f_globals if frame is not None and frame.f_back is not None else {}
    return _judge(qid, objects, named, "public", caller)


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test function

_COLORS = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#9a6700"}


def to_html(report: Report, source: str = "") -> str:
    """The verdict banner and one table row per test, every text escaped."""
    esc = html.escape
    ok = report.accepted
    color = _COLORS["pass"] if ok else _COLORS["fail"]
    suite = "hidden" if report.suite == "hidden" else "visible"
    rows = []
    for t in report.tests:
        mark = {"pass": "PASS", "fail": "FAIL"}.get(t.status, "ERROR")
        detail = esc(t.message) if t.status != "pass" else ""
        if t.output and t.status != "pass":
            detail += f"<br><b>your output:</b><pre style='margin:0'>{esc(t.output)}</pre>"
        rows.append(
            f"<tr><td style='text-align:left'>{esc(t.name)}</td>"
            f"<td style='color:{_COLORS.get(t.status, '#9a6700')};font-weight:bold'>{mark}</td>"
            f"<td style='text-align:left'>{esc(t.verdict) if t.status != 'pass' else ''}</td>"
            f"<td style='text-align:right'>{t.duration * 1000:.0f} ms</td>"
            f"<td style='text-align:left;white-space:pre-wrap'>{detail}</td></tr>")
    message = f"<div>{esc(report.message.splitlines()[0])}</div>" if report.message and not ok else ""
    warnings = "".join(f"<div style='color:#9a6700'>warning: {esc(w)}</div>" for w in report.warnings)
    code = (f"<details><summary>the module sent to the sandbox</summary><pre>{esc(source)}</pre>"
            "</details>") if source else ""
    return (f"<div class='metajudge-result'>"
            f"<div style='font-size:1.2em;font-weight:bold;color:{color}'>{esc(report.verdict)}</div>"
            f"<div>{esc(report.question)}: {report.passed}/{len(report.tests)} {suite} tests passed "
            f"in {report.seconds:.2f} s (sandbox {esc(report.sandbox)})</div>{message}"
            f"<table><thead><tr><th>test</th><th>result</th><th>verdict</th><th>time</th>"
            f"<th>message</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{warnings}{code}</div>")
