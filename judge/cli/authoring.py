"""The author's commands: check, new."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from judge.bank.loader import find_question
from judge.bank.tracks import check_tracks
from judge.cli.common import SANDBOX, bank_of
from judge.cli.translation import STRICT, report_gaps
from judge.model import DIFFICULTIES, KINDS


@click.command()
@click.argument("qids", nargs=-1)
@SANDBOX
@STRICT
@click.pass_context
def check(ctx: click.Context, qids: tuple[str, ...], sandbox: str, strict_translations: bool
          ) -> None:
    """Authoring check: validate, then references pass, starters and wrong variants fail."""
    from judge.engine.sandbox import Engine

    bank = bank_of(ctx)
    check_tracks(bank)  # tracks.yaml: validated like the questions (exit 3 with every problem)
    questions = [find_question(bank, q) for q in qids] if qids else list(bank)
    click.echo(f"Validated {len(bank)} questions in {bank.root}")
    untranslated = report_gaps(questions)
    with Engine(sandbox) as engine:
        from judge.bank.checker import CheckResult, check_bank

        if engine.info.warning:
            click.echo(f"warning: {engine.info.warning}", err=True)

        def report(res: CheckResult) -> None:
            status = "ok " if res.ok else "FAIL"
            detail = (f"wrong variants rejected {res.wrong_rejected}/{res.wrong_total}, "
                      f"{res.hidden_tests} hidden tests" if res.kind != "concept" else "concept")
            click.echo(f"{status} {res.question:<40} {detail}  ({res.seconds:.1f} s)")
            for problem in res.problems:
                click.echo(f"     - {problem}")

        results = check_bank(engine, bank, questions, on_result=report)
    failed = [r for r in results if not r.ok]
    if failed:
        click.echo(f"Error: {len(failed)} of {len(results)} question(s) failed the check: "
                   f"{', '.join(r.question for r in failed)}", err=True)
        sys.exit(1)
    if strict_translations and untranslated:
        click.echo(f"Error: {untranslated} question(s) lack a current translation "
                   "(--strict-translations).", err=True)
        sys.exit(1)
    click.echo(f"All {len(results)} question(s) pass the check.")


@click.command()
@click.argument("qid")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--topic", required=True, help="Topic folder, e.g. distillation.")
@click.option("--title", default="", help="Title (default: from the id).")
@click.option("--difficulty", type=click.Choice(DIFFICULTIES), default="medium",
              show_default=True)
@click.pass_context
def new(ctx: click.Context, qid: str, kind: str, topic: str, title: str, difficulty: str) -> None:
    """Scaffold a new question that already passes validation."""
    from judge.bank.scaffold import new_question

    root: Path = ctx.obj["root"]
    for path in new_question(root, qid, kind, topic, title, difficulty):
        click.echo(f"created {path}")
    click.echo(f"Next: edit the files, then run `judge check {qid}`.")
