"""Commands on a stored run: export, report, similarity."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from judge.errors import UsageError
from judge.grading.exports import FORMATS, gradebook, gradescope_results
from judge.grading.exports import export as export_run
from judge.grading.similarity import DEFAULT_THRESHOLD
from judge.grading.store import RunStore
from judge.text import safe, safe_line

RUN = click.argument("run_dir", metavar="RUN", type=click.Path(file_okay=False, path_type=Path))


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise UsageError(f"{path} exists", "Pass --force to overwrite it, or another path.")


@click.command()
@RUN
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS))
@click.option("--out", type=click.Path(path_type=Path),
              help="Output file (gradescope: a folder, one results.json per student); "
                   "default: print to stdout.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def export(run_dir: Path, fmt: str, out: Path | None, force: bool) -> None:
    """Export a stored run: gradebook csv, full json, junit XML, or gradescope results."""
    with RunStore(run_dir) as store:
        if fmt == "gradescope":
            if out is None:
                raise UsageError("gradescope export writes one results.json per student",
                                 "Pass --out FOLDER.")
            book = gradebook(store)
            for i, student in enumerate(book.students):
                folder = out / f"{i:04d}"
                target = folder / "results.json"
                _refuse_overwrite(target, force)
                folder.mkdir(parents=True, exist_ok=True)
                doc = gradescope_results(store, book, student)
                doc["extra_data"] = {"student": student}
                target.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            click.echo(f"Wrote {len(book.students)} results.json file(s) under {out}")
            return
        text = export_run(store, fmt)
    if out is None:
        stream = sys.stdout
        # a terminal gets escaped text (a student's name could hold escape sequences); a pipe or
        # a file gets the export intact
        stream.write(safe(text) if stream.isatty() else text)
        stream.flush()
        return
    _refuse_overwrite(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {out}", err=True)


@click.command()
@RUN
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file (default: RUN/report.html).")
@click.option("--no-similarity", is_flag=True, help="Leave out the similar-pairs section.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD, show_default=True,
              help="Similarity at which a pair is listed.")
def report(run_dir: Path, out: Path | None, no_similarity: bool, threshold: float) -> None:
    """Write a self-contained HTML report of a stored run (charts inline, works offline)."""
    from judge.grading.report import build_report

    with RunStore(run_dir) as store:
        info = build_report(store, out or run_dir / "report.html", similarity=not no_similarity,
                            threshold=threshold)
    click.echo(f"Wrote {info.path} ({info.students} students"
               + ("" if no_similarity else f", {info.pairs} similar pair(s)") + ")")


@click.command()
@RUN
@click.option("--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD, show_default=True,
              help="Similarity (0..1) at which a pair is listed.")
@click.option("--question", default=None, help="Only this question.")
@click.option("--json", "as_json", is_flag=True, help="Print the pairs as JSON.")
def similarity(run_dir: Path, threshold: float, question: str | None, as_json: bool) -> None:
    """List pairs of students whose submissions for a question are suspiciously alike."""
    from judge.grading.similarity import find_pairs

    with RunStore(run_dir) as store:
        pairs = find_pairs(store, threshold, question)
    if as_json:
        click.echo(json.dumps([{"question": p.question, "a": p.a, "b": p.b,
                                "similarity": round(p.similarity, 4), "share_a": round(p.share_a, 4),
                                "share_b": round(p.share_b, 4)} for p in pairs], indent=2))
        return
    if not pairs:
        click.echo(f"No pair at or above {threshold:.0%}.")
        return
    for p in pairs:
        click.echo(f"{p.similarity:6.0%}  {p.question:<28} {safe_line(p.a)}  <->  {safe_line(p.b)}")
    click.echo(f"\n{len(pairs)} pair(s); `judge report {run_dir}` shows them side by side.")
