"""The translator's commands: ``judge translation status`` and ``judge translation stamp``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

import click

from judge.bank.loader import find_question
from judge.bank.translation import (
    STATES,
    TRANSLATION_LANGS,
    survey,
    translation_gaps,
    translation_path,
)
from judge.bank.translation import stamp as stamp_translation
from judge.cli.common import bank_of
from judge.errors import UsageError
from judge.model import Question

LANG = click.option("--lang", type=click.Choice(TRANSLATION_LANGS), default="zh",
                    show_default=True, help="The translation's language.")
STRICT = click.option("--strict-translations", is_flag=True,
                      envvar="METAJUDGE_STRICT_TRANSLATIONS",
                      help="Fail when a translation is missing, unstamped or stale "
                           "(env METAJUDGE_STRICT_TRANSLATIONS=1).")
_MEANING = {
    "current": "stamped against the English file as it is",
    "unstamped": "passes the checks; a reviewer has not stamped it yet",
    "stale": "the English file changed after the stamp; review the change, then stamp",
    "missing": "no translation yet",
    "invalid": "fails the parity or glossary check",
}


@click.group()
def translation() -> None:
    """Translations (question.zh.md): where they stand, and stamping a reviewed one."""


@translation.command()
@LANG
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per question.")
@click.option("--verbose", "-v", is_flag=True, help="List every question with its state.")
@click.pass_context
def status(ctx: click.Context, lang: str, as_json: bool, verbose: bool) -> None:
    """Per topic: current, unstamped, stale, missing and invalid translations, with the fixes."""
    states = survey(ctx.find_root().obj["root"], lang)
    if as_json:
        click.echo(json.dumps([{"id": s.question, "topic": s.topic, "lang": s.lang,
                                "state": s.state, "path": s.path,
                                "problems": [p.render() for p in s.problems]} for s in states],
                              indent=2, ensure_ascii=False))
        return
    topics: dict[str, Counter[str]] = {}
    for s in states:
        topics.setdefault(s.topic, Counter())[s.state] += 1
    width = max([len("TOPIC"), *(len(t) for t in topics)])
    click.echo(f"{'TOPIC':<{width}}  " + "  ".join(f"{h.upper():>9}" for h in STATES))
    for topic, counts in sorted(topics.items()):
        click.echo(f"{topic:<{width}}  " + "  ".join(f"{counts[h]:>9}" for h in STATES))
    total = Counter(s.state for s in states)
    click.echo(f"{'all':<{width}}  " + "  ".join(f"{total[h]:>9}" for h in STATES))
    for s in states:
        if verbose or s.state in ("stale", "invalid"):
            click.echo(f"\n{s.state:<9} {s.question}  ({s.path}): {_MEANING[s.state]}")
        for p in s.problems:
            click.echo(f"  {p.render()}")
    done = total["current"]
    click.echo(f"\n{done} of {len(states)} question(s) have a current {lang} translation.")


@translation.command()
@click.argument("qids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Stamp every translation that loads.")
@LANG
@click.pass_context
def stamp(ctx: click.Context, qids: tuple[str, ...], all_: bool, lang: str) -> None:
    """Record, after review, that a translation follows the current English file.

    Writes `source_sha` into the translation's front matter and changes nothing else.
    A translation must pass the parity and glossary checks to be stamped.
    """
    if bool(qids) == all_:
        raise UsageError("name the questions to stamp, or pass --all (not both)",
                         "E.g. `judge translation stamp distillation-loss`.")
    bank = bank_of(ctx)
    if all_:
        questions = [q for q in bank if lang in q.translations]
    else:
        questions = [find_question(bank, qid) for qid in qids]
        lacking = [q for q in questions if lang not in q.translations]
        if lacking:
            raise UsageError(
                f"no {lang} translation for {', '.join(q.id for q in lacking)}",
                f"Write {translation_path(lacking[0], lang).relative_to(bank.root)} first "
                "(docs/authoring.md, 'Translations'); nothing was stamped.")
    changed = 0
    for q in questions:
        old, new = stamp_translation(q, lang)
        where = translation_path(q, lang).relative_to(bank.root)
        if old == new:
            click.echo(f"up to date  {where}  ({new})")
        else:
            changed += 1
            click.echo(f"stamped     {where}  ({old or 'unstamped'} -> {new})")
    click.echo(f"{changed} translation(s) stamped, {len(questions) - changed} already current.")


def report_gaps(questions: Iterable[Question], lang: str = "zh") -> int:
    """For ``judge check``: one warning line per kind of gap; the number of questions with one."""
    gaps = translation_gaps(questions, lang)
    count = 0
    for state, ids in gaps.items():
        if not ids:
            continue
        count += len(ids)
        shown = ", ".join(ids[:12]) + (f" and {len(ids) - 12} more" if len(ids) > 12 else "")
        what = (f"have no {lang} translation" if state == "missing" else
                f"have {'an' if state[0] in 'aeiou' else 'a'} {state} {lang} translation "
                f"({_MEANING[state]})")
        click.echo(f"warning: {len(ids)} question(s) {what}: {shown}", err=True)
    if count:
        click.echo("warning: `judge translation status` lists them per topic; "
                   "--strict-translations makes them fail the check.", err=True)
    return count
