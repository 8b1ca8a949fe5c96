"""The learner's commands: list, show, start, test, submit, answer, progress."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from judge.bank.loader import find_question
from judge.cli.common import SANDBOX, bank_of
from judge.model import DIFFICULTIES, KINDS


@click.command("list")
@click.option("--topic", help="Only this topic.")
@click.option("--difficulty", type=click.Choice(DIFFICULTIES), help="Only this difficulty.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_cmd(ctx: click.Context, topic: str | None, difficulty: str | None, kind: str | None,
             tag: str | None, as_json: bool) -> None:
    """List questions, optionally filtered."""
    bank = bank_of(ctx)
    rows = [q for q in bank if (not topic or q.topic == topic)
            and (not difficulty or q.difficulty == difficulty)
            and (not kind or q.kind == kind) and (not tag or tag in q.tags)]
    if as_json:
        click.echo(json.dumps([{"id": q.id, "title": q.title, "kind": q.kind, "topic": q.topic,
                                "difficulty": q.difficulty, "tags": list(q.tags)} for q in rows],
                              indent=2))
        return
    if not rows:
        click.echo("No question matches these filters.")
        return
    width = max(len(q.id) for q in rows)
    click.echo(f"{'ID':<{width}}  {'KIND':<7}  {'DIFF':<6}  {'TOPIC':<26}  TITLE")
    for q in rows:
        click.echo(f"{q.id:<{width}}  {q.kind:<7}  {q.difficulty:<6}  {q.topic:<26}  {q.title}")
    click.echo(f"\n{len(rows)} question(s)")


@click.command()
@click.argument("qid")
@click.option("--hints", default=0, type=click.IntRange(0), help="Reveal the first N hints.")
@click.option("--solution", is_flag=True, help="Also show the answer, explanation and reference.")
@click.pass_context
def show(ctx: click.Context, qid: str, hints: int, solution: bool) -> None:
    """Show a question in the terminal."""
    from judge.practice.render import render_question

    click.echo(render_question(find_question(bank_of(ctx), qid), hints=hints, solution=solution))


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
    click.echo(f"Wrote {path}\nNext: edit it, then `judge test {q.id} {path}` and "
               f"`judge submit {q.id} {path}`.")


def _judge(ctx: click.Context, qid: str, file: Path, suite: str, as_json: bool,
           sandbox: str) -> None:
    from judge.engine.sandbox import Engine

    q = find_question(bank_of(ctx), qid)
    with Engine(sandbox) as engine:  # starts the warm sandbox while we import torch below
        from judge.engine.results import render, to_document
        from judge.engine.runner import read_submission, run_suite
        from judge.practice import progress

        report = run_suite(engine, q, read_submission(file), suite)
    if as_json:
        click.echo(json.dumps(to_document(report), indent=2))
    else:
        click.echo(render(report, color=sys.stdout.isatty()))
    if suite == "hidden" and report.verdict != "Internal Error":
        progress.record(q.id, report.verdict, report.passed, len(report.tests))
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
@click.pass_context
def answer(ctx: click.Context, qid: str, letter: str) -> None:
    """Answer a concept question's multiple-choice form (exit 0 when right)."""
    from judge.bank.quiz import answer as check_answer

    result = check_answer(find_question(bank_of(ctx), qid), letter)
    if result.correct:
        click.echo(f"Correct: {result.letter}. {result.why}")
    else:
        click.echo(f"Not {result.letter}: {result.why}\nTry again, or see the answer with "
                   f"`judge show {qid} --solution`.")
    sys.exit(0 if result.correct else 1)


@click.command()
@click.pass_context
def progress(ctx: click.Context) -> None:
    """Show which coding tasks you have solved, per topic."""
    from judge.practice import progress as prog

    bank = bank_of(ctx)
    rows = prog.summary(bank, prog.load())
    click.echo(f"{'TOPIC':<28} SOLVED  TRIED  TASKS")
    for topic, solved, tried, total in rows:
        click.echo(f"{topic:<28} {solved:>6}  {tried:>5}  {total:>5}")
    click.echo(f"\n(progress file: {prog.progress_file()})")
