"""``judge interview``: concept questions, then one coding task, against a visible countdown."""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
import time
from pathlib import Path

import click

from judge.cli.common import SANDBOX, bank_of
from judge.cli.loop import is_tty, review_one
from judge.cli.practice import LANG, store_of


@click.command()
@click.option("--minutes", default=45, show_default=True, type=click.IntRange(1, 240),
              help="Length of the interview.")
@click.option("--topic", help="Draw the questions from this topic.")
@click.option("--concepts", default=3, show_default=True, type=click.IntRange(0, 10),
              help="How many concept questions come before the coding task.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("ws"), show_default=True, help="Where the coding task's file is written.")
@click.option("--seed", type=int, help="Pick the same questions again.")
@SANDBOX
@LANG
@click.pass_context
def interview(ctx: click.Context, minutes: int, topic: str | None, concepts: int, directory: Path,
              seed: int | None, sandbox: str, lang: str) -> None:
    """A mock interview: concept questions, one coding task, a countdown and a summary."""
    from judge.engine.sandbox import Engine
    from judge.practice import interview as iv
    from judge.practice.progress import standings
    from judge.practice.render import words
    from judge.practice.review import Reviewer
    from judge.practice.session import Outcome, Session
    from judge.practice.watch import Event, cbreak, clear_screen, read_keys, run_loop, screen, watch_file

    bank = bank_of(ctx)
    store = store_of(ctx)
    plan = iv.make_plan(bank, standings(bank, store), minutes, topic, concepts, seed)
    tty = is_tty()
    click.echo(f"Mock interview, {minutes} minutes: {len(plan.concepts)} concept question(s), "
               f"then the coding task {plan.coding.id}.")
    started = time.monotonic()
    deadline = started + minutes * 60
    result = iv.Result(plan)
    reviewer = Reviewer(bank, store)
    for n, q in enumerate(plan.concepts, 1):
        left = deadline - time.monotonic()
        if left <= 0:
            result.concepts += [iv.ConceptResult(c.id, None) for c in plan.concepts[n - 1:]]
            break
        reviewed = review_one(q, reviewer, f"[{iv.clock(left)} left] Question {n} of "
                              f"{len(plan.concepts)}", "interview", lang)
        rating, typed = reviewed if reviewed is not None else (None, "")
        result.concepts.append(iv.ConceptResult(q.id, rating, typed))
    path = _task_file(directory, plan.coding.id, plan.coding.starter.read_text(encoding="utf-8"))
    result.file = str(path)
    if deadline - time.monotonic() > 0:
        click.echo(f"\n[{iv.clock(deadline - time.monotonic())} left] Coding task: "
                   f"{words(plan.coding, lang)[0].title}\nEdit {path}: every save runs the visible tests; "
                   f"s submits your final answer (so does the end of the clock).")
        events: queue.Queue[Event] = queue.Queue()
        stop = threading.Event()
        with Engine(sandbox) as engine:
            session = Session(engine, bank, plan.coding, path, store, "interview")

            def show(outcome: Outcome, suite: str) -> None:
                if tty:
                    clear_screen()
                keys = "[t] visible tests   [s] submit and finish"
                # on a terminal the ticking line below the screen shows the time left
                footer = keys if tty else f"time left {iv.clock(deadline - time.monotonic())}   {keys}"
                click.echo(screen(outcome, path, color=tty, footer=footer))

            def tick(left: float) -> None:
                if tty:
                    click.echo(f"\r\x1b[Ktime left {iv.clock(left)}   [t] visible tests   "
                               f"[s] submit and finish", nl=False)

            watch_file(path, events, stop)
            with cbreak(sys.stdin) if tty else contextlib.nullcontext():
                read_keys(events, sys.stdin, tty)
                try:
                    final = run_loop(session, events, show, deadline=deadline, tick=tick,
                                     final_keys="sq")
                except KeyboardInterrupt:
                    final = session.judge("hidden")
                finally:
                    stop.set()
            result.coding = final.report if final is not None else session.last_hidden
    result.used_s = min(time.monotonic() - started, minutes * 60.0)
    record = iv.summary(result)
    store.record_interview(record)
    click.echo(f"\nInterview summary: {record['headline']}")
    click.echo(f"  coding  {plan.coding.id}: {record['coding']['verdict']} "
               f"({record['coding']['passed']}/{record['coding']['total']} hidden tests)")
    for c in record["concepts"]:
        click.echo(f"  concept {c['qid']}: {c['rating_name']}")
    click.echo("Recorded in your history (`judge history`). Model answers: "
               "`judge show QID --solution`.")


def _task_file(directory: Path, qid: str, starter: str) -> Path:
    """A fresh file for this interview's task; an earlier one is never overwritten."""
    directory.mkdir(parents=True, exist_ok=True)
    base = f"interview_{qid.replace('-', '_')}"
    path = directory / f"{base}.py"
    n = 2
    while path.exists():
        path = directory / f"{base}_{n}.py"
        n += 1
    path.write_text(starter, encoding="utf-8")
    return path
