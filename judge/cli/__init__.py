"""The command line: parses arguments, calls the core, prints. Errors become ``Error: ...``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from judge.bank.loader import BANK_ENV, default_root
from judge.errors import JudgeError, ValidationError


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


@click.group(cls=JudgeGroup)
@click.option("--bank", "root", type=click.Path(file_okay=False, path_type=Path), envvar=BANK_ENV,
              help=f"Bank root holding questions/ and solutions/ (default: this checkout; "
                   f"env {BANK_ENV}).")
@click.version_option(package_name="metajudge")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Metajudge: practise and judge meta-learning interview questions locally."""
    ctx.ensure_object(dict)["root"] = root or default_root()


from judge.cli import (  # noqa: E402 - after the group exists
    assignments,
    authoring,
    doctor,
    grading,
    interview,
    loop,
    practice,
    runs,
    site,
    translation,
)

for _command in (practice.list_cmd, practice.show, practice.start, practice.test, practice.submit,
                 practice.answer, practice.progress, practice.history, loop.watch, loop.next_cmd,
                 loop.review, interview.interview, grading.grade, grading.gradescope,
                 assignments.assignment, assignments.export_student, runs.export, runs.report,
                 runs.similarity, authoring.check, authoring.new, site.site, doctor.doctor,
                 translation.translation):
    cli.add_command(_command)


def main() -> None:
    os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning")
    cli(prog_name="judge")
