"""The learner's loop: watch (judge on save), next (what to do), review (spaced repetition)."""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from judge.bank.loader import find_question
from judge.cli.common import SANDBOX, bank_of
from judge.cli.practice import LANG, store_of
from judge.errors import UsageError
from judge.model import Question

if TYPE_CHECKING:
    from judge.practice.review import Reviewer


def is_tty() -> bool:
    from judge.practice.render import is_terminal

    return is_terminal(sys.stdout) and is_terminal(sys.stdin)


def coding_question(ctx: click.Context, qid: str) -> Question:
    q = find_question(bank_of(ctx, translations=False), qid)
    if not q.is_code:
        raise UsageError(f"{q.id} is a concept question: there is no code to judge",
                         f"Read it with `judge show {q.id}`, or review it with `judge review {q.id}`.")
    return q


@click.command()
@click.argument("qid")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--hidden", is_flag=True, help="Run the hidden tests on every save (each is a submission).")
@SANDBOX
@click.pass_context
def watch(ctx: click.Context, qid: str, file: Path, hidden: bool, sandbox: str) -> None:
    """Re-judge FILE on every save on one warm sandbox: h runs the hidden tests, q quits."""
    from judge.engine.sandbox import Engine
    from judge.practice.session import Outcome, Session, check_submission_path
    from judge.practice.watch import (
        KEYS_HELP,
        Event,
        cbreak,
        clear_screen,
        read_keys,
        run_loop,
        screen,
        watch_file,
    )

    bank = bank_of(ctx, translations=False)
    q = coding_question(ctx, qid)
    check_submission_path(file)
    if not file.parent.is_dir():
        raise UsageError(f"folder {file.parent} does not exist",
                         f"Create the file first, e.g. `judge start {q.id} --dir {file.parent}`.")
    tty = is_tty()
    store = store_of(ctx)
    events: queue.Queue[Event] = queue.Queue()
    stop = threading.Event()
    click.echo(f"Starting the sandbox for {q.id} ...")
    with Engine(sandbox) as engine:
        session = Session(engine, bank, q, file, store, "watch")

        def show(outcome: Outcome, suite: str) -> None:
            if tty:
                clear_screen()
            footer = KEYS_HELP if tty else "(type h and Enter for the hidden tests, q to quit)"
            click.echo(screen(outcome, file, color=tty, footer=footer))

        watch_file(file, events, stop)
        with cbreak(sys.stdin) if tty else contextlib.nullcontext():
            read_keys(events, sys.stdin, tty)
            try:
                run_loop(session, events, show, hidden_on_save=hidden)
            except KeyboardInterrupt:
                pass
            finally:
                stop.set()
    click.echo(f"Stopped watching {file} after {session.runs} run(s).")


@click.command("next")
@click.option("--track", "track_id", help="Follow this track from now on (see `judge progress`).")
@LANG
@click.pass_context
def next_cmd(ctx: click.Context, track_id: str | None, lang: str) -> None:
    """Propose what to do next: your track's next step, due reviews, your weakest topic."""
    from judge.bank.tracks import find_track, load_tracks
    from judge.practice.progress import suggest
    from judge.practice.render import words

    bank = bank_of(ctx)
    tracks = load_tracks(bank)
    store = store_of(ctx)
    chosen = track_id or store.setting("track")
    track = None
    if chosen:
        try:
            track = find_track(tracks, chosen)
        except UsageError:
            if track_id:
                raise
    if track_id and track is not None:
        store.set_setting("track", track.id)
    s = suggest(bank, tracks, store, track)
    if s.track is not None:
        total = len(s.track.questions)
        if s.qid is not None and s.step is not None:
            q = bank.questions[s.qid]
            click.echo(f"Next: {q.id}  (track {s.track.id}, step {s.step + 1} of {total})")
            click.echo(f"  {words(q, lang)[0].title}  [{q.kind}, {q.difficulty}, {q.topic}]")
            click.echo(f"  {_how_to(q, lang)}")
        else:
            click.echo(f"Track {s.track.id}: all {total} steps done.")
        others = [t.id for t in tracks if t.id != s.track.id]
        if others:
            click.echo(f"  (other tracks: {', '.join(others)}; switch with --track ID)")
    if s.due:
        code = sum(d.is_code for d in s.due)
        click.echo(f"\nDue for review: {len(s.due) - code} concept question(s), {code} coding "
                   f"task(s)  ->  judge review")
    if s.weakest_topic is not None:
        tail = f": try {s.weakest_qid}" if s.weakest_qid else ""
        click.echo(f"\nWeakest topic: {s.weakest_topic} ({s.weakest_done} of {s.weakest_total} "
                   f"done){tail}")
    elif s.track is None:
        click.echo("Everything in this bank is done. `judge review` keeps it fresh.")


def _how_to(q: Question, lang: str = "en") -> str:
    flag = f" --lang {lang}" if lang != "en" else ""
    if q.is_code:
        return (f"judge show {q.id}{flag}   then   judge start {q.id} --dir ws   and   "
                f"judge watch {q.id} ws/{q.id.replace('-', '_')}.py")
    if q.choices:
        return (f"judge show {q.id}{flag}   then   judge answer {q.id} LETTER{flag}   or   "
                f"judge review {q.id}{flag}")
    return f"judge review {q.id}{flag}   (recall the answer, then rate yourself)"


@click.command()
@click.argument("qid", required=False)
@click.option("--new", "new", default=3, show_default=True, type=click.IntRange(0),
              help="Concept questions never reviewed to add after the due ones.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1),
              help="At most this many questions in one session.")
@LANG
@click.pass_context
def review(ctx: click.Context, qid: str | None, new: int, limit: int, lang: str) -> None:
    """Review concept questions when they are due (FSRS spaced repetition); q stops."""
    from judge.bank.tracks import load_tracks
    from judge.practice.review import Reviewer, describe_interval

    bank = bank_of(ctx)
    store = store_of(ctx)
    reviewer = Reviewer(bank, store)
    due = reviewer.due()
    coding_due = [d for d in due if d.is_code]
    if qid is not None:
        q = find_question(bank, qid)
        if q.is_code:
            raise UsageError(f"{q.id} is a coding task: its review is your next `judge submit`",
                             f"Solve it again from scratch: `judge start {q.id} --dir ws/again`.")
        queue_ids = [q.id]
    else:
        tracks = load_tracks(bank)
        chosen = store.setting("track")
        track = next((t for t in tracks if t.id == chosen), tracks[0] if tracks else None)
        order = list(track.questions) if track else []
        queue_ids = [d.qid for d in due if not d.is_code]
        queue_ids += reviewer.new_concepts(new, order)
        queue_ids = queue_ids[:limit]
    done = 0
    for n, item in enumerate(queue_ids, 1):
        reviewed = review_one(bank.questions[item], reviewer, f"Review {n} of {len(queue_ids)}",
                              "review", lang)
        if reviewed is None:
            break
        done += 1
    if coding_due:
        click.echo("\nCoding tasks due again (solve from scratch; your next `judge submit` is the "
                   "review):")
        for d in coding_due:
            click.echo(f"  {d.qid}:  judge start {d.qid} --dir ws/again")
    nxt = reviewer.next_due()
    if not queue_ids and not coding_due:
        click.echo("Nothing is due for review." + (f" Next review {describe_interval(nxt)}."
                                                  if nxt else " Rate a question with `judge review QID`."))
    elif queue_ids:
        click.echo(f"\nReviewed {done} question(s)." + (f" Next review {describe_interval(nxt)}."
                                                         if nxt else ""))


def ask(text: str, default: str, choices: list[str] | None = None) -> str | None:
    """A prompt that returns None at the end of input or on Ctrl-C instead of aborting."""
    try:
        answer: str = click.prompt(text, default=default, show_default=bool(default),
                                   type=click.Choice(choices) if choices else None,
                                   show_choices=False)
    except click.exceptions.Abort:
        click.echo()
        return None
    return answer


def review_one(q: Question, reviewer: Reviewer, heading: str, origin: str,
               lang: str = "en") -> tuple[int, str] | None:
    """Show, reveal, rate one concept question (its words in ``lang``; prompts in English).

    Returns the rating and what the learner typed as the answer, or None when they quit.
    """
    from judge.bank.quiz import answer as check_answer
    from judge.practice.render import Block, answer_blocks, explanation, label, prompt_blocks, show
    from judge.practice.review import describe_interval

    click.echo(f"\n{heading}: {q.id}")
    click.echo(show(prompt_blocks(q, lang)), nl=False)
    rating: int | None = None
    if q.choices:
        letters = "".join(chr(65 + i) for i in range(len(q.choices)))
        got = ask(f"Your answer ({', '.join(letters)}; Enter if you do not know; q stops)", default="")
        if got is None or got.strip().lower() == "q":
            return None
        pick = typed = got.strip().upper()
        if len(pick) == 1 and pick in letters:
            result = check_answer(q, pick)
            reviewer.store.record_answer(q.id, result.letter, result.correct, origin)
            click.echo(("Right: " if result.correct else f"Not {pick} (the answer is "
                        f"{result.right_letter}): ") + (explanation(q, pick, lang) or result.why))
            rating = 3 if result.correct else 1
        else:
            rating = 1
    else:
        key = ask("Recall your answer (or type it), then press Enter to see the model answer "
                  "(q stops)", default="")
        if key is None or key.strip().lower() == "q":
            return None
        typed = key.strip()
    click.echo(show(answer_blocks(q, ("Answer", "Key points"), lang)
                    or [Block("note", label("no_answer", lang))]), nl=False)
    if rating is None:
        choice = ask("How well did you recall it? 1 Again, 2 Hard, 3 Good, 4 Easy (q stops)",
                     default="3", choices=["1", "2", "3", "4", "q"])
        if choice is None or choice == "q":
            return None
        rating = int(choice)
    due = reviewer.rate(q.id, rating, origin)
    click.echo(f"Next review of {q.id} {describe_interval(due)}.")
    return rating, typed
