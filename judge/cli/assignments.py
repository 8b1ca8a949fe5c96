"""Commands that prepare an assignment: assignment new/check, export-student."""

from __future__ import annotations

from pathlib import Path

import click

from judge.cli.common import bank_of
from judge.errors import UsageError
from judge.grading.assignment import load_assignment, new_assignment_text


@click.group()
def assignment() -> None:
    """Create or check an assignment file (the questions, points and scoring of a class)."""


@assignment.command("new")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--question", "-q", "questions", multiple=True,
              help="A question id (repeat for several; default: the bank's first coding question).")
@click.option("--title", default="Assignment 1", show_default=True)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.pass_context
def assignment_new(ctx: click.Context, path: Path, questions: tuple[str, ...], title: str,
                   force: bool) -> None:
    """Write an assignment file that validates, every optional field shown."""
    if path.exists() and not force:
        raise UsageError(f"{path} exists", "Pass --force to overwrite it, or another path.")
    bank = bank_of(ctx)
    text = new_assignment_text(bank, list(questions), title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    made = load_assignment(path, bank)
    click.echo(f"created {path} ({len(made.questions)} question(s)). Next: edit it, then "
               f"`judge export-student {path} --out pack`.")


@assignment.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def assignment_check(ctx: click.Context, path: Path) -> None:
    """Validate an assignment file against the bank."""
    made = load_assignment(path, bank_of(ctx))
    click.echo(f"{path}: {made.title}: {len(made.questions)} question(s), "
               f"{made.max_points:g} points, feedback {made.feedback}")
    for q in made.questions:
        limits = ", ".join(f"{k}={v:g}" for k, v in q.limits.items())
        click.echo(f"  {q.id:<32} {q.points:>6g} points  {q.scoring}"
                   + (f"  limits: {limits}" if limits else ""))


@click.command("export-student")
@click.argument("assignment_file", metavar="ASSIGNMENT", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The pack's folder (new or empty; --force replaces an earlier pack).")
@click.option("--no-html", is_flag=True, help="Leave out the HTML pages (they need Node.js).")
@click.option("--force", is_flag=True, help="Replace a pack this command wrote before.")
@click.pass_context
def export_student(ctx: click.Context, assignment_file: Path, out: Path, no_html: bool,
                   force: bool) -> None:
    """Write the student pack: statements, starters, visible tests, how to test locally."""
    from judge.grading.pack import export_pack

    bank = bank_of(ctx)
    made = load_assignment(assignment_file, bank)
    pack = export_pack(bank, made, out, html=not no_html, force=force)
    click.echo(f"Wrote the student pack of {made.title!r} to {out} ({len(pack.files)} files"
               f"{', with HTML pages' if pack.html else ''}). No hidden test, reference or wrong "
               "variant is in it.")
