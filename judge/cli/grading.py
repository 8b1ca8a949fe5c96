"""The instructor's commands: grade."""

from __future__ import annotations

import json
from pathlib import Path

import click

from judge.bank.loader import find_question
from judge.cli.common import SANDBOX, bank_of


@click.command()
@click.argument("qid")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "json_out", type=click.Path(path_type=Path),
              help="Also write every results document to this JSON file.")
@SANDBOX
@click.pass_context
def grade(ctx: click.Context, qid: str, directory: Path, json_out: Path | None,
          sandbox: str) -> None:
    """Grade every .py file in DIRECTORY (a class's submissions) on QID's hidden tests."""
    from judge.engine.sandbox import Engine

    q = find_question(bank_of(ctx), qid)
    files = sorted(p for p in directory.glob("*.py") if p.is_file())
    if not files:
        raise click.UsageError(f"no .py files in {directory}")
    docs = []
    with Engine(sandbox) as engine:
        from judge.engine.results import to_document
        from judge.engine.runner import read_submission, run_suite

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
