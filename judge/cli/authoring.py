"""The author's commands: check, new."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from judge.bank.checker import RUNS_PER_WORKER
from judge.bank.loader import find_question
from judge.bank.tracks import check_tracks
from judge.cli.common import SANDBOX, bank_of
from judge.cli.translation import STRICT, report_gaps
from judge.model import DIFFICULTIES, KINDS
from judge.text import safe

if TYPE_CHECKING:
    from judge.bank.checker import CheckResult


@click.command()
@click.argument("qids", nargs=-1)
@click.option("--mutants", is_flag=True,
              help="Also run the hidden tests on generated mutants of each reference; a survivor "
                   "must be killed by a test or listed in the task's mutants.yaml.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes, each with its own warm sandbox (default: the number of "
                   f"cores, one fewer for every {RUNS_PER_WORKER} runs short of that many).")
@SANDBOX
@STRICT
@click.pass_context
def check(ctx: click.Context, qids: tuple[str, ...], mutants: bool, jobs: int | None,
          sandbox: str, strict_translations: bool) -> None:
    """Authoring check: validate, then references pass, starters and wrong variants fail."""
    # One thread per process: parallelism comes from the workers (-j), and torch's OpenMP
    # threads spin-wait, which on a busy 2-core machine tripled the check's CPU time. Set
    # before torch is imported here or in a worker process (they inherit the environment).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from judge.bank import equivalents
    from judge.bank.checker import check_bank
    from judge.errors import ValidationError

    bank = bank_of(ctx)
    check_tracks(bank)  # tracks.yaml: validated like the questions (exit 3 with every problem)
    questions = [find_question(bank, q) for q in qids] if qids else list(bank)
    problems = equivalents.validate(questions, bank.root)
    if problems:
        raise ValidationError(problems)
    untranslated = report_gaps(questions)
    progress = _Progress(len(questions))
    started = time.monotonic()
    chosen: list[int] = []

    def start(runs: int, workers: int) -> None:
        chosen.append(workers)
        click.echo(f"Validated {len(bank)} questions in {bank.root}; checking {len(questions)} "
                   f"({runs} runs{' with mutants' if mutants else ''}) on {_workers(workers)}")

    warned: list[str] = []

    def report(res: CheckResult) -> None:
        progress.clear()
        if res.sandbox_warning and not warned:
            warned.append(res.sandbox_warning)
            click.echo(f"warning: {res.sandbox_warning}", err=True)
        progress.finished += 1
        status = "ok  " if res.ok else "FAIL"
        if res.kind == "concept":
            detail = "concept"
        else:
            detail = (f"wrong variants rejected {res.wrong_rejected}/{res.wrong_total}, "
                      f"{res.hidden_tests} hidden tests")
            if res.mutants is not None:
                detail += (f"; mutants {len(res.mutants)}: killed {res.count('killed')}, "
                           f"equivalent {res.count('equivalent')}, survived {res.count('survived')}")
        click.echo(f"{progress.counter()} {status} {res.question:<32} {detail}  ({res.seconds:.1f} s)")
        for problem in res.problems:
            click.echo(f"     - {safe(problem)}")

    results = check_bank(bank, questions, workers=jobs, sandbox=sandbox, mutants=mutants,
                         on_start=start, on_result=report, on_progress=progress.runs)
    progress.clear()
    elapsed = time.monotonic() - started
    if mutants:
        click.echo(mutant_table(results))
    failed = [r for r in results if not r.ok]
    note = f"in {elapsed:.1f} s on {_workers(chosen[0] if chosen else 1)}"
    if failed:
        click.echo(f"Error: {len(failed)} of {len(results)} question(s) failed the check {note}: "
                   f"{', '.join(sorted(r.question for r in failed))}", err=True)
        sys.exit(4 if any(r.judge_failed for r in failed) else 1)
    if strict_translations and untranslated:
        click.echo(f"Error: {untranslated} question(s) lack a current translation "
                   "(--strict-translations).", err=True)
        sys.exit(1)
    click.echo(f"All {len(results)} question(s) pass the check {note}.")


def _workers(n: int) -> str:
    return f"{n} worker{'s' if n != 1 else ''}"


class _Progress:
    """A counter of finished questions, and a transient line of judged runs on a terminal."""

    def __init__(self, total: int) -> None:
        self.total, self.finished = total, 0
        self.live = sys.stderr.isatty()
        self._shown = False
        self._last = 0.0

    def counter(self) -> str:
        width = len(str(self.total))
        return f"[{self.finished:>{width}}/{self.total}]"

    def runs(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.live or (now - self._last < 0.2 and done != total):
            return
        self._last = now
        click.echo(f"\r  judged {done}/{total} runs", nl=False, err=True)
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            click.echo("\r\x1b[K", nl=False, err=True)
            self._shown = False


def mutant_table(results: list[CheckResult]) -> str:
    """Per topic: tasks, mutants generated, killed, equivalent, survived (and a total row)."""
    rows: dict[str, list[int]] = {}
    for r in results:
        if r.mutants is None:
            continue
        row = rows.setdefault(r.topic, [0, 0, 0, 0, 0])
        counts = [1, len(r.mutants), r.count("killed"), r.count("equivalent"), r.count("survived")]
        rows[r.topic] = [a + b for a, b in zip(row, counts, strict=True)]
    total = [sum(col) for col in zip(*rows.values(), strict=True)] if rows else [0] * 5
    width = max([len(t) for t in rows] + [len("total")])
    head = ["tasks", "generated", "killed", "equivalent", "survived"]
    lines = [f"{'topic':<{width}}  " + "  ".join(f"{h:>10}" for h in head)]
    for topic in sorted(rows):
        lines.append(f"{topic:<{width}}  " + "  ".join(f"{v:>10}" for v in rows[topic]))
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{v:>10}" for v in total))
    return "\n".join(lines)


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
