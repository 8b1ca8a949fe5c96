"""The watch loop on a real engine and a real file watcher: saves, keys, a deadline."""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import pytest

from judge.engine.sandbox import Engine
from judge.model import Bank
from judge.practice.session import Outcome, Session
from judge.practice.store import open_store
from judge.practice.watch import Event, run_loop, screen, watch_file

SOL = Path(__file__).resolve().parent / "fixtures/mini/solutions/distillation/distillation-loss"


class Loop:
    """run_loop in a thread, with its results on a queue."""

    def __init__(self, session: Session, **kwargs: object) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.results: queue.Queue[tuple[Outcome, str]] = queue.Queue()
        self.stop = threading.Event()
        self.returned: list[Outcome | None] = []
        watch_file(session.path, self.events, self.stop)

        def run() -> None:
            self.returned.append(run_loop(session, self.events, lambda o, s: self.results.put((o, s)),
                                          **kwargs))  # type: ignore[arg-type]

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def next(self) -> tuple[str, str]:
        outcome, suite = self.results.get(timeout=60)
        return (outcome.report.verdict if outcome.report else outcome.error), suite

    def finish(self) -> None:
        self.thread.join(timeout=60)
        self.stop.set()
        assert not self.thread.is_alive()


def test_saves_and_keys_drive_the_loop(engine: Engine, mini_bank: Bank, tmp_path: Path) -> None:
    q = mini_bank.questions["distillation-loss"]
    path = tmp_path / "work" / "solution.py"
    path.parent.mkdir()
    with open_store(mini_bank.root) as store:
        loop = Loop(Session(engine, mini_bank, q, path, store, "watch"))
        verdict, suite = loop.next()
        assert "does not exist" in verdict and suite == "public"  # waits for the file
        path.write_text(q.starter.read_text())
        assert loop.next() == ("Runtime Error", "public")
        path.write_text((SOL / "reference.py").read_text())
        assert loop.next() == ("Accepted", "public")
        loop.events.put(Event("key", "h"))
        assert loop.next() == ("Accepted", "hidden")
        path.write_text((SOL / "wrong/reversed_kl.py").read_text())
        assert loop.next() == ("Wrong Answer", "public")
        loop.events.put(Event("key", "q"))
        loop.finish()
        assert loop.returned == [None]
        runs = store.submissions("distillation-loss")
        assert [(r.suite, r.verdict, r.origin) for r in runs] == [
            ("public", "Runtime Error", "watch"), ("public", "Accepted", "watch"),
            ("hidden", "Accepted", "watch"), ("public", "Wrong Answer", "watch")]
        assert runs[-1].code == (SOL / "wrong/reversed_kl.py").read_text()


def test_the_deadline_submits_and_ends(engine: Engine, mini_bank: Bank, tmp_path: Path) -> None:
    q = mini_bank.questions["distillation-loss"]
    path = tmp_path / "solution.py"
    path.write_text((SOL / "reference.py").read_text())
    ticks: list[float] = []
    session = Session(engine, mini_bank, q, path, None, "interview")
    session.judge("public")  # warm: the clock below is for the loop, not the first start
    loop = Loop(session, deadline=time.monotonic() + 4.0, tick=ticks.append, final_keys="s")
    assert loop.next() == ("Accepted", "public")
    assert loop.next() == ("Accepted", "hidden")  # the clock ran out: the final submission
    loop.finish()
    assert ticks and all(0 < t < 4.0 for t in ticks)
    assert loop.returned[0] is not None and loop.returned[0].report is not None
    assert loop.returned[0].report.suite == "hidden"


@pytest.mark.parametrize("key", ["s"])
def test_a_final_key_submits_and_ends(engine: Engine, mini_bank: Bank, tmp_path: Path, key: str) -> None:
    q = mini_bank.questions["distillation-loss"]
    path = tmp_path / "solution.py"
    path.write_text((SOL / "wrong/missing_t_squared.py").read_text())
    loop = Loop(Session(engine, mini_bank, q, path, None, "interview"),
                deadline=time.monotonic() + 600, final_keys="sq")
    assert loop.next()[1] == "public"
    loop.events.put(Event("key", key))
    assert loop.next() == ("Wrong Answer", "hidden")
    loop.finish()


def test_screen_shows_the_first_failure_only(engine: Engine, mini_bank: Bank, tmp_path: Path) -> None:
    q = mini_bank.questions["distillation-loss"]
    path = tmp_path / "solution.py"
    path.write_text((SOL / "wrong/reversed_kl.py").read_text())
    outcome = Session(engine, mini_bank, q, path, None, "watch").judge("hidden")
    assert outcome.report is not None
    failing = [t for t in outcome.report.tests if t.status != "pass"]
    assert len(failing) >= 2
    text = screen(outcome, path, color=False)
    assert text.startswith("Wrong Answer  distillation-loss:")
    assert f"First failure: {failing[0].name}" in text
    assert text.count("First failure") == 1 and failing[1].message.splitlines()[0] not in text
    assert "\x1b[" not in text and "\x1b[" in screen(outcome, path, color=True)
    missing = screen(Outcome(None, "submission file x does not exist"), path, color=False)
    assert missing.startswith("Waiting  submission file x does not exist")
