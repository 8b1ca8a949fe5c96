"""The learner's commands: list, show, start, test, submit, answer, progress, history."""

from __future__ import annotations

import difflib
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from judge.bank.loader import find_question
from judge.cli.common import SANDBOX, bank_of
from judge.errors import UsageError
from judge.model import DIFFICULTIES, KINDS

if TYPE_CHECKING:
    from judge.practice.store import Store


def store_of(ctx: click.Context) -> Store:
    """The history of the current bank (closed when the command ends)."""
    from judge.practice.store import open_store

    bank = bank_of(ctx)
    store = open_store(bank.root, set(bank.questions))
    ctx.call_on_close(store.close)
    return store


def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    from judge.bank.translation import default_lang, parse_lang

    return parse_lang(value) if value is not None else default_lang()


LANG = click.option("--lang", callback=_lang, metavar="en|zh",
                    help="Language of the question's words: en or zh (default: env "
                         "METAJUDGE_LANG, else en). Verdicts and messages stay in English.")


def local_time(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp[:16]


@click.command("list")
@click.option("--topic", help="Only this topic (any letter case).")
@click.option("--difficulty", type=click.Choice(DIFFICULTIES), help="Only this difficulty.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@LANG
@click.pass_context
def list_cmd(ctx: click.Context, topic: str | None, difficulty: str | None, kind: str | None,
             tag: str | None, as_json: bool, lang: str) -> None:
    """List questions, optionally filtered (titles in --lang)."""
    from judge.practice.render import words

    bank = bank_of(ctx)
    topics = sorted({q.topic for q in bank})
    if topic and topic.casefold() not in {t.casefold() for t in topics}:
        close = difflib.get_close_matches(topic.casefold(), topics, n=1)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        raise UsageError(f"no topic {topic!r} in this bank", f"{hint}Topics: {', '.join(topics)}.")
    rows = [q for q in bank if (not topic or q.topic.casefold() == topic.casefold())
            and (not difficulty or q.difficulty == difficulty)
            and (not kind or q.kind == kind) and (not tag or tag.casefold() in q.tags)]
    titles = {q.id: words(q, lang)[0].title for q in rows}
    if as_json:
        click.echo(json.dumps([{"id": q.id, "title": titles[q.id], "kind": q.kind, "topic": q.topic,
                                "difficulty": q.difficulty, "tags": list(q.tags)} for q in rows],
                              indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No question matches these filters.")
        return
    width = max(len(q.id) for q in rows)
    click.echo(f"{'ID':<{width}}  {'KIND':<7}  {'DIFF':<6}  {'TOPIC':<26}  TITLE")
    for q in rows:
        click.echo(f"{q.id:<{width}}  {q.kind:<7}  {q.difficulty:<6}  {q.topic:<26}  {titles[q.id]}")
    click.echo(f"\n{len(rows)} question(s)")


@click.command()
@click.argument("qid")
@click.option("--hints", default=0, type=click.IntRange(0), help="Reveal the first N hints.")
@click.option("--solution", is_flag=True, help="Also show the answer, explanation and reference.")
@LANG
@click.pass_context
def show(ctx: click.Context, qid: str, hints: int, solution: bool, lang: str) -> None:
    """Show a question (formatted on a terminal, plain text in a pipe), in --lang."""
    from judge.practice.render import question_blocks
    from judge.practice.render import show as as_text

    q = find_question(bank_of(ctx), qid)
    if hints and q.hints:
        store_of(ctx).record_hints(q.id, min(hints, len(q.hints)))
    click.echo(as_text(question_blocks(q, hints=hints, solution=solution, lang=lang)), nl=False)


@click.command()
@click.argument("qid")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Workspace folder.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def start(ctx: click.Context, qid: str, directory: Path, force: bool) -> None:
    """Write a task's starter code into your workspace."""
    from judge.practice.workspace import start as start_task

    q = find_question(bank_of(ctx), qid)
    path = start_task(q, directory, force=force)
    click.echo(f"Wrote {path}\nNext: edit it, then `judge watch {q.id} {path}` (re-judges on "
               f"every save), or `judge test {q.id} {path}` and `judge submit {q.id} {path}`.")


def _judge(ctx: click.Context, qid: str, file: Path, suite: str, as_json: bool,
           sandbox: str) -> None:
    from judge.engine.sandbox import Engine
    from judge.practice.session import check_submission_path

    check_submission_path(file)
    with Engine(sandbox) as engine:  # the warm sandbox starts while we load the bank and torch
        bank = bank_of(ctx, translations=False)
        q = find_question(bank, qid)
        from judge.engine.results import render, to_document
        from judge.engine.runner import read_submission, run_suite
        from judge.practice.session import record, single_thread

        source = read_submission(file)
        with single_thread():
            report = run_suite(engine, q, source, suite, filename=file.name)
    if as_json:
        click.echo(json.dumps(to_document(report), indent=2))
    else:
        click.echo(render(report, color=sys.stdout.isatty()))
    record(store_of(ctx), bank, report, source.decode("utf-8", "replace"), "cli")
    if report.verdict == "Internal Error":
        sys.exit(4)
    sys.exit(0 if report.accepted else 1)


@click.command()
@click.argument("qid")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results document as JSON.")
@SANDBOX
@click.pass_context
def test(ctx: click.Context, qid: str, file: Path, as_json: bool, sandbox: str) -> None:
    """Run the visible tests of QID against FILE."""
    _judge(ctx, qid, file, "public", as_json, sandbox)


@click.command()
@click.argument("qid")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results document as JSON.")
@SANDBOX
@click.pass_context
def submit(ctx: click.Context, qid: str, file: Path, as_json: bool, sandbox: str) -> None:
    """Judge FILE on the hidden tests of QID (exit 0 only when Accepted)."""
    _judge(ctx, qid, file, "hidden", as_json, sandbox)


@click.command()
@click.argument("qid")
@click.argument("letter")
@LANG
@click.pass_context
def answer(ctx: click.Context, qid: str, letter: str, lang: str) -> None:
    """Answer a concept question's multiple-choice form (exit 0 when right).

    The verdict is in English; the explanation in --lang.
    """
    from judge.bank.quiz import answer as check_answer
    from judge.practice.render import explanation

    q = find_question(bank_of(ctx), qid)
    result = check_answer(q, letter)
    store_of(ctx).record_answer(q.id, result.letter, result.correct, "cli")
    why = explanation(q, result.letter, lang) or result.why
    if result.correct:
        click.echo(f"Correct: {result.letter}. {why}")
    else:
        flag = f" --lang {lang}" if lang != "en" else ""
        click.echo(f"Not {result.letter}: {why}\nTry again, or see the answer with "
                   f"`judge show {q.id} --solution{flag}`.")
    sys.exit(0 if result.correct else 1)


@click.command()
@click.pass_context
def progress(ctx: click.Context) -> None:
    """Show what you have done, per topic and per track, coding and concept."""
    from judge.bank.tracks import load_tracks
    from judge.practice import progress as prog

    bank = bank_of(ctx)
    store = store_of(ctx)
    st = prog.standings(bank, store)
    click.echo(f"{'':<28} {'coding tasks':^21}  {'concept questions':^21}")
    click.echo(f"{'TOPIC':<28} {'SOLVED':>6} {'TRIED':>6} {'TOTAL':>6}  {'DONE':>6} {'TRIED':>6} "
               f"{'TOTAL':>6}")
    for r in prog.by_topic(bank, st):
        click.echo(f"{r.topic:<28} {r.code_done:>6} {r.code_tried:>6} {r.code_total:>6}  "
                   f"{r.concept_done:>6} {r.concept_tried:>6} {r.concept_total:>6}")
    tracks = load_tracks(bank)
    if tracks:
        click.echo(f"\n{'TRACK':<28} {'DONE':>6} {'STEPS':>6}  NEXT")
        for t in prog.by_track(tracks, st):
            click.echo(f"{t.track.id:<28} {t.done:>6} {len(t.track.questions):>6}  "
                       f"{t.next_qid or '(finished)'}")
    click.echo(f"\n(history: {store.path}; set METAJUDGE_HOME to keep it elsewhere)")


@click.command()
@click.argument("qid", required=False)
@click.option("--all", "show_all", is_flag=True, help="Every run, not only the last 15.")
@click.pass_context
def history(ctx: click.Context, qid: str | None, show_all: bool) -> None:
    """Show your attempts at QID and its last accepted code (no QID: recent activity)."""
    bank = bank_of(ctx)
    store = store_of(ctx)
    if qid is None:
        _recent(store, show_all)
        return
    q = find_question(bank, qid)
    click.echo(f"{q.id}: {q.title} ({q.kind})")
    runs = store.submissions(q.id)
    if runs:
        click.echo(f"\n{'WHEN':<16}  {'RUN':<6}  {'VERDICT':<22}  {'TESTS':>5}  FROM")
        for s in runs if show_all else runs[-15:]:
            kind = "submit" if s.suite == "hidden" else "test"
            click.echo(f"{local_time(s.at):<16}  {kind:<6}  {s.verdict:<22}  "
                       f"{f'{s.passed}/{s.total}':>5}  {s.origin}")
        if len(runs) > 15 and not show_all:
            click.echo(f"({len(runs) - 15} earlier runs: --all shows them)")
    for a in store.answers(q.id):
        click.echo(f"{local_time(a.at):<16}  answer  {a.letter} ({'right' if a.correct else 'wrong'})")
    for r in store.reviews(q.id):
        from judge.practice.progress import RATING_NAMES

        click.echo(f"{local_time(r.at):<16}  review  {RATING_NAMES[r.rating]} ({r.origin})")
    hints = store.hints(q.id)
    if hints:
        click.echo(f"Hints revealed: {', '.join(str(n) for n, _ in hints)} of {len(q.hints)}")
    if not (runs or hints or store.answers(q.id) or store.reviews(q.id)):
        click.echo("No attempts yet.")
    accepted = [s for s in runs if s.accepted and s.suite == "hidden" and s.code]
    if accepted:
        last = accepted[-1]
        click.echo(f"\nLast accepted code ({local_time(last.at)}):\n")
        click.echo(last.code.rstrip() if last.code else "")


def _recent(store: Store, show_all: bool) -> None:
    events = [(s.at, f"{'submit' if s.suite == 'hidden' else 'test':<6}  {s.qid}: {s.verdict} "
                      f"{s.passed}/{s.total} ({s.origin})") for s in store.submissions()]
    events += [(a.at, f"answer  {a.qid}: {a.letter} {'right' if a.correct else 'wrong'}")
               for a in store.answers()]
    events += [(r.at, f"review  {r.qid}: rating {r.rating} ({r.origin})") for r in store.reviews()]
    events += [(at, f"interview  {s.get('headline', '')}") for at, s in store.interviews()]
    events.sort()
    if not events:
        click.echo("No history yet for this bank. Start with `judge next`.")
        return
    for at, text in events if show_all else events[-20:]:
        click.echo(f"{local_time(at):<16}  {text}")
