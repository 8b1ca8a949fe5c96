"""``judge watch``: re-judge a file on every save, on one warm engine.

Saves come from watchfiles (the Rust ``notify`` watcher: inotify on Linux), keys from the
terminal in cbreak mode (or whole lines when stdin is not a terminal). Both feed one queue that
the loop below reads, so a save and a key press never race.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from judge.engine.runner import Report
from judge.practice.session import Outcome, Session

STEP_MS = 30  # watchfiles waits this long after a change for more changes before yielding
KEYS_HELP = "[h] hidden tests   [t] visible tests   [q] quit"


@dataclass(frozen=True)
class Event:
    kind: str  # "save" or "key"
    value: str = ""


def watch_file(path: Path, events: queue.Queue[Event], stop: threading.Event,
               ready_timeout: float = 10.0) -> threading.Thread:
    """Put a ``save`` event on ``events`` whenever ``path`` is written, created or replaced.

    Returns once the watcher is running (its first idle report), so no save is missed.
    """
    import watchfiles

    target = path.resolve()
    folder = target.parent
    ready = threading.Event()

    def only_target(_change: watchfiles.Change, changed: str) -> bool:
        return Path(changed) == target

    def run() -> None:
        for changes in watchfiles.watch(folder, watch_filter=only_target, step=STEP_MS,
                                        debounce=400, stop_event=stop, rust_timeout=200,
                                        yield_on_timeout=True, recursive=False,
                                        raise_interrupt=False):
            ready.set()
            if changes:
                events.put(Event("save"))

    thread = threading.Thread(target=run, name="metajudge-watch", daemon=True)
    thread.start()
    ready.wait(ready_timeout)
    return thread


def read_keys(events: queue.Queue[Event], stream: TextIO, tty: bool) -> threading.Thread:
    """Put a ``key`` event per key press (terminal) or per line (pipe); ``q`` at end of input."""

    def run() -> None:
        try:
            while True:
                if tty:
                    ch = stream.read(1)
                    if not ch:
                        break
                    events.put(Event("key", ch.lower()))
                else:
                    line = stream.readline()
                    if not line:
                        break
                    events.put(Event("key", line.strip()[:1].lower() or "\n"))
        except (OSError, ValueError):
            pass
        events.put(Event("key", "q"))

    thread = threading.Thread(target=run, name="metajudge-keys", daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def cbreak(stream: TextIO) -> Iterator[None]:
    """Single key presses without Enter, restored on the way out (a no-op off a terminal)."""
    try:
        import termios
        import tty

        fd = stream.fileno()
        saved = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):
        yield
        return
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def run_loop(session: Session, events: queue.Queue[Event], show: Callable[[Outcome, str], None],
             hidden_on_save: bool = False, deadline: float | None = None,
             tick: Callable[[float], None] | None = None, final_keys: str = "") -> Outcome | None:
    """Judge once, then on every save and key until ``q``, a final key or the deadline.

    ``show(outcome, suite)`` displays each result. With a ``deadline`` (time.monotonic()),
    ``tick(seconds_left)`` is called about once a second. A key in ``final_keys`` runs the
    hidden tests and ends the loop; so does the deadline. Returns the final outcome, if any.
    """
    save_suite = "hidden" if hidden_on_save else "public"
    show(session.judge(save_suite), save_suite)
    while True:
        timeout = None if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
        try:
            event = events.get(timeout=timeout)
        except queue.Empty:
            assert deadline is not None
            left = deadline - time.monotonic()
            if left <= 0:
                final = session.judge("hidden")
                show(final, "hidden")
                return final
            if tick is not None:
                tick(left)
            continue
        if event.kind == "save":
            _drain_saves(events)
            show(session.judge(save_suite), save_suite)
        elif event.value in final_keys:
            final = session.judge("hidden")
            show(final, "hidden")
            return final
        elif event.value == "q":
            return None
        elif event.value == "h":
            show(session.judge("hidden"), "hidden")
        elif event.value in ("t", "\n", "\r", " "):
            show(session.judge("public"), "public")


def _drain_saves(events: queue.Queue[Event]) -> None:
    """Fold the saves already queued into this one (an editor may write a file twice)."""
    keep: list[Event] = []
    while True:
        try:
            ev = events.get_nowait()
        except queue.Empty:
            break
        if ev.kind != "save":
            keep.append(ev)
    for ev in keep:
        events.put(ev)


def screen(outcome: Outcome, path: Path, color: bool, footer: str = KEYS_HELP) -> str:
    """The watch view: verdict, one line per test, the first failure in full, the keys."""

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    stamp = time.strftime("%H:%M:%S")
    if outcome.report is None:
        return f"{paint('Waiting', '1;33')}  {outcome.error}\n\n{stamp}  watching {path}\n{footer}\n"
    report: Report = outcome.report
    ok = report.accepted
    suite = "hidden" if report.suite == "hidden" else "visible"
    lines = [paint(report.verdict, "1;32" if ok else "1;31")
             + f"  {report.question}: {report.passed}/{len(report.tests)} {suite} tests passed"
             + f"  ({report.seconds:.2f} s)"]
    if report.message and not report.tests:
        lines.append(f"  {report.message.splitlines()[0]}")
    first = next((t for t in report.tests if t.status != "pass"), None)
    for t in report.tests:
        mark = paint("PASS", "32") if t.status == "pass" else paint("FAIL", "31")
        lines.append(f"  {mark}  {t.name}" + ("" if t.status == "pass" else f"  {t.verdict}"))
    if first is not None:
        lines += ["", f"First failure: {first.name}"]
        lines += [f"  {part}" for part in first.message.splitlines()[:12]]
        if first.output:
            lines.append("  your output:")
            lines += [f"    | {part}" for part in first.output.splitlines()[:10]]
    for warning in report.warnings:
        lines.append(f"warning: {warning}")
    lines += ["", f"{stamp}  watching {path}", footer]
    return "\n".join(lines) + "\n"


def clear_screen(stream: TextIO = sys.stdout) -> None:
    stream.write("\x1b[2J\x1b[H")
    stream.flush()
