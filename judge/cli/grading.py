"""The instructor's grading commands: grade and gradescope.

Every string a student controls (folder and file names, messages, output) is printed through
``judge.text.safe_line``; the run store and the JSON exports keep it intact.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import tempfile
from pathlib import Path

import click

from judge.bank.loader import find_question
from judge.cli.common import SANDBOX, bank_of
from judge.engine.pool import Outcome, default_workers
from judge.errors import UsageError
from judge.grading.assignment import Assignment, load_assignment, single_question
from judge.grading.backends import local_backend, ray_backend
from judge.grading.exports import gradebook, gradescope_results, number, to_json
from judge.grading.grade import Summary, grade_class, overrides_of
from judge.grading.layout import Found, Scan, scan, scan_student
from judge.grading.stats import headline
from judge.grading.store import RunStore
from judge.model import Bank
from judge.text import safe_line

LIST_LIMIT = 20  # refused, ignored and missing entries shown before "... and N more"
TABLE_LIMIT = 100  # students shown in the terminal's gradebook table


def load_target(bank: Bank, target: str, feedback: str | None) -> Assignment:
    """An assignment file, or a question id (a one-question assignment)."""
    path = Path(target)
    if path.suffix == ".toml" or path.is_file():
        assignment = load_assignment(path, bank)
        return dataclasses.replace(assignment, feedback=feedback) if feedback else assignment
    find_question(bank, target)
    return single_question(target, feedback or "minimal")


def run_slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "run"


def _listing(kind: str, items: list[str]) -> None:
    for text in items[:LIST_LIMIT]:
        click.echo(f"  {kind:<8} {safe_line(text)}")
    if len(items) > LIST_LIMIT:
        click.echo(f"  {kind:<8} ... and {len(items) - LIST_LIMIT} more")


def echo_scan(scan: Scan) -> None:
    """What the folder holds: students, files matched, refused, ignored, missing."""
    matched = len(scan.found)
    missing = sum(len(v) for v in scan.missing.values())
    click.echo(f"Found {len(scan.students)} student(s) in {safe_line(str(scan.root))} "
               f"({scan.layout} layout): {matched} file(s) matched ({len(scan.refused)} refused), "
               f"{missing} missing, {len(scan.ignored)} ignored")
    _listing("refused", [f"{f.path}: {f.error}" for f in scan.refused])
    _listing("missing", [f"{s}: {', '.join(q)}" for s, q in sorted(scan.missing.items())])
    _listing("ignored", [f"{p}: {r}" for p, r in scan.ignored])


def echo_headline(store: RunStore) -> None:
    """The report's headline figures, as text."""
    book = gradebook(store)
    head = headline(store, book, top=3)
    click.echo("")
    width = min(max([len(safe_line(s)) for s in book.students] + [7]), 30)
    ids = [q.id for q in book.questions]
    click.echo(f"{'student':<{width}}  " + "  ".join(f"{i[:14]:>14}" for i in ids) + "     total")
    for s in book.students[:TABLE_LIMIT]:
        name = safe_line(s)
        name = name if len(name) <= width else name[: width - 3] + "..."
        cells = [book.cell(s, q) for q in ids]
        text = "  ".join(f"{(number(c.score) if c.score is not None else '?'):>14}" for c in cells)
        mark = "" if book.complete(s) else " *"
        click.echo(f"{name:<{width}}  {text}  {number(book.total(s)):>8}{mark}")
    if len(book.students) > TABLE_LIMIT:
        click.echo(f"... and {len(book.students) - TABLE_LIMIT} more (every student: `judge export "
                   f"{store.dir} csv`)")
    click.echo("")
    click.echo(f"{head.students} student(s); mean {number(head.mean)}, median {number(head.median)} "
               f"of {number(head.max_points)} points")
    for q in head.questions:
        click.echo(f"  {q.id}: {q.accepted}/{head.students} accepted, mean "
                   f"{number(q.mean_score)}/{number(q.points)}")
    hard = [t for t in head.tests if t.failed][:3]
    if hard:
        click.echo("Most failed hidden tests: " + "; ".join(
            f"{t.question}::{t.name} {t.failed}/{t.ran}" for t in hard))
    if head.slowest:
        click.echo("Slowest: " + "; ".join(
            f"{safe_line(x.student)}/{x.question} {x.seconds:.1f} s" for x in head.slowest))
    if head.incomplete:
        click.echo(f"* {head.incomplete} student(s) have a file not judged yet (an interrupted "
                   "run, or a judge failure); run `judge grade` again to judge it.")


@click.command()
@click.argument("target")
@click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
@click.option("--run", "run_dir", type=click.Path(path_type=Path),
              help="Folder of the run store (default: runs/<assignment title>).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Warm engines judging at once (default: the number of cores).")
@click.option("--backend", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local processes, or Ray actors (needs the ray extra).")
@click.option("--ray-address", default=None,
              help="A Ray cluster to join (e.g. auto or ray://HOST:10001); default: a local Ray.")
@click.option("--force", is_flag=True,
              help="Re-judge every file, even unchanged ones (and overwrite --json).")
@click.option("--feedback", type=click.Choice(["minimal", "full"]), default=None,
              help="Messages students get (default: the assignment's, else minimal).")
@click.option("--layout", type=click.Choice(["auto", "per-student", "flat"]), default="auto",
              show_default=True, help="One folder per student, or a flat folder of .py files.")
@click.option("--json", "json_out", type=click.Path(path_type=Path),
              help="Also write the full JSON export to this file.")
@SANDBOX
@click.pass_context
def grade(ctx: click.Context, target: str, submissions: Path, run_dir: Path | None,
          jobs: int | None, backend: str, ray_address: str | None, force: bool,
          feedback: str | None, layout: str, json_out: Path | None, sandbox: str) -> None:
    """Grade a class: TARGET is an assignment file (or one question id), SUBMISSIONS the folder.

    Results go to a SQLite run store as they come; a re-run judges only new or changed files.
    """
    bank = bank_of(ctx, translations=False)  # verdicts and reports are in English
    assignment = load_target(bank, target, feedback)
    if json_out is not None and json_out.exists() and not force:
        raise UsageError(f"{json_out} exists", "Pass --force to overwrite it, or another path.")
    run_dir = run_dir or Path("runs") / run_slug(assignment.title)
    click.echo(f"Assignment: {assignment.title} ({len(assignment.questions)} question(s), "
               f"{assignment.max_points:g} points, feedback {assignment.feedback})")
    found = scan(submissions, assignment.ids, layout)
    echo_scan(found)
    workers = jobs or default_workers()
    overrides = overrides_of(assignment)
    if backend == "ray":
        judge = ray_backend(bank.root, jobs, sandbox, overrides, ray_address)
    else:
        judge = local_backend(bank, workers, sandbox, overrides)
    with RunStore(run_dir, create=True) as store:
        store.lock()
        bar = None

        def on_plan(plan: Summary) -> None:
            nonlocal bar
            n = plan.planned
            if plan.engine_changed:
                click.echo("The judge's engine changed since this run was last graded: every "
                           "stored result is judged again.")
            click.echo(f"To judge: {n} file(s) new or changed; "
                       f"{plan.reused} stored result(s) reused"
                       + (f" ({backend}, {jobs or 'all'} worker(s))" if backend == "ray"
                          else f" ({min(workers, max(n, 1))} warm engine(s))"))
            if n:
                bar = click.progressbar(length=n, label="Judging", show_eta=True, show_pos=True,
                                        file=sys.stderr)
                bar.__enter__()

        def on_result(found_file: Found, outcome: Outcome) -> None:
            if bar is not None:
                bar.update(1)

        try:
            summary = grade_class(bank, assignment, found, store, judge,
                                  feedback=assignment.feedback, force=force,
                                  on_plan=on_plan, on_result=on_result)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        if summary.absent:
            click.echo(f"{len(summary.absent)} student(s) in the run are not in this folder; "
                       f"their results are kept: "
                       f"{', '.join(safe_line(s) for s in summary.absent[:LIST_LIMIT])}")
        echo_headline(store)
        if json_out is not None:
            json_out.write_text(json.dumps(to_json(store, gradebook(store)), indent=2) + "\n",
                                encoding="utf-8")
            click.echo(f"Wrote {json_out}")
    click.echo(f"\nJudged {summary.judged} file(s) in {summary.seconds:.1f} s; run stored in "
               f"{run_dir / 'run.sqlite'}")
    if summary.interrupted:
        click.echo("Interrupted: every result judged so far is stored; run the same command "
                   "again to judge the rest.", err=True)
        sys.exit(130)
    click.echo(f"Next: judge export {run_dir} csv --out grades.csv; judge report {run_dir}")
    if summary.failed:
        click.echo(f"Error: the judge could not judge {summary.failed} file(s) (see the notes "
                   "in the export); run the same command again to retry them.", err=True)
        sys.exit(4)


@click.command()
@click.argument("assignment_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--submission", type=click.Path(file_okay=False, path_type=Path),
              default=Path("/autograder/submission"), show_default=True,
              help="The student's submission folder.")
@click.option("--results", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("/autograder/results/results.json"), show_default=True,
              help="Where Gradescope reads the results.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True)
@SANDBOX
@click.pass_context
def gradescope(ctx: click.Context, assignment_file: Path, submission: Path, results: Path,
               jobs: int, sandbox: str) -> None:
    """Grade one submission as a Gradescope autograder does; write results.json."""
    bank = bank_of(ctx, translations=False)
    assignment = load_assignment(assignment_file, bank)
    found = scan_student(submission, "submission", assignment.ids)
    echo_scan(found)
    judge = local_backend(bank, jobs, sandbox, overrides_of(assignment))
    with tempfile.TemporaryDirectory() as tmp, RunStore(Path(tmp), create=True) as store:
        grade_class(bank, assignment, found, store, judge, feedback=assignment.feedback)
        book = gradebook(store)
        doc = gradescope_results(store, book, "submission")
    if found.ignored:
        doc["output"] += "\nIgnored files: " + "; ".join(f"{p} ({r})" for p, r in found.ignored)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    click.echo(f"Score {doc['score']:g}; wrote {results}")
