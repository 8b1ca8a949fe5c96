"""The command line: parses arguments, calls the core, prints. Errors become ``Error: ...``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from judge.errors import JudgeError, ValidationError
from judge.loader import BANK_ENV, default_root, find_question, load_bank
from judge.model import DIFFICULTIES, KINDS, Bank

SANDBOX = click.option("--sandbox", type=click.Choice(["auto", "bwrap", "none"]), default="auto",
                       show_default=True, envvar="METAJUDGE_SANDBOX",
                       help="Isolation for the submission; 'none' keeps only resource limits.")


class JudgeGroup(click.Group):
    """Translates the project's exceptions into one line on stderr and a distinct exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            for problem in exc.problems:
                click.echo(problem.render(), err=True)
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except JudgeError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)


def _bank(ctx: click.Context) -> Bank:
    obj = ctx.ensure_object(dict)
    if "bank" not in obj:
        obj["bank"] = load_bank(obj.get("root"))
    return obj["bank"]


@click.group(cls=JudgeGroup)
@click.option("--bank", "root", type=click.Path(file_okay=False, path_type=Path), envvar=BANK_ENV,
              help=f"Bank root holding questions/ and solutions/ (default: this checkout; "
                   f"env {BANK_ENV}).")
@click.version_option(package_name="metajudge")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Metajudge: practise and judge meta-learning interview questions locally."""
    ctx.ensure_object(dict)["root"] = root or default_root()


@cli.command("list")
@click.option("--topic", help="Only this topic.")
@click.option("--difficulty", type=click.Choice(DIFFICULTIES), help="Only this difficulty.")
@click.option("--kind", type=click.Choice(KINDS), help="Only this kind.")
@click.option("--tag", help="Only questions with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_cmd(ctx: click.Context, topic: str | None, difficulty: str | None, kind: str | None,
             tag: str | None, as_json: bool) -> None:
    """List questions, optionally filtered."""
    bank = _bank(ctx)
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


@cli.command()
@click.argument("qid")
@click.option("--hints", default=0, type=click.IntRange(0), help="Reveal the first N hints.")
@click.option("--solution", is_flag=True, help="Also show the answer, explanation and reference.")
@click.pass_context
def show(ctx: click.Context, qid: str, hints: int, solution: bool) -> None:
    """Show a question in the terminal."""
    from judge.render import render_question

    click.echo(render_question(find_question(_bank(ctx), qid), hints=hints, solution=solution))


@cli.command()
@click.argument("qid")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Workspace folder.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def start(ctx: click.Context, qid: str, directory: Path, force: bool) -> None:
    """Write a task's starter code into your workspace."""
    from judge.workspace import start as start_task

    q = find_question(_bank(ctx), qid)
    path = start_task(q, directory, force=force)
    click.echo(f"Wrote {path}\nNext: edit it, then `judge test {q.id} {path}` and "
               f"`judge submit {q.id} {path}`.")


def _judge(ctx: click.Context, qid: str, file: Path, suite: str, as_json: bool,
           sandbox: str) -> None:
    from judge.sandbox import Engine

    q = find_question(_bank(ctx), qid)
    with Engine(sandbox) as engine:  # starts the warm sandbox while we import torch below
        from judge import progress
        from judge.results import render, to_document
        from judge.runner import read_submission, run_suite

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


@cli.command()
@click.argument("qid")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results document as JSON.")
@SANDBOX
@click.pass_context
def test(ctx: click.Context, qid: str, file: Path, as_json: bool, sandbox: str) -> None:
    """Run the visible tests of QID against FILE."""
    _judge(ctx, qid, file, "public", as_json, sandbox)


@cli.command()
@click.argument("qid")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the results document as JSON.")
@SANDBOX
@click.pass_context
def submit(ctx: click.Context, qid: str, file: Path, as_json: bool, sandbox: str) -> None:
    """Judge FILE on the hidden tests of QID (exit 0 only when Accepted)."""
    _judge(ctx, qid, file, "hidden", as_json, sandbox)


@cli.command()
@click.argument("qid")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(path_type=Path),
              help="Also write every results document to this JSON file.")
@SANDBOX
@click.pass_context
def grade(ctx: click.Context, qid: str, directory: Path, json_out: Path | None,
          sandbox: str) -> None:
    """Grade every .py file in DIRECTORY (a class's submissions) on QID's hidden tests."""
    from judge.sandbox import Engine

    q = find_question(_bank(ctx), qid)
    files = sorted(p for p in directory.glob("*.py") if p.is_file())
    if not files:
        raise click.UsageError(f"no .py files in {directory}")
    docs = []
    with Engine(sandbox) as engine:
        from judge.results import to_document
        from judge.runner import read_submission, run_suite

        width = max(len(p.name) for p in files)
        for path in files:
            report = run_suite(engine, q, read_submission(path), "hidden")
            doc = to_document(report)
            doc["file"] = str(path)
            docs.append(doc)
            click.echo(f"{path.name:<{width}}  {report.passed:>3}/{len(report.tests):<3} "
                       f"{report.verdict:<22} {report.seconds:6.2f} s")
    accepted = sum(d["verdict"] == "Accepted" for d in docs)
    click.echo(f"\n{accepted}/{len(docs)} accepted")
    if json_out:
        json_out.write_text(json.dumps(docs, indent=2), encoding="utf-8")
        click.echo(f"Wrote {json_out}")


@cli.command()
@click.argument("qids", nargs=-1)
@SANDBOX
@click.pass_context
def check(ctx: click.Context, qids: tuple[str, ...], sandbox: str) -> None:
    """Authoring check: validate, then references pass, starters and wrong variants fail."""
    from judge.sandbox import Engine

    bank = _bank(ctx)
    questions = [find_question(bank, q) for q in qids] if qids else list(bank)
    click.echo(f"Validated {len(bank)} questions in {bank.root}")
    with Engine(sandbox) as engine:
        from judge.checker import CheckResult, check_bank

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
    click.echo(f"All {len(results)} question(s) pass the check.")


@cli.command()
@click.argument("qid")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--topic", required=True, help="Topic folder, e.g. distillation.")
@click.option("--title", default="", help="Title (default: from the id).")
@click.option("--difficulty", type=click.Choice(DIFFICULTIES), default="medium",
              show_default=True)
@click.pass_context
def new(ctx: click.Context, qid: str, kind: str, topic: str, title: str, difficulty: str) -> None:
    """Scaffold a new question that already passes validation."""
    from judge.scaffold import new_question

    root: Path = ctx.obj["root"]
    for path in new_question(root, qid, kind, topic, title, difficulty):
        click.echo(f"created {path}")
    click.echo(f"Next: edit the files, then run `judge check {qid}`.")


@cli.command()
@click.argument("qid")
@click.argument("letter")
@click.pass_context
def answer(ctx: click.Context, qid: str, letter: str) -> None:
    """Answer a concept question's multiple-choice form (exit 0 when right)."""
    from judge.quiz import answer as check_answer

    result = check_answer(find_question(_bank(ctx), qid), letter)
    if result.correct:
        click.echo(f"Correct: {result.letter}. {result.why}")
    else:
        click.echo(f"Not {result.letter}: {result.why}\nTry again, or see the answer with "
                   f"`judge show {qid} --solution`.")
    sys.exit(0 if result.correct else 1)


@cli.command()
@click.pass_context
def progress(ctx: click.Context) -> None:
    """Show which coding tasks you have solved, per topic."""
    from judge import progress as prog

    bank = _bank(ctx)
    rows = prog.summary(bank, prog.load())
    click.echo(f"{'TOPIC':<28} SOLVED  TRIED  TASKS")
    for topic, solved, tried, total in rows:
        click.echo(f"{topic:<28} {solved:>6}  {tried:>5}  {total:>5}")
    click.echo(f"\n(progress file: {prog.progress_file()})")


@cli.group()
def site() -> None:
    """Build or serve the static site."""


@site.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("_site"),
              show_default=True, help="Output folder.")
@click.pass_context
def site_build(ctx: click.Context, out: Path) -> None:
    """Render the whole bank into a static site."""
    from judge.sitegen import build_site

    report = build_site(_bank(ctx), out)
    click.echo(f"Built {report.pages} pages into {out} in {report.seconds:.2f} s. "
               f"Open {out / 'index.html'}")


@site.command("serve")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("_site"), show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def site_serve(directory: Path, port: int) -> None:
    """Serve a built site on 127.0.0.1."""
    from judge.sitegen import serve

    if not (directory / "index.html").is_file():
        raise click.UsageError(f"{directory} has no index.html; run `judge site build` first")
    serve(directory, port=port)


def main() -> None:
    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning")
    cli(prog_name="judge")
