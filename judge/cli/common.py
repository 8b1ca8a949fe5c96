"""What every command group shares: the bank of the current invocation and common options."""

from __future__ import annotations

import click

from judge.bank.loader import load_bank
from judge.model import Bank

SANDBOX = click.option("--sandbox", type=click.Choice(["auto", "bwrap", "none"]), default="auto",
                       show_default=True, envvar="METAJUDGE_SANDBOX",
                       help="Isolation for the submission; 'none' keeps only resource limits.")


def bank_of(ctx: click.Context, translations: bool = True) -> Bank:
    """The bank named by --bank (loaded and validated once per invocation).

    ``translations=False`` leaves out the Chinese files and the glossary check (about 0.9 s of a
    cold start with 158 questions): judging prints verdicts in English only.
    """
    obj = ctx.find_root().ensure_object(dict)
    if "bank" not in obj:
        obj["bank"] = load_bank(obj.get("root"), translations=translations)
    return obj["bank"]
